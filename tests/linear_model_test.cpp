// The linear classifier: its features, training, calibration, the model file, the choice
// between algorithms, models from another pack, and a warm prediction that allocates nothing.
#include "triage/linear_model.hpp"

#include <array>
#include <map>

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <new>
#include <random>

#include <boost/json.hpp>

#include "triage/learned_classifier.hpp"
#include "triage/text_features.hpp"
#include "triage/triage.hpp"

#include "counting_allocator.hpp"

using namespace triage;

namespace {

std::vector<std::uint32_t> features(std::string_view text, int bits = 20) {
  std::vector<std::uint32_t> out;
  linear_features(text, bits, out);
  return out;
}

LabelledTicket lt(const std::string& text, const std::string& value) {
  LabelledTicket t;
  t.ticket.text = text;
  t.expected["problem_type"] = value;
  return t;
}

// Ten ways each of saying two things, in three scripts.
std::vector<LabelledTicket> corpus() {
  const char* crash[] = {"APP闪退打不开", "the app crashes on start",
                         "一打开就闪退",  "it crashed again",
                         "閃退了好幾次",  "crashes every time I log in",
                         "闪退，进不去",  "app crash after update",
                         "又闪退了",      "crashing app"};
  const char* refund[] = {"退款一直没到账",     "my refund never arrived", "退款还没收到",
                          "where is my refund", "退款申請沒到帳",          "refund still pending",
                          "退款进度卡住了",     "no refund yet",           "退款迟迟不到",
                          "refund missing"};
  std::vector<LabelledTicket> out;
  for (auto t : crash) out.push_back(lt(t, "system_failure"));
  for (auto t : refund) out.push_back(lt(t, "service_process"));
  return out;
}

const char* kPack = R"({"schema":1,"name":"m","version":"1",
  "dimensions":[{"id":"problem_type","values":["system_failure","service_process"]}]})";

TrainOptions linear_options() {
  TrainOptions o;
  o.algorithm = Algorithm::linear;
  return o;
}

// A pack and a model with two dimensions labelled on the same tickets (request_kind follows
// problem_type), so that both keep the same rows.
constexpr const char* kTwoDimensionPack = R"({"schema":1,"name":"m","version":"1","dimensions":[
    {"id":"problem_type","values":["system_failure","service_process"]},
    {"id":"request_kind","values":["fault","complaint"]}]})";

LearnedModel two_dimension_model() {
  auto tickets = corpus();
  for (auto& t : tickets) {
    t.expected["request_kind"] =
        t.expected["problem_type"] == "system_failure" ? "fault" : "complaint";
  }
  return LearnedModel::train(tickets, {"problem_type", "request_kind"}, linear_options());
}

}  // namespace

TEST(LinearFeatures, FoldScriptWidthAndCase) {
  EXPECT_EQ(features("閃退"), features("闪退"));
  EXPECT_EQ(features("CRASH"), features("crash"));
  EXPECT_EQ(features("ＡＰＰ"), features("app"));
}

TEST(LinearFeatures, CjkCharactersGiveUnigramsBigramsAndTrigrams) {
  EXPECT_EQ(features("闪退了").size(), 6u);    // 3 + 2 + 1
  EXPECT_EQ(features("闪退。了").size(), 4u);  // punctuation ends the run: 2 + 1, then 1
}

TEST(LinearFeatures, LatinWordsGiveTheWordItsBigramsAndCharacterNgrams) {
  // "ab" → the word, and the 2-, 3-grams of "<ab>" (the 4-gram is the word itself): 1 + 3 + 2.
  EXPECT_EQ(features("ab").size(), 6u);
  // Two words add a word bigram; punctuation between them does not.
  EXPECT_EQ(features("ab cd").size(), 13u);
  EXPECT_EQ(features("ab, cd").size(), 12u);
}

TEST(LinearFeatures, CategoricalFieldsAreFeatures) {
  Ticket a, b;
  a.text = b.text = "hello";
  b.channel = Channel::phone;
  std::vector<std::uint32_t> fa, fb;
  linear_features(a, 20, fa);
  linear_features(b, 20, fb);
  EXPECT_EQ(fb.size(), fa.size() + 1);
}

