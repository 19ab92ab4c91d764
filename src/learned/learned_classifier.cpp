#include "triage/learned_classifier.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <boost/json.hpp>

#include "base/json_util.hpp"
#include "learned/fused_linear.hpp"
#include "learned/learned_access.hpp"
#include "triage/engine.hpp"
#include "triage/evaluation.hpp"
#include "triage/fold.hpp"
#include "triage/text_features.hpp"
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

void LearnedAccess::naive_bayes_probs(const Dim& d, int bits, std::string_view text,
                                      std::vector<double>& out) {
  const auto features = text_features(text, bits);
  double n = 0;
  for (double c : d.docs) n += c;
  const double vocab = static_cast<double>(1u << bits);
  constexpr double alpha = 0.1;  // additive smoothing over the hashed feature space
  out.assign(d.values.size(), 0.0);
  for (std::size_t v = 0; v < d.values.size(); ++v) {
    double lp = std::log((d.docs[v] + 1) / (n + static_cast<double>(d.values.size())));
    for (auto f : features) {
      auto c = d.counts[v].find(f);
      const double count = c == d.counts[v].end() ? 0.0 : c->second;
      lp += std::log((count + alpha) / (d.totals[v] + alpha * vocab));
    }
    out[v] = lp;
  }
  const double mx = *std::max_element(out.begin(), out.end());
  double z = 0;
  for (double& l : out) z += (l = std::exp(l - mx));
  for (double& l : out) l /= z;
}

void LearnedAccess::probs(const LearnedModel& m, const Dim& d, const Ticket& t,
                          gsl::span<const std::uint32_t> features, std::vector<double>& out) {
  if (d.algorithm == Algorithm::linear) {
    out.resize(d.values.size());
    d.linear.predict(features, out);
  } else {
    naive_bayes_probs(d, m.bits_, detail::learned_text(t), out);
  }
}

std::string_view to_string(Algorithm a) noexcept {
  switch (a) {
    case Algorithm::naive_bayes:
      return "naive_bayes";
    case Algorithm::linear:
      return "linear";
    case Algorithm::automatic:
      return "auto";
  }
  return "naive_bayes";
}

std::optional<Algorithm> parse_algorithm(std::string_view s) noexcept {
  if (s == "nb" || s == "naive_bayes") return Algorithm::naive_bayes;
  if (s == "linear") return Algorithm::linear;
  if (s == "auto") return Algorithm::automatic;
  return std::nullopt;
}

std::vector<std::pair<std::string, double>> LearnedModel::predict(std::string_view dimension,
                                                                  std::string_view text) const {
  Ticket t;
  t.text = std::string(text);
  return predict(dimension, t);
}

std::vector<std::pair<std::string, double>> LearnedModel::predict(std::string_view dimension,
                                                                  const Ticket& ticket) const {
  std::vector<std::pair<std::string, double>> out;
  auto it = dims_.find(dimension);
  if (it == dims_.end() || it->second.values.empty()) return out;
  std::vector<std::uint32_t> features;
  if (it->second.algorithm == Algorithm::linear) linear_features(ticket, linear_bits_, features);
  std::vector<double> p;
  LearnedAccess::probs(*this, it->second, ticket, features, p);
  for (std::size_t v = 0; v < p.size(); ++v) out.emplace_back(it->second.values[v], p[v]);
  return out;
}

std::vector<std::string> LearnedModel::dimensions() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : dims_) out.push_back(k);
  return out;
}

const std::vector<std::string>* LearnedModel::values(std::string_view dimension) const {
  auto it = dims_.find(dimension);
  return it == dims_.end() ? nullptr : &it->second.values;
}

std::optional<Algorithm> LearnedModel::algorithm(std::string_view dimension) const {
  auto it = dims_.find(dimension);
  if (it == dims_.end()) return std::nullopt;
  return it->second.algorithm;
}

std::optional<Error> LearnedModel::check_against(const Pack& pack, const std::string& where) const {
  for (const auto& [name, d] : dims_) {
    // A structured binding is named through a plain reference: clang before 16 cannot capture one.
    const std::string& dim_id = name;
    auto dim = std::find_if(pack.dimensions.begin(), pack.dimensions.end(),
                            [&](const Dimension& x) { return x.id == dim_id; });
    if (dim == pack.dimensions.end()) {
      return make_error(Errc::pack_unknown_reference, where,
                        "the model was trained for a dimension \"" + name +
                            "\" that the pack does not declare: it belongs to another pack");
    }
    for (const auto& v : d.values) {
      if (std::none_of(dim->values.begin(), dim->values.end(),
                       [&](const auto& dv) { return dv.id == v; })) {
        return make_error(Errc::pack_unknown_reference, where,
                          "the model's dimension \"" + name + "\" has a value \"" + v +
                              "\" that the pack does not declare: it belongs to another pack");
      }
    }
  }
  return std::nullopt;
}

