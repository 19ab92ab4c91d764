#include <fstream>
#include <iostream>

#include <boost/json.hpp>

#include "commands.hpp"
#include "triage/triage.hpp"

namespace triage::cli {

int metrics(const MetricsArgs& args) {
  auto engine = load_engine(args.pack);
  if (!engine) return kUsage;
  std::ifstream file;
  std::istream* in = open_input(args.input, file);
  if (!in) return kUsage;
  std::vector<TicketHistory> histories;
  std::size_t number = 0, failed = 0;
  for (std::string line; std::getline(*in, line);) {
    ++number;
    if (is_blank(line)) continue;
    auto v = parse_json(line);
    auto h = v ? history_from_json(*v) : Result<TicketHistory>(v.error());
    if (!h) {
      ++failed;
      std::cerr << "triage: line " << number << ": " << errc_name(h.error().code) << ": "
                << h.error().message << "\n";
      continue;
    }
    histories.push_back(std::move(*h));
  }
  const Metrics m = compute_metrics(*engine, histories);
  if (args.format == "json") {
    std::cout << boost::json::serialize(to_json(m)) << "\n";
  } else {
    std::cout << to_table(m);
  }
  return failed ? kSomeFailed : kOk;
}

}  // namespace triage::cli
