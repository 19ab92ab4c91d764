#include <fstream>
#include <iostream>

#include <boost/json.hpp>

#include "commands.hpp"
#include "triage/triage.hpp"

namespace triage::cli {

std::optional<HistoryFile> read_histories(const std::string& path) {
  std::ifstream file;
  std::istream* in = open_input(path, file);
  if (!in) return std::nullopt;
  HistoryFile out;
  Sha256 hash;
  for_each_line(*in, hash, [&](std::size_t number, const std::string& line) {
    if (is_blank(line)) return;
    ++out.input.lines;
    auto v = parse_json(line);
    auto h = v ? history_from_json(*v) : Result<TicketHistory>(v.error());
    if (!h) {
      ++out.input.failed;
      std::cerr << "triage: line " << number << ": " << errc_name(h.error().code) << ": "
                << h.error().message << "\n";
      return;
    }
    out.histories.push_back(std::move(*h));
  });
  out.input.path = path;
  out.input.sha256 = hash.hex();
  return out;
}

std::optional<MetricsRun> run_metrics(const std::optional<std::string>& pack,
                                      const std::string& input) {
  auto engine = load_engine(pack);
  if (!engine) return std::nullopt;
  auto read = read_histories(input);
  if (!read) return std::nullopt;
  MetricsRun run;
  run.failed = read->input.failed;
  run.metrics = compute_metrics(*engine, read->histories);
  run.document = to_json(run.metrics);
  run.document["pack_info"] = pack_json(*engine);
  run.document["input"] = to_json(read->input);
  return run;
}

int metrics(const MetricsArgs& args) {
  auto run = run_metrics(args.pack, args.input);
  if (!run) return kUsage;
  if (args.format == "json") {
    std::cout << boost::json::serialize(run->document) << "\n";
  } else {
    std::cout << to_table(run->metrics);
  }
  return run->failed ? kSomeFailed : kOk;
}

}  // namespace triage::cli
