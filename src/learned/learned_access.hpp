// Internal: the learned model's internals, shared by prediction (src/learned/) and training
// (src/devkit/train_learned.cpp, in triage_devkit).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gsl/span>

#include "triage/learned_classifier.hpp"
#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {
namespace detail {
/// The text a learned model reads: the subject, then the body.
inline std::string learned_text(const Ticket& t) {
  return (t.subject ? *t.subject + " " : std::string()) + t.text;
}
}  // namespace detail

// The model's internals, for training and the classifier (not part of the public header).
class LearnedAccess {
 public:
  using Dim = LearnedModel::Dim;

  // Training (triage_devkit).
  static void train_naive_bayes(Dim& dim, gsl::span<const LabelledTicket> tickets,
                                const std::string& d, int bits);
  static void train_linear(Dim& dim, gsl::span<const LabelledTicket> tickets, const std::string& d,
                           int bits, const LinearOptions& options);

  // Prediction.
  static void naive_bayes_probs(const Dim& d, int bits, std::string_view text,
                                std::vector<double>& out);
  // Probabilities of a dimension's values for a ticket; `features` holds the ticket's linear
  // features when the dimension is linear.
  static void probs(const LearnedModel& m, const Dim& d, const Ticket& t,
                    gsl::span<const std::uint32_t> features, std::vector<double>& out);

  static const std::map<std::string, Dim, std::less<>>& dims(const LearnedModel& m) {
    return m.dims_;
  }
  static int linear_bits(const LearnedModel& m) { return m.linear_bits_; }
};

}  // namespace v1
}  // namespace triage
