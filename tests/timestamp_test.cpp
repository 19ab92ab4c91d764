#include "triage/timestamp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

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

TEST(Timestamp, FormatsEveryFieldZeroPaddedAsPrintfWould) {
  // The writer formats digits by hand; printf's %04d-%02d-…%02d:%02d is the reference.
  namespace gr = boost::gregorian;
  std::uint64_t seed = 7;
  auto next = [&](std::uint64_t n) {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    return static_cast<long long>((seed >> 33) % n);
  };
  for (int i = 0; i < 20000; ++i) {
    const pt::ptime utc(gr::date(static_cast<unsigned short>(1900 + next(7100)),
                                 static_cast<unsigned short>(1 + next(12)),
                                 static_cast<unsigned short>(1 + next(28))),
                        pt::seconds(next(86400)) + pt::microseconds(i % 3 ? next(1000000) : 0));
    const int offset = static_cast<int>(next(2 * 1439 + 1)) - 1439;
    const pt::ptime local = utc + pt::minutes(offset);
    const auto d = local.date();
    const auto t = local.time_of_day();
    char want[64];
    int n = std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d",
                          static_cast<int>(d.year()), static_cast<int>(d.month()),
                          static_cast<int>(d.day()), static_cast<int>(t.hours()),
                          static_cast<int>(t.minutes()), static_cast<int>(t.seconds()));
    if (const auto us = t.total_microseconds() % 1000000; us != 0) {
      n += std::snprintf(want + n, sizeof want - n, ".%06lld", static_cast<long long>(us));
    }
    std::snprintf(want + n, sizeof want - n, "%c%02d:%02d", offset < 0 ? '-' : '+',
                  std::abs(offset) / 60, std::abs(offset) % 60);
    ASSERT_EQ(format_timestamp(utc, offset), want);
  }
  EXPECT_EQ(format_timestamp(pt::ptime(pt::not_a_date_time), 0), "");
  EXPECT_EQ(format_timestamp(pt::ptime(pt::pos_infin), 480), "");
}
