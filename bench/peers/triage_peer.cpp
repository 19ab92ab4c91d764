// triage's runner for bench/peers: classifies every ticket of a JSON Lines file on one core and
// reports the median tickets/s over the repetitions and the count of tickets per decided value of
// one dimension ("none" when undecided), as one JSON object on stdout.
//
// usage: bench_peer_triage PACK TICKETS.jsonl REPETITIONS [--dimension NAME]
//
// The pack limits are raised to bench_gen's largest scaled packs. Loading the pack and parsing the
// tickets are not timed; the timed part is Engine::evaluate (scan, rules, decisions) per ticket,
// with one warm Evaluation.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "triage/files.hpp"
#include "triage/triage.hpp"

namespace {
int usage() {
  std::cerr << "usage: bench_peer_triage PACK TICKETS.jsonl REPETITIONS [--dimension NAME]\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> pos;
  std::string dimension = "category";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--dimension" && i + 1 < argc) {
      dimension = argv[++i];
    } else if (a.rfind("--", 0) == 0) {
      return usage();
    } else {
      pos.push_back(a);
    }
  }
  if (pos.size() != 3) return usage();
  const int reps = std::atoi(pos[2].c_str());
  if (reps < 1) return usage();

  const auto load_start = std::chrono::steady_clock::now();
  triage::EngineOptions options;  // wide enough for bench_gen's largest scaled packs
  options.limits.max_pack_bytes = std::size_t{1} << 31;
  options.limits.max_rules = 10'000'000;
  options.limits.max_keywords = 100'000'000;
  auto engine = triage::engine_from_file(pos[0], options);
  if (!engine) {
    std::cerr << "bench_peer_triage: " << pos[0] << ": " << engine.error().message << "\n";
    return 1;
  }
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  const auto dim = engine->dimension_index(dimension);
  if (!dim) {
    std::cerr << "bench_peer_triage: the pack has no dimension \"" << dimension << "\"\n";
    return 1;
  }
  std::vector<triage::Ticket> tickets;
  {
    std::ifstream in(pos[1]);
    if (!in) {
      std::cerr << "bench_peer_triage: cannot read " << pos[1] << "\n";
      return 1;
    }
    std::size_t line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto t = triage::parse_ticket(line);
      if (!t) {
        std::cerr << "bench_peer_triage: " << pos[1] << ":" << line_no << ": " << t.error().message
                  << "\n";
        return 1;
      }
      tickets.push_back(std::move(*t));
    }
  }
  if (tickets.empty()) {
    std::cerr << "bench_peer_triage: no tickets in " << pos[1] << "\n";
    return 1;
  }

  const auto& values = engine->pack().dimensions[*dim].values;
  std::vector<std::size_t> counts, first_counts;  // per value, then "none" last
  std::size_t with_hit = 0;
  std::vector<double> rates;
  triage::Evaluation ev;
  for (int rep = 0; rep < reps; ++rep) {
    counts.assign(values.size() + 1, 0);
    with_hit = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& t : tickets) {
      engine->evaluate(t, ev);
      const std::int32_t v = ev.decided(*dim);
      ++counts[v >= 0 ? static_cast<std::size_t>(v) : values.size()];
      with_hit += !ev.hits().empty();
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rates.push_back(static_cast<double>(tickets.size()) / secs);
    if (rep == 0) {
      first_counts = counts;
    } else if (counts != first_counts) {
      std::cerr << "bench_peer_triage: repetition " << rep << " counted differently\n";
      return 1;
    }
  }
  std::sort(rates.begin(), rates.end());

  boost::json::object counts_json;
  for (std::size_t v = 0; v < counts.size(); ++v) {
    if (counts[v] == 0) continue;
    counts_json[v < values.size() ? values[v].id : std::string("none")] = counts[v];
  }
  const auto st = engine->stats();
  boost::json::object out;
  out["engine"] = "triage";
  out["tickets"] = tickets.size();
  out["repetitions"] = reps;
  out["tickets_per_s"] = (rates[(rates.size() - 1) / 2] + rates[rates.size() / 2]) / 2;
  out["load_s"] = load_s;
  out["rules"] = st.rules;
  out["terms"] = st.terms;
  out["patterns"] = st.patterns;
  out["counts"] = std::move(counts_json);
  out["tickets_with_hit"] = with_hit;
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}
