#include "triage/linear_model.hpp"

#include <linear.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <unordered_map>

#include <boost/json.hpp>

#include "base64.hpp"

namespace triage {
inline namespace v1 {

namespace {

// A score for classes the training set never showed: their probability is nil.
constexpr float kUnseen = -1e4f;

void quiet(const char*) {}

struct Fitted {
  std::vector<float> weights;  // row × classes
  std::vector<float> bias;     // classes
};

struct ModelDeleter {
  void operator()(model* m) const noexcept { free_and_destroy_model(&m); }
};

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

// target_clones chooses the AVX2 body through an ifunc resolver while the program is loaded.
// Under ThreadSanitizer that resolver is instrumented and runs before the sanitizer's runtime, and
// the program dies before main: sanitizer builds keep the baseline body.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define TRIAGE_VECTOR_CLONES
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define TRIAGE_VECTOR_CLONES
#endif
#endif
#ifndef TRIAGE_VECTOR_CLONES
#define TRIAGE_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif

// Floats per block of a weight row; rows are padded to a multiple of it.
constexpr std::size_t kLanes = 8;

// acc[0..stride) += v × row, over the cells' rows. The rows are scattered over the matrix, so a
// later one is asked for while this one is added; the blocks of kLanes have a fixed count, so
// each becomes vector instructions, AVX2 where the processor has it.
TRIAGE_VECTOR_CLONES void add_rows(const float* __restrict weights, std::size_t stride,
                                   LinearModel::Cells cells, float* __restrict acc) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i + 4 < cells.size())
      __builtin_prefetch(weights + std::size_t{cells[i + 4].first} * stride);
    const float v = static_cast<float>(cells[i].second);
    const float* __restrict w = weights + std::size_t{cells[i].first} * stride;
    for (std::size_t c = 0; c < stride; c += kLanes) {
      for (std::size_t k = 0; k < kLanes; ++k) acc[c + k] += v * w[c + k];
    }
  }
}

// Trains LIBLINEAR on the tickets `pick` selects; the problem's rows are shared, not copied.
Fitted fit(const std::vector<std::vector<feature_node>>& x, gsl::span<const std::uint32_t> labels,
           const std::vector<std::size_t>& pick, std::size_t rows, std::size_t classes,
           const LinearOptions& o) {
  std::vector<double> y;
  std::vector<feature_node*> px;
  y.reserve(pick.size());
  px.reserve(pick.size());
  for (auto i : pick) {
    y.push_back(static_cast<double>(labels[i]));
    px.push_back(const_cast<feature_node*>(x[i].data()));  // LIBLINEAR reads, never writes
  }
  Fitted out;
  out.weights.assign(rows * classes, 0.0f);
  out.bias.assign(classes, kUnseen);
  if (pick.empty()) return out;
  problem prob{};
  prob.l = static_cast<int>(pick.size());
  prob.n = static_cast<int>(rows) + 1;  // the last feature is the bias
  prob.y = y.data();
  prob.x = px.data();
  prob.bias = 1.0;
  parameter param{};
  param.eps = o.epsilon;
  param.C = o.c;
  // Crammer and Singer's multi-class SVM: one problem for all classes rather than one per class,
  // as accurate as logistic regression on BANKING77 and three times faster to train (README).
  param.solver_type = MCSVM_CS;

  // One class only: every ticket gets it.
  const bool single = std::all_of(y.begin(), y.end(), [&](double v) { return v == y[0]; });
  if (single) {
    out.bias[static_cast<std::size_t>(y[0])] = 0.0f;
    return out;
  }
  set_print_string_function(quiet);
  std::unique_ptr<model, ModelDeleter> m(train(&prob, &param));
  const int nc = m->nr_class;
  // LIBLINEAR keeps one column for two classes, except for the multi-class SVM.
  const bool one_column = nc == 2 && param.solver_type != MCSVM_CS;
  const std::size_t cols = one_column ? 1 : static_cast<std::size_t>(nc);
  for (int k = 0; k < nc; ++k) {
    const auto cls = static_cast<std::size_t>(m->label[k]);
    const std::size_t col = one_column ? 0 : static_cast<std::size_t>(k);
    const float sign = (one_column && k == 1) ? -1.0f : 1.0f;
    for (std::size_t r = 0; r < rows; ++r) {
      out.weights[r * classes + cls] = sign * static_cast<float>(m->w[r * cols + col]);
    }
    out.bias[cls] = sign * static_cast<float>(m->w[rows * cols + col]);
  }
  return out;
}

