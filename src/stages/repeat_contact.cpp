#include "stages/repeat_contact.hpp"

#include <algorithm>
#include <cmath>

#include "base/json_util.hpp"
#include "triage/fold.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

namespace {
// Folded text with, for each of its bytes, the byte of the original it came from: folding maps
// one code point to one code point, so spans found in the folded text map back exactly.
struct FoldedText {
  std::string text;
  std::vector<std::uint32_t> source;  // size text.size() + 1
};

FoldedText fold_with_offsets(std::string_view original) {
  FoldedText f;
  f.text.reserve(original.size());
  f.source.reserve(original.size() + 1);
  for (std::size_t i = 0; i < original.size();) {
    char32_t cp;
    const std::size_t n = decode_utf8(original, i, cp);
    const std::size_t before = f.text.size();
    append_utf8(f.text, fold(cp));
    f.source.insert(f.source.end(), f.text.size() - before, static_cast<std::uint32_t>(i));
    i += n;
  }
  f.source.push_back(static_cast<std::uint32_t>(original.size()));
  return f;
}

Result<std::vector<std::shared_ptr<const LazyRegex>>> compile_list(
    const std::vector<std::string>& list, const std::string& where, int groups,
    const PackLimits& limits, bool checked) {
  std::vector<std::shared_ptr<const LazyRegex>> out;
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (checked) {
      out.push_back(std::make_shared<const LazyRegex>(list[i], o));
      continue;
    }
    const std::string at = child(where, i);
    auto re = std::make_unique<RE2>(list[i], o);
    if (!re->ok()) {
      return make_error(Errc::pack_bad_regex, at,
                        "regular expression does not compile: " + re->error());
    }
    if (static_cast<std::size_t>(re->ProgramSize()) > limits.max_regex_program) {
      return make_error(Errc::pack_limit, at,
                        "regular expression too large (" + std::to_string(re->ProgramSize()) +
                            " instructions; limit " + std::to_string(limits.max_regex_program) +
                            ")");
    }
    if (re->NumberOfCapturingGroups() < groups) {
      return make_error(Errc::pack_invalid, at,
                        "needs " + std::to_string(groups) + " capturing group" +
                            (groups > 1 ? "s" : "") + " (see README \"Repeat contacts\")");
    }
    out.push_back(std::make_shared<const LazyRegex>(std::move(re)));
  }
  return out;
}

int chinese_digit(char32_t c) {
  switch (c) {
    case U'零':
    case U'〇':
      return 0;
    case U'一':
      return 1;
    case U'二':
    case U'两':
      return 2;
    case U'三':
      return 3;
    case U'四':
      return 4;
    case U'五':
      return 5;
    case U'六':
      return 6;
    case U'七':
      return 7;
    case U'八':
      return 8;
    case U'九':
      return 9;
    default:
      return -1;
  }
}

// 十二 → 12, 二十 → 20, 一百零五 → 105; anything else is not a Chinese numeral.
std::optional<double> chinese_number(std::string_view s) {
  double total = 0, digit = -1;
  bool any = false;
  for (std::size_t i = 0; i < s.size();) {
    char32_t c;
    i += decode_utf8(s, i, c);
    any = true;
    if (const int d = chinese_digit(c); d >= 0) {
      digit = d;
      continue;
    }
    const double unit = c == U'十' ? 10 : c == U'百' ? 100 : c == U'千' ? 1000 : 0;
    if (unit == 0) return std::nullopt;
    total += (digit < 0 ? 1 : digit) * unit;
    digit = -1;
  }
  if (!any) return std::nullopt;
  return total + (digit < 0 ? 0 : digit);
}
}  // namespace

std::optional<double> parse_count(std::string_view s,
                                  const std::map<std::string, double, std::less<>>& words) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (s.size() > 6) return std::nullopt;  // not a count of contacts
    return std::stod(std::string(s));
  }
  if (auto it = words.find(s); it != words.end()) return it->second;
  return chinese_number(s);
}

Result<RepeatContactFinder> RepeatContactFinder::compile(const RepeatContactSpec& spec,
                                                         const PackLimits& limits, bool checked) {
  RepeatContactFinder f;
  TRIAGE_TRY(f.patterns_,
             compile_list(spec.patterns, spec.where + "/patterns", 0, limits, checked));
  TRIAGE_TRY(f.count_, compile_list(spec.count, spec.where + "/count", 1, limits, checked));
  TRIAGE_TRY(f.since_, compile_list(spec.since, spec.where + "/since", 2, limits, checked));
  f.numbers_ = spec.numbers;
  f.units_ = spec.units;
  return f;
}

