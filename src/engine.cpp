#include "triage/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>

#include <re2/filtered_re2.h>
#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>

#include "compiled_pack.hpp"
#include "conditions.hpp"
#include "json_util.hpp"
#include "stage2.hpp"
#include "triage/fold.hpp"
#include "triage/language.hpp"
#include "triage/learned_classifier.hpp"
#include "variants.hpp"

namespace triage {
inline namespace v1 {
using detail::CNode;
using detail::CompiledPack;
using detail::CRule;
using detail::FieldRef;
using detail::holds;
using detail::resolve_field;

namespace {

std::string_view text_of(const Ticket& t, TextField f) {
  switch (f) {
    case TextField::subject:
      return t.subject ? std::string_view(*t.subject) : std::string_view();
    case TextField::text:
      return t.text;
    case TextField::error_message:
      return t.error_message ? std::string_view(*t.error_message) : std::string_view();
  }
  return {};
}

// Compiles a condition tree into flat nodes, collecting terms and regexes as it goes.
class Compiler {
 public:
  Compiler(CompiledPack& cp, const EngineOptions& opts) : cp_(cp), opts_(opts) {}

  Result<std::uint32_t> node(const Condition& c, std::vector<std::uint32_t>& terms,
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
        // AND and OR have no side effects: cheap tests first, so that a repeat-contact look-up,
        // an expression or an entity search runs only when the cheap ones leave it open.
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
        // read_pack has already refused unknown levels, so every value parses.
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

  /// The keyword patterns, each followed by its regional phrasings (looked up for all keywords
  /// at once: see detail::regional_variants).
  std::vector<MatcherPattern> take_patterns() {
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

  // Whether testing the node may run a regular expression over the text.
  bool costly(std::uint32_t id) const {
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

 private:
  std::uint32_t term(const std::string& kw) {
    auto [it, added] = term_ids_.try_emplace(kw, static_cast<std::uint32_t>(cp_.terms.size()));
    if (!added) return it->second;
    cp_.terms.push_back(kw);
    std::string core = kw;
    const bool open_start = !core.empty() && core.front() == '*';
    if (open_start) core.erase(0, 1);
    const bool open_end = !core.empty() && core.back() == '*';
    if (open_end) core.pop_back();
    patterns_.push_back({core, it->second, !open_start, !open_end});
    return it->second;
  }

  Result<std::uint32_t> regex(const std::string& re, const std::string& where) {
    auto [it, added] = regex_ids_.try_emplace(re, static_cast<std::uint32_t>(cp_.regexes.size()));
    if (!added) return it->second;
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(8 << 20);
    auto compiled = std::make_unique<RE2>(re, o);
    if (!compiled->ok()) {
      return make_error(Errc::pack_bad_regex, where,
                        "regular expression does not compile: " + compiled->error());
    }
    if (static_cast<std::size_t>(compiled->ProgramSize()) > opts_.limits.max_regex_program) {
      return make_error(Errc::pack_limit, where,
                        "regular expression too large (" + std::to_string(compiled->ProgramSize()) +
                            " instructions; limit " +
                            std::to_string(opts_.limits.max_regex_program) + ")");
    }
    cp_.regexes.push_back(std::move(compiled));
    return it->second;
  }

  CompiledPack& cp_;
  const EngineOptions& opts_;
  std::map<std::string, std::uint32_t> term_ids_;
  std::map<std::string, std::uint32_t> regex_ids_;
  std::vector<MatcherPattern> patterns_;
};

// Could the condition hold with no keyword in the text? Then the rule is tested on every ticket.
bool may_hold_without_terms(const std::vector<CNode>& nodes, std::uint32_t n) {
  const CNode& c = nodes[n];
  switch (c.kind) {
    case Condition::Kind::all_of:
      return std::all_of(c.items.begin(), c.items.end(),
                         [&](std::uint32_t k) { return may_hold_without_terms(nodes, k); });
    case Condition::Kind::any_of:
      return std::any_of(c.items.begin(), c.items.end(),
                         [&](std::uint32_t k) { return may_hold_without_terms(nodes, k); });
    case Condition::Kind::text_any:
    case Condition::Kind::text_all:
    case Condition::Kind::regex:  // a matching expression makes its rules candidates
      return false;
    default:
      return true;  // negations and field tests cannot be ruled out statically
  }
}

// Inverts rule → keys (terms or regexes) into key → rules, as offsets (`begin`, one per key plus
// one) into a flat list.
void index_rules(const std::vector<CRule>& rules, std::size_t keys,
                 std::vector<std::uint32_t> CRule::*field, std::vector<std::uint32_t>& begin,
                 std::vector<std::uint32_t>& list) {
  begin.assign(keys + 1, 0);
  for (const auto& r : rules) {
    for (auto k : r.*field) ++begin[k + 1];
  }
  std::partial_sum(begin.begin(), begin.end(), begin.begin());
  std::vector<std::uint32_t> next(begin.begin(), begin.end() - 1);
  list.resize(begin.back());
  for (std::uint32_t ri = 0; ri < rules.size(); ++ri) {
    for (auto k : rules[ri].*field) list[next[k]++] = ri;
  }
}

template <class R>
std::vector<std::uint32_t> by_priority(const std::vector<R>& rules) {
  std::vector<std::uint32_t> order(rules.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return rules[a].priority > rules[b].priority;
  });
  return order;
}

double round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}

}  // namespace

namespace {
// A necessary condition for an expression to match, as clauses over its atoms (each clause: at
// least one of these literals occurs). RE2's FilteredRE2 knows the expression's prefilter — a
// monotone and/or formula over atoms — but answers only through AllPotentials, which allocates
// on every call. So the formula is probed once here, at compile time: a set C is a clause when
// the formula is false with every atom outside C present. Greedy shrinking gives minimal,
// disjoint clauses: one clause for (a|b|c), two for (a|b).{0,9}(c|d). No clauses means the
// expression has no usable atoms and is possible in every ticket.
struct RegexGate {
  std::vector<std::string> atoms;
  std::vector<std::vector<int>> clauses;
};

Result<RegexGate> regex_gate(const std::string& pattern, const RE2::Options& o) {
  constexpr std::size_t kMaxClauses = 32;  // one bit each per ticket
  RegexGate g;
  // Atoms of three bytes and more first (a CJK character, a short word): a one-letter atom such
  // as the "i" of \b(i|I)\b occurs in nearly every English text. Only when that leaves no atoms
  // are single bytes ("?" in [?？]) taken as well.
  for (int min_len : {3, 1}) {
    re2::FilteredRE2 f(min_len);
    int id = 0;
    if (f.Add(pattern, o, &id) != RE2::NoError) {
      return make_error(Errc::pack_bad_regex, "/rules",
                        "regular expression \"" + pattern + "\" does not compile");
    }
    g.atoms.clear();
    f.Compile(&g.atoms);
    const std::size_t k = g.atoms.size();
    std::vector<int> present, passed;
    auto holds_without = [&](const std::vector<char>& absent) {
      present.clear();
      for (std::size_t a = 0; a < k; ++a) {
        if (!absent[a]) present.push_back(static_cast<int>(a));
      }
      passed.clear();
      f.AllPotentials(present, &passed);
      return !passed.empty();
    };
    std::vector<char> taken(k, 0);  // in some clause already
    while (k > 0 && g.clauses.size() < kMaxClauses) {
      std::vector<char> clause(k, 0);
      for (std::size_t a = 0; a < k; ++a) clause[a] = !taken[a];
      if (holds_without(clause)) break;  // the clauses found say all there is
      for (std::size_t a = 0; a < k; ++a) {
        if (!clause[a]) continue;
        clause[a] = 0;
        if (holds_without(clause)) clause[a] = 1;  // without it the formula can hold: needed
      }
      std::vector<int> members;
      for (std::size_t a = 0; a < k; ++a) {
        if (clause[a]) {
          members.push_back(static_cast<int>(a));
          taken[a] = 1;
        }
      }
      if (members.empty()) break;
      g.clauses.push_back(std::move(members));
    }
    if (!g.clauses.empty()) break;
  }
  return g;
}
}  // namespace

Result<Engine> Engine::compile(const Pack& pack, const EngineOptions& options) {
  auto cp = std::make_shared<CompiledPack>();
  cp->pack = pack;
  cp->classifiers = options.classifiers;
  for (const auto& c : cp->classifiers) {
    if (!c) return make_error(Errc::invalid_argument, "classifiers", "null classifier");
  }
  if (pack.rules.size() > options.limits.max_rules) {
    return make_error(Errc::pack_limit, "/rules", "too many rules");
  }
  // Dimensions → flat score layout.
  for (const auto& d : pack.dimensions) {
    cp->score_offset.push_back(static_cast<std::uint32_t>(cp->value_count));
    cp->value_count += d.values.size();
  }
  if (pack.dimensions.size() > 0xFFFF)
    return make_error(Errc::pack_limit, "/dimensions", "too many");
  auto dim_index = [&](const std::string& id) {
    for (std::size_t i = 0; i < pack.dimensions.size(); ++i) {
      if (pack.dimensions[i].id == id) return static_cast<int>(i);
    }
    return -1;
  };
  // Rules, in evaluation order.
  Compiler compiler(*cp, options);
  for (std::uint32_t idx : by_priority(pack.rules)) {
    const Rule& r = pack.rules[idx];
    CRule cr;
    cr.pack_index = idx;
    TRIAGE_TRY(cr.root, compiler.node(r.when, cr.terms, cr.regexes));
    for (const auto& s : r.scores) {
      const int d = dim_index(s.dimension);
      if (d < 0) {
        return make_error(Errc::pack_unknown_reference, r.where,
                          "unknown dimension \"" + s.dimension + "\" in rule " + r.id);
      }
      const auto& vals = pack.dimensions[static_cast<std::size_t>(d)].values;
      auto v = std::find_if(vals.begin(), vals.end(), [&](auto& x) { return x.id == s.value; });
      if (v == vals.end()) {
        return make_error(Errc::pack_unknown_reference, r.where,
                          "unknown value \"" + s.value + "\" in rule " + r.id);
      }
      cr.scores.push_back(
          {static_cast<std::uint16_t>(d), static_cast<std::uint16_t>(v - vals.begin()), s.weight});
    }
    std::sort(cr.terms.begin(), cr.terms.end());
    cr.terms.erase(std::unique(cr.terms.begin(), cr.terms.end()), cr.terms.end());
    cr.always_candidate = may_hold_without_terms(cp->nodes, cr.root);
    cp->rules.push_back(std::move(cr));
  }
  // Urgency and routing rules: their keywords join the one automaton; they are tested after
  // classification, every one of them (they are few).
  std::vector<std::uint32_t> unused_terms, unused_regexes;
  for (std::uint32_t idx : by_priority(pack.urgency.rules)) {
    detail::CUrgencyRule ur{idx, 0};
    TRIAGE_TRY(ur.root, compiler.node(pack.urgency.rules[idx].when, unused_terms, unused_regexes));
    cp->urgency_rules.push_back(ur);
  }
  if (pack.routing) {
    for (std::uint32_t idx : by_priority(pack.routing->rules)) {
      detail::CRouteRule rr{idx, 0};
      TRIAGE_TRY(rr.root,
                 compiler.node(pack.routing->rules[idx].when, unused_terms, unused_regexes));
      cp->route_rules.push_back(rr);
    }
    if (auto gd = dim_index(pack.routing->group_dimension); gd >= 0) {
      cp->group_dimension = gd;
      const auto& vals = pack.dimensions[static_cast<std::size_t>(gd)].values;
      cp->group_of_value.assign(vals.size(), -1);
      auto group_index = [&](const std::string& g) {
        auto it = std::find(cp->groups.begin(), cp->groups.end(), g);
        if (it == cp->groups.end()) it = cp->groups.insert(cp->groups.end(), g);
        return static_cast<std::int32_t>(it - cp->groups.begin());
      };
      group_index(pack.routing->default_group);
      for (const auto& [value, group] : pack.routing->groups) {
        for (std::size_t v = 0; v < vals.size(); ++v) {
          if (vals[v].id == value) cp->group_of_value[v] = group_index(group);
        }
      }
    }
  }
  // Calendars and SLA targets.
  for (const auto& spec : pack.calendars) {
    auto cal = Calendar::compile(spec);
    if (!cal) return cal.error();
    cp->calendars.push_back(std::move(*cal));
  }
  auto calendar_index = [&](const std::string& id) {
    for (std::size_t i = 0; i < pack.calendars.size(); ++i) {
      if (pack.calendars[i].id == id) return static_cast<std::int32_t>(i);
    }
    return std::int32_t{-1};
  };
  if (pack.sla) {
    cp->sla_calendar = calendar_index(pack.sla->calendar);
    for (const auto& r : pack.sla->calendar_rules) {
      std::uint32_t node;
      TRIAGE_TRY(node, compiler.node(r.when, unused_terms, unused_regexes));
      cp->calendar_rules.emplace_back(node, calendar_index(r.calendar));
    }
    for (const auto& t : pack.sla->targets) {
      std::uint32_t node = CompiledPack::npos;
      if (t.when) {
        TRIAGE_TRY(node, compiler.node(*t.when, unused_terms, unused_regexes));
      }
      cp->sla_when.push_back(node);
      cp->sla_target_calendar.push_back(t.calendar.empty() ? -1 : calendar_index(t.calendar));
    }
  }
  // Questions, known issues and templates.
  auto opt_node = [&](const std::optional<Condition>& c) -> Result<std::uint32_t> {
    if (!c) return CompiledPack::npos;
    return compiler.node(*c, unused_terms, unused_regexes);
  };
  for (const auto& q : pack.questions) {
    std::uint32_t node;
    TRIAGE_TRY(node, opt_node(q.when));
    cp->question_when.push_back(node);
  }
  for (const auto& k : pack.knowledge) {
    CompiledPack::CKnowledge ck{};
    TRIAGE_TRY(ck.when, compiler.node(k.when, unused_terms, unused_regexes));
    if (!k.keywords.empty()) {
      Condition any;
      any.kind = Condition::Kind::text_any;
      any.values = k.keywords;
      // Only the terms are wanted here: the node itself is never evaluated.
      if (auto n = compiler.node(any, ck.terms, unused_regexes); !n) return n.error();
      std::sort(ck.terms.begin(), ck.terms.end());
      ck.terms.erase(std::unique(ck.terms.begin(), ck.terms.end()), ck.terms.end());
    }
    cp->knowledge.push_back(std::move(ck));
  }
  auto known_placeholder = [](std::string_view name) {
    const auto& names = template_placeholders();
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const auto& t : pack.templates) {
    CompiledPack::CTemplate ct{};
    TRIAGE_TRY(ct.when, opt_node(t.when));
    for (const auto& [lang, body] : t.text) {
      auto parsed = Template::parse(body, known_placeholder, t.where + "/text/" + lang);
      if (!parsed) return parsed.error();
      ct.text.emplace(lang, std::move(*parsed));
    }
    cp->templates.push_back(std::move(ct));
  }
  for (const auto& r : cp->rules) {
    const std::string& id = pack.rules[r.pack_index].template_id;
    std::int32_t index = -1;
    if (!id.empty()) {
      for (std::size_t i = 0; i < pack.templates.size(); ++i) {
        if (pack.templates[i].id == id) index = static_cast<std::int32_t>(i);
      }
      if (index < 0) {
        return make_error(Errc::pack_unknown_reference,
                          pack.rules[r.pack_index].where + "/then/template",
                          "unknown template \"" + id + "\"");
      }
    }
    cp->rule_template.push_back(index);
  }
  if (pack.repeat_contact) {
    TRIAGE_TRY(auto finder,
               detail::RepeatContactFinder::compile(*pack.repeat_contact, options.limits));
    cp->repeat_contact = std::move(finder);
  }
  if (pack.workflow) {
    auto wf = Workflow::compile(*pack.workflow);
    if (!wf) return wf.error();
    cp->workflow = std::move(*wf);
  } else {
    cp->workflow = Workflow::standard();
  }
  // Keyword automaton: every keyword, plus the atoms that gate the regular expressions.
  auto patterns = compiler.take_patterns();
  cp->atom_base = static_cast<std::uint32_t>(cp->terms.size());
  {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(8 << 20);
    std::map<std::string, std::uint32_t> atom_ids;
    std::vector<std::vector<detail::AtomUse>> uses_of_atom;
    for (std::uint32_t rx = 0; rx < cp->regexes.size(); ++rx) {
      TRIAGE_TRY(auto gate, regex_gate(cp->regexes[rx]->pattern(), o));
      cp->regex_clause_count.push_back(static_cast<std::uint8_t>(gate.clauses.size()));
      if (gate.clauses.empty()) cp->unfiltered_regexes.push_back(rx);
      for (std::size_t c = 0; c < gate.clauses.size(); ++c) {
        for (int atom : gate.clauses[c]) {
          const std::string& text = gate.atoms[static_cast<std::size_t>(atom)];
          auto [it, added] =
              atom_ids.try_emplace(text, static_cast<std::uint32_t>(atom_ids.size()));
          if (added) uses_of_atom.emplace_back();
          uses_of_atom[it->second].push_back({rx, static_cast<std::uint8_t>(c)});
        }
      }
    }
    cp->atom_uses_begin.assign(1, 0);
    for (const auto& uses : uses_of_atom) {
      cp->atom_uses.insert(cp->atom_uses.end(), uses.begin(), uses.end());
      cp->atom_uses_begin.push_back(static_cast<std::uint32_t>(cp->atom_uses.size()));
    }
    for (const auto& [atom, i] : atom_ids) {
      // An atom longer than the automaton allows is stood in for by its prefix: seeing the
      // prefix then reports the atom, which only ever lets more expressions run, never fewer.
      std::string a = atom;
      std::size_t chars = 0, cut = a.size();
      for (std::size_t k = 0; k < a.size();) {
        char32_t cp32;
        k += decode_utf8(a, k, cp32);
        if (++chars == Matcher::max_pattern_chars) {
          cut = k;
          break;
        }
      }
      a.resize(cut);
      patterns.push_back({a, cp->atom_base + i, false, false});
    }
  }
  auto matcher = Matcher::compile(patterns);
  if (!matcher) return matcher.error();
  cp->matcher = std::move(*matcher);
  // term → rules and regex → rules (CSR): a hit makes exactly these rules candidates.
  index_rules(cp->rules, cp->terms.size(), &CRule::terms, cp->term_rules_begin, cp->term_rules);
  index_rules(cp->rules, cp->regexes.size(), &CRule::regexes, cp->regex_rules_begin,
              cp->regex_rules);
  for (std::uint32_t ri = 0; ri < cp->rules.size(); ++ri) {
    if (cp->rules[ri].always_candidate) cp->always_rules.push_back(ri);
  }
  cp->memory_bytes = cp->matcher.memory_bytes() + cp->nodes.size() * sizeof(CNode) +
                     cp->rules.size() * sizeof(CRule) + cp->term_rules.size() * 4;
  return Engine(std::move(cp));
}

Result<Engine> Engine::from_json(std::string_view pack_json, const EngineOptions& options) {
  auto pack = parse_pack(pack_json, options.limits);
  if (!pack) return pack.error();
  return compile(*pack, options);
}

const Engine& Engine::builtin() {
  static const Engine engine = [] {
    // The pack and the model it names are both compiled in.
    auto e = [&]() -> Result<Engine> {
      auto pack = parse_pack(default_pack_json());
      if (!pack) return pack.error();
      auto opts = with_pack_model(*pack, {}, [](const std::string&) -> Result<std::string> {
        return std::string(default_model_json());
      });
      if (!opts) return opts.error();
      return compile(*pack, *opts);
    }();
    if (!e) {  // the built-in pack is tested on every build; reaching this is a packaging bug
      std::fprintf(stderr, "triage: built-in pack does not compile: %s\n",
                   e.error().message.c_str());
      std::abort();
    }
    return *e;
  }();
  return engine;
}

const Pack& Engine::pack() const noexcept {
  return impl_->pack;
}

const Calendar* Engine::calendar(std::string_view id) const noexcept {
  for (const auto& c : impl_->calendars) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

const Workflow& Engine::workflow() const noexcept {
  return *impl_->workflow;
}

const ChainSpec* Engine::chain(std::string_view id) const noexcept {
  for (const auto& c : impl_->pack.chains) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::optional<SlaPlan> Engine::what_if(const Ticket& ticket, const Calendar& changed,
                                       const DiagnoseOptions& opts) const {
  if (!impl_->pack.sla) return std::nullopt;
  Evaluation ev;
  const Diagnosis d = diagnose(ticket, ev, opts);  // labels, urgency and route as usual
  return detail::plan_sla(*impl_, ev, ticket, d.sla->start, changed);
}

EngineStats Engine::stats() const noexcept {
  EngineStats s;
  s.rules = impl_->rules.size();
  s.terms = impl_->terms.size();
  s.patterns = impl_->matcher.pattern_count();
  s.states = impl_->matcher.state_count();
  s.regexes = impl_->regexes.size();
  s.memory_bytes = impl_->memory_bytes;
  return s;
}

std::optional<std::uint16_t> Engine::dimension_index(std::string_view id) const noexcept {
  const auto& dims = impl_->pack.dimensions;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (dims[i].id == id) return static_cast<std::uint16_t>(i);
  }
  return std::nullopt;
}

std::string_view Engine::term(std::uint32_t index) const noexcept {
  return index < impl_->terms.size() ? std::string_view(impl_->terms[index]) : std::string_view();
}

void Engine::extract_entities(const Ticket& ticket, Evaluation& ev) const {
  ev.entities_.clear();  // a partial set from supplied() is redone whole, in text order
  for (std::size_t f = 0; f < text_field_count; ++f) {
    const std::string_view text = text_of(ticket, static_cast<TextField>(f));
    impl_->entities.extract(text, static_cast<std::uint8_t>(f), ev.entities_, ev.set_scratch_);
  }
  ev.entity_kinds_done_ = all_entity_kinds;
}

void Engine::extract_entity_kinds(const Ticket& ticket, std::uint32_t kinds,
                                  const Evaluation& ev) const {
  for (std::size_t f = 0; f < text_field_count; ++f) {
    const std::string_view text = text_of(ticket, static_cast<TextField>(f));
    impl_->entities.extract_kinds(text, static_cast<std::uint8_t>(f), kinds, ev.entities_);
  }
}

bool Engine::regex_matches(std::uint32_t regex, const Ticket& ticket) const {
  for (std::size_t f = 0; f < text_field_count; ++f) {
    const std::string_view text = text_of(ticket, static_cast<TextField>(f));
    if (!text.empty() && RE2::PartialMatch(text, *impl_->regexes[regex])) return true;
  }
  return false;
}

void Engine::evaluate(const Ticket& ticket, Evaluation& ev) const {
  const CompiledPack& cp = *impl_;
  ev.reset(*this, ticket);
  auto candidate = [&](std::uint32_t r) {
    if (!ev.rule_seen_[r]) {
      ev.rule_seen_[r] = 1;
      ev.candidates_.push_back(r);
    }
  };
  auto possible = [&](std::uint32_t rx) {
    if (ev.regex_hit_[rx] != Evaluation::regex_impossible) return;
    ev.regex_hit_[rx] = Evaluation::regex_unknown;
    for (auto i = cp.regex_rules_begin[rx]; i != cp.regex_rules_begin[rx + 1]; ++i) {
      candidate(cp.regex_rules[i]);
    }
  };
  // 1. Scan every text field once.
  for (std::size_t f = 0; f < text_field_count; ++f) {
    const auto field = static_cast<TextField>(f);
    const std::string_view text = text_of(ticket, field);
    if (text.empty()) continue;
    ev.matches_.clear();
    cp.matcher.scan(text, ev.matches_);
    for (const Match& m : ev.matches_) {
      if (m.id >= cp.atom_base) {  // a literal some regular expressions need
        const std::uint32_t a = m.id - cp.atom_base;
        for (auto i = cp.atom_uses_begin[a]; i != cp.atom_uses_begin[a + 1]; ++i) {
          const detail::AtomUse& use = cp.atom_uses[i];
          std::uint32_t& met = ev.clauses_met_[use.regex];
          met |= 1u << use.clause;
          if (met == (1u << cp.regex_clause_count[use.regex]) - 1) possible(use.regex);
        }
        continue;
      }
      ev.hits_.push_back({m.id, field, m.begin, m.end});
      if (ev.term_hit_[m.id]) continue;
      ev.term_hit_[m.id] = 1;
      ev.touched_terms_.push_back(m.id);
      for (auto i = cp.term_rules_begin[m.id]; i != cp.term_rules_begin[m.id + 1]; ++i) {
        candidate(cp.term_rules[i]);
      }
    }
  }
  for (auto rx : cp.unfiltered_regexes) possible(rx);
  for (auto r : cp.always_rules) candidate(r);
  // Entities are found lazily: only when a condition asks whether a field is supplied, and
  // only of the kinds it asks for (Evaluation::supplied).
  // 2. Test candidates in priority order; score what fires.
  std::sort(ev.candidates_.begin(), ev.candidates_.end());
  for (auto ri : ev.candidates_) {
    const CRule& r = cp.rules[ri];
    if (!holds(cp, r.root, ev)) continue;
    ev.fired_.push_back(ri);
    bool scored = false;
    for (const auto& s : r.scores) {
      if (ev.dimension_closed_[s.dimension]) continue;
      ev.add_score(s.dimension, s.value, s.weight, static_cast<std::int32_t>(ri), 0);
      scored = true;
    }
    if (scored && cp.pack.rules[r.pack_index].final) {
      for (const auto& s : r.scores) ev.dimension_closed_[s.dimension] = 1;
    }
  }
  // 3. Host classifiers.
  for (std::size_t i = 0; i < cp.classifiers.size(); ++i) {
    ev.current_source_ = static_cast<std::uint16_t>(i + 1);
    cp.classifiers[i]->classify(ticket, ev);
  }
  ev.current_source_ = 0;
  // 4. Decide every dimension once: later steps (urgency, routing, the diagnosis) read this.
  for (std::size_t d = 0; d < cp.pack.dimensions.size(); ++d) {
    const auto best = decide(ev, d, &ev.confidence_[d]);
    ev.decided_[d] = best ? *best : -1;
  }
}

namespace {
// What a dimension that decided nothing reports: its fallback, but only when nothing scored at
// all (a close call or weak evidence stays unanswered). Null: no value.
const std::string* silent_fallback(const Dimension& dim, gsl::span<const double> scores) {
  if (!dim.fallback || std::any_of(scores.begin(), scores.end(), [](double s) { return s > 0; }))
    return nullptr;
  return &*dim.fallback;
}

// The dimension's calibration map at `raw` (see Dimension::calibration).
double calibrate(const std::vector<CalibrationKnot>& knots, double raw) noexcept {
  if (knots.empty()) return raw;
  if (raw <= knots.front().raw) return knots.front().calibrated;
  if (raw >= knots.back().raw) return knots.back().calibrated;
  const auto hi = std::upper_bound(knots.begin(), knots.end(), raw,
                                   [](double r, const CalibrationKnot& k) { return r < k.raw; });
  const auto lo = hi - 1;
  const double t = (raw - lo->raw) / (hi->raw - lo->raw);
  return lo->calibrated + t * (hi->calibrated - lo->calibrated);
}
}  // namespace

std::optional<std::uint16_t> Engine::decide(const Evaluation& ev, std::size_t dimension,
                                            double* confidence) const {
  const auto& dim = impl_->pack.dimensions[dimension];
  const auto scores = ev.scores(dimension);
  double top = 0, second = 0, positive = 0;
  std::optional<std::uint16_t> best;
  for (std::size_t v = 0; v < scores.size(); ++v) {
    if (scores[v] <= 0) continue;
    positive += scores[v];
    if (!best || scores[v] > top) {
      second = top;
      top = scores[v];
      best = static_cast<std::uint16_t>(v);
    } else if (scores[v] > second) {
      second = scores[v];
    }
  }
  // Calibrated probabilities need no smoothing: they already say how sure they are.
  const double smoothing = ev.calibrated(dimension) ? 0.0 : impl_->pack.settings.smoothing;
  const double conf = best ? calibrate(dim.calibration, top / (positive + smoothing)) : 0.0;
  if (confidence) *confidence = round3(conf);
  if (!best) return std::nullopt;
  // A tie, a close runner-up or too little evidence: say so rather than guess.
  if (second >= top || conf < dim.min_confidence || (top - second) / top < dim.margin) {
    return std::nullopt;
  }
  if (conf < dim.values[*best].min_confidence) {
    // Not sure enough for this value: the fallback stands in, as when nothing scored.
    for (std::size_t v = 0; dim.fallback && v < dim.values.size(); ++v) {
      if (dim.values[v].id != *dim.fallback) continue;
      if (confidence) *confidence = 0;
      return static_cast<std::uint16_t>(v);
    }
    return std::nullopt;
  }
  return best;
}

Diagnosis Engine::diagnose(const Ticket& ticket, const DiagnoseOptions& opts) const {
  Evaluation ev;
  return diagnose(ticket, ev, opts);
}

bool Engine::repeat_contact_occurs(const Ticket& ticket, std::string& scratch) const {
  return impl_->repeat_contact && impl_->repeat_contact->occurs(ticket, scratch);
}

void Engine::classify(const Ticket& ticket, Evaluation& ev, Classification& out) const {
  const CompiledPack& cp = *impl_;
  evaluate(ticket, ev);
  out.labels.clear();
  for (std::size_t di = 0; di < cp.pack.dimensions.size(); ++di) {
    const auto& dim = cp.pack.dimensions[di];
    Classification::Label l{&dim.id, nullptr, ev.confidence_[di]};
    // The same value diagnose() reports: the decision, else the fallback when nothing scored.
    if (const std::int32_t best = ev.decided(di); best >= 0) {
      l.value = &dim.values[static_cast<std::size_t>(best)].id;
    } else if (const std::string* fallback = silent_fallback(dim, ev.scores(di))) {
      l.value = fallback;
      l.confidence = 0;
    }
    out.labels.push_back(l);
  }
  // Urgency and routing rules that ask whether this is a repeat contact look it up then
  // (Evaluation::repeat_contact); there is no linker here.
  out.urgency.reset();
  if (cp.pack.has_urgency) {
    const Urgency u = detail::assess_urgency(cp, ev, nullptr);
    ev.urgency_ = static_cast<std::int32_t>(u);
    out.urgency = u;
  }
  out.primary = nullptr;
  out.assisting = {};
  out.group = nullptr;
  if (cp.pack.routing) {
    const detail::RouteChoice c = detail::choose_route(cp, ev);
    ev.assisting_ = c.assisting->size();
    out.primary = c.primary;
    out.assisting = *c.assisting;
    out.group = c.group;
  }
}

Diagnosis Engine::diagnose(const Ticket& ticket, Evaluation& ev,
                           const DiagnoseOptions& opts) const {
  namespace pt = boost::posix_time;
  const CompiledPack& cp = *impl_;
  evaluate(ticket, ev);
  if (ev.entity_kinds_done_ != all_entity_kinds)
    extract_entities(ticket, ev);  // the diagnosis always reports them
  Diagnosis d;
  d.ticket_id = ticket.id;
  d.pack_name = cp.pack.name;
  d.pack_version = cp.pack.version;
  const pt::ptime now = opts.now ? *opts.now : pt::second_clock::universal_time();
  const pt::ptime created = ticket.created_at ? ticket.created_at->utc : now;
  const auto day = desk_day(ticket, now);
  d.request_id = opts.request_id    ? *opts.request_id
                 : opts.request_ids ? opts.request_ids->next(day, ticket.channel)
                                    : format_request_id(day, ticket.channel, 1);

  auto span_of = [&](TextField f, std::uint32_t b, std::uint32_t e) {
    const std::string_view text = text_of(ticket, f);
    return MatchedSpan{std::string(to_string(f)), b, e, std::string(text.substr(b, e - b))};
  };
  auto evidence_of = [&](const Contribution& c) {
    Evidence e;
    e.weight = c.weight;
    if (c.rule < 0) {
      e.source = std::string(cp.classifiers[c.source - 1u]->name());
      e.from_rule = false;
      return e;
    }
    const CRule& r = cp.rules[static_cast<std::size_t>(c.rule)];
    e.source = cp.pack.rules[r.pack_index].id;
    for (const Hit& h : ev.hits()) {
      if (std::binary_search(r.terms.begin(), r.terms.end(), h.term)) {
        e.spans.push_back(span_of(h.field, h.begin, h.end));
      }
    }
    for (auto ri : r.regexes) {
      for (std::size_t f = 0; f < text_field_count; ++f) {
        const std::string_view text = text_of(ticket, static_cast<TextField>(f));
        re2::StringPiece m;
        if (!text.empty() && cp.regexes[ri]->Match(text, 0, text.size(), RE2::UNANCHORED, &m, 1)) {
          const auto b = static_cast<std::uint32_t>(m.data() - text.data());
          e.spans.push_back(
              span_of(static_cast<TextField>(f), b, b + static_cast<std::uint32_t>(m.size())));
        }
      }
    }
    return e;
  };

  for (std::size_t di = 0; di < cp.pack.dimensions.size(); ++di) {
    const auto& dim = cp.pack.dimensions[di];
    Label l;
    l.dimension = dim.id;
    // evaluate() decided every dimension already; the diagnosis reads its answer.
    // The decided value's index, or -1 (an index rather than an optional: GCC at -O1, as in the
    // tsan preset, took the optional for maybe-uninitialized).
    const std::int32_t best = ev.decided(di);
    l.confidence = ev.confidence_[di];
    const auto scores = ev.scores(di);
    for (std::size_t v = 0; v < scores.size(); ++v) {
      if (scores[v] > 0) l.candidates.push_back({dim.values[v].id, round3(scores[v])});
    }
    std::stable_sort(l.candidates.begin(), l.candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    if (best >= 0) {
      l.value = dim.values[static_cast<std::size_t>(best)].id;
    } else if (const std::string* fallback = silent_fallback(dim, scores)) {
      l.value = *fallback;
      l.confidence = 0;
    }
    for (const auto& c : ev.contributions()) {
      if (c.dimension != di) continue;
      if (best >= 0 && c.value != static_cast<std::uint16_t>(best)) continue;
      l.evidence.push_back(evidence_of(c));
    }
    d.labels.push_back(std::move(l));
  }
  for (auto ri : ev.fired_rules()) {
    for (const auto& t : cp.pack.rules[cp.rules[ri].pack_index].tags) {
      if (std::find(d.tags.begin(), d.tags.end(), t) == d.tags.end()) d.tags.push_back(t);
    }
  }
  for (const auto& e : ev.entities()) {
    const auto f = static_cast<TextField>(e.field);
    auto span = span_of(f, e.begin, e.end);
    d.entities.push_back({std::string(to_string(e.kind)), span.text, std::move(span)});
  }
  d.language = std::string(detect_language(ticket.text));
  d.instant = created;
  // What the customer says about earlier contacts, and what the host's linker knows of them:
  // urgency, routing and the response may read both.
  if (cp.repeat_contact) {
    d.repeat_contact = cp.repeat_contact->find(ticket);
    ev.repeat_contact_ = d.repeat_contact->found ? 1 : 0;
  }
  if (opts.linker) {
    d.related = opts.linker->related(ticket, created);
    ev.related_ = d.related->size();
  }
  // After classification: urgency, then who owns the ticket, then the clocks.
  if (cp.pack.has_urgency) {
    const Urgency u = detail::assess_urgency(cp, ev, &d.explain);
    ev.urgency_ = static_cast<std::int32_t>(u);
    d.urgency = std::string(to_string(u));
  }
  if (cp.pack.routing) {
    Route route = detail::route_ticket(cp, ev, d.explain);
    ev.assisting_ = route.assisting.size();
    if (opts.roster) {
      static const RouterRegistry builtin_routers;
      const RouterRegistry& registry = opts.routers ? *opts.routers : builtin_routers;
      if (auto router = registry.find(route.router)) {
        RoutingRequest req{route.group, {}, d.language};
        for (const auto& l : d.labels) {
          if (l.value) req.needs.push_back(*l.value);
        }
        req.needs.insert(req.needs.end(), d.tags.begin(), d.tags.end());
        route.agent = router->assign(*opts.roster, req);
      }
    }
    d.route = std::move(route);
  }
  if (cp.pack.sla) {
    const Calendar& cal = detail::pick_calendar(cp, ev);
    SlaReport report{{}, cal, ticket.created_at ? ticket.created_at->utc : created};
    report.plan = detail::plan_sla(cp, ev, ticket, report.start, cal);
    d.sla = std::move(report);
  }
  detail::respond(cp, ev, ticket, d);
  return d;
}

}  // namespace v1
}  // namespace triage
