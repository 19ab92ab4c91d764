#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "triage/triage.hpp"

namespace triage::cli {

std::optional<Engine> load_engine(const std::optional<std::string>& path) {
  if (!path) return Engine::builtin();
  std::ifstream in(*path, std::ios::binary);
  if (!in) {
    std::cerr << "triage: " << *path << ": cannot open pack file\n";
    return std::nullopt;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  auto engine = Engine::from_json(buf.str());
  if (!engine) {
    std::cerr << "triage: " << *path << ": " << errc_name(engine.error().code) << ": "
              << engine.error().message << "\n";
    return std::nullopt;
  }
  return *engine;
}

int diagnose(const DiagnoseArgs& args) {
  DiagnoseOptions opts;
  if (args.now) {
    auto now = parse_timestamp(*args.now, "--now");
    if (!now) {
      std::cerr << "triage: " << now.error().message << "\n";
      return kUsage;
    }
    opts.now = now->utc;
  }
  auto engine = load_engine(args.pack);
  if (!engine) return kUsage;

  std::ifstream file;
  std::istream* in = &std::cin;
  if (args.input != "-") {
    file.open(args.input, std::ios::binary);
    if (!file) {
      std::cerr << "triage: " << args.input << ": cannot open input file\n";
      return kUsage;
    }
    in = &file;
  }
  std::ios::sync_with_stdio(false);
  RequestIdGenerator ids;
  opts.request_ids = &ids;
  Evaluation scratch;
  std::string line;
  std::size_t number = 0, failed = 0;
  while (std::getline(*in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (is_blank(line)) continue;
    LineResult r = diagnose_line(*engine, line, number, scratch, opts);
    std::cout << r.json << '\n';
    if (r.error) {
      ++failed;
      std::cerr << "triage: line " << number << ": " << errc_name(r.error->code) << ": "
                << r.error->message << "\n";
    }
  }
  std::cout.flush();
  if (in->bad()) {
    std::cerr << "triage: read error after line " << number << "\n";
    return kSomeFailed;
  }
  return failed ? kSomeFailed : kOk;
}

}  // namespace triage::cli
