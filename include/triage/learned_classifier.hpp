// A classifier learned from labelled history, one algorithm per dimension:
// - naive Bayes (multinomial) over hashed character unigrams and bigrams of Chinese text and
//   Latin words: trains in a blink and is strong on a few hundred tickets;
// - linear: an L2-regularised multi-class SVM (LIBLINEAR) over richer hashed features
//   (text_features.hpp), calibrated by a temperature: strong on thousands of tickets.
// `auto` picks per dimension by cross-validation on the training data. All features are read
// from folded text, so scripts, widths and case share them. The model plugs in next to the rules
// through the Classifier interface, with a combination policy.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gsl/span>

#include "triage/backtest.hpp"
#include "triage/classifier.hpp"
#include "triage/engine.hpp"
#include "triage/error.hpp"
#include "triage/linear_model.hpp"
#include "triage/pack.hpp"

namespace triage {
inline namespace v1 {

/// How the model's opinion joins the rules'.
enum class CombinePolicy : std::uint8_t {
  rules_first,  ///< the model speaks only on dimensions the rules left without any score
  blend,        ///< the model's probabilities are added to every dimension, times `weight`
};

enum class Algorithm : std::uint8_t {
  naive_bayes,
  linear,
  automatic,  ///< per dimension, whichever cross-validates better on the training data
};
std::string_view to_string(Algorithm a) noexcept;
/// "nb" or "naive_bayes", "linear", "auto".
std::optional<Algorithm> parse_algorithm(std::string_view s) noexcept;

struct TrainOptions {
  Algorithm algorithm = Algorithm::naive_bayes;
  int hash_bits = 18;         ///< naive Bayes features
  int linear_hash_bits = 20;  ///< linear features
  LinearOptions linear;
  int auto_folds = 3;  ///< folds of the cross-validation behind `automatic`
};

/// What training decided for one dimension (the cross-validated accuracies when `auto` ran).
struct TrainChoice {
  std::string dimension;
  Algorithm chosen = Algorithm::naive_bayes;
  std::size_t tickets = 0;
  double naive_bayes_accuracy = -1, linear_accuracy = -1;  ///< -1: not measured
};

class LearnedModel {
 public:
  /// Naive Bayes on every labelled dimension listed in `dimensions` (others are ignored).
  /// Training (both overloads) is provided by triage_devkit (triage::devkit), not libtriage.so.
  static LearnedModel train(gsl::span<const LabelledTicket> tickets,
                            const std::vector<std::string>& dimensions, int hash_bits = 18);
  /// The algorithm `options` names (auto: chosen per dimension); `choices`, when given, receives
  /// what was chosen and why.
  static LearnedModel train(gsl::span<const LabelledTicket> tickets,
                            const std::vector<std::string>& dimensions, const TrainOptions& options,
                            std::vector<TrainChoice>* choices = nullptr);
  static Result<LearnedModel> from_json(std::string_view json);
  std::string to_json() const;

  /// Probabilities of each value of a dimension for a text (empty when the model lacks it).
  std::vector<std::pair<std::string, double>> predict(std::string_view dimension,
                                                      std::string_view text) const;
  /// The same for a whole ticket (subject, text and, for linear dimensions, its fields).
  std::vector<std::pair<std::string, double>> predict(std::string_view dimension,
                                                      const Ticket& ticket) const;
  std::vector<std::string> dimensions() const;
  /// The values a dimension was trained on, in the model's order.
  const std::vector<std::string>* values(std::string_view dimension) const;
  std::optional<Algorithm> algorithm(std::string_view dimension) const;
  /// A hash of the training tickets' texts and labels (hex), and how many there were.
  const std::string& fingerprint() const noexcept { return fingerprint_; }
  std::size_t trained_on() const noexcept { return trained_on_; }

  /// An error naming the first dimension or value the model knows and `pack` does not.
  std::optional<Error> check_against(const Pack& pack, const std::string& where) const;
  /// Puts the linear dimensions' values in the pack's order (after check_against passed), so
  /// that an engine compiled from `pack` takes their scores by index, with no look-up by name.
  void align(const Pack& pack);

 private:
  friend class LearnedAccess;
  friend struct PackFileAccess;  // compiled packs store the model
  struct Dim {
    Algorithm algorithm = Algorithm::naive_bayes;
    std::vector<std::string> values;
    // naive Bayes
    std::vector<double> docs;                             // tickets per value
    std::vector<std::map<std::uint32_t, double>> counts;  // value → feature → count
    std::vector<double> totals;                           // feature count per value
    // linear
    LinearModel linear;
    std::int32_t pack_dimension = -1;  // set by align(): values are in the pack's order
  };
  int bits_ = 18;
  int linear_bits_ = 20;
  std::string fingerprint_;
  std::size_t trained_on_ = 0;
  std::map<std::string, Dim, std::less<>> dims_;
};

/// The model as a Classifier.
/// `min_probability`: on each dimension the model speaks only when its top probability reaches it.
std::shared_ptr<const Classifier> make_learned_classifier(LearnedModel model, CombinePolicy policy,
                                                          double weight = 2.0,
                                                          double min_probability = 0.0);
/// The same, with a weight per dimension (by id) where `weights` names one; `weight` elsewhere.
std::shared_ptr<const Classifier> make_learned_classifier(
    LearnedModel model, CombinePolicy policy, double weight,
    const std::map<std::string, double, std::less<>>& weights, double min_probability);

/// Accuracy per target of the rules alone, the model alone and both combined, by k-fold cross-
/// validation: the model is trained on the other folds, so no ticket is scored by a model that
/// saw it. (The rules never learn from the file, so their figure needs no folds.) Provided by
/// triage_devkit (triage::devkit), not libtriage.so.
struct CrossValidation {
  struct Row {
    std::string target;
    std::size_t scored = 0;
    std::size_t rules = 0, model = 0, combined = 0;  ///< correct answers
  };
  std::vector<Row> rows;
  int folds = 5;
};
CrossValidation cross_validate(const Pack& pack, gsl::span<const LabelledTicket> tickets,
                               CombinePolicy policy, int folds = 5,
                               const TrainOptions& training = {}, double weight = 2.0);

/// Engine options for a pack that names a model: `read(path)` returns the model file's text (the
/// host does the I/O). Without a model in the pack, `base` is returned unchanged.
Result<EngineOptions> with_pack_model(
    const Pack& pack, EngineOptions base,
    const std::function<Result<std::string>(const std::string&)>& read);

/// Hashed naive Bayes features of a text (folded; Han unigrams + bigrams, Latin words).
std::vector<std::uint32_t> text_features(std::string_view text, int hash_bits);

}  // namespace v1
}  // namespace triage
