// Backtests on a hand-checked labelled file (tests/data/labelled_small.jsonl, mini pack):
//   E1 闪退 → system_failure ✓, scenario other (fallback) ✓
//   E2 退款…没到 → service_process ✓ (final rule), payment_refund ✓
//   E3 我要退款 → product_function ✗ (expected service_process), payment_refund ✓
//   E4 你好 → no problem_type (abstains) ✗
//   E5 订单 → order ✓; an unknown target is ignored
#include "triage/eval.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "test_util.hpp"
#include "triage/triage.hpp"

using namespace triage;

namespace {
std::vector<LabelledTicket> small() {
  std::vector<LabelledTicket> out;
  for (const auto& l : test::read_lines(TRIAGE_TEST_DATA "/labelled_small.jsonl")) {
    auto t = labelled_from_json(boost::json::parse(l));
    EXPECT_TRUE(t);
    out.push_back(std::move(*t));
  }
  return out;
}
const Engine& mini() {
  static const Engine e = *Engine::from_json(test::read_file(TRIAGE_TEST_DATA "/mini_pack.json"));
  return e;
}
const TargetReport& target(const EvalReport& r, const std::string& name) {
  for (const auto& t : r.targets) {
    if (t.target == name) return t;
  }
  throw std::runtime_error("no target " + name);
}
}  // namespace

TEST(Eval, AccuracyCoverageAndPerValueFigures) {
  const auto r = evaluate_pack(mini(), small());
  EXPECT_EQ(r.pack, "mini 0.1.0");
  EXPECT_EQ(r.tickets, 5u);
  ASSERT_EQ(r.targets.size(), 2u);  // problem_type, scenario (not the unknown one)
  const auto& pt = target(r, "problem_type");
  EXPECT_EQ(pt.scored, 4u);
  EXPECT_EQ(pt.correct, 2u);
  EXPECT_EQ(pt.abstained, 1u);
  EXPECT_DOUBLE_EQ(pt.accuracy(), 0.5);
  EXPECT_DOUBLE_EQ(pt.coverage(), 0.75);
  EXPECT_EQ(pt.values.at("system_failure").tp, 1u);
  EXPECT_EQ(pt.values.at("system_failure").fn, 1u);  // E4
  EXPECT_EQ(pt.values.at("service_process").fn, 1u);
  EXPECT_EQ(pt.values.at("product_function").fp, 1u);
  EXPECT_DOUBLE_EQ(pt.values.at("service_process").recall(), 0.5);
  EXPECT_DOUBLE_EQ(pt.values.at("service_process").precision(), 1.0);
  EXPECT_EQ(pt.confusion.at("service_process").at("product_function"), 1u);
  EXPECT_EQ(pt.confusion.at("system_failure").at("(none)"), 1u);
  const auto& sc = target(r, "scenario");
  EXPECT_EQ(sc.scored, 4u);
  EXPECT_EQ(sc.correct, 4u);
}

TEST(Eval, PerRuleFiredAndRight) {
  const auto r = evaluate_pack(mini(), small());
  auto rule = [&](const std::string& id) {
    for (const auto& rr : r.rules) {
      if (rr.rule == id) return rr;
    }
    throw std::runtime_error(id);
  };
  EXPECT_EQ(rule("crash").fired, 1u);
  EXPECT_EQ(rule("crash").right, 1u);
  EXPECT_EQ(rule("refund.stuck").fired, 1u);
  EXPECT_EQ(rule("refund.stuck").right, 1u);
  EXPECT_EQ(rule("refund.any").fired, 2u);  // E2 and E3
  EXPECT_EQ(rule("refund.any").judged, 2u);
  EXPECT_EQ(rule("refund.any").right, 0u);  // its strongest value is product_function
  EXPECT_EQ(rule("order").fired, 1u);
}

TEST(Eval, ComparingTwoPacksListsEveryChangedTicket) {
  auto pack = boost::json::parse(test::read_file(TRIAGE_TEST_DATA "/mini_pack.json")).as_object();
  // The second pack sends "我要退款" to service_process as well.
  pack["rules"].as_array().push_back(boost::json::parse(
      R"({"id": "want.refund", "when": {"text_any": ["我要退款"]}, "then": {"score": {"problem_type": {"service_process": 9}}}})"));
  auto after = Engine::from_json(boost::json::serialize(pack));
  ASSERT_TRUE(after);
  const auto changes = compare_packs(mini(), *after, small());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].ticket_id, "E3");
  EXPECT_EQ(changes[0].target, "problem_type");
  EXPECT_EQ(changes[0].expected, "service_process");
  EXPECT_EQ(changes[0].before, "product_function");
  EXPECT_EQ(changes[0].after, "service_process");
  EXPECT_DOUBLE_EQ(target(evaluate_pack(*after, small()), "problem_type").accuracy(), 0.75);
}

TEST(Eval, JsonAndTableAndBadLines) {
  const auto r = evaluate_pack(mini(), small());
  const auto j = to_json(r);
  EXPECT_EQ(j.at("tickets"), 5);
  EXPECT_EQ(j.at("targets").as_array()[0].at("accuracy"), 0.5);
  EXPECT_NE(to_table(r).find("refund.any"), std::string::npos);
  auto bad = labelled_from_json(boost::json::parse(R"({"text": "x", "labels": {"urgency": 3}})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where, "/labels/urgency");
}
