// Training the learned model (naive Bayes or linear per dimension, `auto` by cross-validation)
// and cross-validating it against the rules. Part of triage_devkit: libtriage.so only loads and
// applies models.
#include <algorithm>
#include <cstdio>

#include "learned/learned_access.hpp"
#include "triage/backtest.hpp"
#include "triage/engine.hpp"
#include "triage/linear_model.hpp"
#include "triage/text_features.hpp"

namespace triage {
inline namespace v1 {
using detail::learned_text;

namespace {
// FNV-1a 64 over every training ticket's text and labels, in order.
std::string fingerprint_of(gsl::span<const LabelledTicket> tickets) {
  std::uint64_t h = 1469598103934665603ull;
  auto eat = [&](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xFFu) * 1099511628211ull;  // a separator no UTF-8 text contains
  };
  for (const auto& lt : tickets) {
    eat(learned_text(lt.ticket));
    for (const auto& [k, v] : lt.expected) {
      eat(k);
      eat(v);
    }
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::size_t value_index(std::vector<std::string>& values, const std::string& v) {
  auto it = std::find(values.begin(), values.end(), v);
  if (it != values.end()) return static_cast<std::size_t>(it - values.begin());
  values.push_back(v);
  return values.size() - 1;
}
}  // namespace

void LearnedAccess::train_naive_bayes(Dim& dim, gsl::span<const LabelledTicket> tickets,
                                      const std::string& d, int bits) {
  dim.algorithm = Algorithm::naive_bayes;
  for (const auto& lt : tickets) {
    auto want = lt.expected.find(d);
    if (want == lt.expected.end()) continue;
    const std::size_t v = value_index(dim.values, want->second);
    if (dim.docs.size() <= v) {
      dim.docs.resize(v + 1, 0);
      dim.counts.resize(v + 1);
      dim.totals.resize(v + 1, 0);
    }
    dim.docs[v] += 1;
    for (auto f : text_features(learned_text(lt.ticket), bits)) {
      dim.counts[v][f] += 1;
      dim.totals[v] += 1;
    }
  }
}

void LearnedAccess::train_linear(Dim& dim, gsl::span<const LabelledTicket> tickets,
                                 const std::string& d, int bits, const LinearOptions& options) {
  dim.algorithm = Algorithm::linear;
  std::vector<std::vector<std::uint32_t>> docs;
  std::vector<std::uint32_t> labels;
  for (const auto& lt : tickets) {
    auto want = lt.expected.find(d);
    if (want == lt.expected.end()) continue;
    labels.push_back(static_cast<std::uint32_t>(value_index(dim.values, want->second)));
    docs.emplace_back();
    linear_features(lt.ticket, bits, docs.back());
  }
  dim.linear = LinearModel::train(docs, labels, dim.values.size(), bits, options);
}

LearnedModel LearnedModel::train(gsl::span<const LabelledTicket> tickets,
                                 const std::vector<std::string>& dimensions, int hash_bits) {
  TrainOptions o;
  o.hash_bits = hash_bits;
  return train(tickets, dimensions, o);
}

LearnedModel LearnedModel::train(gsl::span<const LabelledTicket> tickets,
                                 const std::vector<std::string>& dimensions,
                                 const TrainOptions& options, std::vector<TrainChoice>* choices) {
  LearnedModel m;
  m.bits_ = options.hash_bits;
  m.linear_bits_ = options.linear_hash_bits;
  m.fingerprint_ = fingerprint_of(tickets);
  m.trained_on_ = tickets.size();

  // For `auto`: accuracy of each algorithm on held-out folds, per dimension (uncalibrated
  // fold models: the temperature never changes which value wins).
  std::map<std::string, std::pair<double, double>> cv;  // dimension → (nb, linear)
  if (options.algorithm == Algorithm::automatic) {
    const int k = std::max(2, options.auto_folds);
    std::map<std::string, std::pair<std::size_t, std::size_t>> right;
    std::map<std::string, std::size_t> scored;
    LinearOptions fold_linear = options.linear;
    fold_linear.calibration_folds = 0;
    std::vector<double> p;
    std::vector<std::uint32_t> features;
    for (int f = 0; f < k; ++f) {
      std::vector<LabelledTicket> train_set, test_set;
      for (std::size_t i = 0; i < tickets.size(); ++i) {
        (static_cast<int>(i % static_cast<std::size_t>(k)) == f ? test_set : train_set)
            .push_back(tickets[i]);
      }
      for (const auto& d : dimensions) {
        Dim nb, lin;
        LearnedAccess::train_naive_bayes(nb, train_set, d, options.hash_bits);
        LearnedAccess::train_linear(lin, train_set, d, options.linear_hash_bits, fold_linear);
        for (const auto& lt : test_set) {
          auto want = lt.expected.find(d);
          if (want == lt.expected.end()) continue;
          ++scored[d];
          auto best = [&](const Dim& dim) {
            LearnedAccess::probs(m, dim, lt.ticket, features, p);
            if (p.empty()) return std::string();
            return dim
                .values[static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin())];
          };
          if (best(nb) == want->second) ++right[d].first;
          linear_features(lt.ticket, options.linear_hash_bits, features);
          if (best(lin) == want->second) ++right[d].second;
        }
      }
    }
    for (const auto& [d, n] : scored) {
      cv[d] = {static_cast<double>(right[d].first) / static_cast<double>(n),
               static_cast<double>(right[d].second) / static_cast<double>(n)};
    }
  }

  for (const auto& d : dimensions) {
    Algorithm a = options.algorithm;
    if (a == Algorithm::automatic) {
      auto it = cv.find(d);
      // Ties go to naive Bayes: it trains faster and its model is smaller.
      a = it != cv.end() && it->second.second > it->second.first ? Algorithm::linear
                                                                 : Algorithm::naive_bayes;
    }
    Dim dim;
    if (a == Algorithm::linear) {
      LearnedAccess::train_linear(dim, tickets, d, options.linear_hash_bits, options.linear);
    } else {
      LearnedAccess::train_naive_bayes(dim, tickets, d, options.hash_bits);
    }
    if (dim.values.empty()) continue;
    if (choices) {
      TrainChoice c;
      c.dimension = d;
      c.chosen = a;
      for (const auto& lt : tickets) c.tickets += lt.expected.count(d);
      if (auto it = cv.find(d); it != cv.end()) {
        c.naive_bayes_accuracy = it->second.first;
        c.linear_accuracy = it->second.second;
      }
      choices->push_back(std::move(c));
    }
    m.dims_.emplace(d, std::move(dim));
  }
  return m;
}

CrossValidation cross_validate(const Pack& pack, gsl::span<const LabelledTicket> tickets,
                               CombinePolicy policy, int folds, const TrainOptions& training,
                               double weight) {
  CrossValidation cv;
  cv.folds = std::max(2, folds);
  std::vector<std::string> dims;
  for (const auto& d : pack.dimensions) dims.push_back(d.id);
  Pack no_rules = pack;
  no_rules.rules.clear();
  const Engine rules_only = *Engine::compile(pack);
  std::map<std::string, CrossValidation::Row> rows;
  auto tally = [&](const EvalReport& r, std::size_t CrossValidation::Row::*field, bool count) {
    for (const auto& t : r.targets) {
      if (std::find(dims.begin(), dims.end(), t.target) == dims.end()) continue;
      auto& row = rows[t.target];
      row.target = t.target;
      row.*field += t.correct;
      if (count) row.scored += t.scored;
    }
  };
  tally(evaluate_pack(rules_only, tickets), &CrossValidation::Row::rules, true);
  for (int k = 0; k < cv.folds; ++k) {
    std::vector<LabelledTicket> train, test;
    for (std::size_t i = 0; i < tickets.size(); ++i) {
      (static_cast<int>(i % static_cast<std::size_t>(cv.folds)) == k ? test : train)
          .push_back(tickets[i]);
    }
    const LearnedModel model = LearnedModel::train(train, dims, training);
    EngineOptions model_opts, combined_opts;
    model_opts.classifiers.push_back(
        make_learned_classifier(model, CombinePolicy::rules_first, weight));
    combined_opts.classifiers.push_back(make_learned_classifier(model, policy, weight));
    tally(evaluate_pack(*Engine::compile(no_rules, model_opts), test), &CrossValidation::Row::model,
          false);
    tally(evaluate_pack(*Engine::compile(pack, combined_opts), test),
          &CrossValidation::Row::combined, false);
  }
  for (auto& [name, row] : rows) cv.rows.push_back(row);
  return cv;
}

}  // namespace v1
}  // namespace triage