TEST(LinearModel, LearnsWhatTheLabelsSayAndGivesProbabilities) {
  const auto model = LearnedModel::train(corpus(), {"problem_type"}, linear_options());
  ASSERT_EQ(model.algorithm("problem_type"), Algorithm::linear);
  for (const auto& [text, want] : {std::pair{"app keeps crashing", "system_failure"},
                                   {"還是閃退", "system_failure"},
                                   {"退款到现在都没到账", "service_process"},
                                   {"the refund has not arrived", "service_process"}}) {
    const auto p = model.predict("problem_type", text);
    ASSERT_EQ(p.size(), 2u);
    EXPECT_NEAR(p[0].second + p[1].second, 1.0, 1e-9);
    const auto& best = p[0].second > p[1].second ? p[0] : p[1];
    EXPECT_EQ(best.first, want) << text;
  }
}

TEST(LinearModel, ATemperatureFittedOnHeldOutFoldsMakesConfidenceMatchAccuracy) {
  // Two classes whose words overlap, and a fifth of the labels wrong: no model can be sure,
  // and a calibrated one must say so. Confidence and accuracy are compared on fresh tickets.
  std::mt19937 rng(7);
  auto sample = [&](std::size_t n, std::vector<std::vector<std::uint32_t>>& docs,
                    std::vector<std::uint32_t>& labels) {
    std::uniform_int_distribution<int> word(0, 29);
    std::bernoulli_distribution flip(0.2), half(0.5);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t y = half(rng) ? 1 : 0;
      std::string text;
      for (int k = 0; k < 6; ++k) {
        const int w = word(rng) + (y ? 10 : 0);  // classes share words 10..29
        text += "w" + std::to_string(w) + " ";
      }
      docs.emplace_back();
      linear_features(text, 20, docs.back());
      labels.push_back(flip(rng) ? 1 - y : y);
    }
  };
  std::vector<std::vector<std::uint32_t>> train_docs, test_docs;
  std::vector<std::uint32_t> train_y, test_y;
  sample(3000, train_docs, train_y);
  sample(3000, test_docs, test_y);
  const auto m = LinearModel::train(train_docs, train_y, 2, 20);
  EXPECT_NE(m.temperature(), 1.0);
  double confidence = 0, right = 0;
  std::vector<double> p(2);
  for (std::size_t i = 0; i < test_docs.size(); ++i) {
    m.predict(test_docs[i], p);
    const std::uint32_t best = p[1] > p[0] ? 1 : 0;
    confidence += p[best];
    right += best == test_y[i];
  }
  const double n = static_cast<double>(test_docs.size());
  EXPECT_NEAR(confidence / n, right / n, 0.03);
}

TEST(LinearModel, AFitDependsOnItsOwnTicketsNotOnWhatRanBeforeIt) {
  // LIBLINEAR shuffles with the C library's rand(): a dimension trained after others (or after
  // anything else that drew from it) must still get the weights its own tickets give, or adding
  // lines to one dimension moves every dimension trained after it.
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> word(0, 39);
  std::bernoulli_distribution flip(0.2);
  std::vector<std::vector<std::uint32_t>> docs;
  std::vector<std::uint32_t> labels;
  for (std::uint32_t i = 0; i < 600; ++i) {
    const std::uint32_t y = i % 3;
    std::string text;
    for (int k = 0; k < 5; ++k) text += "w" + std::to_string(word(rng) + 10 * y) + " ";
    docs.emplace_back();
    linear_features(text, 20, docs.back());
    labels.push_back(flip(rng) ? (y + 1) % 3 : y);
  }
  const auto first = LinearModel::train(docs, labels, 3, 20);
  for (int i = 0; i < 1000; ++i) (void)std::rand();  // what another fit would have drawn
  const auto again = LinearModel::train(docs, labels, 3, 20);
  EXPECT_EQ(boost::json::serialize(first.to_json()), boost::json::serialize(again.to_json()));
}

TEST(LinearModel, ARareClassMissingFromACalibrationFoldLeavesTheTemperatureSound) {
  // Two plain classes and one ticket of a third: one calibration fold trains without it and
  // scores it as never seen. That ticket must not flatten every probability of the model.
  std::vector<std::vector<std::uint32_t>> docs;
  std::vector<std::uint32_t> labels;
  for (int i = 0; i < 40; ++i) {
    const bool screen = (i / 2) % 2 == 0;  // both classes in either fold
    docs.push_back(features(screen ? "screen broken again" : "refund not arrived yet"));
    labels.push_back(screen ? 0 : 1);
  }
  docs.push_back(features("please build an export plugin"));
  labels.push_back(2);
  const auto m = LinearModel::train(docs, labels, 3, 20);
  EXPECT_LT(m.temperature(), 10.0);
  std::vector<double> p(3);
  m.predict(features("screen broken"), p);
  EXPECT_GT(p[0], 0.8);
}

