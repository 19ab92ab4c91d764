// Backtests on a hand-checked labelled file (tests/data/labelled_small.jsonl, mini pack; a
// confidence is best score / (sum of positive scores + smoothing 1), reported to 3 decimals):
//   E1 闪退 → system_failure ✓ (3/4 = 0.75), scenario other (fallback, confidence 0) ✓
//   E2 退款…没到 → service_process ✓ (final rule, 0.75), payment_refund ✓ (2/3 → 0.667)
//   E3 我要退款 → product_function ✗ (5/6 → 0.833; expected service_process), payment_refund ✓
//   (0.5) E4 你好 → no problem_type (abstains) ✗ E5 订单 → order ✓ (0.667); an unknown target is
//   ignored
#include "triage/backtest.hpp"

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

TEST(Eval, AccuracyWhenAnsweringLeavesAbstentionsOut) {
  const auto r = evaluate_pack(mini(), small());
  const auto& pt = target(r, "problem_type");
  EXPECT_EQ(pt.answered(), 3u);                             // E4 abstained
  EXPECT_DOUBLE_EQ(pt.accuracy_when_answering(), 2.0 / 3);  // E1, E2 of E1, E2, E3
  EXPECT_DOUBLE_EQ(target(r, "scenario").accuracy_when_answering(), 1.0);
}

TEST(Eval, TheCurveCountsAValueUnderTheThresholdAsUnanswered) {
  const auto r = evaluate_pack(mini(), small());
  const auto& pt = target(r, "problem_type");
  ASSERT_EQ(pt.curve.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_DOUBLE_EQ(pt.curve[i].min_confidence, i / 10.0);
  // 0 … 0.7: the three answers (0.75, 0.75, 0.833), two right.
  for (std::size_t i = 0; i <= 7; ++i) {
    EXPECT_EQ(pt.curve[i].answered, 3u) << i;
    EXPECT_EQ(pt.curve[i].right, 2u) << i;
  }
  EXPECT_DOUBLE_EQ(pt.curve[0].coverage(), 0.75);
  EXPECT_DOUBLE_EQ(pt.curve[0].accuracy(), 2.0 / 3);
  // 0.8: only E3 (0.833), which is wrong; 0.9: nothing.
  EXPECT_EQ(pt.curve[8].answered, 1u);
  EXPECT_EQ(pt.curve[8].right, 0u);
  EXPECT_DOUBLE_EQ(pt.curve[8].coverage(), 0.25);
  EXPECT_EQ(pt.curve[9].answered, 0u);

  // scenario: the fallback (confidence 0) counts at 0 only; 1/2 survives up to 0.5, 2/3 to 0.6.
  const auto& sc = target(r, "scenario");
  const std::size_t answered[] = {4, 3, 3, 3, 3, 3, 2, 0, 0, 0};
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(sc.curve[i].answered, answered[i]) << i;
    EXPECT_EQ(sc.curve[i].right, answered[i]) << i;
  }
}

TEST(Eval, ExpectedCalibrationErrorOverTenBins) {
  const auto r = evaluate_pack(mini(), small());
  const auto& pt = target(r, "problem_type");
  ASSERT_EQ(pt.calibration.size(), 10u);
  EXPECT_DOUBLE_EQ(pt.calibration[7].from, 0.7);
  EXPECT_EQ(pt.calibration[7].tickets, 2u);  // E1, E2 at 0.75, both right
  EXPECT_EQ(pt.calibration[7].right, 2u);
  EXPECT_DOUBLE_EQ(pt.calibration[7].mean_confidence(), 0.75);
  EXPECT_EQ(pt.calibration[8].tickets, 1u);  // E3 at 0.833, wrong
  EXPECT_EQ(pt.calibration[8].right, 0u);
  EXPECT_DOUBLE_EQ(pt.calibration[8].mean_confidence(), 0.833);
  // |1 − 0.75| × 2/3 + |0 − 0.833| × 1/3 = 0.16667 + 0.27767
  EXPECT_NEAR(pt.expected_calibration_error(), 0.25 * 2 / 3 + 0.833 / 3, 1e-12);
  // scenario: bin 0 (the fallback at 0, right), bin 5 (0.5), bin 6 (0.667 twice), all right:
  // 1 × 1/4 + 0.5 × 1/4 + 0.333 × 2/4 = 0.5415
  const auto& sc = target(r, "scenario");
  EXPECT_EQ(sc.calibration[0].tickets, 1u);
  EXPECT_EQ(sc.calibration[5].tickets, 1u);
  EXPECT_EQ(sc.calibration[6].tickets, 2u);
  EXPECT_NEAR(sc.expected_calibration_error(), 0.25 + 0.125 + 0.333 / 2, 1e-12);
}

TEST(Eval, UrgencyAndTheDepartmentHaveNoCurve) {
  std::vector<LabelledTicket> tickets = small();
  tickets[0].expected["urgency"] = "medium";
  const auto r = evaluate_pack(mini(), tickets);
  const auto& urgency = target(r, "urgency");
  EXPECT_FALSE(urgency.has_confidence);
  EXPECT_TRUE(urgency.curve.empty());
  EXPECT_FALSE(to_json(r).at("targets").as_array()[2].as_object().contains("curve"));
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
  const auto& pt = j.at("targets").as_array()[0];
  EXPECT_EQ(pt.at("accuracy"), 0.5);
  EXPECT_EQ(pt.at("coverage"), 0.75);
  EXPECT_EQ(pt.at("answered"), 3);
  EXPECT_EQ(pt.at("accuracy_when_answering"), 0.667);
  EXPECT_EQ(pt.at("expected_calibration_error"), 0.444);
  EXPECT_EQ(pt.at("curve").as_array()[8].at("coverage"), 0.25);
  EXPECT_EQ(pt.at("curve").as_array()[8].at("accuracy_when_answering"), 0.0);
  EXPECT_TRUE(pt.at("curve").as_array()[9].at("accuracy_when_answering").is_null());  // none
  EXPECT_EQ(pt.at("calibration").as_array()[8].at("mean_confidence"), 0.833);
  EXPECT_EQ(j.at("targets").as_array()[1].at("expected_calibration_error"), 0.542);
  EXPECT_EQ(j.at("rules").as_array()[2].at("precision"), 0.0);  // refund.any: 0 of 2
  const std::string table = to_table(r);
  EXPECT_NE(table.find("refund.any"), std::string::npos);
  EXPECT_NE(table.find("problem_type       4         3     50.0%     75.0%                    "
                       "66.7%  0.444"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("           0.8         1     25.0%                     0.0%"),
            std::string::npos)
      << table;
  auto bad = labelled_from_json(boost::json::parse(R"({"text": "x", "labels": {"urgency": 3}})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where, "/labels/urgency");
}
