// SLA plans from the pack and target states from event histories.
#include "triage/sla.hpp"

#include <gtest/gtest.h>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <boost/json.hpp>

#include "test_util.hpp"
#include "triage/triage.hpp"

using namespace triage;
namespace pt = boost::posix_time;
using triage::test::at;
namespace gr = boost::gregorian;

namespace {
boost::json::value default_section(const char* key) {
  return boost::json::parse(default_pack_json()).as_object().at(key);
}

const Engine& engine() {
  static const Engine e = [] {
    auto r = Engine::from_json(boost::json::serialize(test::mini_pack_with_default_sla()));
    EXPECT_TRUE(r) << r.error().message;
    return *r;
  }();
  return e;
}

Diagnosis diagnose(const std::string& json) {
  return engine().diagnose(*parse_ticket(json));
}

std::string due(const Diagnosis& d, std::string_view name) {
  const SlaTarget* t = d.sla->plan.find(name);
  if (!t) return "(none)";
  return t->due.is_not_a_date_time() ? "(open)" : d.sla->calendar->format(t->due);
}
}  // namespace

TEST(Sla, ResponseAndResolutionFollowTheUrgency) {
  const auto d = diagnose(
      R"({"text": "APP闪退", "channel": "app", "created_at": "2026-11-20T14:30:00+08:00"})");
  EXPECT_EQ(d.urgency, "high");
  EXPECT_EQ(due(d, "first_response"), "2026-11-20T15:00:00+08:00");
  EXPECT_EQ(due(d, "resolution"), "2026-11-21T14:30:00+08:00");  // 24 hours on the 24x7 clock
  EXPECT_EQ(due(d, "acknowledge"), "2026-11-20T14:30:15+08:00");
  const auto j = to_json(d);
  EXPECT_EQ(j.at("sla").at("first_response_due"), "2026-11-20T15:00:00+08:00");
  EXPECT_EQ(j.at("sla").at("resolution_due"), "2026-11-21T14:30:00+08:00");
  EXPECT_EQ(j.at("sla").at("targets").as_array().size(), 3u);
}

TEST(Sla, CriticalTicketsNotifyASupervisorAtOnce) {
  const auto d = diagnose(R"({"text": "服务器宕机", "created_at": "2026-11-22T03:00:00+08:00"})");
  const SlaTarget* fr = d.sla->plan.find("first_response");
  ASSERT_TRUE(fr);
  EXPECT_EQ(fr->notify, "supervisor");
  EXPECT_EQ(d.sla->calendar->format(fr->due), "2026-11-22T03:15:00+08:00");
  EXPECT_EQ(fr->escalate_at, fr->due);  // a Sunday 3 a.m. outage escalates at 3:15 a.m.
}

TEST(Sla, OtherEscalationsWaitForWorkingTime) {
  const auto d = diagnose(R"({"text": "APP闪退", "created_at": "2026-11-21T03:00:00+08:00"})");
  const SlaTarget* rs = d.sla->plan.find("resolution");
  EXPECT_EQ(d.sla->calendar->format(rs->due), "2026-11-22T03:00:00+08:00");          // Sunday
  EXPECT_EQ(d.sla->calendar->format(rs->escalate_at), "2026-11-23T09:00:00+08:00");  // Monday
  EXPECT_TRUE(d.sla->calendar->is_working_time(rs->warn_at));
}

TEST(Sla, LowUrgencyHasNoResolutionDeadline) {
  const auto d =
      diagnose(R"({"text": "建议增加夜间模式", "created_at": "2026-11-20T10:00:00+08:00"})");
  EXPECT_EQ(d.urgency, "low");
  EXPECT_EQ(due(d, "resolution"), "(open)");
  EXPECT_TRUE(to_json(d).at("sla").at("resolution_due").is_null());
}

TEST(Sla, WrittenChannelsAreAcknowledgedTheSameBusinessDay) {
  EXPECT_EQ(
      due(diagnose(
              R"({"text": "x", "channel": "email", "created_at": "2026-11-20T10:00:00+08:00"})"),
          "acknowledge"),
      "2026-11-20T18:00:00+08:00");
  EXPECT_EQ(
      due(diagnose(R"({"text": "x", "channel": "web", "created_at": "2026-11-20T19:00:00+08:00"})"),
          "acknowledge"),
      "2026-11-23T18:00:00+08:00");  // after hours on Friday: Monday's business day
}

