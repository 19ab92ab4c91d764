// Conditions → flat nodes of the CompiledPack: keywords become terms of the one automaton,
// expressions are compiled once and shared, field paths are resolved to ticket fields.
#include "compile/condition_compiler.hpp"

#include <algorithm>
#include <map>

#include "base/json_util.hpp"
#include "compile/variants.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

FieldRef resolve_field(const std::string& path) {
  static const std::map<std::string, FieldRef::Known, std::less<>> known = {
      {"id", FieldRef::Known::id},
      {"channel", FieldRef::Known::channel},
      {"created_at", FieldRef::Known::created_at},
      {"text", FieldRef::Known::text},
      {"subject", FieldRef::Known::subject},
      {"module", FieldRef::Known::module},
      {"product", FieldRef::Known::product},
      {"version", FieldRef::Known::version},
      {"os", FieldRef::Known::os},
      {"order_id", FieldRef::Known::order_id},
      {"error_message", FieldRef::Known::error_message},
      {"occurred_at", FieldRef::Known::occurred_at},
      {"frequency", FieldRef::Known::frequency},
      {"impact", FieldRef::Known::impact},
      {"attempted", FieldRef::Known::attempted},
      {"customer.id", FieldRef::Known::customer_id},
      {"customer.name", FieldRef::Known::customer_name},
      {"customer.tier", FieldRef::Known::customer_tier},
      {"customer.tenure", FieldRef::Known::customer_tenure},
      {"customer.phone", FieldRef::Known::customer_phone},
      {"customer.email", FieldRef::Known::customer_email},
  };
  FieldRef f;
  if (auto it = known.find(path); it != known.end()) {
    f.known = it->second;
    return f;
  }
  std::string_view rest = path;
  f.known = FieldRef::Known::extra;
  if (rest.substr(0, 9) == "customer.") {
    f.known = FieldRef::Known::customer_extra;
    rest.remove_prefix(9);
  }
  while (!rest.empty()) {
    const auto dot = rest.find('.');
    f.path.emplace_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return f;
}

Result<std::uint32_t> ConditionCompiler::node(const Condition& c, std::vector<std::uint32_t>& terms,
                                              std::vector<std::uint32_t>& regexes) {
  CNode n;
  n.kind = c.kind;
  switch (c.kind) {
    case Condition::Kind::all_of:
    case Condition::Kind::any_of:
    case Condition::Kind::not_:
      for (const auto& ch : c.children) {
        std::uint32_t id;
        TRIAGE_TRY(id, node(ch, terms, regexes));
        n.items.push_back(id);
      }
      // AND and OR have no side effects: cheap tests first, so that a
      // repeat-contact look-up, an expression or an entity search runs
      // only when the cheap ones leave it open.
      std::stable_sort(n.items.begin(), n.items.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return costly(a) < costly(b); });
      break;
    case Condition::Kind::text_any:
    case Condition::Kind::text_all:
    case Condition::Kind::text_none:
      for (const auto& kw : c.values) {
        const std::uint32_t t = term(kw);
        n.items.push_back(t);
        if (c.kind != Condition::Kind::text_none) terms.push_back(t);
      }
      break;
    case Condition::Kind::regex:
      for (std::size_t i = 0; i < c.values.size(); ++i) {
        std::uint32_t r;
        TRIAGE_TRY(r, regex(c.values[i], c.where + "/" + std::to_string(i)));
        n.items.push_back(r);
        regexes.push_back(r);
      }
      break;
    case Condition::Kind::has:
      n.values = c.values;
      break;
    case Condition::Kind::field_in:
      n.values = c.values;
      n.field = resolve_field(c.field);
      break;
    case Condition::Kind::field_exists:
      n.exists = c.exists;
      n.field = resolve_field(c.field);
      break;
    case Condition::Kind::field_compare:
      n.op = c.op;
      n.number = c.number;
      n.field = resolve_field(c.field);
      break;
    case Condition::Kind::label_in: {
      const auto& dims = cp_.pack.dimensions;
      for (std::size_t d = 0; d < dims.size(); ++d) {
        if (dims[d].id != c.field) continue;
        n.dimension = static_cast<std::uint16_t>(d);
        for (const auto& v : c.values) {
          for (std::size_t k = 0; k < dims[d].values.size(); ++k) {
            if (dims[d].values[k].id == v) n.items.push_back(static_cast<std::uint32_t>(k));
          }
        }
      }
      break;
    }
    case Condition::Kind::tags_any:
      n.values = c.values;
      break;
    case Condition::Kind::urgency_in:
      // read_pack has already refused unknown levels, so every value
      // parses.
      for (const auto& v : c.values) {
        if (const auto u = parse_urgency(v)) n.items.push_back(static_cast<std::uint32_t>(*u));
      }
      break;
    case Condition::Kind::multi_department:
    case Condition::Kind::repeat_contact:
    case Condition::Kind::related:
      n.exists = c.exists;
      break;
  }
  cp_.nodes.push_back(std::move(n));
  return static_cast<std::uint32_t>(cp_.nodes.size() - 1);
}