void LearnedModel::align(const Pack& pack) {
  for (auto& [name, d] : dims_) {
    if (d.algorithm != Algorithm::linear) continue;
    const std::string& dim_id = name;  // see check_against: clang before 16
    const auto dim = std::find_if(pack.dimensions.begin(), pack.dimensions.end(),
                                  [&](const Dimension& x) { return x.id == dim_id; });
    if (dim == pack.dimensions.end()) continue;
    std::vector<std::int32_t> order;
    std::vector<std::string> values;
    for (const auto& pv : dim->values) {
      auto it = std::find(d.values.begin(), d.values.end(), pv.id);
      order.push_back(it == d.values.end() ? -1 : static_cast<std::int32_t>(it - d.values.begin()));
      values.push_back(pv.id);
    }
    d.linear.reorder(order);
    d.values = std::move(values);
    d.pack_dimension = static_cast<std::int32_t>(dim - pack.dimensions.begin());
  }
}

std::string LearnedModel::to_json() const {
  boost::json::object dims;
  for (const auto& [name, d] : dims_) {
    boost::json::object o;
    o["algorithm"] = to_string(d.algorithm);
    if (d.algorithm == Algorithm::linear) {
      boost::json::array values;
      for (const auto& v : d.values) values.emplace_back(v);
      o["values"] = std::move(values);
      o["linear"] = d.linear.to_json();
    } else {
      boost::json::array values;
      for (std::size_t v = 0; v < d.values.size(); ++v) {
        boost::json::object counts;
        for (const auto& [f, c] : d.counts[v]) counts[std::to_string(f)] = c;
        values.push_back({{"value", d.values[v]},
                          {"docs", d.docs[v]},
                          {"total", d.totals[v]},
                          {"counts", std::move(counts)}});
      }
      o["values"] = std::move(values);
    }
    dims[name] = std::move(o);
  }
  return boost::json::serialize(
      boost::json::object{{"kind", "triage_model"},
                          {"version", 2},
                          {"features",
                           {{"naive_bayes", "folded han unigrams+bigrams, latin words"},
                            {"linear", linear_feature_set}}},
                          {"hash_bits", bits_},
                          {"linear_hash_bits", linear_bits_},
                          {"trained_on", trained_on_},
                          {"fingerprint", fingerprint_},
                          {"dimensions", std::move(dims)}});
}

namespace {
Result<LearnedAccess::Dim> naive_bayes_from_json(const boost::json::value& vals,
                                                 const std::string& where) {
  auto bad = [&](std::string_view what) { return make_error(Errc::pack_invalid, where, what); };
  if (!vals.is_array()) return bad("an array of values is required");
  LearnedAccess::Dim d;
  for (const auto& v : vals.get_array()) {
    if (!v.is_object() || !v.get_object().contains("value") || !v.at("value").is_string() ||
        !v.get_object().contains("counts") || !v.at("counts").is_object() ||
        !v.get_object().contains("docs") || !v.at("docs").is_number() ||
        !v.get_object().contains("total") || !v.at("total").is_number()) {
      return bad("each value needs value, docs, total and counts");
    }
    d.values.emplace_back(v.at("value").get_string());
    d.docs.push_back(v.at("docs").to_number<double>());
    d.totals.push_back(v.at("total").to_number<double>());
    std::map<std::uint32_t, double> counts;
    for (const auto& [f, c] : v.at("counts").get_object()) {
      char* end = nullptr;
      const std::string key(f);
      const unsigned long id = std::strtoul(key.c_str(), &end, 10);
      if (key.empty() || *end || !c.is_number()) return bad("counts map feature ids to numbers");
      counts[static_cast<std::uint32_t>(id)] = c.to_number<double>();
    }
    d.counts.push_back(std::move(counts));
  }
  return d;
}

Result<int> bits_at(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_int64() || it->value().get_int64() < 8 ||
      it->value().get_int64() > 24) {
    return make_error(Errc::pack_invalid, "/" + std::string(key),
                      "an integer from 8 to 24 is required");
  }
  return static_cast<int>(it->value().get_int64());
}
}  // namespace

