// The learned classifier's prediction, on its own and inside classification. With arguments
// `PACK MODEL LABELLED.jsonl` it measures that model on those tickets (bench/learned.py passes
// BANKING77); without them, a linear model trained on the example tickets.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

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

}  // namespace

BENCHMARK_MAIN();
