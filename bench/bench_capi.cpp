// The C ABI as a host calls it: one ticket per call, JSON in and JSON or a typed result out.
#include <string>

#include <triage.h>

#include "fixtures.hpp"

namespace {
using namespace triage_bench;

void BM_CDiagnoseJson(benchmark::State& state) {
  const auto& lines = lines_of_size(116);
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& l : lines) {
      char* out = nullptr;
      std::size_t len = 0;
      if (triage_diagnose_json(c_default_engine(), l.data(), l.size(), &out, &len) == TRIAGE_OK) {
        bytes += len;
        triage_string_free(out);
      }
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(lines.size()));
}
BENCHMARK(BM_CDiagnoseJson);

void BM_CClassifyJson(benchmark::State& state) {
  const auto& lines = lines_of_size(116);
  std::size_t labels = 0;
  for (auto _ : state) {
    for (const auto& l : lines) {
      triage_result* r = nullptr;
      if (triage_classify_json(c_default_engine(), l.data(), l.size(), &r) == TRIAGE_OK) {
        labels += triage_result_label_count(r);
        triage_result_free(r);
      }
    }
  }
  benchmark::DoNotOptimize(labels);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(lines.size()));
}
BENCHMARK(BM_CClassifyJson);

}  // namespace

BENCHMARK_MAIN();