Result<LearnedModel> LearnedModel::from_json(std::string_view json) {
  auto doc = parse_json(json, "model");
  if (!doc) return doc.error();
  auto bad = [](const std::string& where, std::string_view what) {
    return make_error(Errc::pack_invalid, where, what);
  };
  if (!doc->is_object()) return bad("", "a model must be a JSON object");
  const auto& o = doc->get_object();
  const auto kind = o.contains("kind") && o.at("kind").is_string()
                        ? std::string_view(o.at("kind").get_string())
                        : std::string_view();
  if (kind != "naive_bayes" && kind != "triage_model") {
    return bad("/kind", "unknown model kind; expected triage_model (or naive_bayes, version 1)");
  }
  LearnedModel m;
  TRIAGE_TRY(m.bits_, bits_at(o, "hash_bits"));
  if (!o.contains("dimensions") || !o.at("dimensions").is_object()) {
    return bad("/dimensions", "an object is required");
  }
  if (kind == "naive_bayes") {  // version 1: naive Bayes only
    for (const auto& [name, vals] : o.at("dimensions").get_object()) {
      Dim d;
      TRIAGE_TRY(d, naive_bayes_from_json(vals, "/dimensions/" + std::string(name)));
      m.dims_.emplace(std::string(name), std::move(d));
    }
    return m;
  }
  TRIAGE_TRY(m.linear_bits_, bits_at(o, "linear_hash_bits"));
  if (o.contains("fingerprint") && o.at("fingerprint").is_string()) {
    m.fingerprint_ = std::string(o.at("fingerprint").get_string());
  }
  if (o.contains("trained_on") && o.at("trained_on").is_int64()) {
    m.trained_on_ =
        static_cast<std::size_t>(std::max<std::int64_t>(0, o.at("trained_on").get_int64()));
  }
  for (const auto& [name, dv] : o.at("dimensions").get_object()) {
    const std::string where = "/dimensions/" + std::string(name);
    if (!dv.is_object()) return bad(where, "an object is required");
    const auto& d = dv.get_object();
    const auto algo = d.contains("algorithm") && d.at("algorithm").is_string()
                          ? parse_algorithm(d.at("algorithm").get_string())
                          : std::nullopt;
    if (!algo || *algo == Algorithm::automatic) {
      return bad(where + "/algorithm", "naive_bayes or linear is required");
    }
    if (!d.contains("values")) return bad(where + "/values", "an array is required");
    Dim dim;
    if (*algo == Algorithm::naive_bayes) {
      TRIAGE_TRY(dim, naive_bayes_from_json(d.at("values"), where + "/values"));
    } else {
      dim.algorithm = Algorithm::linear;
      if (!d.at("values").is_array()) return bad(where + "/values", "an array is required");
      for (const auto& v : d.at("values").get_array()) {
        if (!v.is_string()) return bad(where + "/values", "value ids are strings");
        dim.values.emplace_back(v.get_string());
      }
      if (!d.contains("linear") || !d.at("linear").is_object()) {
        return bad(where + "/linear", "an object is required");
      }
      TRIAGE_TRY(dim.linear, LinearModel::from_json(d.at("linear").get_object(), dim.values.size(),
                                                    m.linear_bits_, where + "/linear"));
    }
    m.dims_.emplace(std::string(name), std::move(dim));
  }
  return m;
}

