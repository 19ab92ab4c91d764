// Backtesting a pack on labelled history: accuracy, coverage and accuracy when answering, per-value
// precision / recall / F1, confusion matrices, the coverage/accuracy curve over min_confidence,
// calibration, how often each rule fired and was right, and what changes between packs.
// Provided by the triage_devkit library (CMake target triage::devkit), not by libtriage.so.
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

/// What a dimension's answers would be worth under a stricter min_confidence: a value whose
/// confidence is under the threshold counts as unanswered.
struct CurvePoint {
  double min_confidence = 0;
  std::size_t scored = 0, answered = 0, right = 0;
  double coverage() const noexcept;  ///< answered / scored
  double accuracy() const noexcept;  ///< right / answered (0 when none answered)
};

/// The answered tickets whose confidence lies in [from, to) (the last bin includes 1).
struct CalibrationBin {
  double from = 0, to = 0;
  std::size_t tickets = 0, right = 0;
  double confidence_sum = 0;
  double accuracy() const noexcept;
  double mean_confidence() const noexcept;
};

/// The thresholds of the curve: 0, 0.1, …, 0.9.
inline constexpr std::size_t curve_points = 10;
/// Equal-width confidence bins of the calibration.
inline constexpr std::size_t calibration_bins = 10;

struct TargetReport {
  std::string target;      ///< a dimension id, "urgency" or "primary"
  std::size_t scored = 0;  ///< tickets with an expected value
  std::size_t correct = 0;
  std::size_t abstained = 0;  ///< no value given (counted as wrong)
  std::map<std::string, ValueStats> values;
  std::map<std::string, std::map<std::string, std::size_t>> confusion;  ///< expected → got → n
  /// Dimensions give confidences, urgency and the department do not: only dimensions have a
  /// curve and a calibration.
  bool has_confidence = false;
  std::vector<CurvePoint> curve;            ///< `curve_points` thresholds, when has_confidence
  std::vector<CalibrationBin> calibration;  ///< `calibration_bins` bins, when has_confidence
  double accuracy() const noexcept;
  double coverage() const noexcept;  ///< share of scored tickets with a value
  std::size_t answered() const noexcept { return scored - abstained; }
  double accuracy_when_answering() const noexcept;  ///< correct / answered (0 when none)
  /// Expected calibration error over the answered tickets:
  /// Σ |bin accuracy − bin mean confidence| × bin share.
  double expected_calibration_error() const noexcept;
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
  std::string text;  ///< the ticket's text
  std::string target;
  std::string expected;       ///< "" when not labelled
  std::string before, after;  ///< "" for no value
};
std::vector<Change> compare_packs(const Engine& before, const Engine& after,
                                  gsl::span<const LabelledTicket> tickets);

/// The report as JSON: what `triage eval --format json` prints and `triage report eval` renders.
boost::json::object to_json(const EvalReport& r);
boost::json::object to_json(const Change& c);
/// Aligned terminal tables (display width: long and CJK names keep their columns).
std::string to_table(const EvalReport& r);

}  // namespace v1
}  // namespace triage
