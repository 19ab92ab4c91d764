#include "learned/fused_linear.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace triage {
inline namespace v1 {
namespace detail {

namespace {

// As in linear_model.cpp: the AVX2 body is chosen at load time, except under sanitizers.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define TRIAGE_FUSED_CLONES
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define TRIAGE_FUSED_CLONES
#endif
#endif
#ifndef TRIAGE_FUSED_CLONES
#define TRIAGE_FUSED_CLONES __attribute__((target_clones("avx2", "default")))
#endif

constexpr std::size_t kLanes = 8;
constexpr std::uint64_t kEmpty = ~std::uint64_t{0};

std::size_t slot_of(std::uint32_t id, std::size_t mask) {
  return (static_cast<std::size_t>(id) * 0x9E3779B1u) & mask;
}

// Eight floats: one AVX register where the AVX2 body runs, two SSE ones elsewhere.
typedef float V8 __attribute__((vector_size(32)));

// acc[0..8·B) += v[cell] × the cell's row segment, cells in order: per class the same products
// and sums, in the same order, as LinearModel's add_rows over that group's cells (a feature the
// group lacks has v = 0 and zero weights, and adds exactly nothing). A product and then a sum,
// never fused into one rounding: neither body is built with FMA. The segment's sums stay in
// registers while the cells are walked.
template <std::size_t B>
[[gnu::always_inline]] inline void add_segment(const float* __restrict weights, std::size_t stride,
                                               const std::uint32_t* __restrict rows,
                                               std::size_t cells, const float* __restrict values,
                                               float* __restrict acc) {
  V8 sum[B];
  for (std::size_t b = 0; b < B; ++b) __builtin_memcpy(&sum[b], acc + b * kLanes, sizeof(V8));
  for (std::size_t i = 0; i < cells; ++i) {
    const float* __restrict w = weights + std::size_t{rows[i]} * stride;
    const V8 v = V8{} + values[i];
    for (std::size_t b = 0; b < B; ++b) {
      V8 x;  // unaligned: copied in, which becomes a vector load
      __builtin_memcpy(&x, w + b * kLanes, sizeof x);
      sum[b] += v * x;
    }
  }
  for (std::size_t b = 0; b < B; ++b) __builtin_memcpy(acc + b * kLanes, &sum[b], sizeof(V8));
}

// Every group's segment (widths a multiple of 8 floats), eight blocks of eight at a time.
TRIAGE_FUSED_CLONES void add_segments(const float* __restrict weights, std::size_t stride,
                                      gsl::span<const std::uint32_t> rows,
                                      const float* __restrict values, std::size_t groups,
                                      const std::size_t* __restrict lanes,
                                      const std::size_t* __restrict widths, float* __restrict acc) {
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t c = lanes[g], end = lanes[g] + widths[g]; c < end;) {
      const float* w = weights + c;
      const float* v = values + g * rows.size();
      switch (std::min<std::size_t>((end - c) / kLanes, 8)) {
        case 1:
          add_segment<1>(w, stride, rows.data(), rows.size(), v, acc + c);
          break;
        case 2:
          add_segment<2>(w, stride, rows.data(), rows.size(), v, acc + c);
          break;
        case 3:
          add_segment<3>(w, stride, rows.data(), rows.size(), v, acc + c);
          break;
        case 4:
          add_segment<4>(w, stride, rows.data(), rows.size(), v, acc + c);
          break;
        case 5:
          add_segment<5>(w, stride, rows.data(), rows.size(), v, acc + c);
          break;
        case 6:
          add_segment<6>(w, stride, rows.data(), rows.size(), v, acc + c);
          break;
        case 7:
          add_segment<7>(w, stride, rows.data(), rows.size(), v, acc + c);
          break;
        default:
          add_segment<8>(w, stride, rows.data(), rows.size(), v, acc + c);
          break;
      }
      c += std::min<std::size_t>(end - c, 8 * kLanes);
    }
  }
}

// 1 + log(tf) for the term frequencies most tickets have, computed as Vectorizer computes it.
struct LogTf {
  std::array<double, 64> v{};
  LogTf() {
    for (std::size_t k = 1; k < v.size(); ++k) v[k] = 1.0 + std::log(static_cast<double>(k));
  }
  double operator()(std::uint32_t tf) const noexcept {
    return tf < v.size() ? v[tf] : 1.0 + std::log(static_cast<double>(tf));
  }
};

struct Scratch {
  struct Seen {
    std::uint32_t epoch = 0;  // of the ticket that last saw the row
    std::uint32_t cell = 0;   // its cell, valid in that epoch
  };
  std::vector<Seen> seen;  // per row: repeats are counted without sorting, as in Vectorizer
  std::uint32_t epoch = 0;
  std::vector<std::uint32_t> rows, tf;  // per cell, in the order first seen
  std::vector<double> t;                // per cell: 1 + log tf
  std::vector<float> values;            // per group × cell, unit length per group
  std::vector<float> acc;
  std::vector<double> probs;
};

}  // namespace

