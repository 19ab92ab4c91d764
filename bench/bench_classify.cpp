// Classification: scan, candidate rules, conditions and a decision for every dimension — what a
// classification-only caller pays — by text size and pack scale, and on one engine shared by
// two threads.
#include <fstream>

#include "fixtures.hpp"

namespace {
using namespace triage_bench;

std::size_t classify_all(const triage::Engine& engine, const std::vector<triage::Ticket>& tickets,
                         triage::Evaluation& ev) {
  std::size_t decided = 0;
  const std::size_t dims = engine.pack().dimensions.size();
  for (const auto& t : tickets) {
    engine.evaluate(t, ev);
    for (std::size_t d = 0; d < dims; ++d) decided += ev.decided(d) >= 0;
  }
  return decided;
}

void BM_Classify(benchmark::State& state) {
  const auto& tickets = tickets_of_size(static_cast<std::size_t>(state.range(0)));
  const auto& engine = engine_at(static_cast<int>(state.range(1)));
  triage::Evaluation ev;
  std::size_t decided = 0;
  for (auto _ : state) decided += classify_all(engine, tickets, ev);
  benchmark::DoNotOptimize(decided);
  report(state, tickets.size(), text_bytes(tickets));
}
BENCHMARK(BM_Classify)->Apply(sizes_and_scales);

// One engine, one Evaluation per thread: the figure per thread should not drop (no sharing
// of mutable state); Google Benchmark sums items over threads.
void BM_ClassifySharedEngine(benchmark::State& state) {
  const auto& tickets = tickets_of_size(116);
  const auto& engine = engine_at(1);
  triage::Evaluation ev;
  std::size_t decided = 0;
  for (auto _ : state) decided += classify_all(engine, tickets, ev);
  benchmark::DoNotOptimize(decided);
  report(state, tickets.size(), text_bytes(tickets));
}
BENCHMARK(BM_ClassifySharedEngine)->Threads(1)->Threads(2)->UseRealTime();

// The hand-written example and labelled tickets (real phrasing, all fields), default pack.
void BM_ClassifyExamples(benchmark::State& state) {
  std::vector<triage::Ticket> tickets;
  for (const char* f : {"/examples/tickets.jsonl", "/examples/labelled.jsonl"}) {
    std::ifstream in(std::string(TRIAGE_SOURCE_DIR) + f);
    for (std::string line; std::getline(in, line);) {
      if (auto t = triage::parse_ticket(line)) tickets.push_back(std::move(*t));
    }
  }
  const auto& engine = triage::Engine::builtin();
  triage::Evaluation ev;
  std::size_t decided = 0;
  for (auto _ : state) decided += classify_all(engine, tickets, ev);
  benchmark::DoNotOptimize(decided);
  std::int64_t bytes = 0;
  for (const auto& t : tickets) {
    bytes += static_cast<std::int64_t>(t.text.size() + (t.subject ? t.subject->size() : 0));
  }
  report(state, tickets.size(), bytes);
}
BENCHMARK(BM_ClassifyExamples);

}  // namespace

BENCHMARK_MAIN();
