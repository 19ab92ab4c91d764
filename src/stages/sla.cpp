#include "triage/sla.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "base/json_util.hpp"
#include "triage/engine.hpp"
#include "triage/timestamp.hpp"

namespace triage {
inline namespace v1 {
namespace pt = boost::posix_time;

std::string_view to_string(Clock c) noexcept {
  switch (c) {
    case Clock::wall:
      return "24x7";
    case Clock::business_hours:
      return "business_hours";
    case Clock::working_days:
      return "working_days";
    case Clock::business_day:
      return "business_day";
  }
  return "";
}

std::string_view to_string(TargetStatus::State s) noexcept {
  switch (s) {
    case TargetStatus::State::met:
      return "met";
    case TargetStatus::State::breached:
      return "breached";
    case TargetStatus::State::at_risk:
      return "at_risk";
    case TargetStatus::State::running:
      return "running";
    case TargetStatus::State::paused:
      return "paused";
    case TargetStatus::State::not_started:
      return "not_started";
  }
  return "";
}

const SlaTarget* SlaPlan::find(std::string_view name) const noexcept {
  for (const auto& t : targets) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

pt::ptime sla_deadline(const Calendar& cal, pt::ptime start, const SlaDuration& d) {
  switch (d.clock) {
    case Clock::wall:
      return start + pt::seconds(d.seconds);
    case Clock::business_hours:
      return cal.add_business_time(start, pt::seconds(d.seconds));
    case Clock::working_days:
      return cal.add_working_days(start, d.days);
    case Clock::business_day:
      return cal.end_of_business_day(start);
  }
  return start;
}

Result<std::vector<TicketEvent>> events_from_json(const boost::json::value& v,
                                                  std::string_view where) {
  const std::string base(where);
  if (!v.is_array()) return detail::type_error(base, "array of events", v);
  std::vector<TicketEvent> out;
  const auto& a = v.get_array();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string at = detail::child(base, i);
    if (!a[i].is_object()) return detail::type_error(at, "object", a[i]);
    const auto& o = a[i].get_object();
    auto t = o.find("type");
    auto when = o.find("at");
    if (t == o.end() || !t->value().is_string()) {
      return make_error(Errc::field_missing, at + "/type", "an event needs a type (string)");
    }
    if (when == o.end() || !when->value().is_string()) {
      return make_error(Errc::field_missing, at + "/at", "an event needs an instant (string)");
    }
    auto ts = parse_timestamp(when->value().get_string(), at + "/at");
    if (!ts) return ts.error();
    out.push_back({ts->utc, std::string(t->value().get_string())});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TicketEvent& x, const TicketEvent& y) { return x.at < y.at; });
  return out;
}

namespace {
// Time on the target's own clock inside [a, b).
pt::time_duration measure(const Calendar& cal, Clock c, pt::ptime a, pt::ptime b) {
  if (b <= a) return pt::time_duration(0, 0, 0);
  return c == Clock::wall ? b - a : cal.business_time_between(a, b);
}
pt::ptime extend(const Calendar& cal, Clock c, pt::ptime t, pt::time_duration d) {
  return c == Clock::wall ? t + d : cal.add_business_time(t, d);
}
bool is_pause(const TicketEvent& e) {
  return e.type == "waiting_customer";
}
}  // namespace

std::vector<TargetStatus> sla_status(const SlaPlan& plan, const Calendar& plan_calendar,
                                     gsl::span<const TicketEvent> events, pt::ptime now,
                                     double at_risk_share) {
  std::vector<TargetStatus> out;
  for (const SlaTarget& t : plan.targets) {
    const Calendar& cal = t.calendar_or(plan_calendar);
    TargetStatus s;
    s.name = t.name;
    // When does this target's clock start, and which cycle is current?
    pt::ptime start = t.start;
    if (t.from_resolution) {
      start = pt::ptime(pt::not_a_date_time);
      for (const auto& e : events) {
        if (e.type == "resolved" && e.at <= now) start = e.at;  // the latest resolution counts
      }
    }
    if (start.is_not_a_date_time()) {
      out.push_back(s);
      continue;
    }
    if (t.rearm_on_customer_reply) {
      // A customer reply after the target was met asks for a new response.
      bool met_in_cycle = false;
      for (const auto& e : events) {
        if (e.at < start || e.at > now) continue;
        if (e.type == t.completed_by) met_in_cycle = true;
        if (e.type == "customer_replied" && met_in_cycle) {
          start = e.at;
          met_in_cycle = false;
          ++s.cycle;
        }
      }
    }
    // Pauses while waiting on the customer: the deadline moves by the paused time.
    const pt::ptime budget_end = sla_deadline(cal, start, t.duration);
    const pt::time_duration budget = measure(cal, t.duration.clock, start, budget_end);
    const Clock pause_clock = t.duration.clock == Clock::wall ? Clock::wall : Clock::business_hours;
    pt::ptime due = budget_end;
    pt::ptime completed(pt::not_a_date_time);
    pt::ptime pause_start(pt::not_a_date_time);
    pt::time_duration paused(0, 0, 0);
    for (const auto& e : events) {
      if (e.at < start || e.at > now) continue;
      if (!completed.is_not_a_date_time()) break;
      if (!pause_start.is_not_a_date_time() && !is_pause(e)) {
        const auto m = measure(cal, pause_clock, pause_start, e.at);
        if (pause_start < due) due = extend(cal, pause_clock, due, m);
        paused += m;
        pause_start = pt::ptime(pt::not_a_date_time);
      }
      if (is_pause(e) && pause_start.is_not_a_date_time()) pause_start = e.at;
      if (e.type == t.completed_by) completed = e.at;
    }
    s.paused = paused;
    if (!completed.is_not_a_date_time()) {
      s.completed = completed;
      s.due = due;
      s.state = completed <= due ? TargetStatus::State::met : TargetStatus::State::breached;
      s.margin = completed <= due ? due - completed : completed - due;
    } else if (!pause_start.is_not_a_date_time()) {
      // Still waiting on the customer: the clock stands; report what was left.
      s.state = TargetStatus::State::paused;
      s.paused += measure(cal, pause_clock, pause_start, now);
      s.margin = due > pause_start ? due - pause_start : pt::time_duration(0, 0, 0);
    } else if (now > due) {
      s.due = due;
      s.state = TargetStatus::State::breached;
      s.margin = now - due;
    } else {
      s.due = due;
      s.margin = due - now;
      const auto left = measure(
          cal, t.duration.clock == Clock::wall ? Clock::wall : Clock::business_hours, now, due);
      const bool risky = budget.total_seconds() > 0 &&
                         static_cast<double>(left.total_seconds()) <
                             at_risk_share * static_cast<double>(budget.total_seconds());
      s.state = risky ? TargetStatus::State::at_risk : TargetStatus::State::running;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<TargetStatus> Engine::sla_status(const Diagnosis& d,
                                             gsl::span<const TicketEvent> events,
                                             boost::posix_time::ptime now) const {
  if (!d.sla || !d.sla->calendar || !pack().sla) return {};
  return triage::sla_status(d.sla->plan, *d.sla->calendar, events, now, pack().sla->at_risk_share);
}

}  // namespace v1
}  // namespace triage
