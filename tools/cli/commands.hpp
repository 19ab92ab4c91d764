// The subcommands of `triage`, one function each; main.cpp only wires them to CLI11.
#pragma once

#include <fstream>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "sha256.hpp"
#include "triage/backtest.hpp"
#include "triage/engine.hpp"
#include "triage/linear_model.hpp"
#include "triage/metrics.hpp"

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

/// What a command read: the data file's name and fingerprint, for the header of a report.
struct InputInfo {
  std::string path;  ///< as given ("-" for standard input)
  std::string sha256;
  std::size_t lines = 0;   ///< non-blank lines
  std::size_t failed = 0;  ///< of those, lines that could not be used (reported on stderr)
};
boost::json::object to_json(const InputInfo& in);

/// Calls `f(number, line)` for every line of `in`, hashing exactly the bytes read.
template <class F>
void for_each_line(std::istream& in, Sha256& hash, F&& f) {
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    hash.update(line);
    if (!in.eof()) hash.update("\n");  // getline consumed a newline (none after the last byte)
    f(++number, line);
  }
}

/// The pack a report describes: name, version, description and learned model.
boost::json::object pack_json(const Engine& engine);

struct DiagnoseArgs {
  std::optional<std::string> pack;  // pack file; the built-in pack when absent
  std::optional<std::string> now;   // ISO-8601 "now" for tickets without created_at
  std::string input = "-";
  unsigned jobs = 0;      // threads; 0 = one per core
  bool progress = false;  // progress on stderr even when it is not a terminal
  bool link = false;      // one Linker across the stream: later tickets list related earlier ones
  std::optional<std::string> select;  // comma-separated top-level keys to write
  std::string format = "jsonl";       // jsonl | csv | tsv
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
  std::string algorithm = "nb";  // the model --cross-validate trains
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
  std::string algorithm = "nb";           // nb | linear | auto
  double c = LinearOptions{}.c;           // linear: inverse regularisation strength
  unsigned min_df = 1;                    // linear: features seen in fewer tickets are dropped
  std::optional<std::string> map_labels;  // write a pack whose values are the mapped labels
};
int train(const TrainArgs& args);

struct CompileArgs {
  std::string pack;
  std::string output;
  bool no_variants = false;
};
int compile(const CompileArgs& args);

/// Labelled tickets from a JSONL file ("-": stdin); bad lines are reported, counted and skipped.
struct LabelledFile {
  std::vector<LabelledTicket> tickets;
  std::size_t failed = 0;
  InputInfo input;
};
std::optional<LabelledFile> read_labelled(const std::string& path);
/// Labels that name a value by its title (as `train --map-labels` writes them) become its id.
void labels_by_title(const Pack& pack, std::vector<LabelledTicket>& tickets);
/// Ticket histories from a JSONL file ("-": stdin); bad lines are reported, counted and skipped.
struct HistoryFile {
  std::vector<TicketHistory> histories;
  InputInfo input;
};
std::optional<HistoryFile> read_histories(const std::string& path);

/// One backtest, as `eval --format json` prints it and `report eval` renders it.
struct EvalRun {
  EvalReport report;
  std::optional<EvalReport> compared;  ///< the --compare pack on the same tickets
  std::vector<Change> changes;
  boost::json::object document;  ///< the JSON: every figure either rendering shows
  std::size_t failed = 0;        ///< labelled lines that could not be used
};
std::optional<EvalRun> run_eval(const std::optional<std::string>& pack,
                                const std::optional<std::string>& compare,
                                const std::string& input);

/// Service metrics, as `metrics --format json` prints them and `report metrics` renders them.
struct MetricsRun {
  Metrics metrics;
  boost::json::object document;
  std::size_t failed = 0;
};
std::optional<MetricsRun> run_metrics(const std::optional<std::string>& pack,
                                      const std::string& input);

struct ReportArgs {
  std::string kind;  // eval | metrics
  std::optional<std::string> pack;
  std::optional<std::string> compare;  // eval only
  std::string input;
  std::string output;
};
/// Writes one self-contained HTML page (inline CSS and SVG, no scripts, no external assets).
int report(const ReportArgs& args);

int cross_validate_cmd(const Engine& engine, const std::vector<LabelledTicket>& tickets,
                       const std::string& policy, int folds, const std::string& algorithm);

}  // namespace triage::cli
