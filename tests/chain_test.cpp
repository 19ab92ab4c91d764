#include "triage/chain.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"
#include "triage/timestamp.hpp"

using namespace triage;
namespace pt = boost::posix_time;
using triage::test::at;

namespace {
ChainSpec refund() {
  return {"refund",
          "退款流程",
          "cn",
          {{"application", "退款申请", SlaDuration{Clock::wall, 24 * 3600, 0}},
           {"finance_review", "财务审核", SlaDuration{Clock::working_days, 0, 2}},
           {"funds_received", "资金到账", std::nullopt}}};
}
Calendar cn() {
  return *Calendar::compile(CalendarSpec::standard("cn"));
}
}  // namespace

TEST(Chain, NamesTheStepWhereATicketIsStuckAndForHowLong) {
  std::vector<std::pair<std::string, pt::ptime>> entered = {
      {"application", at("2026-11-16T10:00:00+08:00")},
      {"finance_review", at("2026-11-17T09:00:00+08:00")}};
  auto r = chain_status(refund(), cn(), entered, at("2026-11-20T10:00:00+08:00"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->current, "finance_review");
  EXPECT_TRUE(r->stuck);
  EXPECT_EQ(r->stuck_for, pt::hours(25));  // due Thursday 09:00, now Friday 10:00
  EXPECT_FALSE(r->steps[0].overdue);       // the application moved on within a day
}

TEST(Chain, AStepWithinItsTimeIsNotStuck) {
  std::vector<std::pair<std::string, pt::ptime>> entered = {
      {"application", at("2026-11-20T10:00:00+08:00")}};
  auto r = chain_status(refund(), cn(), entered, at("2026-11-20T20:00:00+08:00"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->stuck);
  EXPECT_EQ(r->in_step, pt::hours(10));
}

TEST(Chain, TheGoalStepCompletesTheChain) {
  std::vector<std::pair<std::string, pt::ptime>> entered = {
      {"application", at("2026-11-16T10:00:00+08:00")},
      {"finance_review", at("2026-11-18T12:00:00+08:00")},
      {"funds_received", at("2026-11-19T12:00:00+08:00")}};
  auto r = chain_status(refund(), cn(), entered, at("2026-11-30T10:00:00+08:00"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->complete);
  EXPECT_FALSE(r->stuck);
  EXPECT_TRUE(r->steps[0].overdue);  // the application took 50 hours instead of 24
  EXPECT_EQ(r->steps[0].overdue_by, pt::hours(26));
}

TEST(Chain, UnknownOrOutOfOrderStepsAreErrors) {
  std::vector<std::pair<std::string, pt::ptime>> unknown = {
      {"teleport", at("2026-11-16T10:00:00Z")}};
  EXPECT_EQ(chain_status(refund(), cn(), unknown, at("2026-11-17T10:00:00Z")).error().where,
            "teleport");
  std::vector<std::pair<std::string, pt::ptime>> backwards = {
      {"finance_review", at("2026-11-16T10:00:00Z")}, {"application", at("2026-11-17T10:00:00Z")}};
  EXPECT_FALSE(chain_status(refund(), cn(), backwards, at("2026-11-18T10:00:00Z")));
}
