// Process chains: a ticket's path through a business process (refund application → finance
// review → funds received), each step with an expected duration, so the engine can say where a
// ticket is stuck and for how long.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <gsl/span>

#include "triage/calendar.hpp"
#include "triage/error.hpp"
#include "triage/sla.hpp"

namespace triage {
inline namespace v1 {

struct ChainStep {
  std::string id;
  std::string title;
  std::optional<SlaDuration> expected;  ///< how long a ticket should stay; none for the goal
};

struct ChainSpec {
  std::string id;
  std::string title;
  std::string calendar;  ///< the calendar expected durations are counted on
  std::vector<ChainStep> steps;
  std::string where;
};

struct StepTiming {
  std::string step;
  boost::posix_time::ptime entered, left;  ///< left: not_a_date_time for the current step
  boost::posix_time::ptime due;            ///< entered + expected (not_a_date_time if none)
  bool overdue = false;
  boost::posix_time::time_duration overdue_by;
};

struct ChainReport {
  std::string chain;
  std::string current;                         ///< the step the ticket is in now
  bool complete = false;                       ///< the final step has been reached
  bool stuck = false;                          ///< the current step is past its expected duration
  boost::posix_time::time_duration stuck_for;  ///< how far past it
  boost::posix_time::time_duration in_step;    ///< wall time spent in the current step
  std::vector<StepTiming> steps;               ///< every step entered so far, in order
};

/// Where is the ticket? `entered` lists (step id, instant entered), in any order; unknown step
/// ids and steps entered out of chain order are errors naming the step.
Result<ChainReport> chain_status(
    const ChainSpec& chain, const Calendar& calendar,
    gsl::span<const std::pair<std::string, boost::posix_time::ptime>> entered,
    boost::posix_time::ptime now);

}  // namespace v1
}  // namespace triage
