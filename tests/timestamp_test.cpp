#include "triage/timestamp.hpp"

#include <gtest/gtest.h>

#include <boost/date_time/posix_time/posix_time.hpp>

using namespace triage;
namespace pt = boost::posix_time;

TEST(Timestamp, ReadsAnOffsetAndKeepsIt) {
  auto t = parse_timestamp("2026-11-20T14:30:00+08:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc, pt::time_from_string("2026-11-20 06:30:00"));
  EXPECT_EQ(t->offset_minutes, 480);
  EXPECT_EQ(format_timestamp(*t), "2026-11-20T14:30:00+08:00");
}

TEST(Timestamp, ReadsZuluNegativeOffsetsAndOptionalSeconds) {
  EXPECT_EQ(format_timestamp(*parse_timestamp("2026-11-20T06:30Z")), "2026-11-20T06:30:00+00:00");
  auto ny = parse_timestamp("2026-03-08T01:59:59-0500");
  ASSERT_TRUE(ny);
  EXPECT_EQ(ny->utc, pt::time_from_string("2026-03-08 06:59:59"));
  EXPECT_EQ(format_timestamp(*ny), "2026-03-08T01:59:59-05:00");
  auto frac = parse_timestamp("2026-11-20 14:30:00.25+08:00");
  ASSERT_TRUE(frac);
  EXPECT_EQ(format_timestamp(*frac), "2026-11-20T14:30:00.250000+08:00");
}

TEST(Timestamp, CrossesMidnightIntoTheUtcDay) {
  auto t = parse_timestamp("2026-11-21T01:00:00+08:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc.date(), boost::gregorian::date(2026, 11, 20));
}

TEST(Timestamp, RejectsWhatAClockCannotUse) {
  for (const char* bad : {"2026-11-20T14:30:00", "2026-02-30T10:00:00Z", "20261120T1430Z",
                          "2026-11-20T25:00:00Z", "2026-11-20T10:00:00+08:00x", "", "yesterday"}) {
    auto t = parse_timestamp(bad, "/created_at");
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().code, Errc::field_format) << bad;
    EXPECT_EQ(t.error().where, "/created_at");
    EXPECT_EQ(t.error().message.rfind("/created_at: ", 0), 0u) << t.error().message;
  }
}
