// Pack → Engine: the rules in priority order, one keyword automaton for every keyword and every
// literal that gates an expression, and the indexes from a hit to the rules it makes candidates.
#include "triage/engine.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>

#include "base/json_util.hpp"
#include "compile/compiled_pack.hpp"
#include "compile/condition_compiler.hpp"
#include "compile/pack_file.hpp"
#include "compile/regex_gate.hpp"
#include "triage/fold.hpp"
#include "triage/learned_classifier.hpp"

namespace triage {
inline namespace v1 {
using detail::CNode;
using detail::CompiledPack;
using detail::CRule;

namespace {
// Could the condition hold with no keyword in the text? Then the rule is tested on every ticket.
// `regex_indexed`: whether a matching expression makes the condition a candidate by itself (it
// does for the rules, indexed by expression too; the conditions after classification are
// indexed by keyword only).
bool may_hold_without_terms(const std::vector<CNode>& nodes, std::uint32_t n,
                            bool regex_indexed = true) {
  const CNode& c = nodes[n];
  auto may_hold = [&](std::uint32_t k) { return may_hold_without_terms(nodes, k, regex_indexed); };
  switch (c.kind) {
    case Condition::Kind::all_of:
      return std::all_of(c.items.begin(), c.items.end(), may_hold);
    case Condition::Kind::any_of:
      return std::any_of(c.items.begin(), c.items.end(), may_hold);
    case Condition::Kind::text_any:
    case Condition::Kind::text_all:
      return false;
    case Condition::Kind::regex:  // a matching expression makes its rules candidates
      return !regex_indexed;
    default:
      return true;  // negations and field tests cannot be ruled out statically
  }
}

// Inverts entry → keys into key → entries, as offsets (`begin`, one per key plus one) into a
// flat list; `keys_of(i)` lists entry i's keys.
template <class KeysOf>
void invert(std::size_t entries, std::size_t keys, const KeysOf& keys_of,
            std::vector<std::uint32_t>& begin, std::vector<std::uint32_t>& list) {
  begin.assign(keys + 1, 0);
  for (std::size_t i = 0; i < entries; ++i) {
    for (auto k : keys_of(i)) ++begin[k + 1];
  }
  std::partial_sum(begin.begin(), begin.end(), begin.begin());
  std::vector<std::uint32_t> next(begin.begin(), begin.end() - 1);
  list.resize(begin.back());
  for (std::uint32_t i = 0; i < entries; ++i) {
    for (auto k : keys_of(i)) list[next[k]++] = i;
  }
}

// Rule → keys (terms or regexes) into key → rules.
void index_rules(const std::vector<CRule>& rules, std::size_t keys,
                 std::vector<std::uint32_t> CRule::*field, std::vector<std::uint32_t>& begin,
                 std::vector<std::uint32_t>& list) {
  invert(
      rules.size(), keys, [&](std::size_t i) -> const auto& { return rules[i].*field; }, begin,
      list);
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
}  // namespace

Result<Engine> Engine::compile(const Pack& pack, const EngineOptions& options) {
  return EngineAccess::compile(pack, options, nullptr);
}

Result<Engine> EngineAccess::compile(Pack pack_to_keep, const EngineOptions& options,
                                     detail::Precompiled* pre) {
  auto cp = std::make_shared<CompiledPack>();
  cp->pack = std::move(pack_to_keep);  // a loaded pack moves in: no copy
  const Pack& pack = cp->pack;
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
  // The index of value `id` of dimension `d`, or -1.
  auto value_index = [&](int d, const std::string& id) {
    const auto& vals = pack.dimensions[static_cast<std::size_t>(d)].values;
    const auto v =
        std::find_if(vals.begin(), vals.end(), [&](const auto& x) { return x.id == id; });
    return v == vals.end() ? -1 : static_cast<int>(v - vals.begin());
  };
  // Rules, in evaluation order.
  detail::ConditionCompiler compiler(*cp, options, /*checked=*/pre != nullptr);
  if (pre) compiler.reserve_terms(pre->atom_base);  // a compiled file knows its keyword count
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
      const int v = value_index(d, s.value);
      if (v < 0) {
        return make_error(Errc::pack_unknown_reference, r.where,
                          "unknown value \"" + s.value + "\" in rule " + r.id);
      }
      cr.scores.push_back({static_cast<std::uint16_t>(d), static_cast<std::uint16_t>(v), s.weight});
    }
    std::sort(cr.terms.begin(), cr.terms.end());
    cr.terms.erase(std::unique(cr.terms.begin(), cr.terms.end()), cr.terms.end());
    cr.always_candidate = may_hold_without_terms(cp->nodes, cr.root);
    cp->rules.push_back(std::move(cr));
  }
  // Urgency and routing rules: their keywords join the one automaton; after classification a
  // rule is tested when its slot is open (a keyword of its own was seen, or it needs none).
  std::vector<std::uint32_t> unused_terms, unused_regexes;
  // Each one's slot (see CompiledPack::slot_always_open): the keywords that open it, none when
  // it is always open.
  std::vector<std::vector<std::uint32_t>> slot_terms;
  auto stage2_node = [&](const Condition& c) -> Result<std::uint32_t> {
    std::vector<std::uint32_t> terms;
    auto node = compiler.node(c, terms, unused_regexes);
    if (!node) return node;
    const bool needs_term = !may_hold_without_terms(cp->nodes, *node, /*regex_indexed=*/false);
    cp->slot_always_open.push_back(needs_term ? 0 : 1);
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    slot_terms.push_back(needs_term ? std::move(terms) : std::vector<std::uint32_t>{});
    return node;
  };
  for (std::uint32_t idx : by_priority(pack.urgency.rules)) {
    detail::CUrgencyRule ur{idx, 0};
    TRIAGE_TRY(ur.root, stage2_node(pack.urgency.rules[idx].when));
    cp->urgency_rules.push_back(ur);
  }
  cp->route_slot_base = static_cast<std::uint32_t>(slot_terms.size());
  if (pack.routing) {
    for (std::uint32_t idx : by_priority(pack.routing->rules)) {
      detail::CRouteRule rr{idx, 0};
      TRIAGE_TRY(rr.root, stage2_node(pack.routing->rules[idx].when));
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
  // parse_pack refuses a pack whose SLA names an unknown calendar; a compiled pack's section
  // is read without those checks, so a damaged one is refused here, never indexed out of range.
  auto calendar_ref = [&](const std::string& id, const std::string& where) -> Result<std::int32_t> {
    const std::int32_t i = calendar_index(id);
    if (i < 0) {
      return make_error(Errc::pack_unknown_reference, where, "unknown calendar \"" + id + "\"");
    }
    return i;
  };
  if (pack.sla) {
    TRIAGE_TRY(cp->sla_calendar, calendar_ref(pack.sla->calendar, "/sla/calendar"));
    for (std::size_t i = 0; i < pack.sla->calendar_rules.size(); ++i) {
      const auto& r = pack.sla->calendar_rules[i];
      std::uint32_t node;
      TRIAGE_TRY(node, compiler.node(r.when, unused_terms, unused_regexes));
      std::int32_t cal;
      TRIAGE_TRY(cal, calendar_ref(
                          r.calendar,
                          (r.where.empty() ? "/sla/calendar_rules/" + std::to_string(i) : r.where) +
                              "/calendar"));
      cp->calendar_rules.emplace_back(node, cal);
    }
    for (std::size_t i = 0; i < pack.sla->targets.size(); ++i) {
      const auto& t = pack.sla->targets[i];
      std::uint32_t node = CompiledPack::npos;
      if (t.when) {
        TRIAGE_TRY(node, compiler.node(*t.when, unused_terms, unused_regexes));
      }
      cp->sla_when.push_back(node);
      std::int32_t cal = -1;
      if (!t.calendar.empty()) {
        TRIAGE_TRY(cal,
                   calendar_ref(t.calendar,
                                (t.where.empty() ? "/sla/targets/" + std::to_string(i) : t.where) +
                                    "/calendar"));
      }
      cp->sla_target_calendar.push_back(cal);
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
  cp->knowledge_slot_base = static_cast<std::uint32_t>(slot_terms.size());
  for (const auto& k : pack.knowledge) {
    CompiledPack::CKnowledge ck{};
    TRIAGE_TRY(ck.when, stage2_node(k.when));
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
               detail::RepeatContactFinder::compile(*pack.repeat_contact, options.limits,
                                                    /*checked=*/pre != nullptr));
    if (const auto& rc = *pack.repeat_contact; !rc.learned_dimension.empty()) {
      const std::string at = rc.where + "/learned";
      const int d = dim_index(rc.learned_dimension);
      if (d < 0) {
        return make_error(Errc::pack_unknown_reference, at + "/dimension",
                          "unknown dimension \"" + rc.learned_dimension + "\"");
      }
      const int v = value_index(d, rc.learned_value);
      if (v < 0) {
        return make_error(Errc::pack_unknown_reference, at + "/value",
                          "unknown value \"" + rc.learned_value + "\" of dimension \"" +
                              rc.learned_dimension + "\"");
      }
      finder.set_learned(d, v);
    }
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
  if (pre) {
    // From a compiled pack file, which has checked the tables themselves; here, that they fit
    // the pack they came with.
    if (pre->atom_base != cp->terms.size() || pre->regex_clause_count.size() != cp->gated_count()) {
      return make_error(Errc::compiled_pack_corrupt, "section matcher",
                        "the automaton does not fit the pack's keywords and expressions");
    }
    for (const auto& u : pre->atom_uses) {
      if (u.regex >= cp->gated_count() || u.clause >= pre->regex_clause_count[u.regex]) {
        return make_error(Errc::compiled_pack_corrupt, "section gates",
                          "a regular expression's gate names no expression of the pack");
      }
    }
    for (auto rx : pre->unfiltered_regexes) {
      if (rx >= cp->gated_count()) {
        return make_error(Errc::compiled_pack_corrupt, "section gates",
                          "a regular expression's gate names no expression of the pack");
      }
    }
    cp->atom_base = pre->atom_base;
    cp->atom_uses_begin = std::move(pre->atom_uses_begin);
    cp->atom_uses = std::move(pre->atom_uses);
    cp->regex_clause_count = std::move(pre->regex_clause_count);
    cp->unfiltered_regexes = std::move(pre->unfiltered_regexes);
    cp->matcher = std::move(pre->matcher);
  } else {
    auto patterns = compiler.take_patterns();
    cp->atom_base = static_cast<std::uint32_t>(cp->terms.size());
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(8 << 20);
    std::map<std::string, std::uint32_t> atom_ids;
    std::vector<std::vector<detail::AtomUse>> uses_of_atom;
    for (std::uint32_t rx = 0; rx < cp->gated_count(); ++rx) {
      const std::string& pattern = rx < cp->regexes.size()
                                       ? cp->regexes[rx]->pattern()
                                       : cp->repeat_contact->pattern(rx - cp->regexes.size());
      TRIAGE_TRY(auto gate, detail::regex_gate(pattern, o));
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
    auto matcher = Matcher::compile(patterns);
    if (!matcher) return matcher.error();
    cp->matcher = std::move(*matcher);
  }
  // term → rules and regex → rules (CSR): a hit makes exactly these rules candidates.
  index_rules(cp->rules, cp->terms.size(), &CRule::terms, cp->term_rules_begin, cp->term_rules);
  invert(
      slot_terms.size(),
      cp->terms.size(), [&](std::size_t i) -> const auto& { return slot_terms[i]; },
      cp->slots_by_term_begin, cp->slots_by_term);
  index_rules(cp->rules, cp->gated_count(), &CRule::regexes, cp->regex_rules_begin,
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
    // The pack and the model it names are both compiled in, and compiled at build time too
    // (src/compile/builtin_pack.cpp); only the build tool that compiles them has no tables.
    auto e = [&]() -> Result<Engine> {
      if (const auto tables = detail::builtin_compiled_pack(); !tables.empty()) {
        return detail::load_compiled_pack(tables, {}, detail::PackBytes::library);
      }
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

}  // namespace v1
}  // namespace triage
