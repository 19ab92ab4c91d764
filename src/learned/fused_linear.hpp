// Internal: every linear dimension of a model scored in one pass over a ticket's features.
//
// LinearModel keeps one row table and one weight matrix per dimension, as the model file and a
// compiled pack store them; asking each dimension in turn costs one hash probe per feature per
// row set and one random read per feature per dimension. Here the row sets of all dimensions are
// merged into one table, and the weights of one feature for every dimension sit side by side in
// one row: a ticket's features are looked up once and each found feature costs one walk over
// neighbouring cache lines. The arithmetic is the dimensions' own, in the same order, so the
// probabilities are the ones LinearModel::predict gives, to the bit.
#pragma once

#include <cstdint>
#include <vector>

#include <gsl/span>

#include "triage/linear_model.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

class FusedLinear {
 public:
  FusedLinear() = default;
  /// `models[k]` is the k-th linear dimension; models with the same rows (LinearModel::same_rows)
  /// share their normalisation, as one vectorization serves them.
  explicit FusedLinear(const std::vector<const LinearModel*>& models);

  bool empty() const noexcept { return models_.empty(); }

  /// The probabilities of every model's classes for `features` (a ticket's linear features),
  /// model k's at `probs.subspan(offset(k), classes(k))`. The span lives in per-thread storage
  /// until the calling thread predicts again; nothing is allocated once it has seen a ticket this
  /// long.
  gsl::span<const double> predict(gsl::span<const std::uint32_t> features) const;
  std::size_t offset(std::size_t model) const noexcept { return models_[model].out; }

 private:
  struct Model {
    std::size_t group = 0;  // its row set
    std::size_t lane = 0;   // its first class in a fused weight row
    std::size_t out = 0;    // its first probability in the output
    std::size_t classes = 0;
    double temperature = 1;
  };
  struct Group {
    std::size_t lane = 0, width = 0;  // its segment of a weight row (a multiple of 8 floats)
  };
  std::int64_t row(std::uint32_t id) const noexcept;

  std::vector<Model> models_;
  std::vector<Group> groups_;
  std::size_t width_ = 0;  // floats per weight row: every group's segment
  std::size_t outputs_ = 0;
  std::vector<std::uint64_t> table_;        // hashed id → row, as LinearModel's
  std::vector<float> idf_;                  // row × group; 0 where the group lacks the feature
  std::vector<float> weights_;              // row × width_
  std::vector<std::vector<float>> bias_;    // per model
  std::vector<std::uint32_t> block_group_;  // per block of 8 floats of a row: its group
};

}  // namespace detail
}  // namespace v1
}  // namespace triage
