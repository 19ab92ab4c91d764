// Service metrics on a hand-checked history (tests/data/history.jsonl):
//   H1 crash (high): one response in 10 min, resolved after 2 h, satisfied      → FCR
//   H2 crash (high): first response after 50 min (due 30), two responses, 5 h   → not FCR
//   H3 refund stuck (medium): resolved after 24 h, reopened, resolved again: 50 h → not FCR
//   H4 refund (medium): only responded, never closed                           → not counted
//   H5 crash (high): one response, resolved after 1 h, not rated               → FCR
#include "triage/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <boost/json.hpp>

#include "test_util.hpp"
#include "triage/triage.hpp"

using namespace triage;

namespace {
Metrics history_metrics() {
  auto pack = test::mini_pack_with_default_sla();
  pack["departments"] = boost::json::parse(R"(["cs"])");
  pack["routing"] = boost::json::parse(R"({"coordinator": "cs", "default": {"primary": "cs"},
      "groups": {"dimension": "problem_type", "map": {"system_failure": "tech", "service_process": "service"},
                 "default": "general"}})");
  auto engine = Engine::from_json(boost::json::serialize(pack));
  EXPECT_TRUE(engine) << engine.error().message;
  std::vector<TicketHistory> hs;
  for (const auto& line : test::read_lines(TRIAGE_TEST_DATA "/history.jsonl")) {
    auto h = history_from_json(boost::json::parse(line));
    EXPECT_TRUE(h) << line;
    hs.push_back(std::move(*h));
  }
  return compute_metrics(*engine, hs);
}
}  // namespace

TEST(Metrics, OverallFiguresMatchTheHandCount) {
  const Metrics m = history_metrics();
  const MetricsReport& r = m.overall;
  EXPECT_EQ(r.tickets, 5u);
  EXPECT_EQ(r.closed, 4u);
  EXPECT_DOUBLE_EQ(r.fcr_rate(), 0.5);                 // H1, H5 of four closed
  EXPECT_DOUBLE_EQ(r.reopen_rate(), 0.25);             // H3
  EXPECT_DOUBLE_EQ(r.average_handling_hours(), 14.5);  // (2 + 5 + 50 + 1) / 4
  EXPECT_DOUBLE_EQ(r.p90_handling_hours(), 50.0);
  EXPECT_EQ(r.satisfied, 1u);
  EXPECT_EQ(r.neutral, 1u);
  EXPECT_EQ(r.unsatisfied, 1u);
  EXPECT_EQ(r.unrated, 1u);
  EXPECT_NEAR(r.csat(), 1.0 / 3.0, 1e-9);
}

TEST(Metrics, SlaCompliancePerTarget) {
  const Metrics m = history_metrics();
  const auto& fr = m.overall.sla.at("first_response");
  EXPECT_EQ(fr.met, 3u);
  EXPECT_EQ(fr.breached, 1u);  // H2
  EXPECT_DOUBLE_EQ(fr.rate(), 0.75);
  const auto& rs = m.overall.sla.at("resolution");
  EXPECT_EQ(rs.met, 4u);
  EXPECT_EQ(rs.breached, 0u);
}

TEST(Metrics, PerGroupAndPerDimensionValue) {
  const Metrics m = history_metrics();
  ASSERT_EQ(m.by_group.size(), 3u);
  EXPECT_EQ(m.by_group.at("tech").tickets, 3u);
  EXPECT_NEAR(m.by_group.at("tech").fcr_rate(), 2.0 / 3.0, 1e-9);
  EXPECT_EQ(m.by_group.at("service").closed, 1u);
  EXPECT_EQ(m.by_group.at("general").closed, 0u);
  EXPECT_EQ(m.overall.counts.at("problem_type").at("system_failure"), 3u);
  EXPECT_EQ(m.overall.counts.at("problem_type").at("service_process"), 1u);
  EXPECT_EQ(m.overall.counts.at("problem_type").at("product_function"), 1u);
}

TEST(Metrics, JsonAndTable) {
  const Metrics m = history_metrics();
  const auto j = to_json(m);
  EXPECT_EQ(j.at("first_contact_resolution"), 0.5);
  EXPECT_EQ(j.at("sla").at("first_response").at("compliance"), 0.75);
  EXPECT_TRUE(j.at("by_group").as_object().contains("tech"));
  const std::string t = to_table(m);
  EXPECT_NE(t.find("first_response"), std::string::npos);
  EXPECT_NE(t.find("all"), std::string::npos);
}

TEST(Metrics, BadHistoryLinesNameTheField) {
  auto bad = history_from_json(boost::json::parse(R"({"text": "x", "satisfaction": "meh"})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where, "/satisfaction");
  auto events =
      history_from_json(boost::json::parse(R"({"text": "x", "events": [{"type": "closed"}]})"));
  ASSERT_FALSE(events);
  EXPECT_EQ(events.error().where, "/events/0/at");
}

TEST(Metrics, WeeksAndBreaches) {
  const Metrics m = history_metrics();
  // Every ticket was created on Friday 2026-11-20: one week, named by its Monday.
  ASSERT_EQ(m.by_week.size(), 1u);
  const MetricsReport& w = m.by_week.at("2026-11-16");
  EXPECT_EQ(w.tickets, 5u);
  EXPECT_DOUBLE_EQ(w.fcr_rate(), 0.5);
  EXPECT_EQ(w.sla_total().met + w.sla_total().breached,
            m.overall.sla_total().met + m.overall.sla_total().breached);
  // H2's first response came 50 minutes after creation, 30 were allowed.
  const auto h2 = std::find_if(m.breaches.begin(), m.breaches.end(), [](const Breach& b) {
    return b.ticket_id == "H2" && b.target == "first_response";
  });
  ASSERT_NE(h2, m.breaches.end());
  EXPECT_EQ(h2->late, boost::posix_time::minutes(20));
  EXPECT_EQ(h2->group, "tech");
  EXPECT_EQ(format_timestamp(h2->due), "2026-11-20T10:30:00+08:00");
  ASSERT_TRUE(h2->completed);
  EXPECT_EQ(format_timestamp(*h2->completed), "2026-11-20T10:50:00+08:00");
  // One breach per breached target of a closed ticket.
  std::size_t breached = 0;
  for (const auto& [name, c] : m.overall.sla) breached += c.breached;
  EXPECT_EQ(m.breaches.size(), breached);
  const auto j = to_json(m);
  EXPECT_EQ(j.at("weeks").as_array()[0].at("week"), "2026-11-16");
  EXPECT_EQ(j.at("breaches").as_array().size(), breached);
  EXPECT_EQ(j.at("sla_all_targets").at("met"), m.overall.sla_total().met);
}