FusedLinear::FusedLinear(const std::vector<const LinearModel*>& models) {
  // Groups: models with the same rows; the first of each stands for its row set.
  std::vector<const LinearModel*> first;
  for (const LinearModel* m : models) {
    Model mm;
    mm.group = first.size();
    for (std::size_t g = 0; g < first.size(); ++g) {
      if (first[g]->same_rows(*m)) {
        mm.group = g;
        break;
      }
    }
    if (mm.group == first.size()) {
      first.push_back(m);
      groups_.emplace_back();
    }
    mm.classes = m->classes_;
    mm.lane = groups_[mm.group].width;  // the unpadded width so far; padded below
    groups_[mm.group].width += m->classes_;
    mm.out = outputs_;
    outputs_ += m->classes_;
    mm.temperature = m->temperature_;
    models_.push_back(mm);
  }
  for (auto& g : groups_) {
    g.lane = width_;
    g.width = (g.width + kLanes - 1) / kLanes * kLanes;
    width_ += g.width;
  }
  for (auto& mm : models_) mm.lane += groups_[mm.group].lane;
  // The union of the row sets, ascending.
  std::vector<std::uint32_t> ids;
  for (const LinearModel* m : first) {
    std::vector<std::uint32_t> merged;
    merged.reserve(ids.size() + m->ids_.size());
    std::set_union(ids.begin(), ids.end(), m->ids_.begin(), m->ids_.end(),
                   std::back_inserter(merged));
    ids = std::move(merged);
  }
  const std::size_t groups = groups_.size();
  idf_.assign(ids.size() * groups, 0.0f);
  weights_.assign(ids.size() * width_, 0.0f);
  for (std::size_t g = 0; g < groups; ++g) {
    const auto& own = first[g]->ids_;
    std::vector<std::size_t> mine;  // the group's models
    for (std::size_t k = 0; k < models.size(); ++k) {
      if (models_[k].group == g) mine.push_back(k);
    }
    std::size_t u = 0;
    for (std::size_t r = 0; r < own.size(); ++r) {
      while (ids[u] != own[r]) ++u;  // both ascend and `ids` holds every one of `own`
      idf_[u * groups + g] = first[g]->idf_[r];
      float* to = weights_.data() + u * width_;
      for (const std::size_t k : mine) {
        const LinearModel& m = *models[k];
        std::memcpy(to + models_[k].lane, m.weights_.data() + r * m.stride_,
                    m.classes_ * sizeof(float));
      }
    }
  }
  for (const LinearModel* m : models) bias_.push_back(m->bias_);
  for (const auto& g : groups_) {
    lanes_.push_back(g.lane);
    widths_.push_back(g.width);
  }
  std::size_t cap = 16;
  while (cap < ids.size() * 2) cap <<= 1;
  table_.assign(cap, kEmpty);
  for (std::size_t r = 0; r < ids.size(); ++r) {
    std::size_t s = slot_of(ids[r], cap - 1);
    while (table_[s] != kEmpty) s = (s + 1) & (cap - 1);
    table_[s] = (std::uint64_t{ids[r]} << 32) | r;
  }
}

std::int64_t FusedLinear::row(std::uint32_t id) const noexcept {
  const std::size_t mask = table_.size() - 1;
  const std::uint64_t* table = table_.data();
  for (std::size_t s = slot_of(id, mask);; s = (s + 1) & mask) {
    const std::uint64_t e = table[s];
    if (e == kEmpty) return -1;
    if (static_cast<std::uint32_t>(e >> 32) == id)
      return static_cast<std::int64_t>(e & 0xFFFFFFFFu);
  }
}

