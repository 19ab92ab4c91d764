// Internal: JSON → Pack, one reader per pack section (pack/read_*.cpp); read_pack.cpp calls them
// in the order in which sections may refer to each other. Every reader names the JSON pointer of
// the first mistake it finds.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "base/json_util.hpp"
#include "triage/pack.hpp"

namespace triage {
inline namespace v1 {
namespace detail::pack_json {
using detail::child;
using detail::type_error;

// --- typed look-ups (read_json.cpp) ---------------------------------------------------------
Error invalid(const std::string& where, std::string_view what);
Error unknown_key(const std::string& where, std::string_view key, std::string_view allowed);
Result<const boost::json::object*> object_at(const boost::json::value& v, const std::string& where);
Result<std::string> req_string(const boost::json::object& o, std::string_view key,
                               const std::string& where);
Result<std::string> opt_string(const boost::json::object& o, std::string_view key,
                               const std::string& where);
Result<double> opt_number(const boost::json::object& o, std::string_view key,
                          const std::string& where, double dflt);
/// An array of strings; with `allow_single`, one string stands for a list of one.
Result<std::vector<std::string>> string_list(const boost::json::value& v, const std::string& where,
                                             bool allow_single = false);
/// Ids use letters, digits, _ - . and at most 128 bytes.
bool valid_id(std::string_view id);

// --- conditions and rule heads (read_conditions.cpp) ----------------------------------------
/// Reads `when` conditions, refusing what the stage that runs them cannot see.
class Reader {
 public:
  Reader(const PackLimits& limits, const std::vector<Dimension>& dims)
      : limits_(limits), dims_(dims) {}
  /// Where the conditions being read run: classification rules see only the ticket; urgency
  /// rules also labels and tags; routing rules also the urgency; SLA rules also the route.
  enum class Stage { rules, urgency, routing, sla };
  void set_stage(Stage s) { stage_ = s; }

  Result<Condition> condition(const boost::json::value& v, const std::string& where,
                              std::size_t depth);

 private:
  std::optional<Error> check_keyword(const std::string& kw, const std::string& where);
  Result<Condition> field_condition(const boost::json::value& v, const std::string& where);
  Result<Condition> label_condition(const boost::json::value& v, const std::string& where);

  const PackLimits& limits_;
  const std::vector<Dimension>& dims_;
  Stage stage_ = Stage::rules;
  std::size_t keywords_ = 0;
};

/// What every kind of rule shares: id (unique across the pack), description, priority, when.
struct RuleHead {
  std::string id, description;
  int priority = 0;
  Condition when;
};
Result<RuleHead> read_head(const boost::json::object& o, const std::string& where,
                           std::initializer_list<std::string_view> own_keys, Reader& reader,
                           std::set<std::string>& ids);
/// A rule list, refused when longer than the limit.
Result<const boost::json::array*> rule_array(const boost::json::value& v, const std::string& where,
                                             const PackLimits& limits);

// --- the sections ---------------------------------------------------------------------------
// read_dimensions.cpp
Result<Dimension> read_dimension(const boost::json::value& v, const std::string& where);
Result<std::vector<Rule>> read_rules(const boost::json::value& v,
                                     const std::vector<Dimension>& dims, Reader& reader,
                                     std::set<std::string>& ids, const PackLimits& limits);
// read_urgency_routing.cpp
Result<UrgencyPolicy> read_urgency(const boost::json::value& v, Reader& reader,
                                   std::set<std::string>& ids, const PackLimits& limits);
Result<std::vector<Department>> read_departments(const boost::json::value& v);
Result<Routing> read_routing(const boost::json::value& v, const std::vector<Department>& depts,
                             const std::vector<Dimension>& dims, Reader& reader,
                             std::set<std::string>& ids, const PackLimits& limits);
// read_calendars_sla.cpp
Result<std::vector<CalendarSpec>> read_calendars(const boost::json::value& v);
Result<SlaPolicy> read_sla(const boost::json::value& v, const std::vector<CalendarSpec>& calendars,
                           Reader& reader);
Result<std::vector<ChainSpec>> read_chains(const boost::json::value& v,
                                           const std::vector<CalendarSpec>& calendars);
// read_workflow.cpp
Result<WorkflowSpec> read_workflow(const boost::json::value& v);
// read_texts.cpp
Result<Localized> read_localized(const boost::json::value& v, const std::string& where);
Result<I18n> read_i18n(const boost::json::value& v);
Result<std::vector<QuestionSpec>> read_questions(const boost::json::value& v, Reader& reader);
Result<std::vector<KnowledgeEntry>> read_knowledge(const boost::json::value& v, Reader& reader,
                                                   const std::vector<Department>& depts);
Result<std::vector<TemplateSpec>> read_templates(const boost::json::value& v, Reader& reader);

}  // namespace detail::pack_json
}  // namespace v1
}  // namespace triage
