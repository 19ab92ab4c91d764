// Training the linear model: LIBLINEAR's multi-class SVM on idf-weighted features, and the
// temperature fitted on held-out folds that makes its confidence a calibrated probability.
// Part of triage_devkit: libtriage.so only predicts.
#include "triage/linear_model.hpp"

#include <linear.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <unordered_map>

#include "learned/vectorizer.hpp"

namespace triage {
inline namespace v1 {
using detail::kUnseen;
using detail::Vectorizer;

namespace {

void quiet(const char*) {}

struct Fitted {
  std::vector<float> weights;  // row × classes
  std::vector<float> bias;     // classes
};

struct ModelDeleter {
  void operator()(model* m) const noexcept { free_and_destroy_model(&m); }
};

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
  // LIBLINEAR shuffles with the C library's rand(): reset to the C default seed, so that a fit's
  // weights depend on its own tickets only, not on the fits (other dimensions, other folds) that
  // ran before it in the process.
  std::srand(1);
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

}  // namespace v1
}  // namespace triage
