// Calendars, SLA policies and process chains: everything that counts time.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include <boost/json.hpp>

#include "pack/readers.hpp"

namespace triage {
inline namespace v1 {
namespace detail::pack_json {
namespace json = boost::json;

namespace {
Result<SlaDuration> read_duration(const json::object& o, const std::string& where) {
  SlaDuration d;
  int forms = 0;
  std::optional<Clock> clock;
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    const std::string at = child(where, k);
    static const std::pair<std::string_view, std::int64_t> units[] = {
        {"seconds", 1}, {"minutes", 60}, {"hours", 3600}, {"days", 86400}};
    auto unit =
        std::find_if(std::begin(units), std::end(units), [&](auto& u) { return u.first == k; });
    if (unit != std::end(units)) {
      if (!kv.value().is_number() || kv.value().to_number<double>() <= 0 ||
          kv.value().to_number<double>() > 1e7) {
        return invalid(at, "a positive number is required");
      }
      d.seconds = static_cast<std::int64_t>(kv.value().to_number<double>() * unit->second);
      ++forms;
    } else if (k == "working_days") {
      if (!kv.value().is_int64() || kv.value().get_int64() < 1 || kv.value().get_int64() > 365) {
        return invalid(at, "a whole number of days from 1 to 365 is required");
      }
      d.clock = Clock::working_days;
      d.days = static_cast<int>(kv.value().get_int64());
      ++forms;
    } else if (k == "business_day") {
      if (!kv.value().is_bool() || !kv.value().get_bool()) return invalid(at, "must be true");
      d.clock = Clock::business_day;
      ++forms;
    } else if (k == "clock") {
      if (!kv.value().is_string()) return type_error(at, "string", kv.value());
      const std::string_view c = kv.value().get_string();
      if (c == "24x7")
        clock = Clock::wall;
      else if (c == "business_hours")
        clock = Clock::business_hours;
      else
        return invalid(at,
                       "unknown clock \"" + std::string(c) + "\"; expected 24x7|business_hours");
    } else if (k != "notify" && k != "notify_in_working_time") {
      return unknown_key(
          where, k,
          "seconds, minutes, hours, days, working_days, business_day, clock, notify, "
          "notify_in_working_time");
    }
  }
  if (forms != 1) {
    return invalid(where,
                   "give exactly one of seconds, minutes, hours, days, working_days, business_day");
  }
  if (clock) {
    if (d.clock != Clock::wall)
      return invalid(child(where, "clock"), "a clock applies to time amounts only");
    d.clock = *clock;
  }
  return d;
}

Result<SlaBudget> read_budget(const json::value& v, const std::string& where) {
  SlaBudget b;
  if (v.is_null()) return b;  // explicitly no deadline
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  SlaDuration d;
  TRIAGE_TRY(d, read_duration(*o, where));
  b.duration = d;
  TRIAGE_TRY(b.notify, opt_string(*o, "notify", where));
  if (auto n = o->find("notify_in_working_time"); n != o->end()) {
    if (!n->value().is_bool()) {
      return type_error(child(where, "notify_in_working_time"), "boolean", n->value());
    }
    b.notify_in_working_time = n->value().get_bool();
  }
  return b;
}

Result<std::vector<boost::gregorian::date>> read_dates(const json::value& v,
                                                       const std::string& where) {
  std::vector<std::string> list;
  TRIAGE_TRY(list, string_list(v, where));
  std::vector<boost::gregorian::date> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    int y, m, d;
    char tail;
    if (std::sscanf(list[i].c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
        list[i].size() != 10 || y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 ||
        d > boost::gregorian::gregorian_calendar::end_of_month_day(
                static_cast<unsigned short>(y), static_cast<unsigned short>(m))) {
      return make_error(Errc::field_format, child(where, i),
                        "invalid date \"" + list[i] + "\"; expected YYYY-MM-DD");
    }
    out.emplace_back(y, m, d);
  }
  return out;
}

Result<std::vector<WorkInterval>> read_hours(const json::value& v, const std::string& where) {
  std::vector<std::string> list;
  TRIAGE_TRY(list, string_list(v, where));
  std::vector<WorkInterval> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    WorkInterval w;
    TRIAGE_TRY(w, parse_work_interval(list[i], child(where, i)));
    out.push_back(w);
  }
  return out;
}
}  // namespace

Result<std::vector<CalendarSpec>> read_calendars(const json::value& v) {
  const std::string where = "/calendars";
  if (!v.is_array()) return type_error(where, "array", v);
  std::vector<CalendarSpec> out;
  static const char* days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const std::string at = child(where, i);
    const json::object* o;
    TRIAGE_TRY(o, object_at(v.get_array()[i], at));
    for (const auto& kv : *o) {
      static const std::set<std::string_view> keys = {
          "id", "title", "time_zone", "week", "holidays", "workdays", "workday_hours"};
      if (!keys.count(kv.key())) {
        return unknown_key(at, kv.key(),
                           "id, title, time_zone, week, holidays, workdays, workday_hours");
      }
    }
    CalendarSpec c;
    c.where = at;
    TRIAGE_TRY(c.id, req_string(*o, "id", at));
    if (!valid_id(c.id)) return invalid(child(at, "id"), "ids use letters, digits, _ - .");
    if (std::any_of(out.begin(), out.end(), [&](auto& x) { return x.id == c.id; })) {
      return make_error(Errc::pack_duplicate_id, child(at, "id"),
                        "duplicate calendar \"" + c.id + "\"");
    }
    TRIAGE_TRY(c.title, opt_string(*o, "title", at));
    if (o->contains("time_zone")) {
      TRIAGE_TRY(c.time_zone, req_string(*o, "time_zone", at));
    }
    if (auto w = o->find("week"); w != o->end()) {
      const json::object* wo;
      TRIAGE_TRY(wo, object_at(w->value(), child(at, "week")));
      for (const auto& kv : *wo) {
        auto d = std::find(std::begin(days), std::end(days), std::string_view(kv.key()));
        if (d == std::end(days))
          return unknown_key(child(at, "week"), kv.key(), "mon, tue, wed, thu, fri, sat, sun");
        TRIAGE_TRY(c.week[static_cast<std::size_t>(d - std::begin(days))],
                   read_hours(kv.value(), child(child(at, "week"), kv.key())));
      }
    } else {
      c.week = CalendarSpec::standard().week;
    }
    if (auto h = o->find("holidays"); h != o->end()) {
      TRIAGE_TRY(c.holidays, read_dates(h->value(), child(at, "holidays")));
    }
    if (auto h = o->find("workdays"); h != o->end()) {
      TRIAGE_TRY(c.workdays, read_dates(h->value(), child(at, "workdays")));
    }
    if (auto h = o->find("workday_hours"); h != o->end()) {
      TRIAGE_TRY(c.workday_hours, read_hours(h->value(), child(at, "workday_hours")));
    }
    auto compiled = Calendar::compile(c);  // checks the zone and the hours now, with the pointer
    if (!compiled) return compiled.error();
    out.push_back(std::move(c));
  }
  return out;
}

