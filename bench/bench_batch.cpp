// Batches: JSONL in, JSONL out, ordered — the C++ stream behind `triage diagnose --jobs` and the
// C ABI's batch call — on one and two threads.
#include <string>

#include "fixtures.hpp"

namespace {
using namespace triage_bench;

void BM_DiagnoseStream(benchmark::State& state) {
  const auto& lines = lines_of_size(116);
  const auto& engine = engine_at(1);
  triage::StreamOptions opts;
  opts.threads = static_cast<unsigned>(state.range(0));
  opts.diagnose.now = fixed_now();
  std::int64_t in_bytes = 0;
  for (const auto& l : lines) in_bytes += static_cast<std::int64_t>(l.size() + 1);
  std::size_t out_bytes = 0;
  for (auto _ : state) {
    std::size_t i = 0;
    triage::diagnose_stream(
        engine,
        [&](std::string& line) {
          if (i == lines.size()) return false;
          line = lines[i++];
          return true;
        },
        [&](std::string_view text) { out_bytes += text.size(); }, opts);
  }
  benchmark::DoNotOptimize(out_bytes);
  report(state, lines.size(), in_bytes);
}
BENCHMARK(BM_DiagnoseStream)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();

// JSONL in, JSONL out, in one call; the argument is the thread count.
void BM_CBatch(benchmark::State& state) {
  const auto& lines = lines_of_size(116);
  std::string input;
  for (const auto& l : lines) (input += l) += '\n';
  const auto threads = static_cast<unsigned>(state.range(0));
  std::size_t bytes = 0;
  for (auto _ : state) {
    char* out = nullptr;
    std::size_t len = 0;
    if (triage_diagnose_jsonl_threads(c_default_engine(), input.data(), input.size(), threads, &out,
                                      &len) == TRIAGE_OK) {
      bytes += len;
      triage_string_free(out);
    }
  }
  benchmark::DoNotOptimize(bytes);
  report(state, lines.size(), static_cast<std::int64_t>(input.size()));
}
BENCHMARK(BM_CBatch)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();
}  // namespace

BENCHMARK_MAIN();
