// Writes the benchmark workload to files so that other engines (bench/peers) see exactly what
// the Google Benchmark files measure.
//   bench_gen pack --scale S                      a pack with S times the default keyword count
//   bench_gen keywords --scale S                  that pack's keywords, one per line
//   bench_gen tickets --count N --bytes B --seed X  JSONL tickets of about B bytes of text
#include <iostream>

#include <CLI/CLI.hpp>

#include "workload.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Deterministic benchmark workloads for triage and its peers"};
  app.require_subcommand(1);
  int scale = 1;
  std::size_t count = 100000, bytes = 116;
  std::uint64_t seed = 1;
  auto* pack = app.add_subcommand("pack", "print a scaled default pack (JSON)");
  pack->add_option("--scale", scale, "times the default pack's keyword count")
      ->check(CLI::Range(1, 100000));
  auto* keywords = app.add_subcommand("keywords", "print a scaled pack's keywords, one per line");
  keywords->add_option("--scale", scale)->check(CLI::Range(1, 100000));
  auto* tickets = app.add_subcommand("tickets", "print JSONL tickets");
  tickets->add_option("--count", count);
  tickets->add_option("--bytes", bytes, "text size of each ticket");
  tickets->add_option("--seed", seed);
  CLI11_PARSE(app, argc, argv);

  std::ios::sync_with_stdio(false);
  if (*pack) {
    std::cout << triage_bench::scaled_pack_json(scale) << '\n';
  } else if (*keywords) {
    for (const auto& k : triage_bench::keywords_of(triage_bench::scaled_pack_json(scale))) {
      std::cout << k << '\n';
    }
  } else {
    for (const auto& line : triage_bench::ticket_lines(count, bytes, seed))
      std::cout << line << '\n';
  }
  return 0;
}
