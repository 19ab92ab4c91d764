// Internal: the compiled form of a pack that an Engine shares between threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "triage/calendar.hpp"
#include "triage/engine.hpp"
#include "triage/entities.hpp"
#include "triage/matcher.hpp"
#include "triage/templates.hpp"
#include "triage/workflow.hpp"

#include "base/lazy_regex.hpp"
#include "stages/repeat_contact.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

/// Where a field condition reads from: a known ticket field, or a path into pass-through data.
struct FieldRef {
  enum class Known : std::uint8_t {
    extra,
    id,
    channel,
    created_at,
    text,
    subject,
    module,
    product,
    version,
    os,
    order_id,
    error_message,
    occurred_at,
    frequency,
    impact,
    attempted,
    customer_id,
    customer_name,
    customer_tier,
    customer_tenure,
    customer_phone,
    customer_email,
    customer_extra
  };
  Known known = Known::extra;
  std::vector<std::string> path;  // for extra / customer_extra
};

struct CNode {
  Condition::Kind kind;
  std::uint16_t dimension = 0;       // label_in
  std::vector<std::uint32_t> items;  // child nodes, terms or regexes
  std::vector<std::string> values;   // accepted values (field_in) or field names (has)
  FieldRef field;
  std::string op;
  double number = 0;
  bool exists = true;
};

struct CScore {
  std::uint16_t dimension, value;
  double weight;
};

struct CRule {
  std::uint32_t pack_index;  // index into Pack::rules
  std::uint32_t root;        // node
  std::vector<CScore> scores;
  std::vector<std::uint32_t> terms;    // keywords that can make it fire (sorted)
  std::vector<std::uint32_t> regexes;  // expressions it tests
  bool always_candidate = false;       // could fire with no keyword or regex in the text
};

struct CUrgencyRule {
  std::uint32_t index;  // into Pack::urgency.rules
  std::uint32_t root;
};

struct CRouteRule {
  std::uint32_t index;  // into Pack::routing->rules
  std::uint32_t root;
};

struct AtomUse {
  std::uint32_t regex;
  std::uint8_t clause;
};

struct CompiledPack {
  Pack pack;
  std::vector<CNode> nodes;
  std::vector<CRule> rules;  // evaluation order: priority descending, then pack order
  std::vector<std::string> terms;
  std::vector<std::uint32_t> term_rules_begin;  // CSR: term → rules (evaluation indices)
  std::vector<std::uint32_t> term_rules;
  std::vector<std::uint32_t> always_rules;
  std::vector<CUrgencyRule> urgency_rules;   // priority descending, then pack order
  std::vector<CRouteRule> route_rules;       // priority descending, then pack order
  std::vector<std::int32_t> group_of_value;  // routing group index per value of the group dimension
  std::vector<std::string> groups;           // distinct group names
  std::int32_t group_dimension = -1;
  std::vector<Calendar> calendars;                                     // as in the pack
  std::int32_t sla_calendar = -1;                                      // default calendar index
  std::vector<std::pair<std::uint32_t, std::int32_t>> calendar_rules;  // node → calendar index
  std::vector<std::uint32_t> sla_when;
  std::vector<std::int32_t> sla_target_calendar;  // per target: its own calendar index, or -1
  std::optional<Workflow> workflow;
  std::vector<std::uint32_t> question_when;  // per question: node or npos
  struct CKnowledge {
    std::uint32_t when;
    std::vector<std::uint32_t> terms;  // ranking keywords
  };
  std::vector<CKnowledge> knowledge;
  // The conditions after classification, indexed by keyword as the rules are: one slot per
  // urgency rule (in urgency_rules' order), then per routing row (route_rules'), then per known
  // issue. A slot whose condition cannot hold unless one of its keywords occurred is open only
  // once the scan found one (Evaluation::open_slots_); the others are always open.
  std::uint32_t route_slot_base = 0, knowledge_slot_base = 0;
  std::vector<std::uint8_t> slot_always_open;
  std::vector<std::uint32_t> slots_by_term_begin;  // CSR: term → the slots it opens
  std::vector<std::uint32_t> slots_by_term;
  struct CTemplate {
    std::uint32_t when;
    std::map<std::string, Template, std::less<>> text;  // by language
  };
  std::vector<CTemplate> templates;
  std::vector<std::int32_t> rule_template;  // per CRule: template index chosen by the rule, or -1
                                            // // per target: node, or npos when always
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;
  Matcher matcher;
  // Compiled on first use when the engine was loaded from a compiled pack (base/lazy_regex.hpp).
  std::vector<std::unique_ptr<LazyRegex>> regexes;
  // A regular expression can only match when each of its clauses has an atom present (literals
  // RE2's FilteredRE2 requires; see regex_gate in engine.cpp). The atoms join the keyword
  // automaton; once every clause is met the expression is possible, and it runs when a
  // condition asks. The repeat-contact expressions are gated the same way, numbered after the
  // conditions' (gated_count()): find() runs only those the scan made possible.
  std::uint32_t atom_base = 0;                 // pattern ids >= atom_base are atoms
  std::vector<std::uint32_t> atom_uses_begin;  // CSR: atom → (expression, clause)
  std::vector<AtomUse> atom_uses;
  std::vector<std::uint8_t> regex_clause_count;   // per gated expression (0: unfiltered)
  std::vector<std::uint32_t> unfiltered_regexes;  // no atoms: possible in every ticket
  std::vector<std::uint32_t> regex_rules_begin;   // CSR: regex → rules (evaluation indices)
  std::vector<std::uint32_t> regex_rules;
  EntityExtractor entities;
  std::optional<RepeatContactFinder> repeat_contact;
  std::vector<std::uint32_t> score_offset;  // per dimension, into the flat score array
  std::size_t value_count = 0;
  std::vector<std::shared_ptr<const Classifier>> classifiers;
  std::size_t memory_bytes = 0;
  /// Expressions with a gate: the conditions' (`regexes`), then the repeat-contact patterns.
  std::size_t gated_count() const {
    return regexes.size() + (repeat_contact ? repeat_contact->pattern_count() : 0);
  }
};

/// What a compiled pack file stores beyond the pack itself (src/compile/pack_file.cpp): the
/// keyword automaton, regional variants included, and the regular expressions' gates, so that
/// loading needs neither OpenCC nor the automaton's construction nor RE2's prefilter probing.
struct Precompiled {
  Matcher matcher;
  std::uint32_t atom_base = 0;
  std::vector<std::uint32_t> atom_uses_begin;
  std::vector<AtomUse> atom_uses;
  std::vector<std::uint8_t> regex_clause_count;
  std::vector<std::uint32_t> unfiltered_regexes;
};

}  // namespace detail

struct EngineAccess {
  static const detail::CompiledPack& impl(const Engine& e) { return *e.impl_; }
  /// Engine::compile, taking the automaton and the gates from `pre` when given.
  static Result<Engine> compile(Pack pack, const EngineOptions& options, detail::Precompiled* pre);
  /// Whether the condition in stage-2 `slot` can hold for the evaluated ticket (see
  /// CompiledPack::slot_always_open): when not, it is not tested.
  static bool slot_open(const Evaluation& ev, std::uint32_t slot) noexcept {
    return ev.open_slots_[slot] != 0;
  }
  static Diagnosis diagnose_keys(const Engine& e, const Ticket& t, Evaluation& ev,
                                 const DiagnoseOptions& opts, std::uint32_t keys) {
    return e.diagnose_keys(t, ev, opts, keys);
  }
};

}  // namespace v1
}  // namespace triage