double nll(const std::vector<std::vector<double>>& scores, const std::vector<std::uint32_t>& y,
           double t) {
  double total = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    double mx = -std::numeric_limits<double>::infinity();
    for (double s : scores[i]) mx = std::max(mx, s / t);
    double z = 0;
    for (double s : scores[i]) z += std::exp(s / t - mx);
    total -= scores[i][y[i]] / t - mx - std::log(z);
  }
  return total;
}

// The temperature that minimises the held-out negative log-likelihood (golden section on log t).
double fit_temperature(const std::vector<std::vector<double>>& scores,
                       const std::vector<std::uint32_t>& y) {
  if (scores.empty()) return 1.0;
  double a = std::log(0.02), b = std::log(50.0);
  const double g = (std::sqrt(5.0) - 1) / 2;
  double c = b - g * (b - a), d = a + g * (b - a);
  double fc = nll(scores, y, std::exp(c)), fd = nll(scores, y, std::exp(d));
  for (int it = 0; it < 60; ++it) {
    if (fc < fd) {
      b = d, d = c, fd = fc;
      c = b - g * (b - a);
      fc = nll(scores, y, std::exp(c));
    } else {
      a = c, c = d, fc = fd;
      d = a + g * (b - a);
      fd = nll(scores, y, std::exp(d));
    }
  }
  return std::exp((a + b) / 2);
}

template <class T>
std::string pack_array(const std::vector<T>& v) {
  return detail::base64_encode(v.data(), v.size() * sizeof(T));
}

template <class T>
bool unpack_array(const boost::json::object& o, std::string_view key, std::size_t count,
                  std::vector<T>& out) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return false;
  auto bytes = detail::base64_decode(it->value().get_string());
  if (!bytes || bytes->size() != count * sizeof(T)) return false;
  out.resize(count);
  if (count) std::memcpy(out.data(), bytes->data(), bytes->size());
  return true;
}

}  // namespace

LinearModel LinearModel::train(gsl::span<const std::vector<std::uint32_t>> docs,
                               gsl::span<const std::uint32_t> labels, std::size_t classes,
                               int hash_bits, const LinearOptions& options) {
  LinearModel m;
  m.classes_ = classes;
  // Vocabulary: the hashed ids seen in at least min_df tickets, with their idf.
  std::unordered_map<std::uint32_t, std::uint32_t> df;
  std::vector<std::uint32_t> unique;
  for (const auto& d : docs) {
    unique.assign(d.begin(), d.end());
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    for (auto f : unique) ++df[f];
  }
  for (const auto& [f, n] : df) {
    if (n >= options.min_df) m.ids_.push_back(f);
  }
  std::sort(m.ids_.begin(), m.ids_.end());
  const double n_docs = static_cast<double>(docs.size());
  m.idf_.reserve(m.ids_.size());
  for (auto f : m.ids_) {
    m.idf_.push_back(static_cast<float>(std::log((1 + n_docs) / (1 + df[f])) + 1));
  }
  m.build_table();
  (void)hash_bits;

  // Every ticket once as LIBLINEAR rows (1-based feature indexes, the bias last).
  const std::size_t rows = m.ids_.size();
  std::vector<std::vector<feature_node>> x(docs.size());
  Vectorizer vz;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    vz.run(
        docs[i], [&](std::uint32_t f) { return m.row(f); }, m.idf_);
    std::sort(vz.cells.begin(), vz.cells.end());  // LIBLINEAR wants indexes ascending
    x[i].reserve(vz.cells.size() + 2);
    for (const auto& [r, v] : vz.cells) x[i].push_back({static_cast<int>(r) + 1, v});
    x[i].push_back({static_cast<int>(rows) + 1, 1.0});
    x[i].push_back({-1, 0.0});
  }

  // Held-out scores for the temperature: each fold scored by a model that never saw it.
  const int folds = options.calibration_folds;
  if (folds >= 2 && docs.size() >= static_cast<std::size_t>(folds) * 2) {
    std::vector<std::vector<double>> held_scores;
    std::vector<std::uint32_t> held_labels;
    for (int k = 0; k < folds; ++k) {
      std::vector<std::size_t> train_idx, test_idx;
      for (std::size_t i = 0; i < docs.size(); ++i) {
        (static_cast<int>(i % static_cast<std::size_t>(folds)) == k ? test_idx : train_idx)
            .push_back(i);
      }
      LinearModel fold = m;
      Fitted f = fit(x, labels, train_idx, rows, classes, options);
      fold.set_weights(f.weights);
      fold.bias_ = std::move(f.bias);
      std::vector<double> s(classes);
      for (auto i : test_idx) {
        // A class this fold never trained on scores -1e4: such a ticket says nothing of the
        // scale, and would drag the temperature to its upper bound.
        if (fold.bias_[labels[i]] == kUnseen) continue;
        fold.scores(docs[i], s);
        held_scores.push_back(s);
        held_labels.push_back(labels[i]);
      }
    }
    m.temperature_ = fit_temperature(held_scores, held_labels);
  }

  std::vector<std::size_t> all(docs.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  Fitted f = fit(x, labels, all, rows, classes, options);
  m.set_weights(f.weights);
  m.bias_ = std::move(f.bias);
  return m;
}

