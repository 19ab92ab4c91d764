#include <cstdio>
#include <iostream>

#include <boost/json.hpp>

#include "commands.hpp"
#include "triage/triage.hpp"

namespace triage::cli {

int eval(const EvalArgs& args) {
  auto engine = load_engine(args.pack);
  if (!engine) return kUsage;
  std::optional<Engine> other;
  if (args.compare) {
    other = load_engine(args.compare);
    if (!other) return kUsage;
  }
  auto read = read_labelled(args.input);
  if (!read) return kUsage;
  labels_by_title(engine->pack(), read->tickets);
  const std::vector<LabelledTicket>& tickets = read->tickets;
  const std::size_t failed = read->failed;
  if (args.cross_validate) {
    const int rc = cross_validate_cmd(*engine, tickets, args.policy, args.folds, args.algorithm);
    return rc == kOk && failed ? kSomeFailed : rc;
  }
  const EvalReport report = evaluate_pack(*engine, tickets);
  std::vector<Change> changes;
  if (other) changes = compare_packs(*engine, *other, tickets);
  if (args.format == "json") {
    boost::json::object o = to_json(report);
    if (other) {
      o["compare"] = to_json(evaluate_pack(*other, tickets));
      boost::json::array ch;
      for (const auto& c : changes) {
        ch.push_back({{"ticket_id", c.ticket_id},
                      {"target", c.target},
                      {"expected", c.expected},
                      {"before", c.before},
                      {"after", c.after}});
      }
      o["changes"] = std::move(ch);
    }
    std::cout << boost::json::serialize(o) << "\n";
  } else {
    std::cout << to_table(report);
    if (other) {
      const EvalReport b = evaluate_pack(*other, tickets);
      std::cout << "\ncompared with " << b.pack << ":\n";
      for (std::size_t i = 0; i < b.targets.size() && i < report.targets.size(); ++i) {
        std::printf("  %-16s %6.1f%% -> %6.1f%%\n", report.targets[i].target.c_str(),
                    100 * report.targets[i].accuracy(), 100 * b.targets[i].accuracy());
      }
      std::cout << "\nticket           target           expected         before -> after\n";
      for (const auto& c : changes) {
        std::printf("%-16s %-16s %-16s %s -> %s\n", c.ticket_id.c_str(), c.target.c_str(),
                    c.expected.empty() ? "-" : c.expected.c_str(),
                    c.before.empty() ? "(none)" : c.before.c_str(),
                    c.after.empty() ? "(none)" : c.after.c_str());
      }
    }
  }
  return failed ? kSomeFailed : kOk;
}

}  // namespace triage::cli
