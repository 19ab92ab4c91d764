#include "triage/calendar.hpp"

#include <gtest/gtest.h>

#include <boost/date_time/posix_time/posix_time.hpp>

#include "test_util.hpp"
#include "triage/timestamp.hpp"

using namespace triage;
namespace pt = boost::posix_time;
using triage::test::at;
namespace gr = boost::gregorian;

namespace {
// Mainland China around Spring Festival 2026: Feb 15–23 off, Saturday Feb 14 and 28 worked.
Calendar china() {
  CalendarSpec s = CalendarSpec::standard("cn");
  for (int d = 15; d <= 23; ++d) s.holidays.emplace_back(2026, 2, d);
  s.workdays = {gr::date(2026, 2, 14), gr::date(2026, 2, 28)};
  return *Calendar::compile(s);
}
}  // namespace

TEST(Calendar, ConvertsBetweenUtcAndLocalTime) {
  const Calendar c = china();
  EXPECT_EQ(c.to_local(at("2026-11-20T01:00:00Z")), pt::time_from_string("2026-11-20 09:00:00"));
  EXPECT_EQ(c.format(at("2026-11-20T01:00:00Z")), "2026-11-20T09:00:00+08:00");
  EXPECT_EQ(c.offset_minutes(at("2026-11-20T01:00:00Z")), 480);
}

TEST(Calendar, BusinessTimeSkipsTheWeekend) {
  const Calendar c = china();
  // Friday 17:00 + 2 business hours = Monday 10:00.
  EXPECT_EQ(c.format(c.add_business_time(at("2026-11-20T17:00:00+08:00"), pt::hours(2))),
            "2026-11-23T10:00:00+08:00");
}

TEST(Calendar, BusinessTimeSkipsHolidaysAndUsesMakeUpSaturdays) {
  const Calendar c = china();
  EXPECT_TRUE(c.is_working_day(gr::date(2026, 2, 14)));   // a Saturday worked (调休)
  EXPECT_FALSE(c.is_working_day(gr::date(2026, 2, 16)));  // a holiday Monday
  // Friday Feb 13 17:00 + 3h: one hour Friday, then the make-up Saturday 09:00–11:00.
  EXPECT_EQ(c.format(c.add_business_time(at("2026-02-13T17:00:00+08:00"), pt::hours(3))),
            "2026-02-14T11:00:00+08:00");
  // Saturday Feb 14 17:00 + 2h: the holiday runs to Monday 23rd; Tuesday 24th 10:00.
  EXPECT_EQ(c.format(c.add_business_time(at("2026-02-14T17:00:00+08:00"), pt::hours(2))),
            "2026-02-24T10:00:00+08:00");
}

TEST(Calendar, AfterMidnightInputsStartAtTheNextMorning) {
  const Calendar c = china();
  EXPECT_EQ(c.format(c.next_working_instant(at("2026-11-19T23:30:00+08:00"))),
            "2026-11-20T09:00:00+08:00");
  EXPECT_EQ(c.format(c.add_business_time(at("2026-11-19T23:30:00+08:00"), pt::minutes(30))),
            "2026-11-20T09:30:00+08:00");
}

TEST(Calendar, UtcAndOffsetInputsMeanTheSameInstant) {
  const Calendar c = china();
  const auto a = c.add_business_time(at("2026-11-20T08:00:00Z"), pt::hours(2));  // 16:00 local
  const auto b = c.add_business_time(at("2026-11-20T16:00:00+08:00"), pt::hours(2));
  EXPECT_EQ(a, b);
  EXPECT_EQ(c.format(a), "2026-11-20T18:00:00+08:00");  // the budget ends with the day
  EXPECT_EQ(c.format(c.add_business_time(at("2026-11-20T08:00:00Z"), pt::minutes(121))),
            "2026-11-23T09:01:00+08:00");
}

TEST(Calendar, SeveralIntervalsADayLeaveTheLunchBreakOut) {
  CalendarSpec s = CalendarSpec::standard("split");
  for (int d = 0; d < 5; ++d)
    s.week[static_cast<std::size_t>(d)] = {{9 * 60, 12 * 60}, {13 * 60, 18 * 60}};
  const Calendar c = *Calendar::compile(s);
  EXPECT_EQ(c.format(c.add_business_time(at("2026-11-20T11:00:00+08:00"), pt::hours(2))),
            "2026-11-20T14:00:00+08:00");
  EXPECT_EQ(
      c.business_time_between(at("2026-11-20T08:00:00+08:00"), at("2026-11-20T20:00:00+08:00")),
      pt::hours(8));
  EXPECT_FALSE(c.is_working_time(at("2026-11-20T12:30:00+08:00")));
}

