#include <algorithm>

#include "run/conditions.hpp"
#include "stages/stages.hpp"

namespace triage {
inline namespace v1 {
namespace detail {
namespace pt = boost::posix_time;

const Calendar& pick_calendar(const CompiledPack& cp, const Evaluation& ev) {
  for (const auto& [node, cal] : cp.calendar_rules) {
    if (holds(cp, node, ev)) return cp.calendars[static_cast<std::size_t>(cal)];
  }
  return cp.calendars[static_cast<std::size_t>(cp.sla_calendar)];
}

namespace {
const SlaBudget* budget_for(const SlaTargetSpec& t, const Evaluation& ev, const Ticket& ticket) {
  if (t.by.empty()) return &t.budget;
  std::string_view key;
  if (t.by == "urgency") {
    if (ev.urgency() < 0) return nullptr;
    key = to_string(static_cast<Urgency>(ev.urgency()));
  } else {
    key = to_string(ticket.channel);
  }
  for (const auto& [value, budget] : t.budgets) {
    if (value == key) return &budget;
  }
  return t.otherwise ? &*t.otherwise : nullptr;
}
}  // namespace

SlaPlan plan_sla(const CompiledPack& cp, const Evaluation& ev, const Ticket& ticket,
                 pt::ptime start, const Calendar& ticket_calendar) {
  const SlaPolicy& policy = *cp.pack.sla;
  SlaPlan plan;
  plan.calendar = ticket_calendar.id();
  plan.targets.reserve(policy.targets.size());
  for (std::size_t i = 0; i < policy.targets.size(); ++i) {
    const SlaTargetSpec& spec = policy.targets[i];
    if (cp.sla_when[i] != CompiledPack::npos && !holds(cp, cp.sla_when[i], ev)) continue;
    const SlaBudget* budget = budget_for(spec, ev, ticket);
    if (!budget) continue;
    SlaTarget t;
    // A target with its own calendar keeps it whichever calendar the customer's tier picked;
    // `ticket_calendar` stands in for the pack's calendar of the same id (what_if's change).
    if (const std::int32_t own = cp.sla_target_calendar[i]; own >= 0) {
      const Calendar& c = cp.calendars[static_cast<std::size_t>(own)];
      t.calendar = c.id() == ticket_calendar.id() ? ticket_calendar : c;
    }
    const Calendar& cal = t.calendar_or(ticket_calendar);
    t.name = spec.name;
    t.from_resolution = spec.from_resolution;
    t.completed_by = spec.completed_by;
    t.rearm_on_customer_reply = spec.rearm_on_customer_reply;
    t.notify = budget->notify;
    t.start = t.due = t.warn_at = t.escalate_at = pt::ptime(pt::not_a_date_time);
    if (budget->duration) t.duration = *budget->duration;
    if (budget->duration && !spec.from_resolution) {
      t.start = start;
      t.due = sla_deadline(cal, start, t.duration);
      // The warning comes when `warn_share` of the budget is used, on the target's own clock.
      if (t.duration.clock == Clock::wall) {
        t.warn_at =
            start + pt::seconds(static_cast<long>(
                        static_cast<double>((t.due - start).total_seconds()) * policy.warn_share));
      } else {
        const auto budget_time = cal.business_time_between(start, t.due);
        t.warn_at = cal.add_business_time(
            start, pt::seconds(static_cast<long>(static_cast<double>(budget_time.total_seconds()) *
                                                 policy.warn_share)));
      }
      t.escalate_at = t.due;
      const bool working_time_only = budget->notify_in_working_time.value_or(
          spec.notify_in_working_time.value_or(policy.notify_in_working_time));
      if (working_time_only) {
        t.warn_at = cal.next_working_instant(t.warn_at);
        t.escalate_at = cal.next_working_instant(t.escalate_at);
      }
    }
    plan.targets.push_back(std::move(t));
  }
  return plan;
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
