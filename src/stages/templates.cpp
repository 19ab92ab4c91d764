#include "triage/templates.hpp"

#include <algorithm>

namespace triage {
inline namespace v1 {

const std::vector<std::string_view>& template_placeholders() noexcept {
  static const std::vector<std::string_view> names = {
      "request_id",     "ticket.id",          "customer.name",  "product",  "module",
      "order_id",       "error_message",      "version",        "os",       "problem_type",
      "request_kind",   "scenario",           "demand",         "urgency",  "primary",
      "assisting",      "first_response_due", "resolution_due", "plan_due", "questions",
      "cause",          "immediate",          "long_term",      "agent",    "related_channel",
      "related_ticket", "repeat_count"};
  return names;
}

Result<Template> Template::parse(std::string_view text,
                                 const std::function<bool(std::string_view)>& known,
                                 std::string_view where) {
  Template t;
  int depth = 0;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) t.pieces_.push_back({Piece::Kind::text, std::move(literal), {}});
    literal.clear();
  };
  auto fail = [&](std::size_t at, const std::string& what) {
    return make_error(Errc::pack_invalid, std::string(where),
                      what + " at character " + std::to_string(at + 1));
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{') {
      const auto close = text.find('}', i);
      if (close == std::string_view::npos) return fail(i, "unclosed {");
      std::string_view inner = text.substr(i + 1, close - i - 1);
      std::optional<std::string> fallback;
      if (auto bar = inner.find('|'); bar != std::string_view::npos) {
        fallback = std::string(inner.substr(bar + 1));
        inner = inner.substr(0, bar);
      }
      if (inner.empty() || !known(inner)) {
        return fail(i, "unknown placeholder {" + std::string(inner) + "}");
      }
      flush();
      t.pieces_.push_back({Piece::Kind::value, std::string(inner), std::move(fallback)});
      i = close;
    } else if (c == '}') {
      return fail(i, "} without {");
    } else if (c == '[') {
      flush();
      ++depth;
      t.pieces_.push_back({Piece::Kind::clause_begin, "", {}});
    } else if (c == ']') {
      if (depth == 0) return fail(i, "] without [");
      flush();
      --depth;
      t.pieces_.push_back({Piece::Kind::clause_end, "", {}});
    } else {
      literal += c;
    }
  }
  if (depth != 0) return fail(text.size() - 1, "unclosed [");
  flush();
  return t;
}

std::string Template::render(
    const std::function<std::optional<std::string>(std::string_view)>& lookup) const {
  // One text written in order; each open clause remembers where it began and whether it lost a
  // value, and a clause that lost one is cut off when it closes.
  struct Clause {
    std::size_t begin;
    bool complete;
  };
  std::string out;
  std::vector<Clause> open;
  bool complete = true;  // of the innermost clause (the text itself when none is open)
  for (const auto& p : pieces_) {
    switch (p.kind) {
      case Piece::Kind::text:
        out += p.text;
        break;
      case Piece::Kind::value: {
        auto v = lookup(p.text);
        if (v && !v->empty())
          out += *v;
        else if (p.fallback)
          out += *p.fallback;
        else
          complete = false;
        break;
      }
      case Piece::Kind::clause_begin:
        open.push_back({out.size(), complete});
        complete = true;
        break;
      case Piece::Kind::clause_end: {
        const Clause c = open.back();
        open.pop_back();
        if (!complete) out.resize(c.begin);
        complete = c.complete;
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> Template::placeholders() const {
  std::vector<std::string> out;
  for (const auto& p : pieces_) {
    if (p.kind == Piece::Kind::value) out.push_back(p.text);
  }
  return out;
}

}  // namespace v1
}  // namespace triage
