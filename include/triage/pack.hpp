// A rule pack as plain data: what the JSON document says, checked for structure and
// references, with the JSON pointer of every element kept for error messages. Compiling a
// Pack into an Engine is engine.hpp's job.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "triage/calendar.hpp"
#include "triage/chain.hpp"
#include "triage/error.hpp"
#include "triage/sla.hpp"
#include "triage/timestamp.hpp"
#include "triage/version.hpp"
#include "triage/workflow.hpp"

namespace triage {
inline namespace v1 {

struct PackLimits {
  std::size_t max_pack_bytes = 64u << 20;
  std::size_t max_rules = 200000;
  std::size_t max_keywords = 2000000;
  std::size_t max_regex_bytes = 4096;     ///< per expression
  std::size_t max_regex_program = 20000;  ///< RE2 program size per expression
  std::size_t max_depth = 32;             ///< condition nesting
};

struct DimensionValue {
  std::string id;
  std::string title;
  /// A value whose mistakes cost more (an angry customer gets another opening) may ask for more
  /// confidence than its dimension: when it is the best but less sure than this, the dimension
  /// reports its fallback (confidence 0), or abstains without one.
  double min_confidence = 0.0;
};

/// One point of a dimension's calibration map: a raw confidence and how often the decision was
/// right at that confidence on held-out tickets.
struct CalibrationKnot {
  double raw = 0;
  double calibrated = 0;
};

struct Dimension {
  std::string id;
  std::string title;
  std::vector<DimensionValue> values;
  /// Compared with the calibrated confidence when the dimension has a calibration map.
  double min_confidence = 0.3;
  /// Maps the raw confidence (best score over all positive scores plus smoothing) to the chance
  /// the decision is right: piecewise linear through the knots (raw strictly increasing,
  /// calibrated not decreasing), flat beyond the first and last. Empty: the raw confidence is
  /// reported as it is. Blending rule weights with model probabilities gives a raw confidence
  /// that orders tickets well but says 0.74 where 0.95 are right; `tools/packs/calibrate.py`
  /// fits the map on tickets held out from training.
  std::vector<CalibrationKnot> calibration;
  /// Unsure when the runner-up scores within this share of the best: (best-second)/best < margin.
  double margin = 0.0;
  std::optional<std::string> fallback;
  std::string where;  ///< JSON pointer
};

/// One node of a rule's condition tree.
struct Condition {
  enum class Kind : std::uint8_t {
    all_of,     ///< every child holds (a `when` object with several keys)
    any_of,     ///< some child holds
    not_,       ///< the single child does not hold
    text_any,   ///< some keyword occurs
    text_all,   ///< every keyword occurs
    text_none,  ///< no keyword occurs
    regex,      ///< every expression matches
    field_in,   ///< the field's value (string form) is one of `values`
    field_exists,
    field_compare,     ///< numeric comparison `field op number`
    has,               ///< every field is supplied by the ticket or by an entity
    label_in,          ///< the decided value of dimension `field` is one of `values` (stage 2+)
    tags_any,          ///< a classification rule that fired set one of these tags (stage 2+)
    urgency_in,        ///< the urgency is one of `values` (routing and SLA rules)
    multi_department,  ///< the route names assisting departments (SLA rules); `exists` = wanted
    repeat_contact,    ///< the text says this is not the first contact (urgency rules and later)
    related,           ///< the host's linker found related open tickets (templates, knowledge)
  };
  Kind kind = Kind::all_of;
  std::vector<Condition> children;
  std::vector<std::string> values;  ///< keywords, expressions, accepted values or field names
  std::string field;                ///< dotted path for field conditions
  std::string op;                   ///< <, <=, >, >=, ==, != for field_compare
  double number = 0;
  bool exists = true;
  std::string where;  ///< JSON pointer
};

struct Score {
  std::string dimension;
  std::string value;
  double weight = 1;
};

struct Rule {
  std::string id;
  std::string description;
  int priority = 0;
  bool final = false;
  Condition when;
  std::vector<Score> scores;
  std::vector<std::string> tags;
  std::string template_id;  ///< a response template this rule chooses (empty: none)
  std::string where;        ///< JSON pointer
};

/// Urgency levels, most urgent first.
enum class Urgency : std::uint8_t { critical, high, medium, low };
inline constexpr std::size_t urgency_count = 4;
std::string_view to_string(Urgency u) noexcept;
std::optional<Urgency> parse_urgency(std::string_view s) noexcept;

/// An urgency rule runs after classification and may read labels and tags. Effects apply in
/// this order: the highest-priority `set` that fires gives the base level (the most urgent one
/// among equal priorities); then every `raise`/`lower` moves it; then `at_least`/`at_most` clamp.
struct UrgencyRule {
  enum class Effect : std::uint8_t { set, raise, lower, at_least, at_most };
  std::string id;
  std::string description;
  int priority = 0;
  Condition when;
  Effect effect = Effect::set;
  Urgency level = Urgency::medium;  ///< for set / at_least / at_most
  int steps = 1;                    ///< for raise / lower
  std::string where;
};

struct UrgencyPolicy {
  Urgency default_level = Urgency::medium;
  std::vector<UrgencyRule> rules;
};

struct Department {
  std::string id;
  std::string title;
};

/// A routing row: the first row that fires (highest priority, then pack order) names the
/// primary department and those assisting.
struct RouteRule {
  std::string id;
  std::string description;
  int priority = 0;
  Condition when;
  std::string primary;
  std::vector<std::string> assisting;
  /// `"assisting": "inherit"`: the row names the owner only; the assisting departments are those
  /// of the next row down that holds with the same primary (else the default's, when it names
  /// the same primary; else none). A router that
  /// learned the owner keeps the table's division of work.
  bool inherit_assisting = false;
  std::string where;
};

struct Routing {
  std::vector<RouteRule> rules;
  std::string default_primary;  ///< when no row fires
  std::vector<std::string> default_assisting;
  std::string coordinator;      ///< coordinates tickets with assisting departments
  std::string group_dimension;  ///< the dimension whose value picks the handling group
  std::vector<std::pair<std::string, std::string>> groups;  ///< value → group
  std::string default_group;
  std::vector<std::pair<std::string, std::string>> group_routers;  ///< group → router name
  std::string default_router = "round_robin";
};

/// A target's budget for one case (one urgency, one channel, or the only one).
struct SlaBudget {
  std::optional<SlaDuration> duration;  ///< empty: no deadline (e.g. low urgency → backlog)
  std::string notify;                   ///< who is told at escalation
  std::optional<bool> notify_in_working_time;  ///< overrides the target's and the policy's
};

struct SlaTargetSpec {
  std::string name;
  std::string description;
  std::optional<Condition> when;  ///< the target applies only when this holds
  bool from_resolution = false;
  std::string by;    ///< "" (one budget), "urgency" or "channel"
  SlaBudget budget;  ///< when `by` is empty
  std::vector<std::pair<std::string, SlaBudget>> budgets;  ///< by value
  std::optional<SlaBudget> otherwise;                      ///< values not listed
  std::string completed_by;
  bool rearm_on_customer_reply = false;
  std::optional<bool> notify_in_working_time;  ///< overrides the policy
  /// The target's own calendar, whatever the ticket's: a working-day target follows the
  /// calendar of whoever does the work. Empty: the ticket's (`calendar`, `calendar_rules`).
  std::string calendar;
  std::string where;
};

struct CalendarRule {
  Condition when;
  std::string calendar;
  std::string where;
};

struct SlaPolicy {
  std::string calendar;                      ///< the default calendar's id
  std::vector<CalendarRule> calendar_rules;  ///< first match picks another calendar
  double at_risk_share = 0.25;
  double warn_share = 0.75;            ///< warn when this share of the budget is used
  bool notify_in_working_time = true;  ///< move warnings/escalations into working time
  std::vector<SlaTargetSpec> targets;
};

/// Text in each response language ("zh-Hans", "zh-Hant", "en").
using Localized = std::map<std::string, std::string, std::less<>>;
inline constexpr std::array<std::string_view, 3> languages = {"zh-Hans", "zh-Hant", "en"};

/// Titles in each language: of dimension values ("problem_type.system_failure"), departments,
/// urgency levels and fields.
struct I18n {
  std::map<std::string, Localized, std::less<>> values, departments, urgency, fields, channels;
};

struct QuestionSpec {
  std::string id;
  std::string field;  ///< asked only when the ticket (or an entity in its text) lacks it
  std::optional<Condition> when;
  Localized ask;
  std::string where;
};

/// When an answer may be given: outside [valid_from, valid_until) it is never chosen. Both ends
/// are instants with offsets; either may be open.
struct Validity {
  std::optional<Timestamp> valid_from, valid_until;
  bool contains(boost::posix_time::ptime instant) const noexcept;
};

struct KnowledgeEntry {
  std::string id;
  Localized title;
  Condition when;                     ///< must hold for the entry to match
  std::vector<std::string> keywords;  ///< rank the matches
  Localized cause;
  std::map<std::string, std::vector<std::string>, std::less<>> immediate;
  Localized long_term;
  std::string owner;  ///< department
  Validity validity;
  std::string where;
};

struct TemplateSpec {
  std::string id;
  std::string
      kind;  ///< opening, clarification, apology_solution, resolved_confirmation, follow_up_visit
  std::optional<Condition> when;
  Localized text;
  Validity validity;
  std::string where;
};
inline constexpr std::array<std::string_view, 5> template_kinds = {
    "opening", "clarification", "apology_solution", "resolved_confirmation", "follow_up_visit"};

/// A learned model the pack wants next to its rules (the file is read by the host: the CLI and
/// triage_engine_new_from_file resolve it relative to the pack file).
struct ModelRef {
  std::string file;
  std::string policy = "rules_first";  ///< rules_first | blend
  double weight = 2.0;
  /// Per dimension (by id), a weight in place of `weight`: how much the model should count
  /// against the rules differs by dimension, and cross-validation picks it for each.
  std::map<std::string, double, std::less<>> weights;
  /// The model speaks on a dimension only when its top probability reaches this: a weak opinion
  /// must not unsettle what the rules (or a fallback) decide.
  double min_probability = 0.0;
};

/// Phrases that say a ticket is not the customer's first contact about the matter ("都来第8次了",
/// "still not solved after two weeks"). Every expression runs on the folded text (simplified
/// Chinese, lower case, half width); `count` and `since` expressions are read only when some
/// `pattern` matched.
struct RepeatContactSpec {
  std::vector<std::string> patterns;  ///< any match: a repeat contact, the match is evidence
  std::vector<std::string> count;     ///< group 1: how many contacts (第8次 → 8)
  std::vector<std::string> since;     ///< group 1: a number, group 2: a unit of `units`
  std::map<std::string, double, std::less<>> numbers;  ///< number words: "twice" → 2
  std::map<std::string, double, std::less<>> units;    ///< unit words in days: "星期" → 7
  /// A dimension the learned model reads (`learned.dimension`) and its value that means "a
  /// repeat contact" (`learned.value`): when no expression matches and the ticket's decided value
  /// of that dimension is this one, it is a repeat contact all the same. Empty: expressions only.
  std::string learned_dimension, learned_value;
  std::string where;
};

struct PackSettings {
  double smoothing = 1.0;  ///< added to the denominator of confidences: weak evidence stays weak
};

struct Pack {
  int schema = TRIAGE_PACK_SCHEMA_VERSION;
  std::string name;
  std::string version;
  std::string description;
  PackSettings settings;
  std::vector<Dimension> dimensions;
  std::vector<Rule> rules;
  UrgencyPolicy urgency;
  std::vector<Department> departments;
  std::optional<Routing> routing;  ///< absent: diagnoses carry no route
  std::vector<CalendarSpec> calendars;
  std::optional<SlaPolicy> sla;          ///< absent: diagnoses carry no deadlines
  std::optional<WorkflowSpec> workflow;  ///< absent: the standard lifecycle
  std::vector<ChainSpec> chains;
  I18n i18n;
  std::vector<QuestionSpec> questions;
  std::map<std::string, Localized, std::less<>> clarify;  ///< per dimension: {first} or {second}?
  std::vector<KnowledgeEntry> knowledge;
  std::vector<TemplateSpec> templates;
  std::optional<RepeatContactSpec> repeat_contact;  ///< absent: diagnoses carry no repeat_contact
  std::optional<ModelRef> model;
  bool has_urgency = false;  ///< the pack declares an urgency section
};

/// Parses and checks a pack document (structure, ids, references); the first error wins.
Result<Pack> parse_pack(std::string_view json, const PackLimits& limits = {});
Result<Pack> pack_from_json(const boost::json::value& doc, const PackLimits& limits = {});

/// The default pack's JSON text, as compiled into the library.
std::string_view default_pack_json() noexcept;
/// The learned model the default pack names (`packs/default/model.json`), compiled in too.
std::string_view default_model_json() noexcept;

}  // namespace v1
}  // namespace triage
