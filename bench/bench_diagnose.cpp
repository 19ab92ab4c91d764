// Full diagnosis (classification, urgency, routing, SLA plan on the calendar,
// questions, known issues, the rendered template), without JSON, by text size and pack scale.
#include "fixtures.hpp"

namespace {
using namespace triage_bench;

void BM_Diagnose(benchmark::State& state) {
  const auto& tickets = tickets_of_size(static_cast<std::size_t>(state.range(0)));
  const auto& engine = engine_at(static_cast<int>(state.range(1)));
  triage::DiagnoseOptions opts;
  opts.now = fixed_now();
  triage::Evaluation ev;
  std::size_t n = 0;
  for (auto _ : state) {
    for (const auto& t : tickets) n += engine.diagnose(t, ev, opts).labels.size();
  }
  benchmark::DoNotOptimize(n);
  report(state, tickets.size(), text_bytes(tickets));
}
BENCHMARK(BM_Diagnose)->Apply(sizes_and_scales);

// Compiling a pack: what a swap costs. Reports the compiled size.
void BM_CompilePack(benchmark::State& state) {
  const std::string json = scaled_pack_json(static_cast<int>(state.range(0)));
  std::size_t bytes = 0, keywords = 0;
  for (auto _ : state) {
    auto e = triage::Engine::from_json(json, wide_options());
    bytes = e->stats().memory_bytes;
    keywords = e->stats().terms;
  }
  state.counters["compiled_MiB"] = static_cast<double>(bytes) / (1 << 20);
  state.counters["keywords"] = static_cast<double>(keywords);
}
BENCHMARK(BM_CompilePack)
    ->ArgName("scale")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
