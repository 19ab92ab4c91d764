#include "triage/request_id.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

using namespace triage;
using boost::gregorian::date;

TEST(RequestId, FollowsDateChannelSerial) {
  EXPECT_EQ(format_request_id(date(2026, 11, 20), Channel::chat, 1), "20261120-ONL-001");
  EXPECT_EQ(format_request_id(date(2026, 1, 2), Channel::phone, 1234), "20260102-TEL-1234");
  EXPECT_EQ(format_request_id(date(1400, 1, 1), Channel::email, 0), "14000101-EML-000");
  EXPECT_EQ(format_request_id(date(9999, 12, 31), Channel::app, 4294967295u),
            "99991231-APP-4294967295");
  EXPECT_EQ(channel_code(Channel::email), "EML");
  EXPECT_EQ(channel_code(Channel::web), "WEB");
  EXPECT_EQ(channel_code(Channel::app), "APP");
  EXPECT_EQ(channel_code(Channel::social), "SNS");
  EXPECT_EQ(channel_code(Channel::wechat), "WCT");
  EXPECT_EQ(channel_code(Channel::dingtalk), "DTK");
  EXPECT_EQ(channel_code(Channel::mini_program), "MPG");
  EXPECT_EQ(channel_code(Channel::unspecified), "OTH");
}

TEST(RequestId, CountsPerDayAndChannel) {
  RequestIdGenerator g;
  const date d(2026, 11, 20);
  EXPECT_EQ(g.next(d, Channel::chat), "20261120-ONL-001");
  EXPECT_EQ(g.next(d, Channel::chat), "20261120-ONL-002");
  EXPECT_EQ(g.next(d, Channel::phone), "20261120-TEL-001");
  EXPECT_EQ(g.next(d + boost::gregorian::days(1), Channel::chat), "20261121-ONL-001");
  EXPECT_EQ(g.last(d, Channel::chat), 2u);
}

TEST(RequestId, TheHostSeedsTheCounterAfterARestart) {
  RequestIdGenerator g;
  const date d(2026, 11, 20);
  g.seed(d, Channel::web, 41);
  EXPECT_EQ(g.next(d, Channel::web), "20261120-WEB-042");
}

TEST(RequestId, ThreadsNeverGetTheSameNumber) {
  RequestIdGenerator g;
  const date d(2026, 11, 20);
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) got[t].push_back(g.next(d, Channel::app));
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (auto& v : got) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 2000u);
  EXPECT_EQ(g.last(d, Channel::app), 2000u);
}
