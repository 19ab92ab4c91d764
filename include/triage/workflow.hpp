// The ticket lifecycle as a state graph (Boost.Graph): states, transitions named by events,
// guards over facts, validation on load, an append-only history that replays to the same state,
// and export to Graphviz DOT.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <boost/json/object.hpp>
#include <gsl/span>

#include "triage/error.hpp"

namespace triage {
inline namespace v1 {

/// A guard: a fact, or all / any / not of guards.
struct Guard {
  enum class Kind : std::uint8_t { fact, all, any, not_ };
  Kind kind = Kind::fact;
  std::string fact;
  std::vector<Guard> children;
};
/// "customer_confirmed || confirmation_window_expired" style text, for messages and DOT labels.
std::string to_string(const Guard& g);

struct StateSpec {
  std::string id;
  std::string title;
  bool terminal = false;  ///< the lifecycle may end here
};

struct TransitionSpec {
  std::string from, to, event;
  std::optional<Guard> guard;
  std::string where;  ///< JSON pointer
};

struct WorkflowSpec {
  std::string start = "new";
  std::vector<StateSpec> states;
  std::vector<TransitionSpec> transitions;
  std::vector<std::string> facts;    ///< facts guards may use, beyond the built-in ones
  std::optional<Guard> final_guard;  ///< must hold, besides a terminal state, for the end
  std::string where;

  /// The default lifecycle: new → acknowledged → triaged → assigned → in progress, which goes to
  /// waiting for the customer or escalated and back, and to resolved; resolved closes once the
  /// customer confirms (or goes back to work); closed may be reopened or followed up.
  static WorkflowSpec standard();
};

/// Facts a host states when it applies an event ("customer_confirmed": true).
using Facts = std::map<std::string, bool, std::less<>>;
/// Reads facts from a JSON object of booleans (`{"customer_confirmed": true}`); a mistake is a
/// field error naming "facts" or the fact.
Result<Facts> facts_from_json(std::string_view json);

/// Built-in facts: customer_confirmed, confirmation_window_expired, follow_up_required,
/// follow_up_done.
gsl::span<const std::string_view> builtin_facts() noexcept;

struct WorkflowEvent {
  boost::posix_time::ptime at;
  std::string event;
  Facts facts;  ///< facts stated with this event
  std::string from, to;
};

class Workflow {
 public:
  /// Validates: a known start state; unique states; transitions between defined states;
  /// guards naming only known facts; every state reachable from the start; a terminal state
  /// reachable from every state. Each problem is named.
  static Result<Workflow> compile(const WorkflowSpec& spec);
  static const Workflow& standard();

  const WorkflowSpec& spec() const noexcept;
  bool has_state(std::string_view id) const noexcept;
  /// Events that leave a state.
  std::vector<std::string> events_from(std::string_view state) const;
  /// The state an event leads to, or the refusal (unknown transition, or the guard that fails).
  Result<std::string> next(std::string_view from, std::string_view event, const Facts& facts) const;

  std::string to_dot() const;
  boost::json::object to_json() const;

 private:
  struct Impl;
  explicit Workflow(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
  friend class WorkflowRun;
};

/// One ticket's way through a workflow: a value holding the state, the facts stated so far and
/// the append-only history. A host persists `history()` and restores with `replay`.
class WorkflowRun {
 public:
  explicit WorkflowRun(Workflow workflow);

  const std::string& state() const noexcept { return state_; }
  const Facts& facts() const noexcept { return facts_; }
  gsl::span<const WorkflowEvent> history() const noexcept { return history_; }
  /// In a terminal state with the final guard satisfied (e.g. a complaint's follow-up done).
  bool finished() const;

  /// Applies an event with the facts stated alongside it (merged into the run's facts).
  /// On refusal nothing changes.
  Result<std::string> apply(std::string_view event, const Facts& facts = {},
                            boost::posix_time::ptime at = boost::posix_time::ptime());

  /// Rebuilds a run from a stored history; fails at the first event that no longer applies.
  static Result<WorkflowRun> replay(Workflow workflow, gsl::span<const WorkflowEvent> history);

 private:
  Workflow workflow_;
  std::string state_;
  Facts facts_;
  std::vector<WorkflowEvent> history_;
};

}  // namespace v1
}  // namespace triage