Result<SlaPolicy> read_sla(const json::value& v, const std::vector<CalendarSpec>& calendars,
                           Reader& reader) {
  const std::string where = "/sla";
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  for (const auto& kv : *o) {
    static const std::set<std::string_view> keys = {
        "calendar",   "calendar_rules",         "at_risk_share",
        "warn_share", "notify_in_working_time", "targets"};
    if (!keys.count(kv.key())) {
      return unknown_key(
          where, kv.key(),
          "calendar, calendar_rules, at_risk_share, warn_share, notify_in_working_time, targets");
    }
  }
  auto calendar_ref = [&](const json::value& cv, const std::string& at) -> Result<std::string> {
    if (!cv.is_string()) return type_error(at, "string", cv);
    const std::string id(cv.get_string());
    if (std::none_of(calendars.begin(), calendars.end(), [&](auto& c) { return c.id == id; })) {
      return make_error(Errc::pack_unknown_reference, at, "unknown calendar \"" + id + "\"");
    }
    return id;
  };
  SlaPolicy p;
  auto cal = o->find("calendar");
  if (cal == o->end()) return make_error(Errc::field_missing, child(where, "calendar"), "required");
  TRIAGE_TRY(p.calendar, calendar_ref(cal->value(), child(where, "calendar")));
  TRIAGE_TRY(p.at_risk_share, opt_number(*o, "at_risk_share", where, 0.25));
  TRIAGE_TRY(p.warn_share, opt_number(*o, "warn_share", where, 0.75));
  if (p.at_risk_share < 0 || p.at_risk_share > 1)
    return invalid(child(where, "at_risk_share"), "must be within [0, 1]");
  if (p.warn_share <= 0 || p.warn_share > 1)
    return invalid(child(where, "warn_share"), "must be within (0, 1]");
  if (auto n = o->find("notify_in_working_time"); n != o->end()) {
    if (!n->value().is_bool())
      return type_error(child(where, "notify_in_working_time"), "boolean", n->value());
    p.notify_in_working_time = n->value().get_bool();
  }
  reader.set_stage(Reader::Stage::sla);
  if (auto cr = o->find("calendar_rules"); cr != o->end()) {
    const std::string at = child(where, "calendar_rules");
    if (!cr->value().is_array()) return type_error(at, "array", cr->value());
    for (std::size_t i = 0; i < cr->value().get_array().size(); ++i) {
      const std::string rat = child(at, i);
      const json::object* ro;
      TRIAGE_TRY(ro, object_at(cr->value().get_array()[i], rat));
      CalendarRule r;
      r.where = rat;
      auto w = ro->find("when");
      auto c = ro->find("calendar");
      if (w == ro->end() || c == ro->end())
        return invalid(rat, "a calendar rule needs when and calendar");
      TRIAGE_TRY(r.when, reader.condition(w->value(), child(rat, "when"), 0));
      TRIAGE_TRY(r.calendar, calendar_ref(c->value(), child(rat, "calendar")));
      p.calendar_rules.push_back(std::move(r));
    }
  }
  auto ts = o->find("targets");
  if (ts == o->end() || !ts->value().is_array()) {
    return make_error(Errc::field_missing, child(where, "targets"),
                      "an array of targets is required");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < ts->value().get_array().size(); ++i) {
    const std::string at = child(child(where, "targets"), i);
    const json::object* to;
    TRIAGE_TRY(to, object_at(ts->value().get_array()[i], at));
    for (const auto& kv : *to) {
      static const std::set<std::string_view> keys = {"name",
                                                      "description",
                                                      "when",
                                                      "from",
                                                      "by",
                                                      "duration",
                                                      "durations",
                                                      "otherwise",
                                                      "completed_by",
                                                      "rearm_on_customer_reply",
                                                      "notify_in_working_time",
                                                      "calendar"};
      if (!keys.count(kv.key())) {
        return unknown_key(at, kv.key(),
                           "name, description, when, from, by, duration, durations, otherwise, "
                           "completed_by, rearm_on_customer_reply, notify_in_working_time, "
                           "calendar");
      }
    }
    SlaTargetSpec t;
    t.where = at;
    TRIAGE_TRY(t.name, req_string(*to, "name", at));
    if (!valid_id(t.name)) return invalid(child(at, "name"), "names use letters, digits, _ - .");
    if (!names.insert(t.name).second) {
      return make_error(Errc::pack_duplicate_id, child(at, "name"),
                        "duplicate target \"" + t.name + "\"");
    }
    TRIAGE_TRY(t.description, opt_string(*to, "description", at));
    TRIAGE_TRY(t.completed_by, req_string(*to, "completed_by", at));
    if (auto c = to->find("calendar"); c != to->end()) {
      TRIAGE_TRY(t.calendar, calendar_ref(c->value(), child(at, "calendar")));
    }
    if (auto w = to->find("when"); w != to->end()) {
      Condition c;
      TRIAGE_TRY(c, reader.condition(w->value(), child(at, "when"), 0));
      t.when = std::move(c);
    }
    std::string from;
    TRIAGE_TRY(from, opt_string(*to, "from", at));
    if (from == "resolved")
      t.from_resolution = true;
    else if (!from.empty() && from != "created") {
      return invalid(child(at, "from"),
                     "unknown start \"" + from + "\"; expected created|resolved");
    }
    for (const char* flag : {"rearm_on_customer_reply", "notify_in_working_time"}) {
      if (auto f = to->find(flag); f != to->end()) {
        if (!f->value().is_bool()) return type_error(child(at, flag), "boolean", f->value());
        if (std::string_view(flag) == "rearm_on_customer_reply")
          t.rearm_on_customer_reply = f->value().get_bool();
        else
          t.notify_in_working_time = f->value().get_bool();
      }
    }
    TRIAGE_TRY(t.by, opt_string(*to, "by", at));
    if (t.by.empty()) {
      auto d = to->find("duration");
      if (d == to->end())
        return make_error(Errc::field_missing, child(at, "duration"), "required without by");
      TRIAGE_TRY(t.budget, read_budget(d->value(), child(at, "duration")));
    } else {
      std::vector<std::string_view> allowed;
      if (t.by == "urgency") {
        allowed = {"critical", "high", "medium", "low"};
      } else if (t.by == "channel") {
        allowed = {"phone",  "chat",   "email",    "web",          "app",
                   "social", "wechat", "dingtalk", "mini_program", "other"};
      } else {
        return invalid(child(at, "by"), "unknown \"" + t.by + "\"; expected urgency|channel");
      }
      auto ds = to->find("durations");
      if (ds == to->end())
        return make_error(Errc::field_missing, child(at, "durations"), "required with by");
      const json::object* dso;
      TRIAGE_TRY(dso, object_at(ds->value(), child(at, "durations")));
      for (const auto& kv : *dso) {
        const std::string dat = child(child(at, "durations"), kv.key());
        if (std::find(allowed.begin(), allowed.end(), std::string_view(kv.key())) ==
            allowed.end()) {
          return make_error(Errc::pack_unknown_reference, dat,
                            "unknown " + t.by + " \"" + std::string(kv.key()) + "\"");
        }
        SlaBudget b;
        TRIAGE_TRY(b, read_budget(kv.value(), dat));
        t.budgets.emplace_back(kv.key(), std::move(b));
      }
      if (auto ow = to->find("otherwise"); ow != to->end()) {
        SlaBudget b;
        TRIAGE_TRY(b, read_budget(ow->value(), child(at, "otherwise")));
        t.otherwise = std::move(b);
      }
    }
    p.targets.push_back(std::move(t));
  }
  reader.set_stage(Reader::Stage::rules);
  return p;
}

