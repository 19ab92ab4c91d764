// `triage`: the command ops teams use to run and maintain rule packs.
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "triage/version.hpp"

int main(int argc, char** argv) {
  using namespace triage::cli;
  CLI::App app{"triage: diagnose customer-service tickets with a rule pack"};
  app.set_version_flag("--version", std::string("triage ") + TRIAGE_VERSION_STRING);
  app.require_subcommand(1);

  DiagnoseArgs d;
  auto* diag = app.add_subcommand(
      "diagnose",
      "Diagnose JSONL tickets (one per line) and write one JSONL diagnosis per input line.\n"
      "A line that fails becomes {\"line\": N, \"error\": {...}} and is reported on stderr.\n"
      "A summary (lines, errors, tickets/s) goes to stderr at the end.\n"
      "Exit status: 0 all lines succeeded, 1 some failed, 2 usage or pack error,\n"
      "130 interrupted (every line read before the signal is still written, in order).");
  diag->add_option("--pack", d.pack, "Rule pack JSON file (default: the built-in pack)");
  diag->add_option("--now", d.now, "ISO-8601 instant used as now for tickets without created_at");
  diag->add_option("input", d.input, "JSONL file, or - for standard input")->capture_default_str();
  diag->add_option("-j,--jobs", d.jobs,
                   "Threads sharing one engine (default: one per core); the output is the same "
                   "for every count");
  diag->add_flag("--link", d.link,
                 "Relate tickets across the stream with one linker: each diagnosis lists, in "
                 "\"related\", the earlier open tickets of the same customer (id, phone, e-mail) "
                 "within 7 days or of nearly the same text. Lines are then diagnosed in input "
                 "order on one thread");
  diag->add_option("--select", d.select,
                   "Write only these keys of each diagnosis, comma-separated, in this order "
                   "(e.g. labels,urgency,route,sla; any top-level key of the diagnosis)");
  diag->add_option("--format", d.format,
                   "jsonl (default), or csv / tsv with a header row: one column per scalar "
                   "(labels as <dimension> and <dimension>.confidence, route as primary, "
                   "assisting and group, sla as its two due instants), JSON text for the rest, "
                   "and an error column; without --select: ticket_id,labels,urgency,route")
      ->capture_default_str();
  diag->add_flag(
      "--progress", d.progress,
      "Progress on stderr (lines, errors, tickets/s, ETA) even when it is not a terminal");

  GraphArgs g;
  auto* graph_cmd = app.add_subcommand(
      "graph", "Print the pack's workflow state graph (render DOT with Graphviz: dot -Tsvg).");
  graph_cmd->add_option("--pack", g.pack, "Rule pack JSON file (default: the built-in pack)");
  graph_cmd->add_option("--format", g.format, "dot or json")
      ->check(CLI::IsMember({"dot", "json"}))
      ->capture_default_str();

  MetricsArgs m;
  auto* metrics_cmd = app.add_subcommand(
      "metrics",
      "Service metrics over ticket histories (JSONL: a ticket plus \"events\" and "
      "\"satisfaction\"):\n"
      "first-contact resolution, average and p90 handling time, CSAT, SLA compliance per target,\n"
      "reopen rate and counts per dimension value, overall and per handling group.");
  metrics_cmd->add_option("--pack", m.pack, "Rule pack JSON file (default: the built-in pack)");
  metrics_cmd->add_option("--format", m.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  metrics_cmd->add_option("input", m.input, "History JSONL file, or - for standard input")
      ->capture_default_str();

  EvalArgs ea;
  auto* eval_cmd = app.add_subcommand(
      "eval",
      "Backtest a pack on labelled tickets (JSONL with a \"labels\" object: any dimension,\n"
      "urgency, primary): accuracy, coverage, per-value precision/recall/F1, confusion\n"
      "matrices and per-rule fired/right counts; --compare shows what another pack changes.");
  eval_cmd->add_option("--pack", ea.pack, "Rule pack JSON file (default: the built-in pack)");
  eval_cmd->add_option("--compare", ea.compare, "A second pack file to compare with");
  eval_cmd->add_option("--format", ea.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  eval_cmd->add_option("input", ea.input, "Labelled JSONL file, or - for standard input")
      ->capture_default_str();
  eval_cmd->add_flag("--cross-validate", ea.cross_validate,
                     "Rules alone, the learned model alone and both combined, by k-fold "
                     "cross-validation (the model never scores tickets it was trained on)");
  eval_cmd->add_option("--folds", ea.folds, "Folds for --cross-validate")->capture_default_str();
  eval_cmd->add_option("--policy", ea.policy, "rules_first or blend (--cross-validate)")
      ->check(CLI::IsMember({"rules_first", "blend"}))
      ->capture_default_str();
  eval_cmd->add_option("--algorithm", ea.algorithm, "nb, linear or auto (--cross-validate)")
      ->check(CLI::IsMember({"nb", "naive_bayes", "linear", "auto"}))
      ->capture_default_str();

  TrainArgs ta;
  auto* train_cmd = app.add_subcommand(
      "train",
      "Train the learned classifier on labelled tickets and write the model as JSON:\n"
      "naive Bayes (nb: fast, good on a few hundred tickets), linear (a multi-class SVM,\n"
      "calibrated; good on thousands) or auto (per dimension, by cross-validation).");
  train_cmd->add_option("--pack", ta.pack, "Pack whose dimensions to learn (default: built-in)");
  train_cmd->add_option("input", ta.input, "Labelled JSONL file")->required();
  train_cmd->add_option("-o,--output", ta.output, "Model file to write")->required();
  train_cmd->add_option("--algorithm", ta.algorithm, "nb, linear or auto")
      ->check(CLI::IsMember({"nb", "naive_bayes", "linear", "auto"}))
      ->capture_default_str();
  train_cmd->add_option("--c", ta.c, "linear: inverse regularisation strength")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train_cmd
      ->add_option("--min-df", ta.min_df,
                   "linear: drop features seen in fewer training tickets (a smaller model)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train_cmd
      ->add_option("--map-labels", ta.map_labels,
                   "Write a pack to this file whose dimensions are the labels found in the input "
                   "(any strings, mapped to valid value ids; titles keep the originals) and that "
                   "uses the model; train on it")
      ->excludes("--pack");

  ValidateArgs va;
  auto* validate_cmd = app.add_subcommand(
      "validate",
      "Check a pack: load errors with pointer, line and column, and lints (rules that can never\n"
      "fire, shadowed rules, overlapping keywords of competing rules, values no rule produces,\n"
      "repeated routing rows, values without a handling group; with --at, answers expired or\n"
      "expiring within 30 days).\n"
      "Exit status: 0 clean (notes only), 1 warnings, 2 errors or usage.");
  validate_cmd->add_option("pack", va.pack, "Rule pack JSON file")->required();
  validate_cmd->add_option("--at", va.at,
                           "ISO-8601 instant: warn about templates and knowledge entries expired "
                           "by then or expiring within 30 days");
  validate_cmd->add_option("--format", va.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  ReportArgs ra;
  auto* report_cmd = app.add_subcommand(
      "report",
      "Write one self-contained HTML page (inline CSS and SVG, no scripts, no external assets)\n"
      "with the figures of `eval --format json` or `metrics --format json`.");
  report_cmd->require_subcommand(1);
  auto* report_eval = report_cmd->add_subcommand(
      "eval",
      "Pack quality: accuracy, coverage and accuracy when answering, the coverage/accuracy\n"
      "curve over min_confidence and calibration, confusion heatmaps, rules worst first and,\n"
      "with --compare, the tickets whose diagnosis changed.");
  report_eval->add_option("--pack", ra.pack, "Rule pack JSON file (default: the built-in pack)");
  report_eval->add_option("--compare", ra.compare, "A second pack file to compare with");
  report_eval->add_option("input", ra.input, "Labelled JSONL file, or - for standard input")
      ->required();
  report_eval->add_option("-o,--output", ra.output, "HTML file to write")->required();
  auto* report_metrics = report_cmd->add_subcommand(
      "metrics",
      "Service metrics: FCR, handling time, CSAT and reopen rate per handling group, SLA\n"
      "compliance per target and group, weekly trends and the breached tickets.");
  report_metrics->add_option("--pack", ra.pack, "Rule pack JSON file (default: the built-in pack)");
  report_metrics->add_option("input", ra.input, "History JSONL file, or - for standard input")
      ->required();
  report_metrics->add_option("-o,--output", ra.output, "HTML file to write")->required();

  CompileArgs ca;
  auto* compile_cmd = app.add_subcommand(
      "compile",
      "Compile a pack (and the learned model it names) into a compiled pack file that loads in\n"
      "milliseconds: every --pack option, triage_engine_new_from_file and Engine::load take it.\n"
      "A compiled pack is tied to this version of triage; compile again after an upgrade.");
  compile_cmd->add_option("pack", ca.pack, "Rule pack JSON file")->required();
  compile_cmd->add_option("-o,--output", ca.output, "Compiled pack to write (e.g. pack.tpk)")
      ->required();
  compile_cmd->add_flag("--no-regional-variants", ca.no_variants,
                        "Leave out the traditional-Chinese regional phrasings of keywords");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kUsage;
  }
  if (diag->parsed()) return diagnose(d);
  if (graph_cmd->parsed()) return graph(g);
  if (metrics_cmd->parsed()) return metrics(m);
  if (eval_cmd->parsed()) return eval(ea);
  if (validate_cmd->parsed()) return validate(va);
  if (train_cmd->parsed()) return train(ta);
  if (compile_cmd->parsed()) return compile(ca);
  if (report_cmd->parsed()) {
    ra.kind = report_eval->parsed() ? "eval" : "metrics";
    return report(ra);
  }
  return kUsage;
}