TEST(LinearModel, ClassesNeverSeenInTrainingGetNoProbability) {
  std::vector<std::vector<std::uint32_t>> docs = {features("a b"), features("c d")};
  std::vector<std::uint32_t> labels = {0, 2};
  const auto m = LinearModel::train(docs, labels, 3, 20);
  std::vector<double> p(3);
  m.predict(features("a b"), p);
  EXPECT_LT(p[1], 1e-6);
  EXPECT_GT(p[0], p[2]);
}

TEST(LinearModel, TheModelFileRoundTripsAndRecordsHowItWasMade) {
  const auto model = LearnedModel::train(corpus(), {"problem_type"}, linear_options());
  const std::string text = model.to_json();
  const auto doc = boost::json::parse(text).as_object();
  EXPECT_EQ(doc.at("kind"), "triage_model");
  EXPECT_EQ(doc.at("linear_hash_bits"), 20);
  EXPECT_EQ(doc.at("trained_on"), 20);
  EXPECT_EQ(doc.at("fingerprint").as_string().size(), 16u);
  EXPECT_EQ(doc.at("features").at("linear").as_string(), linear_feature_set);
  EXPECT_EQ(doc.at("dimensions").at("problem_type").at("algorithm"), "linear");
  auto again = LearnedModel::from_json(text);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->fingerprint(), model.fingerprint());
  for (const char* t : {"闪退", "refund", "something else entirely"}) {
    const auto a = model.predict("problem_type", t), b = again->predict("problem_type", t);
    ASSERT_EQ(a.size(), b.size());
    // Boost.JSON 1.81 may read the temperature one ulp off, and the softmax multiplies that.
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i].second, b[i].second, 1e-12);
  }
}

TEST(LinearModel, ACorruptModelFileIsAnErrorThatNamesThePlace) {
  auto doc = boost::json::parse(
                 LearnedModel::train(corpus(), {"problem_type"}, linear_options()).to_json())
                 .as_object();
  auto& lin = doc["dimensions"].as_object()["problem_type"].as_object()["linear"].as_object();
  auto broken = doc;
  broken["dimensions"].as_object()["problem_type"].as_object()["linear"].as_object()["weights"] =
      "not base64!";
  auto e = LearnedModel::from_json(boost::json::serialize(broken));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::pack_invalid);
  EXPECT_EQ(e.error().where, "/dimensions/problem_type/linear/weights");
  lin["temperature"] = -1;
  e = LearnedModel::from_json(boost::json::serialize(doc));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "/dimensions/problem_type/linear/temperature");
}

TEST(LinearModel, AutoPicksTheAlgorithmThatCrossValidatesBetter) {
  TrainOptions o;
  o.algorithm = Algorithm::automatic;
  std::vector<TrainChoice> choices;
  const auto model = LearnedModel::train(corpus(), {"problem_type"}, o, &choices);
  ASSERT_EQ(choices.size(), 1u);
  const auto& c = choices[0];
  EXPECT_EQ(c.tickets, 20u);
  ASSERT_GE(c.naive_bayes_accuracy, 0);
  ASSERT_GE(c.linear_accuracy, 0);
  EXPECT_EQ(c.chosen, c.linear_accuracy > c.naive_bayes_accuracy ? Algorithm::linear
                                                                 : Algorithm::naive_bayes);
  EXPECT_EQ(model.algorithm("problem_type"), c.chosen);
}

TEST(LinearModel, AModelTrainedForAnotherPackIsRefused) {
  const std::string model =
      LearnedModel::train(corpus(), {"problem_type"}, linear_options()).to_json();
  auto other = boost::json::parse(kPack).as_object();
  other["dimensions"].as_array()[0].as_object()["values"] = {"system_failure", "external"};
  other["model"] = {{"file", "m.json"}};
  auto pack = pack_from_json(other);
  ASSERT_TRUE(pack);
  auto opts =
      with_pack_model(*pack, {}, [&](const std::string&) -> Result<std::string> { return model; });
  ASSERT_FALSE(opts);
  EXPECT_EQ(opts.error().code, Errc::pack_unknown_reference);
  EXPECT_NE(opts.error().message.find("service_process"), std::string::npos)
      << opts.error().message;
  EXPECT_NE(opts.error().message.find("m.json"), std::string::npos);
}

TEST(LinearModel, ModelsOfTheFirstFormatStillLoad) {
  const char* v1 = R"({"kind":"naive_bayes","hash_bits":18,"dimensions":{"problem_type":[
      {"value":"system_failure","docs":1,"total":1,"counts":{"5":1}}]}})";
  auto m = LearnedModel::from_json(v1);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->algorithm("problem_type"), Algorithm::naive_bayes);
}