TEST(Sla, ComplaintsGetAPlanAndAFollowUp) {
  const auto d = diagnose(R"({"text": "我要投诉", "created_at": "2026-11-20T10:00:00Z"})");
  EXPECT_EQ(due(d, "plan"), "2026-11-21T18:00:00+08:00");  // 24 h from 18:00 local
  EXPECT_EQ(due(d, "follow_up"), "(open)");                // starts when resolved
  EXPECT_EQ(due(d, "assessment"), "(none)");
}

TEST(Sla, CustomRequirementsGetAnAssessmentInThreeWorkingDays) {
  const auto d =
      diagnose(R"({"text": "我们想定制一个报表", "created_at": "2026-02-12T10:00:00+08:00"})");
  // Friday 13, the make-up Saturday 14 (调休), the Spring Festival, Tuesday 24.
  EXPECT_EQ(due(d, "assessment"), "2026-02-24T10:00:00+08:00");
}

TEST(Sla, EnterpriseCustomersAreAnsweredOnTheExtendedCalendar) {
  // Friday 19:00: the written acknowledgement is due when the extended service day ends, 22:00
  // the same evening, not at 18:00 on Monday as on the working calendar.
  const auto d = diagnose(R"({"text": "x", "channel": "email", "customer": {"tier": "enterprise"},
                              "created_at": "2026-11-20T19:00:00+08:00"})");
  EXPECT_EQ(d.sla->plan.calendar, "cn_extended");
  EXPECT_EQ(due(d, "acknowledge"), "2026-11-20T22:00:00+08:00");
  EXPECT_FALSE(d.sla->plan.find("acknowledge")->calendar);  // the ticket's calendar
}

TEST(Sla, WorkingDayTargetsFollowTheWorkingCalendarWhateverTheCustomersHours) {
  // An enterprise custom requirement created Friday 17:00: its three working days are Monday,
  // Tuesday and Wednesday of the team that assesses it, not Saturday to Monday.
  const auto d = diagnose(R"({"text": "我们想定制一个报表", "customer": {"tier": "enterprise"},
                              "created_at": "2026-11-20T17:00:00+08:00"})");
  EXPECT_EQ(d.sla->plan.calendar, "cn_extended");
  const SlaTarget* assessment = d.sla->plan.find("assessment");
  ASSERT_TRUE(assessment);
  ASSERT_TRUE(assessment->calendar);
  EXPECT_EQ(assessment->calendar->id(), "cn_mainland");
  EXPECT_EQ(due(d, "assessment"), "2026-11-25T17:00:00+08:00");
  const auto j = to_json(d).at("sla");
  EXPECT_EQ(j.at("calendar"), "cn_extended");
  for (const auto& t : j.at("targets").as_array()) {
    if (t.at("name") == "assessment") {
      EXPECT_EQ(t.at("calendar"), "cn_mainland");
      EXPECT_EQ(t.at("due"), "2026-11-25T17:00:00+08:00");
    } else {
      EXPECT_EQ(t.at("calendar"), "cn_extended") << t;
    }
  }
  // The status runs the assessment's clock on its own calendar too: an answer on Tuesday is in
  // time, and on Thursday it is a working day late (Monday would have been the deadline before).
  const auto met =
      sla_status(d.sla->plan, *d.sla->calendar,
                 std::vector<TicketEvent>{{at("2026-11-24T10:00:00+08:00"), "assessment_sent"}},
                 at("2026-11-24T12:00:00+08:00"));
  const auto late =
      sla_status(d.sla->plan, *d.sla->calendar,
                 std::vector<TicketEvent>{{at("2026-11-26T10:00:00+08:00"), "assessment_sent"}},
                 at("2026-11-26T12:00:00+08:00"));
  for (std::size_t i = 0; i < d.sla->plan.targets.size(); ++i) {
    if (d.sla->plan.targets[i].name != "assessment") continue;
    EXPECT_EQ(met[i].state, TargetStatus::State::met);
    EXPECT_EQ(late[i].state, TargetStatus::State::breached);
    EXPECT_EQ(late[i].margin, pt::hours(17));  // Wednesday 17:00 → Thursday 10:00
  }
}

TEST(Sla, AFollowUpVisitCountsWorkingDaysFromTheResolution) {
  const auto d = diagnose(R"({"text": "我要投诉", "customer": {"tier": "enterprise"},
                              "created_at": "2026-11-20T10:00:00+08:00"})");
  const auto states =
      sla_status(d.sla->plan, *d.sla->calendar,
                 std::vector<TicketEvent>{{at("2026-11-20T17:00:00+08:00"), "resolved"}},
                 at("2026-11-20T18:00:00+08:00"));
  const Calendar& mainland = *engine().calendar("cn_mainland");
  for (std::size_t i = 0; i < d.sla->plan.targets.size(); ++i) {
    if (d.sla->plan.targets[i].name != "follow_up") continue;
    EXPECT_EQ(mainland.format(states[i].due), "2026-11-25T17:00:00+08:00");
  }
}