bool RepeatContactFinder::occurs(const Ticket& ticket, std::string& scratch,
                                 gsl::span<const std::uint8_t> possible) const {
  if (!possible.empty() &&
      std::none_of(possible.begin(), possible.end(), [](std::uint8_t p) { return p != 0; })) {
    return false;  // the scan found none of the literals any pattern needs
  }
  const std::string_view fields[] = {
      ticket.subject ? std::string_view(*ticket.subject) : "", ticket.text,
      ticket.error_message ? std::string_view(*ticket.error_message) : ""};
  for (const std::string_view original : fields) {
    if (original.empty()) continue;
    scratch.clear();
    for (std::size_t i = 0; i < original.size();) {
      char32_t cp;
      i += decode_utf8(original, i, cp);
      append_utf8(scratch, fold(cp));
    }
    // As find(): only a non-empty match counts; an empty one moves on by one byte.
    for (std::size_t k = 0; k < patterns_.size(); ++k) {
      if (!possible.empty() && !possible[k]) continue;
      const auto& re = patterns_[k];
      re2::StringPiece input(scratch), m;
      std::size_t pos = 0;
      while (pos <= scratch.size() &&
             re->get().Match(input, pos, scratch.size(), RE2::UNANCHORED, &m, 1)) {
        const auto b = static_cast<std::size_t>(m.data() - scratch.data());
        if (!m.empty()) return true;
        pos = b + 1;
      }
    }
  }
  return false;
}

RepeatContact RepeatContactFinder::find(const Ticket& ticket,
                                        gsl::span<const std::uint8_t> possible) const {
  RepeatContact rc;
  if (!possible.empty() &&
      std::none_of(possible.begin(), possible.end(), [](std::uint8_t p) { return p != 0; })) {
    return rc;  // no pattern can match: nothing to fold
  }
  struct Field {
    const char* name;
    const std::optional<std::string>* value;
  };
  const std::optional<std::string> text(ticket.text);
  const Field fields[] = {
      {"subject", &ticket.subject}, {"text", &text}, {"error_message", &ticket.error_message}};
  std::optional<double> count, days;
  for (const auto& field : fields) {
    if (!*field.value || (*field.value)->empty()) continue;
    const std::string& original = **field.value;
    const FoldedText folded = fold_with_offsets(original);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;
    for (std::size_t k = 0; k < patterns_.size(); ++k) {
      if (!possible.empty() && !possible[k]) continue;
      const auto& re = patterns_[k];
      re2::StringPiece input(folded.text), m;
      std::size_t pos = 0;
      while (pos <= folded.text.size() &&
             re->get().Match(input, pos, folded.text.size(), RE2::UNANCHORED, &m, 1)) {
        const auto b = static_cast<std::size_t>(m.data() - folded.text.data());
        const auto e = b + m.size();
        if (e > b) spans.emplace_back(folded.source[b], folded.source[e]);
        pos = e > b ? e : e + 1;  // an empty match moves on by one byte
      }
    }
    if (spans.empty()) continue;
    // Overlapping evidence from several expressions is one span.
    std::sort(spans.begin(), spans.end());
    std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
    for (const auto& s : spans) {
      if (!merged.empty() && s.first < merged.back().second) {
        merged.back().second = std::max(merged.back().second, s.second);
      } else {
        merged.push_back(s);
      }
    }
    for (const auto& [b, e] : merged) {
      rc.evidence.push_back({field.name, b, e, original.substr(b, e - b)});
    }
    // How many and how long: the largest stated anywhere in the field.
    for (const auto& re : count_) {
      re2::StringPiece input(folded.text), n;
      std::string number;
      for (const char* before = input.data(); RE2::FindAndConsume(&input, re->get(), &number);
           before = input.data()) {
        if (auto v = parse_count(number, numbers_); v && (!count || *v > *count)) count = v;
        if (input.empty() || input.data() == before) break;  // the end, or an empty match
      }
    }
    for (const auto& re : since_) {
      re2::StringPiece input(folded.text);
      std::string number, unit;
      for (const char* before = input.data();
           RE2::FindAndConsume(&input, re->get(), &number, &unit); before = input.data()) {
        const auto v = parse_count(number, numbers_);
        const auto u = units_.find(unit);
        if (v && u != units_.end() && (!days || *v * u->second > *days)) days = *v * u->second;
        if (input.empty() || input.data() == before) break;
      }
    }
  }
  rc.found = !rc.evidence.empty();
  if (count && *count >= 1) rc.count = static_cast<int>(std::lround(*count));
  if (days) rc.days_since = static_cast<int>(std::lround(*days));
  return rc;
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
