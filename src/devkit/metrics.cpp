#include "triage/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

#include "base/json_util.hpp"
#include "triage/text_table.hpp"

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
SlaCompliance MetricsReport::sla_total() const noexcept {
  SlaCompliance all;
  for (const auto& [name, c] : sla) {
    all.met += c.met;
    all.breached += c.breached;
  }
  return all;
}
double MetricsReport::csat() const noexcept {
  const std::size_t rated = satisfied + neutral + unsatisfied;
  return rated ? static_cast<double>(satisfied) / static_cast<double>(rated) : 0.0;
}

namespace {
bool has(const std::vector<TicketEvent>& evs, std::string_view type) {
  return std::any_of(evs.begin(), evs.end(), [&](auto& e) { return e.type == type; });
}

using Judged = std::vector<std::pair<std::string, TargetStatus::State>>;

void add(MetricsReport& r, const TicketHistory& h, const Diagnosis& d, const Judged& sla) {
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
  for (const auto& [name, state] : sla) {
    if (state == TargetStatus::State::met)
      ++r.sla[name].met;
    else if (state == TargetStatus::State::breached)
      ++r.sla[name].breached;
  }
}

// The targets with a deadline, judged at the ticket's last event.
std::vector<TargetStatus> judged_targets(const TicketHistory& h, const Diagnosis& d,
                                         const Engine& engine) {
  std::vector<TargetStatus> out;
  if (!d.sla || !d.sla->calendar || h.events.empty()) return out;
  for (auto& s : engine.sla_status(d, h.events, h.events.back().at)) {
    const SlaTarget* t = d.sla->plan.find(s.name);
    if (!t || (t->due.is_not_a_date_time() && !t->from_resolution)) continue;  // no deadline
    out.push_back(std::move(s));
  }
  return out;
}

// Monday of the week the ticket was created in, on its own clock.
std::string week_of(const TicketHistory& h) {
  Timestamp created;
  if (h.ticket.created_at)
    created = *h.ticket.created_at;
  else if (!h.events.empty())
    created.utc = h.events.front().at;
  else
    return "(unknown)";
  const auto day = (created.utc + pt::minutes(created.offset_minutes)).date();
  const auto monday = day - boost::gregorian::days((day.day_of_week().as_number() + 6) % 7);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(monday.year()),
                static_cast<int>(monday.month()), static_cast<int>(monday.day()));
  return buf;
}
}  // namespace

Metrics compute_metrics(const Engine& engine, gsl::span<const TicketHistory> histories) {
  Metrics m;
  Evaluation ev;
  for (std::size_t i = 0; i < histories.size(); ++i) {
    const TicketHistory& h = histories[i];
    DiagnoseOptions opts;
    if (!h.events.empty()) opts.now = h.events.front().at;  // a ticket without created_at
    const Diagnosis d = engine.diagnose(h.ticket, ev, opts);
    const std::string group = d.route ? d.route->group : std::string("(none)");
    const auto statuses = judged_targets(h, d, engine);
    Judged judged;
    for (const auto& s : statuses) judged.emplace_back(s.name, s.state);
    add(m.overall, h, d, judged);
    add(m.by_group[group], h, d, judged);
    add(m.by_week[week_of(h)], h, d, judged);
    const int offset = h.ticket.created_at ? h.ticket.created_at->offset_minutes : 0;
    if (!has(h.events, "closed")) continue;  // SLA targets are judged on closed tickets
    for (const auto& s : statuses) {
      if (s.state != TargetStatus::State::breached) continue;
      Breach b{h.ticket.id.value_or("#" + std::to_string(i + 1)),
               group,
               s.name,
               Timestamp{s.due, offset},
               std::nullopt,
               s.margin};
      if (!s.completed.is_not_a_date_time()) b.completed = Timestamp{s.completed, offset};
      m.breaches.push_back(std::move(b));
    }
  }
  return m;
}

namespace {
double round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}

boost::json::object compliance_json(const SlaCompliance& c) {
  return {{"met", c.met}, {"breached", c.breached}, {"compliance", round3(c.rate())}};
}

boost::json::object report_json(const MetricsReport& r) {
  boost::json::object sla;
  for (const auto& [name, c] : r.sla) sla[name] = compliance_json(c);
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
          {"sla_all_targets", compliance_json(r.sla_total())},
          {"reopen_rate", round3(r.reopen_rate())},
          {"repeat_contacts", r.repeat_contacts},
          {"counts", std::move(counts)}};
}