TEST(Sla, ATargetWithoutItsOwnCalendarFollowsTheTicketsCalendar) {
  // A pack whose assessment names no calendar keeps the customer's: Saturday counts.
  auto pack = test::mini_pack_with_default_sla();
  for (auto& t : pack["sla"].as_object()["targets"].as_array()) t.as_object().erase("calendar");
  auto e = Engine::from_json(boost::json::serialize(pack));
  ASSERT_TRUE(e) << e.error().message;
  const auto d = e->diagnose(*parse_ticket(R"({"text": "我们想定制一个报表",
      "customer": {"tier": "enterprise"}, "created_at": "2026-11-20T17:00:00+08:00"})"));
  EXPECT_FALSE(d.sla->plan.find("assessment")->calendar);
  EXPECT_EQ(due(d, "assessment"), "2026-11-23T17:00:00+08:00");
}

TEST(Sla, ATicketWithoutCreatedAtStartsNow) {
  DiagnoseOptions opts;
  opts.now = at("2026-11-20T02:00:00Z");
  const auto d = engine().diagnose(*parse_ticket(R"({"text": "APP闪退"})"), opts);
  EXPECT_EQ(d.sla->calendar->format(d.sla->start), "2026-11-20T10:00:00+08:00");
  EXPECT_EQ(due(d, "first_response"), "2026-11-20T10:30:00+08:00");
}

TEST(Sla, WhatIfRecomputesUnderAChangedCalendar) {
  const auto t =
      *parse_ticket(R"({"text": "我们想定制一个报表", "created_at": "2026-11-23T10:00:00+08:00"})");
  CalendarSpec changed = engine().calendar("cn_mainland")->spec();
  changed.holidays.emplace_back(2026, 11, 24);  // a new day off
  const auto plan = engine().what_if(t, *Calendar::compile(changed));
  ASSERT_TRUE(plan);
  const auto normal = engine().diagnose(t);
  const Calendar& cal = *normal.sla->calendar;
  EXPECT_EQ(cal.format(normal.sla->plan.find("assessment")->due), "2026-11-26T10:00:00+08:00");
  EXPECT_EQ(cal.format(plan->find("assessment")->due), "2026-11-27T10:00:00+08:00");
}

// ---- status from event histories ----

namespace {
SlaPlan one_target(Clock clock, std::int64_t seconds, const char* start, bool rearm = false) {
  SlaPlan p;
  p.calendar = "cn";
  SlaTarget t;
  t.name = "first_response";
  t.duration = {clock, seconds, 0};
  t.completed_by = "responded";
  t.rearm_on_customer_reply = rearm;
  t.start = at(start);
  p.targets.push_back(t);
  return p;
}
Calendar cn() {
  return *Calendar::compile(CalendarSpec::standard("cn"));
}
std::vector<TicketEvent> events(std::initializer_list<std::pair<const char*, const char*>> list) {
  std::vector<TicketEvent> out;
  for (auto [when, type] : list) out.push_back({at(when), type});
  return out;
}
}  // namespace

TEST(SlaStatus, MetBreachedRunningAndAtRisk) {
  const auto plan = one_target(Clock::wall, 3600, "2026-11-20T10:00:00+08:00");
  const Calendar cal = cn();
  auto met = sla_status(plan, cal, events({{"2026-11-20T10:40:00+08:00", "responded"}}),
                        at("2026-11-20T12:00:00+08:00"));
  EXPECT_EQ(met[0].state, TargetStatus::State::met);
  EXPECT_EQ(met[0].margin, pt::minutes(20));
  auto late = sla_status(plan, cal, events({{"2026-11-20T11:30:00+08:00", "responded"}}),
                         at("2026-11-20T12:00:00+08:00"));
  EXPECT_EQ(late[0].state, TargetStatus::State::breached);
  EXPECT_EQ(late[0].margin, pt::minutes(30));
  auto open_late = sla_status(plan, cal, {}, at("2026-11-20T11:10:00+08:00"));
  EXPECT_EQ(open_late[0].state, TargetStatus::State::breached);
  EXPECT_EQ(open_late[0].margin, pt::minutes(10));
  EXPECT_EQ(sla_status(plan, cal, {}, at("2026-11-20T10:30:00+08:00"))[0].state,
            TargetStatus::State::running);
  EXPECT_EQ(sla_status(plan, cal, {}, at("2026-11-20T10:50:00+08:00"))[0].state,
            TargetStatus::State::at_risk);
}

