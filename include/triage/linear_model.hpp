// A discriminative linear model for one dimension: Crammer and Singer's L2-regularised multi-class
// SVM (LIBLINEAR) over hashed features weighted by log term frequency and inverse document
// frequency, each ticket's vector of unit length. Its probabilities are a softmax of the class
// scores divided by a temperature fitted on held-out folds, so that a confidence of 0.9 is right
// about nine times in ten.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <gsl/span>

#include "triage/error.hpp"

namespace triage {
inline namespace v1 {
namespace detail {
class FusedLinear;
}

struct LinearOptions {
  double c = 1.0;             ///< inverse regularisation strength (LIBLINEAR's default)
  std::uint32_t min_df = 1;   ///< features in fewer training tickets are dropped
  int calibration_folds = 2;  ///< folds whose held-out scores fit the temperature (0: none)
  double epsilon = 0.1;       ///< LIBLINEAR's stopping tolerance (its default for this solver)
};

class LinearModel {
 public:
  /// `docs[i]` holds the hashed feature ids of ticket i (repeats are term frequencies) and
  /// `labels[i]` its class, below `classes`. Provided by triage_devkit (triage::devkit), not
  /// libtriage.so.
  static LinearModel train(gsl::span<const std::vector<std::uint32_t>> docs,
                           gsl::span<const std::uint32_t> labels, std::size_t classes,
                           int hash_bits, const LinearOptions& options = {});

  /// Writes the probability of each class into `probs` (its size is `classes()`). Allocates
  /// nothing once the calling thread has seen a ticket this long.
  void predict(gsl::span<const std::uint32_t> features, gsl::span<double> probs) const;

  /// A ticket's features as unit-length (row, value) cells, rows in the order first seen.
  using Cells = gsl::span<const std::pair<std::uint32_t, double>>;

  /// The cells of `features` over this model's rows. The view lives in per-thread storage: it
  /// stays valid until the calling thread vectorizes again.
  Cells vectorize(gsl::span<const std::uint32_t> features) const;

  /// `predict` from cells that `vectorize` gave, by this model or one with the same rows.
  void predict(Cells cells, gsl::span<double> probs) const;

  /// Whether `other` has the same rows (hashed ids and idf): then its cells serve this model too,
  /// and the dimensions of one model file vectorize a ticket once.
  bool same_rows(const LinearModel& other) const noexcept {
    return ids_ == other.ids_ && idf_ == other.idf_;
  }

  /// Renumbers the classes: new class k is old class `order[k]`, or one never seen when -1.
  void reorder(gsl::span<const std::int32_t> order);

  std::size_t classes() const noexcept { return classes_; }
  std::size_t features() const noexcept { return ids_.size(); }
  double temperature() const noexcept { return temperature_; }

  boost::json::object to_json() const;
  /// `where` is the JSON pointer of the object, for errors.
  static Result<LinearModel> from_json(const boost::json::object& o, std::size_t classes,
                                       int hash_bits, const std::string& where);

 private:
  friend struct PackFileAccess;      // compiled packs store the weights
  friend class detail::FusedLinear;  // the classifier scores every dimension in one pass
  void build_table();
  /// Takes row × classes weights into the padded rows of `weights_`.
  void set_weights(const std::vector<float>& dense);
  std::vector<float> dense_weights() const;
  /// The row of a hashed id, or -1.
  std::int64_t row(std::uint32_t id) const noexcept;
  /// Class scores (before the temperature) into `scores`.
  void scores(gsl::span<const std::uint32_t> features, gsl::span<double> out) const;
  void scores(Cells cells, gsl::span<double> out) const;

  std::size_t classes_ = 0;
  std::vector<std::uint32_t> ids_;  // hashed ids that have weights, ascending
  std::vector<float> idf_;          // per row
  // Rows are padded to a multiple of 8 floats so that adding one is a few vector operations.
  std::size_t stride_ = 0;
  // The two large tables are immutable once made and read through spans: into buffers of their
  // own (kept by `weights_keep_`, `table_keep_`, shared by copies of the model), or in place in
  // a compiled pack's bytes, which then load without being copied (triage/pack_file.hpp).
  gsl::span<const float> weights_;  // row-major: row × stride_
  std::vector<float> bias_;         // per class
  // hashed id → row: open addressing, twice the rows, (id << 32 | row), kEmpty where free. Its
  // size follows the features kept, not the hash space.
  gsl::span<const std::uint64_t> table_;
  std::shared_ptr<const void> weights_keep_, table_keep_;
  double temperature_ = 1.0;
};

}  // namespace v1
}  // namespace triage