std::vector<MatcherPattern> ConditionCompiler::take_patterns() {
  if (!opts_.regional_variants) return std::move(patterns_);
  std::vector<std::string> words;
  words.reserve(patterns_.size());
  for (const auto& p : patterns_) words.push_back(p.text);
  auto variants = detail::regional_variants(words);
  std::vector<MatcherPattern> out;
  out.reserve(patterns_.size() * 2);
  for (std::size_t i = 0; i < patterns_.size(); ++i) {
    const auto id = patterns_[i].id;
    const bool start = patterns_[i].boundary_start, end = patterns_[i].boundary_end;
    out.push_back(std::move(patterns_[i]));
    for (auto& v : variants[i]) out.push_back({std::move(v), id, start, end});
  }
  patterns_.clear();
  return out;
}

bool ConditionCompiler::costly(std::uint32_t id) const {
  const CNode& n = cp_.nodes[id];
  switch (n.kind) {
    case Condition::Kind::regex:
    case Condition::Kind::has:
    case Condition::Kind::repeat_contact:
      return true;
    case Condition::Kind::all_of:
    case Condition::Kind::any_of:
    case Condition::Kind::not_:
      return std::any_of(n.items.begin(), n.items.end(),
                         [&](std::uint32_t k) { return costly(k); });
    default:
      return false;
  }
}

void ConditionCompiler::reserve_terms(std::size_t n) {
  cp_.terms.reserve(n);
  term_ids_.reserve(n, cp_.terms);
}

std::uint32_t ConditionCompiler::term(const std::string& kw) {
  if (const auto found = term_ids_.find(kw, cp_.terms); found != TermIndex::npos) return found;
  const auto id = static_cast<std::uint32_t>(cp_.terms.size());
  cp_.terms.push_back(kw);
  term_ids_.add_last(cp_.terms);
  if (checked_) return id;  // the automaton comes with the compiled pack
  std::string core = kw;
  const bool open_start = !core.empty() && core.front() == '*';
  if (open_start) core.erase(0, 1);
  const bool open_end = !core.empty() && core.back() == '*';
  if (open_end) core.pop_back();
  patterns_.push_back({core, id, !open_start, !open_end});
  return id;
}

Result<std::uint32_t> ConditionCompiler::regex(const std::string& re, const std::string& where) {
  auto [it, added] = regex_ids_.try_emplace(re, static_cast<std::uint32_t>(cp_.regexes.size()));
  if (!added) return it->second;
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  if (checked_) {
    cp_.regexes.push_back(std::make_unique<LazyRegex>(re, o));
    return it->second;
  }
  auto compiled = std::make_unique<RE2>(re, o);
  if (!compiled->ok()) {
    return make_error(Errc::pack_bad_regex, where,
                      "regular expression does not compile: " + compiled->error());
  }
  if (static_cast<std::size_t>(compiled->ProgramSize()) > opts_.limits.max_regex_program) {
    return make_error(Errc::pack_limit, where,
                      "regular expression too large (" + std::to_string(compiled->ProgramSize()) +
                          " instructions; limit " + std::to_string(opts_.limits.max_regex_program) +
                          ")");
  }
  cp_.regexes.push_back(std::make_unique<LazyRegex>(std::move(compiled)));
  return it->second;
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
