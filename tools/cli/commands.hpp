// The subcommands of `triage`, one function each; main.cpp only wires them to CLI11.
#pragma once

#include <fstream>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "triage/engine.hpp"
#include "triage/eval.hpp"

namespace triage::cli {

// Exit statuses shared by every command.
inline constexpr int kOk = 0;          // everything succeeded
inline constexpr int kSomeFailed = 1;  // some input lines failed (each answered by an error line)
inline constexpr int kUsage = 2;       // bad arguments, or a pack/input that cannot be used at all
inline constexpr int kInterrupted = 130;  // SIGINT/SIGTERM: finished lines written, then stopped

/// The built-in engine, or one compiled from a pack file (errors reported on stderr).
std::optional<Engine> load_engine(const std::optional<std::string>& path);

/// Standard input for "-", else the file opened into `file`; nullptr (reported) when it cannot be.
std::istream* open_input(const std::string& path, std::ifstream& file);

struct DiagnoseArgs {
  std::optional<std::string> pack;  // pack file; the built-in pack when absent
  std::optional<std::string> now;   // ISO-8601 "now" for tickets without created_at
  std::string input = "-";
  unsigned jobs = 0;      // threads; 0 = one per core
  bool progress = false;  // progress on stderr even when it is not a terminal
};
int diagnose(const DiagnoseArgs& args);

struct GraphArgs {
  std::optional<std::string> pack;
  std::string format = "dot";  // dot | json
};
int graph(const GraphArgs& args);

struct MetricsArgs {
  std::optional<std::string> pack;
  std::string input = "-";
  std::string format = "table";  // table | json
};
int metrics(const MetricsArgs& args);

struct EvalArgs {
  std::optional<std::string> pack;
  std::optional<std::string> compare;  // a second pack: what changes, ticket by ticket
  bool cross_validate = false;         // rules alone, model alone, combined, by k folds
  int folds = 5;
  std::string policy = "rules_first";
  std::string input = "-";
  std::string format = "table";
};
int eval(const EvalArgs& args);

struct ValidateArgs {
  std::string pack;
  std::optional<std::string> at;  // judge validity windows at this instant
  std::string format = "text";    // text | json
};
int validate(const ValidateArgs& args);

struct TrainArgs {
  std::optional<std::string> pack;
  std::string input;
  std::string output;
};
int train(const TrainArgs& args);

/// Labelled tickets from a JSONL file ("-": stdin); bad lines are reported, counted and skipped.
struct LabelledFile {
  std::vector<LabelledTicket> tickets;
  std::size_t failed = 0;
};
std::optional<LabelledFile> read_labelled(const std::string& path);
int cross_validate_cmd(const Engine& engine, const std::vector<LabelledTicket>& tickets,
                       const std::string& policy, int folds);

}  // namespace triage::cli
