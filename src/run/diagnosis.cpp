#include "triage/diagnosis.hpp"

#include <boost/json.hpp>

namespace triage {
inline namespace v1 {
namespace json = boost::json;

const Label* Diagnosis::label(std::string_view dimension) const noexcept {
  for (const auto& l : labels) {
    if (l.dimension == dimension) return &l;
  }
  return nullptr;
}

namespace {
json::object span_json(const MatchedSpan& s) {
  return {{"field", s.field}, {"start", s.begin}, {"end", s.end}, {"text", s.text}};
}
}  // namespace

json::object to_json(const Diagnosis& d) {
  json::object o;
  o["ticket_id"] = d.ticket_id ? json::value(*d.ticket_id) : json::value(nullptr);
  o["request_id"] = d.request_id;
  o["pack"] = {{"name", d.pack_name}, {"version", d.pack_version}};
  json::object labels;
  for (const auto& l : d.labels) {
    json::object lo;
    lo["value"] = l.value ? json::value(*l.value) : json::value(nullptr);
    lo["confidence"] = l.confidence;
    json::array ev;
    for (const auto& e : l.evidence) {
      json::object eo;
      eo[e.from_rule ? "rule" : "classifier"] = e.source;
      eo["weight"] = e.weight;
      json::array spans;
      for (const auto& s : e.spans) spans.push_back(span_json(s));
      eo["spans"] = std::move(spans);
      ev.push_back(std::move(eo));
    }
    lo["evidence"] = std::move(ev);
    json::array cands;
    for (const auto& c : l.candidates) cands.push_back({{"value", c.value}, {"score", c.score}});
    lo["candidates"] = std::move(cands);
    labels[l.dimension] = std::move(lo);
  }
  o["labels"] = std::move(labels);
  json::array tags;
  for (const auto& t : d.tags) tags.emplace_back(t);
  o["tags"] = std::move(tags);
  json::array ents;
  for (const auto& e : d.entities) {
    json::object eo = span_json(e.span);
    eo.erase("text");
    eo["type"] = e.type;
    eo["value"] = e.value;
    ents.push_back(std::move(eo));
  }
  o["entities"] = std::move(ents);
  o["language"] = d.language;
  if (d.urgency) o["urgency"] = *d.urgency;
  if (d.route) {
    const Route& r = *d.route;
    json::array assisting;
    for (const auto& a : r.assisting) assisting.emplace_back(a);
    json::object ro{{"primary", r.primary},
                    {"assisting", std::move(assisting)},
                    {"coordinator", r.coordinator ? json::value(*r.coordinator) : json::value()},
                    {"group", r.group},
                    {"rule", r.rule},
                    {"router", r.router}};
    if (r.agent) ro["agent"] = *r.agent;
    o["route"] = std::move(ro);
  }
  if (d.sla && d.sla->calendar) {
    const Calendar& cal = *d.sla->calendar;
    auto instant = [&](boost::posix_time::ptime t) {
      return t.is_not_a_date_time() ? json::value(nullptr) : json::value(cal.format(t));
    };
    json::object so;
    so["calendar"] = d.sla->plan.calendar;
    so["start"] = instant(d.sla->start);
    const SlaTarget* fr = d.sla->plan.find("first_response");
    const SlaTarget* rs = d.sla->plan.find("resolution");
    // Each deadline in the local time of the calendar it was computed on.
    auto due = [&](const SlaTarget* t) {
      if (!t || t->due.is_not_a_date_time()) return json::value(nullptr);
      return json::value(t->calendar_or(cal).format(t->due));
    };
    so["first_response_due"] = due(fr);
    so["resolution_due"] = due(rs);
    json::array targets;
    for (const auto& t : d.sla->plan.targets) {
      const Calendar& tcal = t.calendar_or(cal);
      auto local = [&](boost::posix_time::ptime p) {
        return p.is_not_a_date_time() ? json::value(nullptr) : json::value(tcal.format(p));
      };
      json::object to{{"name", t.name},
                      {"calendar", tcal.id()},
                      {"due", local(t.due)},
                      {"clock", to_string(t.duration.clock)},
                      {"from", t.from_resolution ? "resolved" : "created"}};
      if (t.duration.clock == Clock::working_days)
        to["working_days"] = t.duration.days;
      else if (t.duration.clock != Clock::business_day)
        to["seconds"] = t.duration.seconds;
      to["warn_at"] = local(t.warn_at);
      to["escalate_at"] = local(t.escalate_at);
      if (!t.notify.empty()) to["notify"] = t.notify;
      targets.push_back(std::move(to));
    }
    so["targets"] = std::move(targets);
    o["sla"] = std::move(so);
  }
  if (d.repeat_contact) {
    const RepeatContact& rc = *d.repeat_contact;
    json::array ev;
    for (const auto& s : rc.evidence) ev.push_back(span_json(s));
    json::object ro{{"found", rc.found}, {"evidence", std::move(ev)}};
    ro["count"] = rc.count ? json::value(*rc.count) : json::value(nullptr);
    ro["days_since"] = rc.days_since ? json::value(*rc.days_since) : json::value(nullptr);
    ro["learned"] = rc.learned ? json::value(*rc.learned) : json::value(nullptr);
    o["repeat_contact"] = std::move(ro);
  }
  if (d.related) {
    json::array rel;
    for (const auto& r : *d.related) {
      rel.push_back({{"ticket_id", r.ticket_id},
                     {"channel", r.channel},
                     {"reason", r.reason},
                     {"score", r.score},
                     {"created_at", format_timestamp(r.created)}});
    }
    o["related"] = std::move(rel);
  }
  if (d.questions) {
    json::array qs;
    for (const auto& q : *d.questions) {
      json::object qo{{"id", q.id}, {"text", q.text}};
      if (!q.field.empty()) qo["field"] = q.field;
      if (!q.dimension.empty()) qo["dimension"] = q.dimension;
      qs.push_back(std::move(qo));
    }
    o["questions"] = std::move(qs);
  }
  if (d.knowledge) {
    json::array ks;
    for (const auto& k : *d.knowledge) {
      json::array matched, steps;
      for (const auto& m : k.matched) matched.emplace_back(m);
      for (const auto& st : k.immediate) steps.emplace_back(st);
      ks.push_back({{"id", k.id},
                    {"title", k.title},
                    {"score", k.score},
                    {"matched", std::move(matched)},
                    {"cause", k.cause},
                    {"immediate", std::move(steps)},
                    {"long_term", k.long_term},
                    {"owner", k.owner}});
    }
    o["knowledge"] = std::move(ks);
  }
  if (d.response) {
    o["template"] = {{"id", d.response->id},
                     {"kind", d.response->kind},
                     {"language", d.response->language},
                     {"text", d.response->text}};
  }
  if (d.conclusion) {
    const Conclusion& c = *d.conclusion;
    auto strings = [](const std::vector<std::string>& v) {
      json::array a;
      for (const auto& x : v) a.emplace_back(x);
      return a;
    };
    auto instant = [&](boost::posix_time::ptime t) {
      if (t.is_not_a_date_time() || !d.sla || !d.sla->calendar) return json::value(nullptr);
      return json::value(d.sla->calendar->format(t));
    };
    auto opt = [](const std::optional<std::string>& v) {
      return v ? json::value(*v) : json::value(nullptr);
    };
    o["conclusion"] = {{"status", c.status},
                       {"root_cause", opt(c.root_cause)},
                       {"known_issue", opt(c.known_issue)},
                       {"owner", c.owner},
                       {"departments", strings(c.departments)},
                       {"immediate_actions", strings(c.immediate_actions)},
                       {"long_term_action", opt(c.long_term_action)},
                       {"expected_completion", instant(c.expected_completion)},
                       {"next_contact", instant(c.next_contact)},
                       {"follow_up_visit", c.follow_up_visit},
                       {"missing", strings(c.missing)},
                       {"unsure", strings(c.unsure)}};
  }
  if (d.urgency || d.route) {
    json::array ex;
    for (const auto& e : d.explain) {
      ex.push_back({{"step", e.step}, {"rule", e.rule}, {"effect", e.effect}, {"why", e.why}});
    }
    o["explain"] = std::move(ex);
  }
  return o;
}

json::array sla_status_json(const SlaReport& report, gsl::span<const TargetStatus> statuses) {
  json::array out;
  const Calendar* plan_calendar = report.calendar ? &*report.calendar : nullptr;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    const TargetStatus& s = statuses[i];
    // One status per target, in the plan's order: each instant on its target's own calendar.
    const SlaTarget* target = i < report.plan.targets.size() ? &report.plan.targets[i] : nullptr;
    const Calendar* cal =
        target && plan_calendar ? &target->calendar_or(*plan_calendar) : plan_calendar;
    auto instant = [&](boost::posix_time::ptime p) {
      return p.is_not_a_date_time() || !cal ? json::value(nullptr) : json::value(cal->format(p));
    };
    out.push_back({{"name", s.name},
                   {"state", to_string(s.state)},
                   {"due", instant(s.due)},
                   {"completed", instant(s.completed)},
                   {"margin_seconds", s.margin.total_seconds()},
                   {"paused_seconds", s.paused.total_seconds()},
                   {"cycle", s.cycle}});
  }
  return out;
}

}  // namespace v1
}  // namespace triage