namespace {
constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
std::size_t slot_of(std::uint32_t id, std::size_t mask) {
  return (static_cast<std::size_t>(id) * 0x9E3779B1u) & mask;
}
}  // namespace

void LinearModel::build_table() {
  std::size_t cap = 16;
  while (cap < ids_.size() * 2) cap <<= 1;
  table_.assign(cap, kEmpty);
  for (std::size_t r = 0; r < ids_.size(); ++r) {
    std::size_t s = slot_of(ids_[r], cap - 1);
    while (table_[s] != kEmpty) s = (s + 1) & (cap - 1);
    table_[s] = (std::uint64_t{ids_[r]} << 32) | r;
  }
}

std::int64_t LinearModel::row(std::uint32_t id) const noexcept {
  const std::size_t mask = table_.size() - 1;
  for (std::size_t s = slot_of(id, mask);; s = (s + 1) & mask) {
    const std::uint64_t e = table_[s];
    if (e == kEmpty) return -1;
    if (static_cast<std::uint32_t>(e >> 32) == id)
      return static_cast<std::int64_t>(e & 0xFFFFFFFFu);
  }
}

void LinearModel::set_weights(const std::vector<float>& dense) {
  stride_ = (classes_ + kLanes - 1) / kLanes * kLanes;
  weights_.assign(ids_.size() * stride_, 0.0f);
  for (std::size_t r = 0; r < ids_.size(); ++r) {
    std::copy_n(dense.begin() + static_cast<std::ptrdiff_t>(r * classes_), classes_,
                weights_.begin() + static_cast<std::ptrdiff_t>(r * stride_));
  }
}

std::vector<float> LinearModel::dense_weights() const {
  std::vector<float> dense(ids_.size() * classes_);
  for (std::size_t r = 0; r < ids_.size(); ++r) {
    std::copy_n(weights_.begin() + static_cast<std::ptrdiff_t>(r * stride_), classes_,
                dense.begin() + static_cast<std::ptrdiff_t>(r * classes_));
  }
  return dense;
}

LinearModel::Cells LinearModel::vectorize(gsl::span<const std::uint32_t> features) const {
  // The row table is too large for the nearest caches and each lookup waits for memory: the
  // slots of features a few places ahead are asked for while this one is looked up, and the idf
  // of each row found, so the waits overlap. Rows keep the features' order (same cells).
  constexpr std::size_t kAhead = 8;
  thread_local std::vector<std::uint32_t> rows;
  thread_local Vectorizer vz;
  rows.clear();
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (i + kAhead < features.size())
      __builtin_prefetch(table_.data() + slot_of(features[i + kAhead], mask));
    const std::int64_t r = row(features[i]);
    if (r < 0) continue;
    __builtin_prefetch(idf_.data() + r);
    rows.push_back(static_cast<std::uint32_t>(r));
  }
  vz.run(
      rows, [](std::uint32_t r) { return std::int64_t{r}; }, idf_);
  return vz.cells;
}