gsl::span<const double> FusedLinear::predict(gsl::span<const std::uint32_t> features) const {
  static const LogTf log_tf;
  thread_local Scratch s;
  const std::size_t groups = groups_.size();
  const std::size_t rows = idf_.size() / std::max<std::size_t>(1, groups);
  if (s.seen.size() < rows) {
    s.seen.assign(rows, {});
    s.epoch = 0;
  }
  if (++s.epoch == 0) {  // wrapped: forget every stamp
    std::fill(s.seen.begin(), s.seen.end(), Scratch::Seen{});
    s.epoch = 1;
  }
  if (s.rows.size() < features.size()) {  // grows only: no allocation once warm
    s.rows.resize(features.size());
    s.tf.resize(features.size());
  }
  // 1. Each feature's row, once: repeats count as term frequency. The slots of features a few
  // places ahead are asked for while this one is looked up, so the waits for memory overlap.
  constexpr std::size_t kAhead = 8;
  const std::size_t mask = table_.size() - 1;
  std::size_t cells = 0;
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (i + kAhead < features.size())
      __builtin_prefetch(table_.data() + slot_of(features[i + kAhead], mask));
    const std::int64_t found = row(features[i]);
    if (found < 0) continue;
    const auto r = static_cast<std::uint32_t>(found);
    Scratch::Seen& seen = s.seen[r];
    if (seen.epoch != s.epoch) {
      // Asked for now, read in step 3: the idf and the weight row (its first three lines).
      __builtin_prefetch(idf_.data() + std::size_t{r} * groups);
      const float* w = weights_.data() + std::size_t{r} * width_;
      __builtin_prefetch(w);
      __builtin_prefetch(w + std::min<std::size_t>(16, width_ - 1));
      __builtin_prefetch(w + std::min<std::size_t>(32, width_ - 1));
      seen = {s.epoch, static_cast<std::uint32_t>(cells)};
      s.rows[cells] = r;
      s.tf[cells++] = 1;
    } else {
      ++s.tf[seen.cell];
    }
  }
  // 2. Per row set: (1 + log tf) × idf, of unit length (Vectorizer's arithmetic; each group's
  // sum of squares in the order of its cells). Values are laid out group by group.
  s.t.resize(cells);
  for (std::size_t i = 0; i < cells; ++i) s.t[i] = log_tf(s.tf[i]);
  s.values.resize(cells * groups);
  for (std::size_t g = 0; g < groups; ++g) {
    const float* idf = idf_.data() + g;
    double norm = 0;
    for (std::size_t i = 0; i < cells; ++i) {
      const double v = s.t[i] * idf[std::size_t{s.rows[i]} * groups];
      norm += v * v;
    }
    const double inv = norm > 0 ? 1.0 / std::sqrt(norm) : 1.0;  // unscaled when nothing found
    float* out = s.values.data() + g * cells;
    for (std::size_t i = 0; i < cells; ++i) {
      out[i] = static_cast<float>(s.t[i] * idf[std::size_t{s.rows[i]} * groups] * inv);
    }
  }
  // 3. Every class of every model, one row walk per cell.
  s.acc.assign(width_, 0.0f);
  add_segments(weights_.data(), width_, gsl::span<const std::uint32_t>(s.rows.data(), cells),
               s.values.data(), groups, lanes_.data(), widths_.data(), s.acc.data());
  // 4. Scores and the tempered softmax per model (LinearModel::predict's arithmetic).
  s.probs.resize(outputs_);
  for (std::size_t k = 0; k < models_.size(); ++k) {
    const Model& m = models_[k];
    const std::vector<float>& bias = bias_[k];
    double* p = s.probs.data() + m.out;
    for (std::size_t c = 0; c < m.classes; ++c) p[c] = bias[c] + s.acc[m.lane + c];
    double mx = -std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < m.classes; ++c) mx = std::max(mx, p[c] /= m.temperature);
    double z = 0;
    for (std::size_t c = 0; c < m.classes; ++c) z += (p[c] = std::exp(p[c] - mx));
    for (std::size_t c = 0; c < m.classes; ++c) p[c] /= z;
  }
  return s.probs;
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
