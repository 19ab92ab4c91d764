#include <cmath>
#include <cstdio>
#include <iostream>

#include <boost/json.hpp>

#include "commands.hpp"
#include "triage/text_table.hpp"
#include "triage/triage.hpp"

namespace triage::cli {

boost::json::object to_json(const InputInfo& in) {
  return {{"file", in.path}, {"sha256", in.sha256}, {"lines", in.lines}, {"failed", in.failed}};
}

boost::json::object pack_json(const Engine& engine) {
  const Pack& p = engine.pack();
  boost::json::value model;
  if (p.model) {
    boost::json::object m{
        {"file", p.model->file}, {"policy", p.model->policy}, {"weight", p.model->weight}};
    if (!p.model->weights.empty()) {
      boost::json::object per;
      for (const auto& [dim, w] : p.model->weights) per[dim] = w;
      m["weights"] = std::move(per);
    }
    model = std::move(m);
  }
  return {{"name", p.name},
          {"version", p.version},
          {"description", p.description},
          {"model", std::move(model)}};
}

namespace {
// Dimension titles, for headings: {"problem_type": "问题类型"}.
boost::json::object dimension_titles(const Engine& engine) {
  boost::json::object o;
  for (const auto& d : engine.pack().dimensions) {
    if (!d.title.empty()) o[d.id] = d.title;
  }
  return o;
}
}  // namespace

std::optional<EvalRun> run_eval(const std::optional<std::string>& pack,
                                const std::optional<std::string>& compare,
                                const std::string& input) {
  auto engine = load_engine(pack);
  if (!engine) return std::nullopt;
  std::optional<Engine> other;
  if (compare) {
    other = load_engine(compare);
    if (!other) return std::nullopt;
  }
  auto read = read_labelled(input);
  if (!read) return std::nullopt;
  labels_by_title(engine->pack(), read->tickets);
  EvalRun run;
  run.failed = read->failed;
  run.report = evaluate_pack(*engine, read->tickets);
  run.document = to_json(run.report);
  run.document["pack_info"] = pack_json(*engine);
  run.document["dimension_titles"] = dimension_titles(*engine);
  run.document["input"] = to_json(read->input);
  if (other) {
    run.compared = evaluate_pack(*other, read->tickets);
    run.changes = compare_packs(*engine, *other, read->tickets);
    boost::json::object compared = to_json(*run.compared);
    compared["pack_info"] = pack_json(*other);
    run.document["compare"] = std::move(compared);
    boost::json::array ch;
    for (const auto& c : run.changes) ch.push_back(to_json(c));
    run.document["changes"] = std::move(ch);
  }
  return run;
}

int eval(const EvalArgs& args) {
  if (args.cross_validate) {
    auto engine = load_engine(args.pack);
    if (!engine) return kUsage;
    auto read = read_labelled(args.input);
    if (!read) return kUsage;
    labels_by_title(engine->pack(), read->tickets);
    const int rc =
        cross_validate_cmd(*engine, read->tickets, args.policy, args.folds, args.algorithm);
    return rc == kOk && read->failed ? kSomeFailed : rc;
  }
  auto run = run_eval(args.pack, args.compare, args.input);
  if (!run) return kUsage;
  if (args.format == "json") {
    std::cout << boost::json::serialize(run->document) << "\n";
  } else {
    std::cout << to_table(run->report);
    if (run->compared) {
      const EvalReport& b = *run->compared;
      std::cout << "\ncompared with " << b.pack << ":\n";
      TextTable acc{{"target", run->report.pack, b.pack}, {false, true, true}, {}};
      for (const auto& t : run->report.targets) {
        for (const auto& u : b.targets) {
          if (u.target != t.target) continue;
          char x[32], y[32];
          std::snprintf(x, sizeof x, "%.1f%%", std::round(1000 * t.accuracy()) / 10);
          std::snprintf(y, sizeof y, "%.1f%%", std::round(1000 * u.accuracy()) / 10);
          acc.rows.push_back({t.target, x, y});
        }
      }
      std::cout << render(acc, "  ") << "\n";
      TextTable changes{{"ticket", "target", "expected", "before", "after"}, {}, {}};
      for (const auto& c : run->changes) {
        changes.rows.push_back({c.ticket_id, c.target, c.expected.empty() ? "-" : c.expected,
                                c.before.empty() ? "(none)" : c.before,
                                c.after.empty() ? "(none)" : c.after});
      }
      std::cout << render(changes);
    }
  }
  return run->failed ? kSomeFailed : kOk;
}

}  // namespace triage::cli
