// The keyword automaton alone: Matcher::scan over ticket texts, by text size and pack scale.
#include <map>

#include "fixtures.hpp"

namespace {
using namespace triage_bench;

const triage::Matcher& matcher_at(int scale) {
  static std::map<int, triage::Matcher> cache;
  auto it = cache.find(scale);
  if (it == cache.end()) {
    std::vector<triage::MatcherPattern> patterns;
    std::uint32_t id = 0;
    for (auto& k : keywords_of(scaled_pack_json(scale))) patterns.push_back({std::move(k), id++});
    it = cache.emplace(scale, std::move(*triage::Matcher::compile(patterns))).first;
  }
  return it->second;
}

void BM_MatcherScan(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  const auto& m = matcher_at(static_cast<int>(state.range(1)));
  const auto texts = ticket_texts(bytes >= 10000 ? kTicketsPerSet / 10 : kTicketsPerSet, bytes);
  std::int64_t total = 0;
  for (const auto& t : texts) total += static_cast<std::int64_t>(t.size());
  std::vector<triage::Match> out;
  std::size_t matches = 0;
  for (auto _ : state) {
    for (const auto& t : texts) {
      out.clear();
      m.scan(t, out);
      matches += out.size();
    }
  }
  benchmark::DoNotOptimize(matches);
  report(state, texts.size(), total);
  state.counters["states"] = static_cast<double>(m.state_count());
  state.counters["table_MiB"] = static_cast<double>(m.memory_bytes()) / (1 << 20);
}
BENCHMARK(BM_MatcherScan)->Apply(sizes_and_scales);

}  // namespace

BENCHMARK_MAIN();
