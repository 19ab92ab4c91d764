#include "triage/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

#include "json_util.hpp"

namespace triage {
inline namespace v1 {
namespace pt = boost::posix_time;

Result<TicketHistory> history_from_json(const boost::json::value& v) {
  if (!v.is_object())
    return make_error(Errc::not_an_object, "", "a history line must be an object");
  boost::json::object o = v.get_object();
  TicketHistory h;
  if (auto e = o.find("events"); e != o.end()) {
    auto evs = events_from_json(e->value(), "/events");
    if (!evs) return evs.error();
    h.events = std::move(*evs);
    o.erase(e);
  }
  if (auto s = o.find("satisfaction"); s != o.end()) {
    if (!s->value().is_null()) {
      if (!s->value().is_string()) return detail::type_error("/satisfaction", "string", s->value());
      const std::string_view t = s->value().get_string();
      if (t == "satisfied")
        h.satisfaction = Satisfaction::satisfied;
      else if (t == "neutral")
        h.satisfaction = Satisfaction::neutral;
      else if (t == "unsatisfied")
        h.satisfaction = Satisfaction::unsatisfied;
      else {
        return make_error(
            Errc::field_value, "/satisfaction",
            "unknown value \"" + std::string(t) + "\"; expected satisfied|neutral|unsatisfied");
      }
    }
    o.erase(s);
  }
  o.erase("labels");  // a labelled history carries expected labels; they are not ticket fields
  auto t = ticket_from_json(o);
  if (!t) return t.error();
  h.ticket = std::move(*t);
  return h;
}

double MetricsReport::fcr_rate() const noexcept {
  return closed ? static_cast<double>(first_contact_resolved) / static_cast<double>(closed) : 0.0;
}
double MetricsReport::reopen_rate() const noexcept {
  return closed ? static_cast<double>(reopened) / static_cast<double>(closed) : 0.0;
}
double MetricsReport::average_handling_hours() const noexcept {
  if (handling_hours.empty()) return 0.0;
  double sum = 0;
  for (double h : handling_hours) sum += h;
  return sum / static_cast<double>(handling_hours.size());
}
double MetricsReport::p90_handling_hours() const noexcept {
  if (handling_hours.empty()) return 0.0;
  std::vector<double> v = handling_hours;
  std::sort(v.begin(), v.end());
  // Nearest rank: the smallest value with at least 90% of the values at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(v.size())));
  return v[std::max<std::size_t>(rank, 1) - 1];
}
double MetricsReport::csat() const noexcept {
  const std::size_t rated = satisfied + neutral + unsatisfied;
  return rated ? static_cast<double>(satisfied) / static_cast<double>(rated) : 0.0;
}

namespace {
bool has(const std::vector<TicketEvent>& evs, std::string_view type) {
  return std::any_of(evs.begin(), evs.end(), [&](auto& e) { return e.type == type; });
}

void add(MetricsReport& r, const TicketHistory& h, const Diagnosis& d, const Engine& engine) {
  ++r.tickets;
  r.repeat_contacts += d.repeat_contact && d.repeat_contact->found;
  for (const auto& l : d.labels) {
    if (l.value) ++r.counts[l.dimension][*l.value];
  }
  const auto& evs = h.events;
  if (!has(evs, "closed")) return;
  ++r.closed;
  const bool reopened = has(evs, "reopened");
  r.reopened += reopened;
  std::size_t responses = 0;
  pt::ptime first_resolution(pt::not_a_date_time), last_resolution(pt::not_a_date_time);
  for (const auto& e : evs) {
    if (e.type == "resolved") {
      if (first_resolution.is_not_a_date_time()) first_resolution = e.at;
      last_resolution = e.at;
    }
    if (e.type == "responded" && first_resolution.is_not_a_date_time()) ++responses;
  }
  if (!reopened && !has(evs, "escalated") && responses <= 1 &&
      !first_resolution.is_not_a_date_time()) {
    ++r.first_contact_resolved;
  }
  const pt::ptime created = h.ticket.created_at ? h.ticket.created_at->utc
                            : evs.empty()       ? pt::ptime(pt::not_a_date_time)
                                                : evs.front().at;
  if (!created.is_not_a_date_time() && !last_resolution.is_not_a_date_time()) {
    r.handling_hours.push_back(static_cast<double>((last_resolution - created).total_seconds()) /
                               3600.0);
  }
  switch (h.satisfaction.value_or(Satisfaction::neutral)) {
    case Satisfaction::satisfied:
      r.satisfied += h.satisfaction.has_value();
      break;
    case Satisfaction::neutral:
      r.neutral += h.satisfaction.has_value();
      break;
    case Satisfaction::unsatisfied:
      r.unsatisfied += h.satisfaction.has_value();
      break;
  }
  r.unrated += !h.satisfaction;
  if (d.sla && d.sla->calendar && !evs.empty()) {
    const double at_risk = engine.pack().sla ? engine.pack().sla->at_risk_share : 0.25;
    for (const auto& s : sla_status(d.sla->plan, *d.sla->calendar, evs, evs.back().at, at_risk)) {
      const SlaTarget* t = d.sla->plan.find(s.name);
      if (!t || (t->due.is_not_a_date_time() && !t->from_resolution)) continue;  // no deadline
      if (s.state == TargetStatus::State::met)
        ++r.sla[s.name].met;
      else if (s.state == TargetStatus::State::breached)
        ++r.sla[s.name].breached;
    }
  }
}
}  // namespace

Metrics compute_metrics(const Engine& engine, gsl::span<const TicketHistory> histories) {
  Metrics m;
  Evaluation ev;
  for (const auto& h : histories) {
    DiagnoseOptions opts;
    if (!h.events.empty()) opts.now = h.events.front().at;  // a ticket without created_at
    const Diagnosis d = engine.diagnose(h.ticket, ev, opts);
    add(m.overall, h, d, engine);
    add(m.by_group[d.route ? d.route->group : std::string("(none)")], h, d, engine);
  }
  return m;
}

namespace {
double round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}

boost::json::object report_json(const MetricsReport& r) {
  boost::json::object sla;
  for (const auto& [name, c] : r.sla) {
    sla[name] = {{"met", c.met}, {"breached", c.breached}, {"compliance", round3(c.rate())}};
  }
  boost::json::object counts;
  for (const auto& [dim, values] : r.counts) {
    boost::json::object vo;
    for (const auto& [v, n] : values) vo[v] = n;
    counts[dim] = std::move(vo);
  }
  return {{"tickets", r.tickets},
          {"closed", r.closed},
          {"first_contact_resolution", round3(r.fcr_rate())},
          {"average_handling_hours", round3(r.average_handling_hours())},
          {"p90_handling_hours", round3(r.p90_handling_hours())},
          {"csat",
           {{"satisfied", r.satisfied},
            {"neutral", r.neutral},
            {"unsatisfied", r.unsatisfied},
            {"unrated", r.unrated},
            {"satisfied_share", round3(r.csat())}}},
          {"sla", std::move(sla)},
          {"reopen_rate", round3(r.reopen_rate())},
          {"repeat_contacts", r.repeat_contacts},
          {"counts", std::move(counts)}};
}
}  // namespace

boost::json::object to_json(const Metrics& m) {
  boost::json::object groups;
  for (const auto& [g, r] : m.by_group) groups[g] = report_json(r);
  boost::json::object o = report_json(m.overall);
  o["by_group"] = std::move(groups);
  return o;
}

std::string to_table(const Metrics& m) {
  std::string out;
  char line[256];
  auto row = [&](const std::string& name, const MetricsReport& r) {
    std::snprintf(line, sizeof line, "%-18s %7zu %7zu %7.1f%% %9.1f %9.1f %7.1f%% %7.1f%% %7zu\n",
                  name.c_str(), r.tickets, r.closed, 100 * r.fcr_rate(), r.average_handling_hours(),
                  r.p90_handling_hours(), 100 * r.csat(), 100 * r.reopen_rate(), r.repeat_contacts);
    out += line;
  };
  out += "group              tickets  closed     FCR  avg h     p90 h      CSAT  reopen  repeat\n";
  row("all", m.overall);
  for (const auto& [g, r] : m.by_group) row(g, r);
  out += "\nSLA target          met  breached  compliance\n";
  for (const auto& [name, c] : m.overall.sla) {
    std::snprintf(line, sizeof line, "%-18s %5zu %9zu %10.1f%%\n", name.c_str(), c.met, c.breached,
                  100 * c.rate());
    out += line;
  }
  out += "\nCSAT: " + std::to_string(m.overall.satisfied) + " satisfied, " +
         std::to_string(m.overall.neutral) + " neutral, " + std::to_string(m.overall.unsatisfied) +
         " unsatisfied, " + std::to_string(m.overall.unrated) + " unrated\n";
  for (const auto& [dim, values] : m.overall.counts) {
    out += "\n" + dim + ":";
    for (const auto& [v, n] : values) out += " " + v + "=" + std::to_string(n);
  }
  out += "\n";
  return out;
}

}  // namespace v1
}  // namespace triage