TEST(Calendar, WorkingDaysKeepTheTimeOfDay) {
  const Calendar c = china();
  EXPECT_EQ(c.format(c.add_working_days(at("2026-11-23T10:00:00+08:00"), 3)),  // Monday
            "2026-11-26T10:00:00+08:00");
  EXPECT_EQ(c.format(c.add_working_days(at("2026-11-21T14:00:00+08:00"), 3)),  // Saturday
            "2026-11-26T09:00:00+08:00");
  // Thursday Feb 12: Friday 13, the make-up Saturday 14, then the holiday until Tuesday 24.
  EXPECT_EQ(c.format(c.add_working_days(at("2026-02-12T10:00:00+08:00"), 3)),
            "2026-02-24T10:00:00+08:00");
  EXPECT_EQ(c.format(c.end_of_business_day(at("2026-11-20T20:00:00+08:00"))),
            "2026-11-23T18:00:00+08:00");
}

TEST(Calendar, DaylightSavingTimeInNewYork) {
  CalendarSpec s = CalendarSpec::standard("ny");
  s.time_zone = "America/New_York";
  const Calendar c = *Calendar::compile(s);
  // Friday 2026-03-06 17:00 EST; DST starts Sunday March 8. Two business hours later: Monday
  // 10:00 EDT, which is 14:00 UTC (not 15:00).
  const auto due = c.add_business_time(at("2026-03-06T17:00:00-05:00"), pt::hours(2));
  EXPECT_EQ(c.format(due), "2026-03-09T10:00:00-04:00");
  EXPECT_EQ(due, at("2026-03-09T14:00:00Z"));
  // 24x7 arithmetic happens in UTC: 48 hours later the wall clock shows 18:00.
  EXPECT_EQ(c.format(at("2026-03-06T17:00:00-05:00") + pt::hours(48)), "2026-03-08T18:00:00-04:00");
  // A wall time inside the spring-forward gap moves forward; in the autumn overlap the earlier.
  EXPECT_EQ(c.format(c.to_utc(pt::time_from_string("2026-03-08 02:30:00"))),
            "2026-03-08T03:30:00-04:00");
  EXPECT_EQ(c.format(c.to_utc(pt::time_from_string("2026-11-01 01:30:00"))),
            "2026-11-01T01:30:00-04:00");
}

TEST(Calendar, BadCalendarsAreNamed) {
  CalendarSpec s = CalendarSpec::standard("x");
  s.where = "/calendars/0";
  s.time_zone = "Mars/Olympus";
  auto e = Calendar::compile(s);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "/calendars/0/time_zone");
  s.time_zone = "UTC+08:00";
  s.week[1] = {{10 * 60, 12 * 60}, {11 * 60, 13 * 60}};
  e = Calendar::compile(s);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "/calendars/0/week/tue");
  CalendarSpec none;
  none.id = "none";
  EXPECT_FALSE(Calendar::compile(none));
  EXPECT_FALSE(parse_work_interval("18:00-09:00"));
  EXPECT_FALSE(parse_work_interval("9-18"));
  EXPECT_EQ(parse_work_interval("00:00-24:00")->end, 24 * 60);
}

TEST(Calendar, EachWeekdayHasItsOwnHoursOnEveryDayOfFourHundredYears) {
  // The calendar reads the weekday off the date's day number: one week of distinct hours, and
  // every day of a full Gregorian cycle must get its weekday's.
  CalendarSpec s = CalendarSpec::standard("week");
  for (int d = 0; d < 7; ++d) s.week[static_cast<std::size_t>(d)] = {{60 * d, 60 * d + 30}};
  const Calendar c = *Calendar::compile(s);
  for (gr::date d(1900, 1, 1); d < gr::date(2300, 1, 1); d += gr::days(1)) {
    const int monday_first = (d.day_of_week().as_number() + 6) % 7;
    ASSERT_EQ(c.hours(d).front().start, 60 * monday_first) << gr::to_iso_extended_string(d);
  }
}
