// The learned classifier: features, training, the model file, the combination policies, and
// cross-validation that never scores a ticket with a model trained on it.
#include "triage/learned_classifier.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "test_util.hpp"
#include "triage/triage.hpp"

using namespace triage;

namespace {
LabelledTicket lt(const std::string& text, const std::string& dim, const std::string& value) {
  LabelledTicket t;
  t.ticket.text = text;
  t.expected[dim] = value;
  return t;
}
std::vector<LabelledTicket> corpus() {
  std::vector<LabelledTicket> out;
  for (int i = 0; i < 6; ++i) {
    out.push_back(lt("APP闪退打不开 " + std::to_string(i), "problem_type", "system_failure"));
    out.push_back(lt("the app crashes again", "problem_type", "system_failure"));
    out.push_back(lt("退款一直没到账 " + std::to_string(i), "problem_type", "service_process"));
    out.push_back(lt("my refund never arrived", "problem_type", "service_process"));
  }
  return out;
}
// A pack with the dimension and no rules at all: only the model can speak.
const char* kEmptyPack = R"({"schema":1,"name":"m","version":"1",
  "dimensions":[{"id":"problem_type","values":["system_failure","service_process"]}]})";
}  // namespace

TEST(LearnedClassifier, FeaturesFoldScriptsAndCase) {
  EXPECT_EQ(text_features("閃退", 18), text_features("闪退", 18));
  EXPECT_EQ(text_features("CRASH", 18), text_features("crash", 18));
  EXPECT_EQ(text_features("闪退", 18).size(), 3u);  // two unigrams and one bigram
  EXPECT_EQ(text_features("app crash", 18).size(), 2u);
}

TEST(LearnedClassifier, LearnsFromLabelledTicketsAndPredicts) {
  const auto model = LearnedModel::train(corpus(), {"problem_type"});
  auto p = model.predict("problem_type", "又闪退了");
  ASSERT_EQ(p.size(), 2u);
  auto best =
      std::max_element(p.begin(), p.end(), [](auto& a, auto& b) { return a.second < b.second; });
  EXPECT_EQ(best->first, "system_failure");
  EXPECT_NEAR(p[0].second + p[1].second, 1.0, 1e-9);
  EXPECT_TRUE(model.predict("scenario", "x").empty());
}

TEST(LearnedClassifier, TheModelFileRoundTrips) {
  const auto model = LearnedModel::train(corpus(), {"problem_type"});
  auto again = LearnedModel::from_json(model.to_json());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->predict("problem_type", "refund late"),
            model.predict("problem_type", "refund late"));
  EXPECT_FALSE(LearnedModel::from_json(R"({"kind": "svm"})"));
  EXPECT_EQ(LearnedModel::from_json("{").error().code, Errc::json_syntax);
}

TEST(LearnedClassifier, RulesFirstOnlyFillsWhatTheRulesLeftOpen) {
  auto pack = boost::json::parse(kEmptyPack).as_object();
  pack["rules"] = boost::json::parse(
      R"([{"id": "r", "when": {"text_any": ["人工"]}, "then": {"score": {"problem_type": {"service_process": 3}}}}])");
  EngineOptions opts;
  opts.classifiers.push_back(make_learned_classifier(
      LearnedModel::train(corpus(), {"problem_type"}), CombinePolicy::rules_first));
  auto e = Engine::from_json(boost::json::serialize(pack), opts);
  ASSERT_TRUE(e);
  Ticket t;
  t.text = "闪退了";  // no rule: the model decides
  auto d = e->diagnose(t);
  EXPECT_EQ(d.label("problem_type")->value, "system_failure");
  EXPECT_EQ(d.label("problem_type")->evidence[0].source, "learned");
  t.text = "闪退了，转人工";  // a rule spoke: the model stays out
  d = e->diagnose(t);
  for (const auto& ev : d.label("problem_type")->evidence) EXPECT_TRUE(ev.from_rule);
}

TEST(LearnedClassifier, TrainThenEvaluateRoundTrip) {
  EngineOptions opts;
  opts.classifiers.push_back(make_learned_classifier(
      LearnedModel::train(corpus(), {"problem_type"}), CombinePolicy::blend));
  auto e = Engine::from_json(kEmptyPack, opts);
  ASSERT_TRUE(e);
  const auto r = evaluate_pack(*e, corpus());
  EXPECT_DOUBLE_EQ(r.targets[0].accuracy(), 1.0);  // scored on its own training data: perfect
}

TEST(LearnedClassifier, CrossValidationNeverScoresTrainingTickets) {
  // Every text is unique to its ticket: a model can only be right on unseen tickets through
  // shared features, and rules alone (none here) are never right.
  std::vector<LabelledTicket> data;
  for (int i = 0; i < 10; ++i) {
    data.push_back(lt("闪退 " + std::to_string(i), "problem_type", "system_failure"));
    data.push_back(lt("退款 " + std::to_string(i), "problem_type", "service_process"));
  }
  const auto pack = parse_pack(kEmptyPack);
  ASSERT_TRUE(pack);
  const auto cv = cross_validate(*pack, data, CombinePolicy::rules_first, 5);
  ASSERT_EQ(cv.rows.size(), 1u);
  EXPECT_EQ(cv.rows[0].scored, 20u);
  EXPECT_EQ(cv.rows[0].rules, 0u);
  EXPECT_EQ(cv.rows[0].model, 20u);  // 闪退 / 退款 carry over between folds
  EXPECT_EQ(cv.rows[0].combined, 20u);
}

TEST(LearnedClassifier, APackNamesItsModelFile) {
  auto pack = boost::json::parse(kEmptyPack).as_object();
  pack["model"] = {{"file", "m.json"}, {"policy", "blend"}};
  auto parsed = pack_from_json(pack);
  ASSERT_TRUE(parsed);
  const std::string model = LearnedModel::train(corpus(), {"problem_type"}).to_json();
  auto opts = with_pack_model(*parsed, {}, [&](const std::string& f) -> Result<std::string> {
    EXPECT_EQ(f, "m.json");
    return model;
  });
  ASSERT_TRUE(opts);
  EXPECT_EQ(opts->classifiers.size(), 1u);
  auto missing = with_pack_model(*parsed, {}, [](const std::string& f) -> Result<std::string> {
    return make_error(Errc::io, f, "cannot open model file");
  });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::io);
  pack["model"] = {{"file", "m.json"}, {"policy", "vote"}};
  EXPECT_EQ(pack_from_json(pack).error().where, "/model/policy");
}