void LinearModel::scores(Cells cells, gsl::span<double> out) const {
  thread_local std::vector<float> acc;
  acc.assign(stride_, 0.0f);
  add_rows(weights_.data(), stride_, cells, acc.data());
  for (std::size_t c = 0; c < classes_; ++c) out[c] = bias_[c] + acc[c];
}

void LinearModel::scores(gsl::span<const std::uint32_t> features, gsl::span<double> out) const {
  scores(vectorize(features), out);
}

void LinearModel::predict(Cells cells, gsl::span<double> probs) const {
  scores(cells, probs);
  double mx = -std::numeric_limits<double>::infinity();
  for (double& p : probs) mx = std::max(mx, p /= temperature_);
  double z = 0;
  for (double& p : probs) z += (p = std::exp(p - mx));
  for (double& p : probs) p /= z;
}

void LinearModel::predict(gsl::span<const std::uint32_t> features, gsl::span<double> probs) const {
  predict(vectorize(features), probs);
}

void LinearModel::reorder(gsl::span<const std::int32_t> order) {
  const std::size_t k = order.size();
  std::vector<float> w(ids_.size() * k, 0.0f), b(k, kUnseen);
  for (std::size_t c = 0; c < k; ++c) {
    if (order[c] < 0) continue;
    const auto old = static_cast<std::size_t>(order[c]);
    b[c] = bias_[old];
    for (std::size_t r = 0; r < ids_.size(); ++r) w[r * k + c] = weights_[r * stride_ + old];
  }
  bias_ = std::move(b);
  classes_ = k;
  set_weights(w);
}

boost::json::object LinearModel::to_json() const {
  return {{"temperature", temperature_},
          {"features", ids_.size()},
          {"ids", pack_array(ids_)},
          {"idf", pack_array(idf_)},
          {"weights", pack_array(dense_weights())},
          {"bias", pack_array(bias_)}};
}

Result<LinearModel> LinearModel::from_json(const boost::json::object& o, std::size_t classes,
                                           int hash_bits, const std::string& where) {
  auto bad = [&](std::string_view key, std::string_view what) {
    return make_error(Errc::pack_invalid, where + "/" + std::string(key), what);
  };
  LinearModel m;
  m.classes_ = classes;
  auto t = o.find("temperature");
  if (t == o.end() || !t->value().is_number() || !(t->value().to_number<double>() > 0)) {
    return bad("temperature", "a positive number is required");
  }
  m.temperature_ = t->value().to_number<double>();
  auto n = o.find("features");
  if (n == o.end() || !n->value().is_int64() || n->value().get_int64() < 0 ||
      n->value().get_int64() > (std::int64_t{1} << hash_bits)) {
    return bad("features", "a count no larger than the hash space is required");
  }
  const auto rows = static_cast<std::size_t>(n->value().get_int64());
  if (!unpack_array(o, "ids", rows, m.ids_)) return bad("ids", "base64 of the feature ids");
  if (!unpack_array(o, "idf", rows, m.idf_)) return bad("idf", "base64 of one float per feature");
  std::vector<float> dense;
  if (!unpack_array(o, "weights", rows * classes, dense)) {
    return bad("weights", "base64 of one float per feature and value");
  }
  if (!unpack_array(o, "bias", classes, m.bias_))
    return bad("bias", "base64 of one float per value");
  for (std::size_t r = 0; r < rows; ++r) {
    if (m.ids_[r] >> hash_bits || (r && m.ids_[r] <= m.ids_[r - 1])) {
      return bad("ids", "feature ids must ascend within the hash space");
    }
  }
  m.set_weights(dense);
  m.build_table();
  return m;
}

}  // namespace v1
}  // namespace triage
