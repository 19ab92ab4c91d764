// The learned classifier's prediction, on its own and inside classification. With arguments
// `PACK MODEL LABELLED.jsonl` it measures that model on those tickets (bench/learned.py passes
// BANKING77); without them, a linear model trained on the example tickets.
// BM_DefaultModel* measure the built-in pack's own model on the shared bench_gen workload (issue
// 20: it must cost no more than the rules, >= 500k tickets/s/core on ~116-byte tickets).
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "triage/triage.hpp"

using namespace triage;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Fixture {
  std::optional<Engine> engine;
  std::vector<Ticket> tickets;
  std::size_t bytes = 0;
  std::optional<LearnedModel> model;
  std::string dimension;
};

Fixture& fixture() {
  static Fixture f = [] {
    Fixture f;
    const char* pack = std::getenv("TRIAGE_BENCH_PACK");
    const char* model = std::getenv("TRIAGE_BENCH_MODEL");
    const char* data = std::getenv("TRIAGE_BENCH_TICKETS");
    const std::string labelled =
        data ? data : std::string(TRIAGE_SOURCE_DIR) + "/examples/labelled.jsonl";
    std::vector<LabelledTicket> lts;
    std::istringstream in(slurp(labelled));
    for (std::string line; std::getline(in, line);) {
      auto v = parse_json(line);
      if (!v) continue;
      auto lt = labelled_from_json(*v);
      if (lt) lts.push_back(std::move(*lt));
    }
    Pack p;
    if (pack && model) {
      p = *parse_pack(slurp(pack));
      f.model = *LearnedModel::from_json(slurp(model));
    } else {
      p = *parse_pack(default_pack_json());
      TrainOptions o;
      o.algorithm = Algorithm::linear;
      std::vector<std::string> dims;
      for (const auto& d : p.dimensions) dims.push_back(d.id);
      f.model = LearnedModel::train(lts, dims, o);
      p.rules.clear();  // the model alone
    }
    f.dimension = f.model->dimensions().front();
    f.model->align(p);  // as a pack that names its model does: values by index, not by name
    EngineOptions opts;
    opts.classifiers.push_back(make_learned_classifier(*f.model, CombinePolicy::rules_first));
    f.engine = std::move(*Engine::compile(p, opts));
    for (auto& lt : lts) {
      f.bytes += lt.ticket.text.size();
      f.tickets.push_back(std::move(lt.ticket));
    }
    return f;
  }();
  return f;
}

// Features and the linear model alone, for one dimension.
void BM_LinearPredict(benchmark::State& state) {
  auto& f = fixture();
  std::size_t i = 0;
  for (auto _ : state) {
    auto p = f.model->predict(f.dimension, f.tickets[i++ % f.tickets.size()]);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_LinearPredict);

// Classification by the model through the engine: features once, every dimension, no allocation.
void BM_ClassifyWithModel(benchmark::State& state) {
  auto& f = fixture();
  Evaluation ev;
  std::size_t i = 0;
  for (auto _ : state) {
    f.engine->evaluate(f.tickets[i++ % f.tickets.size()], ev);
    benchmark::DoNotOptimize(ev.decided(0));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.bytes /
                                                    std::max<std::size_t>(1, f.tickets.size())));
}
BENCHMARK(BM_ClassifyWithModel);

// The built-in pack's model as the pack ships it (policy, weights, values in the pack's order),
// the pack's rules left out: what the model costs a ticket, apart from the rules.
struct DefaultModel {
  std::shared_ptr<const Classifier> classifier;
  std::optional<Engine> engine;  // the pack without rules, with the model
};

DefaultModel& default_model() {
  static DefaultModel f = [] {
    DefaultModel f;
    Pack p = *parse_pack(default_pack_json());
    p.rules.clear();
    auto opts = with_pack_model(p, EngineOptions{}, [](const std::string&) -> Result<std::string> {
      return std::string(default_model_json());
    });
    if (!opts || opts->classifiers.size() != 1) std::abort();
    f.classifier = opts->classifiers.front();
    f.engine = std::move(*Engine::compile(p, *opts));
    return f;
  }();
  return f;
}

// The model's classify() alone: features, rows, scores, softmax and adding them to the
// evaluation. The evaluation is made once for the first ticket; the model adds to its scores.
void BM_DefaultModel(benchmark::State& state) {
  auto& f = default_model();
  const auto& tickets = triage_bench::tickets_of_size(116);
  Evaluation ev;
  f.engine->evaluate(tickets.front(), ev);
  std::size_t i = 0;
  for (auto _ : state) {
    f.classifier->classify(tickets[i++ % tickets.size()], ev);
    benchmark::DoNotOptimize(ev);
  }
  triage_bench::report(
      state, 1, triage_bench::text_bytes(tickets) / static_cast<std::int64_t>(tickets.size()));
}
BENCHMARK(BM_DefaultModel);

// The same through Engine::evaluate of the pack without rules: the model plus the engine's own
// per-ticket work (the scan of the pack's remaining keywords, the decisions).
void BM_DefaultModelEngine(benchmark::State& state) {
  auto& f = default_model();
  const auto& tickets = triage_bench::tickets_of_size(116);
  Evaluation ev;
  std::size_t i = 0;
  for (auto _ : state) {
    f.engine->evaluate(tickets[i++ % tickets.size()], ev);
    benchmark::DoNotOptimize(ev.decided(0));
  }
  triage_bench::report(
      state, 1, triage_bench::text_bytes(tickets) / static_cast<std::int64_t>(tickets.size()));
}
BENCHMARK(BM_DefaultModelEngine);

// What making the classifier costs a start-up (the default model already parsed and aligned),
// and what its first prediction adds: merging the rows into one table and one weight row per
// feature, which the classifier does then rather than when it is made.
void BM_DefaultModelClassifierMade(benchmark::State& state) {
  Pack p = *parse_pack(default_pack_json());
  auto model = *LearnedModel::from_json(default_model_json());
  model.align(p);
  for (auto _ : state) {
    state.PauseTiming();
    auto copy = model;  // with_pack_model moves its model in: the copy is not what is measured
    state.ResumeTiming();
    auto c = make_learned_classifier(std::move(copy), CombinePolicy::blend, 3.0);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_DefaultModelClassifierMade)->Unit(benchmark::kMillisecond);

void BM_DefaultModelFirstPrediction(benchmark::State& state) {
  auto& f = default_model();
  const auto& tickets = triage_bench::tickets_of_size(116);
  Evaluation ev;
  f.engine->evaluate(tickets.front(), ev);
  Pack p = *parse_pack(default_pack_json());
  auto model = *LearnedModel::from_json(default_model_json());
  model.align(p);
  for (auto _ : state) {
    state.PauseTiming();
    auto copy = model;
    state.ResumeTiming();
    auto c = make_learned_classifier(std::move(copy), CombinePolicy::blend, 3.0);
    c->classify(tickets.front(), ev);
    benchmark::DoNotOptimize(ev);
  }
}
BENCHMARK(BM_DefaultModelFirstPrediction)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
