// Classification throughput of the default pack on the example tickets, one core.
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "triage/triage.hpp"

namespace {
std::vector<triage::Ticket> load_examples() {
  std::vector<triage::Ticket> out;
  for (const char* f : {"/examples/tickets.jsonl", "/examples/labelled.jsonl"}) {
    std::ifstream in(std::string(TRIAGE_SOURCE_DIR) + f);
    for (std::string line; std::getline(in, line);) {
      if (auto t = triage::parse_ticket(line)) out.push_back(std::move(*t));
    }
  }
  return out;
}

std::int64_t text_bytes(const std::vector<triage::Ticket>& ts) {
  std::int64_t n = 0;
  for (const auto& t : ts)
    n += static_cast<std::int64_t>(t.text.size() + (t.subject ? t.subject->size() : 0));
  return n;
}

// Scan + rules + decision for every dimension: what a classification-only caller pays.
void BM_Classify(benchmark::State& state) {
  const auto tickets = load_examples();
  const auto& engine = triage::Engine::builtin();
  const std::size_t dims = engine.pack().dimensions.size();
  triage::Evaluation ev;
  std::size_t decided = 0;
  for (auto _ : state) {
    for (const auto& t : tickets) {
      engine.evaluate(t, ev);
      for (std::size_t d = 0; d < dims; ++d) decided += engine.decide(ev, d).has_value();
    }
  }
  benchmark::DoNotOptimize(decided);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(tickets.size()));
  state.SetBytesProcessed(state.iterations() * text_bytes(tickets));
}
BENCHMARK(BM_Classify);

// The diagnosis value and its JSON, as the CLI produces it.
void BM_DiagnoseToJson(benchmark::State& state) {
  const auto tickets = load_examples();
  const auto& engine = triage::Engine::builtin();
  triage::Evaluation ev;
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& t : tickets) {
      bytes += boost::json::serialize(triage::to_json(engine.diagnose(t, ev))).size();
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(tickets.size()));
}
BENCHMARK(BM_DiagnoseToJson);
}  // namespace

BENCHMARK_MAIN();
