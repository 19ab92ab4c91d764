// JSON at the edges: parsing ticket lines into Tickets, and writing a diagnosis as JSON.
#include <boost/json.hpp>

#include "fixtures.hpp"

namespace {
using namespace triage_bench;

void BM_ParseTicket(benchmark::State& state) {
  const auto& lines = lines_of_size(static_cast<std::size_t>(state.range(0)));
  std::int64_t bytes = 0;
  for (const auto& l : lines) bytes += static_cast<std::int64_t>(l.size());
  std::size_t ok = 0;
  for (auto _ : state) {
    for (const auto& l : lines) ok += triage::parse_ticket(l).has_value();
  }
  benchmark::DoNotOptimize(ok);
  report(state, lines.size(), bytes);
}
BENCHMARK(BM_ParseTicket)->ArgName("bytes")->Arg(116)->Arg(1000)->Arg(10000);

void BM_WriteDiagnosis(benchmark::State& state) {
  const auto& tickets = tickets_of_size(116);
  const auto& engine = engine_at(1);
  triage::DiagnoseOptions opts;
  opts.now = fixed_now();
  std::vector<triage::Diagnosis> diagnoses;
  triage::Evaluation ev;
  for (const auto& t : tickets) diagnoses.push_back(engine.diagnose(t, ev, opts));
  std::int64_t bytes = 0;
  for (auto _ : state) {
    for (const auto& d : diagnoses) {
      bytes += static_cast<std::int64_t>(boost::json::serialize(triage::to_json(d)).size());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(diagnoses.size()));
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_WriteDiagnosis);

}  // namespace

BENCHMARK_MAIN();
