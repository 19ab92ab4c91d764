// What the benchmark files share: engines compiled from the scaled packs and parsed tickets of
// each size, built once per process and kept (compiling a large pack is not what is measured).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <triage.h>

#include "triage/triage.hpp"
#include "workload.hpp"

namespace triage_bench {

inline constexpr std::size_t kTicketsPerSet = 2000;

/// A fixed "now" (Monday 2026-11-23 10:00 in Beijing), so SLA plans do not follow the clock.
inline boost::posix_time::ptime fixed_now() {
  return triage::parse_timestamp("2026-11-23T10:00:00+08:00")->utc;
}

/// Limits wide enough for the largest scaled pack.
inline triage::EngineOptions wide_options() {
  triage::EngineOptions o;
  o.limits.max_pack_bytes = std::size_t{1} << 31;
  o.limits.max_rules = 10'000'000;
  o.limits.max_keywords = 100'000'000;
  return o;
}

inline const triage::Engine& engine_at(int scale) {
  static std::mutex m;
  static std::map<int, std::unique_ptr<triage::Engine>> cache;
  std::lock_guard<std::mutex> lock(m);
  auto& slot = cache[scale];
  if (!slot) {
    auto e = triage::Engine::from_json(scaled_pack_json(scale), wide_options());
    if (!e) {
      std::fprintf(stderr, "bench: scaled pack %d does not compile: %s\n", scale,
                   e.error().message.c_str());
      std::abort();
    }
    slot = std::make_unique<triage::Engine>(std::move(*e));
  }
  return *slot;
}

inline const std::vector<std::string>& lines_of_size(std::size_t bytes) {
  static std::mutex m;
  static std::map<std::size_t, std::vector<std::string>> cache;
  std::lock_guard<std::mutex> lock(m);
  auto& v = cache[bytes];
  if (v.empty()) v = ticket_lines(bytes >= 10000 ? kTicketsPerSet / 10 : kTicketsPerSet, bytes);
  return v;
}

inline const std::vector<triage::Ticket>& tickets_of_size(std::size_t bytes) {
  static std::mutex m;
  static std::map<std::size_t, std::vector<triage::Ticket>> cache;
  const auto& lines = lines_of_size(bytes);
  std::lock_guard<std::mutex> lock(m);
  auto& v = cache[bytes];
  if (v.empty()) {
    for (const auto& l : lines) v.push_back(*triage::parse_ticket(l));
  }
  return v;
}

/// The built-in pack through the C ABI (never freed: it lives as long as the process).
inline triage_engine* c_default_engine() {
  static triage_engine* e = [] {
    triage_engine* out = nullptr;
    if (triage_engine_new_default(&out) != TRIAGE_OK) std::abort();
    return out;
  }();
  return e;
}

inline std::int64_t text_bytes(const std::vector<triage::Ticket>& ts) {
  std::int64_t n = 0;
  for (const auto& t : ts) n += static_cast<std::int64_t>(t.text.size());
  return n;
}

/// Sets tickets/s (items) and MB/s (bytes) for `per_iteration` tickets of `bytes` text bytes.
inline void report(benchmark::State& state, std::size_t per_iteration, std::int64_t bytes) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(per_iteration));
  state.SetBytesProcessed(state.iterations() * bytes);
}

/// Ticket sizes × pack scales, as the issue asks: ~100 B, ~1 KB, ~10 KB; 1×, 10×, 100×, 1000×.
inline void sizes_and_scales(benchmark::internal::Benchmark* b) {
  b->ArgNames({"bytes", "scale"});
  for (int scale : {1, 10, 100, 1000}) {
    for (int bytes : {116, 1000, 10000}) b->Args({bytes, scale});
  }
}

}  // namespace triage_bench
