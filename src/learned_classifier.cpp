#include "triage/learned_classifier.hpp"

#include <cmath>

#include <boost/json.hpp>

#include "json_util.hpp"
#include "triage/engine.hpp"
#include "triage/evaluation.hpp"
#include "triage/fold.hpp"
#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {

namespace {
std::uint32_t fnv1a(std::string_view s, std::uint32_t seed) {
  std::uint32_t h = 2166136261u ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

std::string ticket_text(const Ticket& t) {
  return (t.subject ? *t.subject + " " : std::string()) + t.text;
}
}  // namespace

std::vector<std::uint32_t> text_features(std::string_view text, int hash_bits) {
  const std::uint32_t mask = (1u << hash_bits) - 1;
  std::vector<std::uint32_t> out;
  std::string word;
  char32_t prev_han = 0;
  auto flush_word = [&] {
    if (word.size() >= 2) out.push_back(fnv1a(word, 1) & mask);
    word.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp;
    i += decode_utf8(text, i, cp);
    cp = fold(cp);
    if (is_han(cp)) {
      flush_word();
      std::string u;
      append_utf8(u, cp);
      out.push_back(fnv1a(u, 2) & mask);
      if (prev_han) {
        std::string b;
        append_utf8(b, prev_han);
        append_utf8(b, cp);
        out.push_back(fnv1a(b, 3) & mask);
      }
      prev_han = cp;
    } else {
      prev_han = 0;
      if (is_word_char(cp))
        append_utf8(word, cp);
      else
        flush_word();
    }
  }
  flush_word();
  return out;
}

LearnedModel LearnedModel::train(gsl::span<const LabelledTicket> tickets,
                                 const std::vector<std::string>& dimensions, int hash_bits) {
  LearnedModel m;
  m.bits_ = hash_bits;
  for (const auto& lt : tickets) {
    const auto features = text_features(ticket_text(lt.ticket), hash_bits);
    for (const auto& d : dimensions) {
      auto want = lt.expected.find(d);
      if (want == lt.expected.end()) continue;
      Dim& dim = m.dims_[d];
      auto it = std::find(dim.values.begin(), dim.values.end(), want->second);
      std::size_t v = static_cast<std::size_t>(it - dim.values.begin());
      if (it == dim.values.end()) {
        dim.values.push_back(want->second);
        dim.docs.push_back(0);
        dim.counts.emplace_back();
        dim.totals.push_back(0);
      }
      dim.docs[v] += 1;
      for (auto f : features) {
        dim.counts[v][f] += 1;
        dim.totals[v] += 1;
      }
    }
  }
  return m;
}

std::vector<std::pair<std::string, double>> LearnedModel::predict(std::string_view dimension,
                                                                  std::string_view text) const {
  std::vector<std::pair<std::string, double>> out;
  auto it = dims_.find(dimension);
  if (it == dims_.end() || it->second.values.empty()) return out;
  const Dim& d = it->second;
  const auto features = text_features(text, bits_);
  double n = 0;
  for (double c : d.docs) n += c;
  const double vocab = static_cast<double>(1u << bits_);
  constexpr double alpha = 0.1;  // additive smoothing over the hashed feature space
  std::vector<double> logp(d.values.size());
  for (std::size_t v = 0; v < d.values.size(); ++v) {
    double lp = std::log((d.docs[v] + 1) / (n + static_cast<double>(d.values.size())));
    for (auto f : features) {
      auto c = d.counts[v].find(f);
      const double count = c == d.counts[v].end() ? 0.0 : c->second;
      lp += std::log((count + alpha) / (d.totals[v] + alpha * vocab));
    }
    logp[v] = lp;
  }
  const double mx = *std::max_element(logp.begin(), logp.end());
  double z = 0;
  for (double& l : logp) z += (l = std::exp(l - mx));
  for (std::size_t v = 0; v < d.values.size(); ++v) out.emplace_back(d.values[v], logp[v] / z);
  return out;
}

std::vector<std::string> LearnedModel::dimensions() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : dims_) out.push_back(k);
  return out;
}

std::string LearnedModel::to_json() const {
  boost::json::object dims;
  for (const auto& [name, d] : dims_) {
    boost::json::array values;
    for (std::size_t v = 0; v < d.values.size(); ++v) {
      boost::json::object counts;
      for (const auto& [f, c] : d.counts[v]) counts[std::to_string(f)] = c;
      values.push_back({{"value", d.values[v]},
                        {"docs", d.docs[v]},
                        {"total", d.totals[v]},
                        {"counts", std::move(counts)}});
    }
    dims[name] = std::move(values);
  }
  return boost::json::serialize(
      boost::json::object{{"kind", "naive_bayes"},
                          {"features", "folded han unigrams+bigrams, latin words"},
                          {"hash_bits", bits_},
                          {"dimensions", std::move(dims)}});
}

