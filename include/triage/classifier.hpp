// The classifier interface. The rule classifier is built in; a host registers its own
// (a learned model, a call into its own service) through EngineOptions.
#pragma once

#include <string_view>

namespace triage {
inline namespace v1 {

class Evaluation;
struct Ticket;

class Classifier {
 public:
  virtual ~Classifier() = default;
  /// A short stable name; it appears in the evidence of the scores it gives.
  virtual std::string_view name() const noexcept = 0;
  /// Adds scores through `Evaluation::add_score`. Called concurrently from many threads on one
  /// instance: it must not change shared state without synchronisation.
  virtual void classify(const Ticket& ticket, Evaluation& ev) const = 0;
};

}  // namespace v1
}  // namespace triage
