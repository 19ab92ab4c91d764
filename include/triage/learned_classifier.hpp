// A classifier learned from labelled history: multinomial naive Bayes over hashed features —
// character unigrams and bigrams of Chinese text (no word segmentation needed) and word tokens of
// Latin text, all on folded text so that scripts, widths and case share features. It plugs in
// next to the rules through the Classifier interface, with a combination policy.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gsl/span>

#include "triage/classifier.hpp"
#include "triage/engine.hpp"
#include "triage/error.hpp"
#include "triage/eval.hpp"
#include "triage/pack.hpp"

namespace triage {
inline namespace v1 {

/// How the model's opinion joins the rules'.
enum class CombinePolicy : std::uint8_t {
  rules_first,  ///< the model speaks only on dimensions the rules left without any score
  blend,        ///< the model's probabilities are added to every dimension, times `weight`
};

class LearnedModel {
 public:
  /// Trains on every labelled dimension listed in `dimensions` (others are ignored).
  static LearnedModel train(gsl::span<const LabelledTicket> tickets,
                            const std::vector<std::string>& dimensions, int hash_bits = 18);
  static Result<LearnedModel> from_json(std::string_view json);
  std::string to_json() const;

  /// Probabilities of each value of a dimension for a text (empty when the model lacks it).
  std::vector<std::pair<std::string, double>> predict(std::string_view dimension,
                                                      std::string_view text) const;
  std::vector<std::string> dimensions() const;

 private:
  struct Dim {
    std::vector<std::string> values;
    std::vector<double> docs;                             // tickets per value
    std::vector<std::map<std::uint32_t, double>> counts;  // value → feature → count
    std::vector<double> totals;                           // feature count per value
  };
  int bits_ = 18;
  std::map<std::string, Dim, std::less<>> dims_;
};

/// The model as a Classifier.
std::shared_ptr<const Classifier> make_learned_classifier(LearnedModel model, CombinePolicy policy,
                                                          double weight = 2.0);

/// Accuracy per target of the rules alone, the model alone and both combined, by k-fold cross-
/// validation: the model is trained on the other folds, so no ticket is scored by a model that
/// saw it. (The rules never learn from the file, so their figure needs no folds.)
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
                               CombinePolicy policy, int folds = 5);

/// Engine options for a pack that names a model: `read(path)` returns the model file's text (the
/// host does the I/O). Without a model in the pack, `base` is returned unchanged.
Result<EngineOptions> with_pack_model(
    const Pack& pack, EngineOptions base,
    const std::function<Result<std::string>(const std::string&)>& read);

/// Hashed features of a text (folded; Han unigrams + bigrams, Latin words).
std::vector<std::uint32_t> text_features(std::string_view text, int hash_bits);

}  // namespace v1
}  // namespace triage
