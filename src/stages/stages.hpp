// Internal: the steps that run after classification and read its labels — urgency and routing.
#pragma once

#include <vector>

#include "compile/compiled_pack.hpp"
#include "triage/diagnosis.hpp"
#include "triage/sla.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

/// The urgency level and the rules that decided it (appended to `explain` unless it is null:
/// classification alone builds no explanation and allocates nothing).
Urgency assess_urgency(const CompiledPack& cp, const Evaluation& ev,
                       std::vector<Explanation>* explain);

/// The routing row that decides and what it names, as pointers into the pack (no copies).
struct RouteChoice {
  const RouteRule* row = nullptr;  ///< nullptr: no row matched, the defaults apply
  const std::string* primary = nullptr;
  const std::vector<std::string>* assisting = nullptr;
  const std::string* group = nullptr;
};
RouteChoice choose_route(const CompiledPack& cp, const Evaluation& ev);

/// The primary and assisting departments and the handling group (no agent yet); the step that
/// decided is appended to `explain` unless it is null (a selection that does not write it).
Route route_ticket(const CompiledPack& cp, const Evaluation& ev, std::vector<Explanation>* explain);

/// The calendar the SLA policy picks for this ticket (calendar rules, then the default).
const Calendar& pick_calendar(const CompiledPack& cp, const Evaluation& ev);

/// Every SLA target that applies, with its deadline from `start` on `cal`.
SlaPlan plan_sla(const CompiledPack& cp, const Evaluation& ev, const Ticket& ticket,
                 boost::posix_time::ptime start, const Calendar& cal);

/// Questions for what is missing or unsure, known issues, the response template and the
/// conclusion, added to `d` (which already holds labels, urgency, route and SLA).
void respond(const CompiledPack& cp, const Evaluation& ev, const Ticket& ticket, Diagnosis& d);

}  // namespace detail
}  // namespace v1
}  // namespace triage
