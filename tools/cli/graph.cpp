#include <iostream>

#include <boost/json.hpp>

#include "commands.hpp"

namespace triage::cli {

int graph(const GraphArgs& args) {
  auto engine = load_engine(args.pack);
  if (!engine) return kUsage;
  if (args.format == "json") {
    std::cout << boost::json::serialize(engine->workflow().to_json()) << "\n";
  } else {
    std::cout << engine->workflow().to_dot();
  }
  return kOk;
}

}  // namespace triage::cli
