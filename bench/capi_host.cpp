// A host of the C ABI alone (libtriage.so, capi/triage.h): classifies every ticket of a JSON
// Lines file into one reused triage_classification, as a CRM's hot path would, and reports the
// median tickets/s over the repetitions as one JSON object — for bench/ratios.py, next to
// bench_peer_triage on the same pack and tickets (the engine's own classification).
//
// usage: bench_capi_host PACK TICKETS.jsonl REPETITIONS
//
// Timed: triage_classify_text_into on each ticket's text ("text_tickets_per_s") and
// triage_classify_json_into on each whole line ("json_tickets_per_s", JSON parsing included).
// Loading the pack and reading the file are not timed.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <triage.h>
#include <boost/json.hpp>

namespace {
template <class F>
double median_rate(int reps, std::size_t n, F&& once) {
  std::vector<double> rates;
  for (int rep = 0; rep < reps; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    once();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rates.push_back(static_cast<double>(n) / secs);
  }
  std::sort(rates.begin(), rates.end());
  return (rates[(rates.size() - 1) / 2] + rates[rates.size() / 2]) / 2;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 || std::atoi(argv[3]) < 1) {
    std::cerr << "usage: bench_capi_host PACK TICKETS.jsonl REPETITIONS\n";
    return 2;
  }
  const int reps = std::atoi(argv[3]);
  triage_engine* engine = nullptr;
  if (triage_engine_new_from_file(argv[1], &engine) != TRIAGE_OK) {
    std::cerr << "bench_capi_host: " << triage_last_error_message() << "\n";
    return 1;
  }
  std::vector<std::string> lines, texts;
  {
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      texts.emplace_back(boost::json::parse(line).at("text").as_string());
      lines.push_back(std::move(line));
    }
  }
  if (lines.empty()) {
    std::cerr << "bench_capi_host: no tickets in " << argv[2] << "\n";
    return 1;
  }
  triage_classification* c = nullptr;
  if (triage_classification_new(&c) != TRIAGE_OK) return 1;
  std::size_t decided = 0, failed = 0;
  const double text_rate = median_rate(reps, texts.size(), [&] {
    for (const auto& t : texts) {
      failed += triage_classify_text_into(engine, t.data(), t.size(), c) != TRIAGE_OK;
      const char* value = nullptr;
      triage_classification_values(c, &value, nullptr, 1);
      decided += value != nullptr;
    }
  });
  const double json_rate = median_rate(reps, lines.size(), [&] {
    for (const auto& l : lines) {
      failed += triage_classify_json_into(engine, l.data(), l.size(), c) != TRIAGE_OK;
      decided += triage_classification_primary(c) != nullptr;
    }
  });
  triage_classification_free(c);
  triage_engine_free(engine);
  if (failed) {
    std::cerr << "bench_capi_host: " << failed << " calls failed\n";
    return 1;
  }
  boost::json::object out;
  out["tickets"] = lines.size();
  out["repetitions"] = reps;
  out["text_tickets_per_s"] = text_rate;
  out["json_tickets_per_s"] = json_rate;
  out["decided"] = decided;
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}