Result<std::vector<ChainSpec>> read_chains(const json::value& v,
                                           const std::vector<CalendarSpec>& calendars) {
  const std::string where = "/chains";
  if (!v.is_array()) return type_error(where, "array", v);
  std::vector<ChainSpec> out;
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const std::string at = child(where, i);
    const json::object* o;
    TRIAGE_TRY(o, object_at(v.get_array()[i], at));
    ChainSpec c;
    c.where = at;
    TRIAGE_TRY(c.id, req_string(*o, "id", at));
    TRIAGE_TRY(c.title, opt_string(*o, "title", at));
    TRIAGE_TRY(c.calendar, req_string(*o, "calendar", at));
    if (std::none_of(calendars.begin(), calendars.end(),
                     [&](auto& x) { return x.id == c.calendar; })) {
      return make_error(Errc::pack_unknown_reference, child(at, "calendar"),
                        "unknown calendar \"" + c.calendar + "\"");
    }
    auto steps = o->find("steps");
    if (steps == o->end() || !steps->value().is_array() || steps->value().get_array().size() < 2) {
      return invalid(child(at, "steps"), "a chain needs at least two steps");
    }
    for (std::size_t k = 0; k < steps->value().get_array().size(); ++k) {
      const std::string sat = child(child(at, "steps"), k);
      const json::object* so;
      TRIAGE_TRY(so, object_at(steps->value().get_array()[k], sat));
      ChainStep s;
      TRIAGE_TRY(s.id, req_string(*so, "id", sat));
      TRIAGE_TRY(s.title, opt_string(*so, "title", sat));
      if (auto e = so->find("expected"); e != so->end()) {
        const json::object* eo;
        TRIAGE_TRY(eo, object_at(e->value(), child(sat, "expected")));
        SlaDuration d;
        TRIAGE_TRY(d, read_duration(*eo, child(sat, "expected")));
        s.expected = d;
      }
      c.steps.push_back(std::move(s));
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace detail::pack_json
}  // namespace v1
}  // namespace triage
