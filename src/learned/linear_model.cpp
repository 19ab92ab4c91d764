#include "triage/linear_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <unordered_map>

#include <boost/json.hpp>

#include "base/base64.hpp"
#include "learned/vectorizer.hpp"

namespace triage {
inline namespace v1 {
using detail::kUnseen;
using detail::Vectorizer;

namespace {

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

namespace {
constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
std::size_t slot_of(std::uint32_t id, std::size_t mask) {
  return (static_cast<std::size_t>(id) * 0x9E3779B1u) & mask;
}
}  // namespace

void LinearModel::build_table() {
  std::size_t cap = 16;
  while (cap < ids_.size() * 2) cap <<= 1;
  auto table = std::make_shared<std::vector<std::uint64_t>>(cap, kEmpty);
  auto& t = *table;
  for (std::size_t r = 0; r < ids_.size(); ++r) {
    std::size_t s = slot_of(ids_[r], cap - 1);
    while (t[s] != kEmpty) s = (s + 1) & (cap - 1);
    t[s] = (std::uint64_t{ids_[r]} << 32) | r;
  }
  table_ = t;
  table_keep_ = std::move(table);
}

std::int64_t LinearModel::row(std::uint32_t id) const noexcept {
  const std::size_t mask = table_.size() - 1;
  const std::uint64_t* table = table_.data();  // unchecked: the hot path's every feature
  for (std::size_t s = slot_of(id, mask);; s = (s + 1) & mask) {
    const std::uint64_t e = table[s];
    if (e == kEmpty) return -1;
    if (static_cast<std::uint32_t>(e >> 32) == id)
      return static_cast<std::int64_t>(e & 0xFFFFFFFFu);
  }
}

void LinearModel::set_weights(const std::vector<float>& dense) {
  stride_ = (classes_ + kLanes - 1) / kLanes * kLanes;
  auto weights = std::make_shared<std::vector<float>>(ids_.size() * stride_, 0.0f);
  for (std::size_t r = 0; r < ids_.size(); ++r) {
    std::copy_n(dense.begin() + static_cast<std::ptrdiff_t>(r * classes_), classes_,
                weights->begin() + static_cast<std::ptrdiff_t>(r * stride_));
  }
  weights_ = *weights;
  weights_keep_ = std::move(weights);
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
  bool identity = k == classes_;
  for (std::size_t c = 0; identity && c < k; ++c) identity = order[c] == static_cast<int>(c);
  if (identity) return;  // already in this order (a compiled pack stores it so)
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
