#include <cstdio>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "triage/triage.hpp"

namespace triage::cli {

std::optional<LabelledFile> read_labelled(const std::string& path) {
  std::ifstream file;
  std::istream* in = open_input(path, file);
  if (!in) return std::nullopt;
  LabelledFile file_read;
  Sha256 hash;
  for_each_line(*in, hash, [&](std::size_t number, const std::string& line) {
    if (is_blank(line)) return;
    ++file_read.input.lines;
    auto v = parse_json(line);
    auto t = v ? labelled_from_json(*v) : Result<LabelledTicket>(v.error());
    if (!t) {
      std::cerr << "triage: line " << number << ": " << errc_name(t.error().code) << ": "
                << t.error().message << "\n";
      ++file_read.failed;
      return;
    }
    file_read.tickets.push_back(std::move(*t));
  });
  file_read.input.path = path;
  file_read.input.sha256 = hash.hex();
  file_read.input.failed = file_read.failed;
  return file_read;
}

int train(const TrainArgs& args) {
  auto engine = load_engine(args.pack);
  if (!engine) return kUsage;
  auto read = read_labelled(args.input);
  if (!read) return kUsage;
  const auto& tickets = read->tickets;
  std::vector<std::string> dims;
  for (const auto& d : engine->pack().dimensions) dims.push_back(d.id);
  const LearnedModel model = LearnedModel::train(tickets, dims);
  std::ofstream out(args.output, std::ios::binary);
  if (!out) {
    std::cerr << "triage: " << args.output << ": cannot write\n";
    return kUsage;
  }
  out << model.to_json() << "\n";
  std::cerr << "triage: trained on " << tickets.size() << " tickets for "
            << model.dimensions().size() << " dimensions -> " << args.output << "\n";
  return read->failed ? kSomeFailed : kOk;
}

int cross_validate_cmd(const Engine& engine, const std::vector<LabelledTicket>& tickets,
                       const std::string& policy, int folds) {
  const auto cv =
      cross_validate(engine.pack(), tickets,
                     policy == "blend" ? CombinePolicy::blend : CombinePolicy::rules_first, folds);
  std::printf("%d-fold cross-validation, policy %s, %zu tickets\n\n", cv.folds, policy.c_str(),
              tickets.size());
  std::printf("target           scored   rules   model  combined\n");
  for (const auto& r : cv.rows) {
    auto pct = [&](std::size_t n) {
      return r.scored ? 100.0 * static_cast<double>(n) / static_cast<double>(r.scored) : 0.0;
    };
    std::printf("%-16s %6zu  %5.1f%%  %5.1f%%   %5.1f%%\n", r.target.c_str(), r.scored,
                pct(r.rules), pct(r.model), pct(r.combined));
  }
  return kOk;
}

}  // namespace triage::cli