TEST(LinearModel, AWarmClassificationAllocatesNothing) {
  auto pack = parse_pack(kPack);
  ASSERT_TRUE(pack);
  EngineOptions opts;
  opts.classifiers.push_back(make_learned_classifier(
      LearnedModel::train(corpus(), {"problem_type"}, linear_options()), CombinePolicy::blend));
  const auto engine = Engine::compile(*pack, opts);
  ASSERT_TRUE(engine);
  Ticket t;
  t.text = "APP一直闪退，the app crashes on start";
  Evaluation ev;
  engine->evaluate(t, ev);  // warm up: buffers grow to this ticket's size
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 100; ++i) engine->evaluate(t, ev);
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_EQ(engine->pack().dimensions[0].values[static_cast<std::size_t>(ev.decided(0))].id,
            "system_failure");
}

TEST(LinearModel, AMinimumProbabilityOutsideZeroToOneIsAPackErrorThatNamesThePlace) {
  for (const char* p : {"-0.1", "1.5"}) {
    auto pack = boost::json::parse(kPack).as_object();
    pack["model"] =
        boost::json::parse(std::string(R"({"file": "m.json", "min_probability": )") + p + "}");
    auto parsed = pack_from_json(pack);
    ASSERT_FALSE(parsed) << p;
    EXPECT_EQ(parsed.error().code, Errc::pack_invalid);
    EXPECT_EQ(parsed.error().where, "/model/min_probability");
  }
  auto pack = boost::json::parse(kPack).as_object();
  pack["model"] = {{"file", "m.json"}, {"min_probability", 0.5}};
  ASSERT_TRUE(pack_from_json(pack));
  EXPECT_DOUBLE_EQ(pack_from_json(pack)->model->min_probability, 0.5);
}

TEST(LinearModel, AWeightPerDimensionScalesThatDimensionAloneAndNamesAMistakesPlace) {
  const auto model = two_dimension_model();
  auto pack = parse_pack(kTwoDimensionPack);
  ASSERT_TRUE(pack);
  const auto total_scores = [&](const std::map<std::string, double, std::less<>>& weights) {
    EngineOptions opts;
    opts.classifiers.push_back(
        make_learned_classifier(model, CombinePolicy::blend, 2.0, weights, 0.0));
    const auto engine = Engine::compile(*pack, opts);
    Ticket t;
    t.text = "APP一直闪退";
    Evaluation ev;
    engine->evaluate(t, ev);
    std::array<double, 2> totals{};
    for (std::size_t d = 0; d < 2; ++d) {
      for (double s : ev.scores(d)) totals[d] += s;
    }
    return totals;
  };
  // Blend scores are the weight times probabilities that sum to one.
  const auto global = total_scores({});
  EXPECT_NEAR(global[0], 2.0, 1e-9);
  EXPECT_NEAR(global[1], 2.0, 1e-9);
  const auto own = total_scores({{"request_kind", 5.0}});
  EXPECT_NEAR(own[0], 2.0, 1e-9);
  EXPECT_NEAR(own[1], 5.0, 1e-9);

  // In a pack: {"weights": {dimension: weight}}; a dimension the pack lacks, or a weight below
  // zero, is an error at its place.
  auto json = boost::json::parse(kTwoDimensionPack).as_object();
  json["model"] = boost::json::parse(R"({"file": "m.json", "weights": {"request_kind": 5}})");
  auto parsed = pack_from_json(json);
  ASSERT_TRUE(parsed);
  EXPECT_DOUBLE_EQ(parsed->model->weights.at("request_kind"), 5.0);
  for (const char* bad : {R"({"scenario": 1})", R"({"request_kind": -1})"}) {
    json["model"].as_object()["weights"] = boost::json::parse(bad);
    auto wrong = pack_from_json(json);
    ASSERT_FALSE(wrong) << bad;
    EXPECT_EQ(wrong.error().code, Errc::pack_invalid);
    EXPECT_EQ(wrong.error().where,
              std::string("/model/weights/") + (bad[2] == 's' ? "scenario" : "request_kind"));
  }
}

TEST(LinearModel, AModelBelowItsMinimumProbabilitySaysNothing) {
  auto pack = parse_pack(kPack);
  ASSERT_TRUE(pack);
  const auto model = LearnedModel::train(corpus(), {"problem_type"}, linear_options());
  Ticket t;
  t.text = "hello, a word about something else";  // neither class: the model is unsure
  auto decided_with = [&](double min_probability) {
    EngineOptions opts;
    opts.classifiers.push_back(
        make_learned_classifier(model, CombinePolicy::blend, 2.0, min_probability));
    const auto engine = Engine::compile(*pack, opts);
    Evaluation ev;
    engine->evaluate(t, ev);
    return ev.has_score("problem_type");
  };
  EXPECT_TRUE(decided_with(0.0));
  EXPECT_FALSE(decided_with(0.999));
}