TEST(SlaStatus, TheClockPausesWhileWaitingOnTheCustomer) {
  const auto plan = one_target(Clock::wall, 3600, "2026-11-20T10:00:00+08:00");
  const Calendar cal = cn();
  const auto history = events({{"2026-11-20T10:20:00+08:00", "waiting_customer"},
                               {"2026-11-20T11:20:00+08:00", "customer_replied"},
                               {"2026-11-20T11:50:00+08:00", "responded"}});
  auto s = sla_status(plan, cal, history, at("2026-11-20T12:00:00+08:00"));
  EXPECT_EQ(s[0].state, TargetStatus::State::met);  // due moved from 11:00 to 12:00
  EXPECT_EQ(cal.format(s[0].due), "2026-11-20T12:00:00+08:00");
  EXPECT_EQ(s[0].paused, pt::hours(1));
  auto waiting = sla_status(plan, cal, events({{"2026-11-20T10:20:00+08:00", "waiting_customer"}}),
                            at("2026-11-20T15:00:00+08:00"));
  EXPECT_EQ(waiting[0].state, TargetStatus::State::paused);
  EXPECT_EQ(waiting[0].margin, pt::minutes(40));
}

TEST(SlaStatus, BusinessHourClocksPauseInBusinessTime) {
  const auto plan = one_target(Clock::business_hours, 4 * 3600, "2026-11-20T16:00:00+08:00");
  const Calendar cal = cn();
  // Due Monday 11:00 (Friday 16–18, Monday 9–11). Paused from 17:00 Friday to 10:00 Monday:
  // two business hours stood still (Friday 17–18, Monday 9–10), not the whole weekend.
  const auto history = events({{"2026-11-20T17:00:00+08:00", "waiting_customer"},
                               {"2026-11-23T10:00:00+08:00", "customer_replied"}});
  auto s = sla_status(plan, cal, history, at("2026-11-23T10:30:00+08:00"));
  EXPECT_EQ(cal.format(s[0].due), "2026-11-23T13:00:00+08:00");
  EXPECT_EQ(s[0].paused, pt::hours(2));
}

TEST(SlaStatus, ACustomerReplyReArmsTheResponseTarget) {
  const auto plan = one_target(Clock::wall, 1800, "2026-11-20T10:00:00+08:00", true);
  const Calendar cal = cn();
  const auto history = events({{"2026-11-20T10:10:00+08:00", "responded"},
                               {"2026-11-20T13:00:00+08:00", "customer_replied"}});
  auto s = sla_status(plan, cal, history, at("2026-11-20T13:40:00+08:00"));
  EXPECT_EQ(s[0].cycle, 2);
  EXPECT_EQ(s[0].state, TargetStatus::State::breached);  // the new response was due at 13:30
  EXPECT_EQ(s[0].margin, pt::minutes(10));
}

TEST(SlaStatus, FollowUpStartsAtResolution) {
  SlaPlan p;
  SlaTarget t;
  t.name = "follow_up";
  t.from_resolution = true;
  t.duration = {Clock::working_days, 0, 3};
  t.completed_by = "follow_up_done";
  p.targets.push_back(t);
  const Calendar cal = cn();
  EXPECT_EQ(sla_status(p, cal, {}, at("2026-11-20T10:00:00+08:00"))[0].state,
            TargetStatus::State::not_started);
  auto s = sla_status(p, cal, events({{"2026-11-20T10:00:00+08:00", "resolved"}}),
                      at("2026-11-24T10:00:00+08:00"));
  EXPECT_EQ(s[0].state, TargetStatus::State::running);
  EXPECT_EQ(cal.format(s[0].due), "2026-11-25T10:00:00+08:00");
}

TEST(SlaStatus, EventsAreReadFromJsonWithNamedErrors) {
  auto ok = events_from_json(boost::json::parse(
      R"([{"at": "2026-11-20T11:00:00+08:00", "type": "responded"}, {"at": "2026-11-20T10:00:00Z", "type": "x"}])"));
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)[0].type, "responded");  // sorted by time
  auto bad = events_from_json(boost::json::parse(R"([{"at": "soon", "type": "responded"}])"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where, "/events/0/at");
}

