// Service-level targets: what is due when, on which clock, and — given a ticket's event
// history — whether each target was met, breached, is at risk or still running.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/json/value.hpp>
#include <gsl/span>

#include "triage/calendar.hpp"
#include "triage/error.hpp"

namespace triage {
inline namespace v1 {

/// How a target's time is counted.
enum class Clock : std::uint8_t {
  wall,            ///< "24x7": every hour counts
  business_hours,  ///< only the calendar's working hours count
  working_days,    ///< N working days later, same time of day
  business_day,    ///< by the end of the (next) business day
};
std::string_view to_string(Clock c) noexcept;

struct SlaDuration {
  Clock clock = Clock::wall;
  std::int64_t seconds = 0;  ///< wall and business_hours
  int days = 0;              ///< working_days
  friend bool operator==(const SlaDuration&, const SlaDuration&) = default;
};

/// Adds a duration on its clock.
boost::posix_time::ptime sla_deadline(const Calendar& cal, boost::posix_time::ptime start,
                                      const SlaDuration& d);

/// One target of one ticket, as planned at diagnosis time.
struct SlaTarget {
  std::string name;  ///< acknowledge, first_response, resolution, plan, assessment, follow_up…
  SlaDuration duration;
  bool from_resolution = false;  ///< the clock starts when the ticket is resolved (follow-up)
  std::string completed_by;      ///< the event type that meets it ("responded", …)
  bool rearm_on_customer_reply = false;  ///< a customer reply starts a new cycle (responses)
  std::string notify;                    ///< who is told at escalation ("supervisor"), if anyone
  boost::posix_time::ptime start;        ///< not_a_date_time for from_resolution targets
  boost::posix_time::ptime due;          ///< not_a_date_time when the clock has not started
  boost::posix_time::ptime warn_at;      ///< a warning before the deadline
  boost::posix_time::ptime escalate_at;  ///< when an overdue ticket is escalated
  /// The calendar this target's clock runs on when the pack gives the target its own; empty: the
  /// plan's (the ticket's) calendar.
  std::optional<Calendar> calendar;
  /// This target's calendar: its own, else `plan_calendar`.
  const Calendar& calendar_or(const Calendar& plan_calendar) const noexcept {
    return calendar ? *calendar : plan_calendar;
  }
};

struct SlaPlan {
  std::string
      calendar;  ///< the ticket's calendar; a target may run on its own (`SlaTarget::calendar`)
  std::vector<SlaTarget> targets;
  const SlaTarget* find(std::string_view name) const noexcept;
};

/// Something that happened to a ticket. Types the SLA clock understands: acknowledged,
/// responded, waiting_customer (pauses), customer_replied (resumes; re-arms responses),
/// resolved, plan_sent, assessment_sent, follow_up_done, reopened, closed. Others are ignored.
struct TicketEvent {
  boost::posix_time::ptime at;  ///< UTC
  std::string type;
};

/// Reads `[{"at": "…", "type": "…"}, …]`; errors name the JSON pointer.
Result<std::vector<TicketEvent>> events_from_json(const boost::json::value& v,
                                                  std::string_view where = "/events");

struct TargetStatus {
  enum class State : std::uint8_t { met, breached, at_risk, running, paused, not_started };
  std::string name;
  State state = State::not_started;
  boost::posix_time::ptime due;        ///< after pauses; not_a_date_time while not started/paused
  boost::posix_time::ptime completed;  ///< when met or breached by completion
  boost::posix_time::time_duration margin;  ///< time left (running, at risk) or overdue (breached)
  boost::posix_time::time_duration paused;  ///< time the clock stood still (on its own clock)
  int cycle = 1;                            ///< which response cycle (re-armed targets)
};
std::string_view to_string(TargetStatus::State s) noexcept;

/// The state of every target given the events so far, one per target of the plan, in order.
/// `calendar` is the plan's; a target with its own calendar runs on that one. `at_risk_share`: a
/// running target with less than this share of its budget left is at risk.
std::vector<TargetStatus> sla_status(const SlaPlan& plan, const Calendar& calendar,
                                     gsl::span<const TicketEvent> events,
                                     boost::posix_time::ptime now, double at_risk_share = 0.25);

}  // namespace v1
}  // namespace triage
