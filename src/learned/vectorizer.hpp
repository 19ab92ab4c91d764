// Internal: a ticket's hashed features as a unit-length idf-weighted vector, shared by the
// linear model's prediction (src/learned/linear_model.cpp) and its training
// (src/devkit/train_linear.cpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include <gsl/span>

namespace triage {
inline namespace v1 {
namespace detail {

// A score for classes the training set never showed: their probability is nil.
constexpr float kUnseen = -1e4f;

// One ticket as unit-length (row, value) pairs: (1 + log tf) × idf, rows in the order first
// seen. Repeats are counted through a stamp per row rather than by sorting: a ticket's few hundred
// features cost one pass. Allocates nothing once it has seen a model this large.
struct Vectorizer {
  std::vector<std::uint32_t> stamp;  // per row: the epoch of the ticket that last saw it
  std::vector<std::uint32_t> slot;   // per row: its cell, valid when stamped this epoch
  std::uint32_t epoch = 0;
  std::vector<std::pair<std::uint32_t, double>> cells;

  template <class RowOf>
  void run(gsl::span<const std::uint32_t> features, const RowOf& row_of,
           const std::vector<float>& idf) {
    // Both checked: when memory runs out between the two, the next ticket grows them again
    // instead of reading `slot` past its end.
    if (stamp.size() < idf.size() || slot.size() < idf.size()) {
      slot.resize(idf.size());
      stamp.assign(idf.size(), 0);
      epoch = 0;
    }
    if (++epoch == 0) {  // wrapped: forget every stamp
      std::fill(stamp.begin(), stamp.end(), 0);
      epoch = 1;
    }
    cells.clear();
    for (auto f : features) {
      const std::int64_t found = row_of(f);
      if (found < 0) continue;
      const auto r = static_cast<std::uint32_t>(found);
      if (stamp[r] != epoch) {
        stamp[r] = epoch;
        slot[r] = static_cast<std::uint32_t>(cells.size());
        cells.emplace_back(r, 1.0);
      } else {
        cells[slot[r]].second += 1.0;
      }
    }
    double norm = 0;
    for (auto& [r, v] : cells) {
      v = (1.0 + std::log(v)) * idf[r];
      norm += v * v;
    }
    if (norm > 0) {
      const double inv = 1.0 / std::sqrt(norm);
      for (auto& c : cells) c.second *= inv;
    }
  }
};

}  // namespace detail
}  // namespace v1
}  // namespace triage
