// Backtesting a pack on labelled history: accuracy, per-value precision / recall / F1, confusion
// matrices, coverage, how often each rule fired and was right, and what changes between packs.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <gsl/span>

#include "triage/engine.hpp"

namespace triage {
inline namespace v1 {

/// A ticket with the values it should get: any dimension, "urgency" and "primary" (department).
struct LabelledTicket {
  Ticket ticket;
  std::map<std::string, std::string> expected;
};

/// Reads a ticket line with a "labels" object; the labels are not ticket fields.
Result<LabelledTicket> labelled_from_json(const boost::json::value& v);

struct ValueStats {
  std::size_t tp = 0, fp = 0, fn = 0;
  double precision() const noexcept;
  double recall() const noexcept;
  double f1() const noexcept;
};

struct TargetReport {
  std::string target;      ///< a dimension id, "urgency" or "primary"
  std::size_t scored = 0;  ///< tickets with an expected value
  std::size_t correct = 0;
  std::size_t abstained = 0;  ///< no value given (counted as wrong)
  std::map<std::string, ValueStats> values;
  std::map<std::string, std::map<std::string, std::size_t>> confusion;  ///< expected → got → n
  double accuracy() const noexcept;
  double coverage() const noexcept;  ///< share of scored tickets with a value
};

struct RuleReport {
  std::string rule;
  std::size_t fired = 0;   ///< tickets on which it fired
  std::size_t judged = 0;  ///< of those, tickets labelled on a dimension it scores
  std::size_t right = 0;   ///< of those, where its strongest value is the expected one
};

struct EvalReport {
  std::string pack;  ///< "name version"
  std::size_t tickets = 0;
  std::vector<TargetReport> targets;
  std::vector<RuleReport> rules;  ///< in pack order
};

EvalReport evaluate_pack(const Engine& engine, gsl::span<const LabelledTicket> tickets);

/// One ticket on which two packs disagree on a target.
struct Change {
  std::string ticket_id;
  std::string target;
  std::string expected;       ///< "" when not labelled
  std::string before, after;  ///< "" for no value
};
std::vector<Change> compare_packs(const Engine& before, const Engine& after,
                                  gsl::span<const LabelledTicket> tickets);

boost::json::object to_json(const EvalReport& r);
std::string to_table(const EvalReport& r);

}  // namespace v1
}  // namespace triage