TEST(LinearModel, DimensionsTrainedOnTheSameTicketsReadOneVectorizationAndSayWhatEachSaysAlone) {
  // Two dimensions labelled on the same tickets keep the same rows: the engine vectorizes a
  // ticket once for both, and each dimension's probabilities are those it gives on its own.
  const auto model = two_dimension_model();
  auto pack = parse_pack(kTwoDimensionPack);
  ASSERT_TRUE(pack);
  EngineOptions opts;
  opts.classifiers.push_back(make_learned_classifier(model, CombinePolicy::blend));
  const auto engine = Engine::compile(*pack, opts);
  ASSERT_TRUE(engine);
  Evaluation ev;
  for (const char* text : {"APP一直闪退", "the refund has not arrived", "還是閃退"}) {
    Ticket t;
    t.text = text;
    engine->evaluate(t, ev);
    for (std::size_t d = 0; d < 2; ++d) {
      const auto& dim = pack->dimensions[d];
      const auto alone = model.predict(dim.id, t);
      const auto scores = ev.scores(d);
      double total = 0;
      for (double s : scores) total += s;
      for (const auto& [value, p] : alone) {
        std::size_t v = 0;
        while (dim.values[v].id != value) ++v;
        EXPECT_DOUBLE_EQ(scores[v] / total, p) << text << " " << dim.id << "=" << value;
      }
    }
  }
}

namespace {
// The built-in pack without its rules, its own model aligned to it, and the tickets of
// examples/labelled.jsonl: seven linear dimensions over two row sets (emotion was labelled on
// fewer tickets than the rest).
struct DefaultModel {
  Pack pack;
  LearnedModel model;
  std::vector<Ticket> tickets;
};
DefaultModel default_model() {
  DefaultModel f{
      *parse_pack(default_pack_json()), *LearnedModel::from_json(default_model_json()), {}};
  f.pack.rules.clear();
  f.model.align(f.pack);
  std::ifstream in(TRIAGE_SOURCE_DIR "/examples/labelled.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto v = parse_json(line);
    if (!v) continue;
    auto l = labelled_from_json(*v);
    if (l) f.tickets.push_back(std::move(l->ticket));
  }
  return f;
}
}  // namespace

TEST(LinearModel, TheDefaultModelScoresEveryDimensionInOnePassExactlyAsEachDimensionAlone) {
  // The classifier scores all dimensions of a model in one pass over merged rows; each
  // dimension's probabilities are still, to the bit, what the model gives for it alone.
  const auto f = default_model();
  ASSERT_GE(f.tickets.size(), 100u);
  EngineOptions opts;
  opts.classifiers.push_back(make_learned_classifier(f.model, CombinePolicy::blend, 1.0));
  const auto engine = Engine::compile(f.pack, opts);
  ASSERT_TRUE(engine) << engine.error().message;
  Evaluation ev;
  std::size_t compared = 0;
  for (const auto& t : f.tickets) {
    engine->evaluate(t, ev);
    for (const auto& name : f.model.dimensions()) {
      std::size_t d = 0;
      while (f.pack.dimensions[d].id != name) ++d;
      const auto alone = f.model.predict(name, t);
      const auto scores = ev.scores(d);
      ASSERT_EQ(alone.size(), scores.size()) << name;
      for (std::size_t v = 0; v < alone.size(); ++v) {
        ASSERT_EQ(f.pack.dimensions[d].values[v].id, alone[v].first);
        EXPECT_EQ(scores[v], alone[v].second) << t.text << " " << name << "=" << alone[v].first;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, f.tickets.size() * 7);
}

TEST(LinearModel, AWarmClassificationByTheDefaultModelAllocatesNothing) {
  const auto f = default_model();
  EngineOptions opts;
  opts.classifiers.push_back(make_learned_classifier(f.model, CombinePolicy::blend));
  const auto engine = Engine::compile(f.pack, opts);
  ASSERT_TRUE(engine);
  // One pass first: every per-thread buffer grows to the longest ticket's size.
  Evaluation ev;
  for (const auto& t : f.tickets) engine->evaluate(t, ev);
  g_allocations = 0;
  g_counting = true;
  for (const auto& t : f.tickets) engine->evaluate(t, ev);
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
}