namespace {
class Learned final : public Classifier {
 public:
  Learned(LearnedModel m, CombinePolicy p, double w,
          const std::map<std::string, double, std::less<>>& weights, double min_probability)
      : model_(std::move(m)), policy_(p), min_probability_(min_probability) {
    // Every linear dimension is scored in one pass over the ticket's features (FusedLinear):
    // one row table for all, and each feature's weights for every dimension side by side.
    for (const auto& [name, d] : LearnedAccess::dims(model_)) {
      const auto own = weights.find(name);
      weight_.push_back(own == weights.end() ? w : own->second);
      if (d.algorithm == Algorithm::linear) {
        fused_at_.push_back(linear_.size());
        linear_.push_back(&d.linear);
      } else {
        fused_at_.push_back(kNotLinear);
      }
    }
  }
  std::string_view name() const noexcept override { return "learned"; }
  void classify(const Ticket& ticket, Evaluation& ev) const override {
    // Scratch per thread: a warm linear dimension allocates nothing.
    thread_local std::vector<std::uint32_t> features;
    thread_local std::vector<double> probs;
    if (!linear_.empty()) {
      linear_features(ticket, LearnedAccess::linear_bits(model_), features);
      // Nothing to read (an empty text): the model has only its priors, and says nothing.
      if (features.empty()) return;
    }
    gsl::span<const double> fused;  // every linear dimension's probabilities, once asked for
    std::size_t i = 0;
    for (const auto& [dim, d] : LearnedAccess::dims(model_)) {
      const double weight = weight_[i];
      const std::size_t at = fused_at_[i++];
      if (d.values.empty()) continue;
      // rules_first: the model speaks only where the rules said nothing at all.
      if (policy_ == CombinePolicy::rules_first && ev.has_score(dim)) continue;
      if (at != kNotLinear) {
        const detail::FusedLinear& all = fused_rows();
        if (fused.empty()) fused = all.predict(features);
        const auto mine = fused.subspan(all.offset(at), d.values.size());
        probs.assign(mine.begin(), mine.end());
      } else {
        LearnedAccess::probs(model_, d, ticket, features, probs);
      }
      if (*std::max_element(probs.begin(), probs.end()) < min_probability_) continue;
      if (d.pack_dimension >= 0) {
        // Aligned to the engine's pack: every value by index, the whole distribution.
        for (double& p : probs) p *= weight;
        const auto at = static_cast<std::size_t>(d.pack_dimension);
        ev.add_scores(at, probs);
        if (policy_ == CombinePolicy::rules_first) ev.set_calibrated(at);
        continue;
      }
      if (policy_ == CombinePolicy::rules_first && d.algorithm == Algorithm::linear) {
        // The whole calibrated distribution: the confidence is the top probability.
        for (std::size_t v = 0; v < probs.size(); ++v) {
          ev.add_score(dim, d.values[v], weight * probs[v]);
        }
        ev.set_calibrated(dim);
      } else if (policy_ == CombinePolicy::rules_first) {
        const auto best =
            static_cast<std::size_t>(std::max_element(probs.begin(), probs.end()) - probs.begin());
        ev.add_score(dim, d.values[best], weight * probs[best]);
      } else {
        for (std::size_t v = 0; v < probs.size(); ++v) {
          ev.add_score(dim, d.values[v], weight * probs[v]);
        }
      }
    }
  }

 private:
  LearnedModel model_;
  CombinePolicy policy_;
  std::vector<double> weight_;  // per dimension in the model's order
  double min_probability_;
  static constexpr std::size_t kNotLinear = ~std::size_t{0};
  // Per dimension in the model's order: its model in `fused_`, or kNotLinear (naive Bayes).
  std::vector<std::size_t> fused_at_;
  std::vector<const LinearModel*> linear_;  // into model_, in fused order

  // The merged rows take a few milliseconds and megabytes to build: an engine pays for them on
  // its first model prediction, not when it is made (the built-in engine is ready sooner, and
  // an engine that never reaches the model never builds them). Built once, for every thread.
  const detail::FusedLinear& fused_rows() const {
    std::call_once(fused_once_, [this] { fused_ = detail::FusedLinear(linear_); });
    return fused_;
  }
  mutable std::once_flag fused_once_;
  mutable detail::FusedLinear fused_;
};
}  // namespace

std::shared_ptr<const Classifier> make_learned_classifier(LearnedModel model, CombinePolicy policy,
                                                          double weight, double min_probability) {
  return std::make_shared<Learned>(std::move(model), policy, weight,
                                   std::map<std::string, double, std::less<>>{}, min_probability);
}

std::shared_ptr<const Classifier> make_learned_classifier(
    LearnedModel model, CombinePolicy policy, double weight,
    const std::map<std::string, double, std::less<>>& weights, double min_probability) {
  return std::make_shared<Learned>(std::move(model), policy, weight, weights, min_probability);
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
  if (auto wrong = model->check_against(pack, "/model/file")) {
    wrong->message = pack.model->file + ": " + wrong->message;
    return *wrong;
  }
  model->align(pack);
  base.classifiers.push_back(make_learned_classifier(
      std::move(*model),
      pack.model->policy == "blend" ? CombinePolicy::blend : CombinePolicy::rules_first,
      pack.model->weight, pack.model->weights, pack.model->min_probability));
  return base;
}

}  // namespace v1
}  // namespace triage