Result<LearnedModel> LearnedModel::from_json(std::string_view json) {
  auto doc = parse_json(json, "model");
  if (!doc) return doc.error();
  auto bad = [](const std::string& where, std::string_view what) {
    return make_error(Errc::pack_invalid, where, what);
  };
  if (!doc->is_object()) return bad("", "a model must be a JSON object");
  const auto& o = doc->get_object();
  if (!o.contains("kind") || o.at("kind") != "naive_bayes") {
    return bad("/kind", "unknown model kind; expected naive_bayes");
  }
  LearnedModel m;
  if (!o.contains("hash_bits") || !o.at("hash_bits").is_int64() ||
      o.at("hash_bits").get_int64() < 8 || o.at("hash_bits").get_int64() > 24) {
    return bad("/hash_bits", "an integer from 8 to 24 is required");
  }
  m.bits_ = static_cast<int>(o.at("hash_bits").get_int64());
  if (!o.contains("dimensions") || !o.at("dimensions").is_object()) {
    return bad("/dimensions", "an object is required");
  }
  for (const auto& [name, vals] : o.at("dimensions").get_object()) {
    const std::string where = "/dimensions/" + std::string(name);
    if (!vals.is_array()) return bad(where, "an array of values is required");
    Dim d;
    for (const auto& v : vals.get_array()) {
      if (!v.is_object() || !v.get_object().contains("value") || !v.at("value").is_string() ||
          !v.get_object().contains("counts") || !v.at("counts").is_object()) {
        return bad(where, "each value needs value, docs, total and counts");
      }
      d.values.emplace_back(v.at("value").get_string());
      d.docs.push_back(v.at("docs").to_number<double>());
      d.totals.push_back(v.at("total").to_number<double>());
      std::map<std::uint32_t, double> counts;
      for (const auto& [f, c] : v.at("counts").get_object()) {
        counts[static_cast<std::uint32_t>(std::stoul(std::string(f)))] = c.to_number<double>();
      }
      d.counts.push_back(std::move(counts));
    }
    m.dims_.emplace(std::string(name), std::move(d));
  }
  return m;
}

namespace {
class Learned final : public Classifier {
 public:
  Learned(LearnedModel m, CombinePolicy p, double w)
      : model_(std::move(m)), policy_(p), weight_(w) {}
  std::string_view name() const noexcept override { return "learned"; }
  void classify(const Ticket& ticket, Evaluation& ev) const override {
    const std::string text = ticket_text(ticket);
    for (const auto& dim : model_.dimensions()) {
      const auto probs = model_.predict(dim, text);
      if (probs.empty()) continue;
      if (policy_ == CombinePolicy::rules_first) {
        // Only where the rules said nothing at all.
        if (ev.has_score(dim)) continue;
        auto best = std::max_element(probs.begin(), probs.end(),
                                     [](auto& a, auto& b) { return a.second < b.second; });
        ev.add_score(dim, best->first, weight_ * best->second);
      } else {
        for (const auto& [value, p] : probs) ev.add_score(dim, value, weight_ * p);
      }
    }
  }

 private:
  LearnedModel model_;
  CombinePolicy policy_;
  double weight_;
};
}  // namespace

std::shared_ptr<const Classifier> make_learned_classifier(LearnedModel model, CombinePolicy policy,
                                                          double weight) {
  return std::make_shared<Learned>(std::move(model), policy, weight);
}

Result<EngineOptions> with_pack_model(
    const Pack& pack, EngineOptions base,
    const std::function<Result<std::string>(const std::string&)>& read) {
  if (!pack.model) return base;
  auto text = read(pack.model->file);
  if (!text) return text.error();
  auto model = LearnedModel::from_json(*text);
  if (!model) {
    Error e = model.error();
    e.message = pack.model->file + ": " + e.message;
    return e;
  }
  base.classifiers.push_back(make_learned_classifier(
      std::move(*model),
      pack.model->policy == "blend" ? CombinePolicy::blend : CombinePolicy::rules_first,
      pack.model->weight));
  return base;
}

CrossValidation cross_validate(const Pack& pack, gsl::span<const LabelledTicket> tickets,
                               CombinePolicy policy, int folds) {
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
    const LearnedModel model = LearnedModel::train(train, dims);
    EngineOptions model_opts, combined_opts;
    model_opts.classifiers.push_back(make_learned_classifier(model, CombinePolicy::blend));
    combined_opts.classifiers.push_back(make_learned_classifier(model, policy));
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