TEST(Sla, PackSlaMistakesAreNamed) {
  auto pack = boost::json::parse(test::read_file(TRIAGE_TEST_DATA "/mini_pack.json")).as_object();
  for (const char* key : {"calendars", "sla"}) pack[key] = default_section(key);
  pack["sla"].as_object()["calendar"] = "nowhere";
  auto e = Engine::from_json(boost::json::serialize(pack));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::pack_unknown_reference);
  EXPECT_EQ(e.error().where, "/sla/calendar");
  pack["sla"].as_object()["calendar"] = "cn_mainland";
  pack["calendars"].as_array()[0].as_object()["holidays"].as_array().push_back("2026-02-30");
  e = Engine::from_json(boost::json::serialize(pack));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::pack_invalid);
  EXPECT_EQ(e.error().where, "/calendars/0/holidays/61");
}

TEST(Sla, ATargetsCalendarMustBeOneOfThePacksCalendars) {
  auto pack = test::mini_pack_with_default_sla();
  auto& targets = pack["sla"].as_object()["targets"].as_array();
  targets[3].as_object()["calendar"] = "cn_extended";  // another calendar of the pack loads
  EXPECT_TRUE(Engine::from_json(boost::json::serialize(pack)));
  targets[3].as_object()["calendar"] = "cn_weekdays";
  auto e = Engine::from_json(boost::json::serialize(pack));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::pack_unknown_reference);
  EXPECT_EQ(e.error().where, "/sla/targets/3/calendar");
  EXPECT_NE(e.error().message.find("unknown calendar \"cn_weekdays\""), std::string::npos)
      << e.error().message;
  targets[3].as_object()["calendar"] = 7;
  e = Engine::from_json(boost::json::serialize(pack));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::pack_invalid);  // a pack's wrong types are structural
  EXPECT_EQ(e.error().where, "/sla/targets/3/calendar");
}

TEST(Sla, TheEngineJudgesATicketsTargetsWithItsPackAndReportsEachOnItsOwnCalendar) {
  // What triage_sla_status_json and the service metrics both read: the diagnosis's plan on its
  // calendar, with the pack's at-risk share; in JSON each instant on its target's calendar.
  const auto d = diagnose(R"({"text": "我们想定制一个报表", "customer": {"tier": "enterprise"},
                              "created_at": "2026-11-20T17:00:00+08:00"})");
  const std::vector<TicketEvent> events{{at("2026-11-24T10:00:00+08:00"), "assessment_sent"}};
  const auto now = at("2026-11-24T12:00:00+08:00");
  const auto states = engine().sla_status(d, events, now);
  const auto direct =
      sla_status(d.sla->plan, *d.sla->calendar, events, now, engine().pack().sla->at_risk_share);
  ASSERT_EQ(states.size(), d.sla->plan.targets.size());
  ASSERT_EQ(states.size(), direct.size());
  for (std::size_t i = 0; i < states.size(); ++i) {
    EXPECT_EQ(states[i].name, direct[i].name);
    EXPECT_EQ(states[i].state, direct[i].state) << states[i].name;
    EXPECT_EQ(states[i].due, direct[i].due) << states[i].name;
  }
  bool seen = false;
  for (const auto& t : sla_status_json(*d.sla, states)) {
    if (t.at("name") != "assessment") continue;
    seen = true;
    EXPECT_EQ(t.at("state"), "met");
    EXPECT_EQ(t.at("due"), "2026-11-25T17:00:00+08:00");  // cn_mainland, the working calendar
  }
  EXPECT_TRUE(seen);
  Diagnosis no_sla = d;
  no_sla.sla.reset();
  EXPECT_TRUE(engine().sla_status(no_sla, events, now).empty());
}

TEST(Sla, APackWhoseSlaNamesNoCalendarIsRefusedAtCompileNeverIndexedOutOfRange) {
  // parse_pack checks these names; a Pack built in code, or read back from a damaged compiled
  // file (found by the compiled_pack fuzz target), reaches Engine::compile without that check.
  Pack pack = parse_pack(default_pack_json()).value();
  pack.model.reset();
  ASSERT_TRUE(pack.sla);
  Pack unknown_default = pack;
  unknown_default.sla->calendar = "nowhere";
  const auto e = Engine::compile(unknown_default);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::pack_unknown_reference);
  EXPECT_EQ(e.error().where, "/sla/calendar");
  ASSERT_FALSE(pack.sla->calendar_rules.empty());
  Pack unknown_rule = pack;
  unknown_rule.sla->calendar_rules[0].calendar = "nowhere";
  const auto r = Engine::compile(unknown_rule);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::pack_unknown_reference);
  EXPECT_NE(r.error().where.find("calendar"), std::string::npos);
  EXPECT_TRUE(Engine::compile(pack));
}
