// The Linker over long runs: each run adds N tickets (asking for related ones first, as a host
// does) to one Linker with the default bounds (100,000 tickets, 7 days). Memory must level off
// once the bound is reached: the counters report the process's resident memory and the linker's
// own estimate after N adds.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "triage/linker.hpp"

namespace {
double resident_mib() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

void BM_LinkerAdds(benchmark::State& state) {
  const auto adds = static_cast<std::size_t>(state.range(0));
  const std::vector<std::string> products = {"热水器", "冰箱",   "洗衣机",
                                             "空调",   "路由器", "water heater",
                                             "laptop", "router", "headphones"};
  const std::vector<std::string> faults = {"不加热",          "不制冷",    "漏水",
                                           "开不了机",        "连不上网",  "won't turn on",
                                           "keeps rebooting", "is leaking"};
  triage::LinkerStats stats;
  std::size_t related = 0;
  for (auto _ : state) {
    triage::Linker linker;
    std::mt19937 rng(17);
    triage::Ticket t;
    t.channel = triage::Channel::app;
    t.created_at = triage::parse_timestamp("2026-01-01T00:00:00Z").value();
    t.customer = triage::Customer{};
    const triage::Diagnosis d;
    for (std::size_t i = 0; i < adds; ++i) {
      t.id = "T" + std::to_string(i);
      t.created_at->utc += boost::posix_time::seconds(3);  // ~29k tickets a day
      t.customer->id = "C" + std::to_string(rng() % 200000);
      t.customer->phone = "1" + std::to_string(3000000000ull + rng() % 900000000ull);
      t.text = products[rng() % products.size()] + faults[rng() % faults.size()] + " 订单 " +
               std::to_string(rng());
      related += linker.related(t, {}).size();
      linker.add(t, d);
    }
    stats = linker.stats();
    state.counters["rss_MiB"] = resident_mib();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * adds));
  state.counters["linker_MiB"] = static_cast<double>(stats.memory_bytes) / (1 << 20);
  state.counters["kept"] = static_cast<double>(stats.tickets);
  state.counters["related_per_add"] =
      static_cast<double>(related) / static_cast<double>(state.iterations() * adds);
}
BENCHMARK(BM_LinkerAdds)
    ->ArgName("adds")
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();