// The tables print the rounded figures of the JSON, so that every rendering agrees.
std::string percent(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * round3(x));
  return buf;
}
std::string one_decimal(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", round3(x));
  return buf;
}
double to_hours(const pt::time_duration& d) {
  return static_cast<double>(d.total_seconds()) / 3600.0;
}
}  // namespace

boost::json::object to_json(const Metrics& m) {
  boost::json::object groups;
  for (const auto& [g, r] : m.by_group) groups[g] = report_json(r);
  boost::json::array weeks;
  for (const auto& [week, r] : m.by_week) {
    weeks.push_back({{"week", week},
                     {"tickets", r.tickets},
                     {"closed", r.closed},
                     {"first_contact_resolution", round3(r.fcr_rate())},
                     {"sla_all_targets", compliance_json(r.sla_total())}});
  }
  boost::json::array breaches;
  for (const auto& b : m.breaches) {
    breaches.push_back(
        {{"ticket_id", b.ticket_id},
         {"group", b.group},
         {"target", b.target},
         {"due", format_timestamp(b.due)},
         {"completed",
          b.completed ? boost::json::value(format_timestamp(*b.completed)) : boost::json::value()},
         {"late_hours", round3(to_hours(b.late))}});
  }
  boost::json::object o = report_json(m.overall);
  o["by_group"] = std::move(groups);
  o["weeks"] = std::move(weeks);
  o["breaches"] = std::move(breaches);
  return o;
}

std::string to_table(const Metrics& m) {
  TextTable groups{
      {"group", "tickets", "closed", "FCR", "avg h", "p90 h", "CSAT", "reopen", "repeat"},
      {false, true, true, true, true, true, true, true, true},
      {}};
  auto row = [&](const std::string& name, const MetricsReport& r) {
    groups.rows.push_back({name, std::to_string(r.tickets), std::to_string(r.closed),
                           percent(r.fcr_rate()), one_decimal(r.average_handling_hours()),
                           one_decimal(r.p90_handling_hours()), percent(r.csat()),
                           percent(r.reopen_rate()), std::to_string(r.repeat_contacts)});
  };
  row("all", m.overall);
  for (const auto& [g, r] : m.by_group) row(g, r);
  std::string out = render(groups);

  TextTable sla{{"SLA target", "met", "breached", "compliance"}, {false, true, true, true}, {}};
  for (const auto& [name, c] : m.overall.sla) {
    sla.rows.push_back(
        {name, std::to_string(c.met), std::to_string(c.breached), percent(c.rate())});
  }
  out += "\n" + render(sla);

  out += "\nCSAT: " + std::to_string(m.overall.satisfied) + " satisfied, " +
         std::to_string(m.overall.neutral) + " neutral, " + std::to_string(m.overall.unsatisfied) +
         " unsatisfied, " + std::to_string(m.overall.unrated) + " unrated\n";

  TextTable weeks{
      {"week", "tickets", "closed", "FCR", "SLA compliance"}, {false, true, true, true, true}, {}};
  for (const auto& [week, r] : m.by_week) {
    weeks.rows.push_back({week, std::to_string(r.tickets), std::to_string(r.closed),
                          percent(r.fcr_rate()), percent(r.sla_total().rate())});
  }
  out += "\n" + render(weeks);

  // The latest first; a long history lists its worst here and every breach in the JSON.
  constexpr std::size_t shown = 20;
  std::vector<const Breach*> late;
  for (const auto& b : m.breaches) late.push_back(&b);
  std::stable_sort(late.begin(), late.end(),
                   [](const Breach* a, const Breach* b) { return a->late > b->late; });
  out += "\nbreached: " + std::to_string(m.breaches.size()) + " targets\n";
  TextTable breaches{
      {"ticket", "group", "target", "due", "late h"}, {false, false, false, false, true}, {}};
  for (std::size_t i = 0; i < late.size() && i < shown; ++i) {
    breaches.rows.push_back({late[i]->ticket_id, late[i]->group, late[i]->target,
                             format_timestamp(late[i]->due), one_decimal(to_hours(late[i]->late))});
  }
  if (!late.empty()) out += render(breaches, "  ");
  if (late.size() > shown) {
    out += "  … and " + std::to_string(late.size() - shown) +
           " more (--format json lists every breach)\n";
  }

  for (const auto& [dim, values] : m.overall.counts) {
    out += "\n" + dim + ":";
    for (const auto& [v, n] : values) out += " " + v + "=" + std::to_string(n);
  }
  out += "\n";
  return out;
}

}  // namespace v1
}  // namespace triage
