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

// acc[0..8·B) += v_b[cell] × the cell's row block b, cells in order: per class the same
// products and sums, in the same order, as LinearModel's add_rows over that group's cells (a
// feature the group lacks has v = 0 and zero weights, and adds exactly nothing). A product and
// then a sum, never fused into one rounding: neither body is built with FMA. The blocks may
// belong to different groups (each with its own values), so that one walk over a cell's row
// feeds every group's sums at once: B independent chains of additions instead of one group's
// few at a time.
template <std::size_t B>
[[gnu::always_inline]] inline void add_blocks(const float* __restrict weights, std::size_t stride,
                                              const std::uint32_t* __restrict rows,
                                              std::size_t cells, const float* const* values,
                                              float* __restrict acc) {
  V8 sum[B];
  const float* v[B];
  for (std::size_t b = 0; b < B; ++b) {
    __builtin_memcpy(&sum[b], acc + b * kLanes, sizeof(V8));
    v[b] = values[b];
  }
  for (std::size_t i = 0; i < cells; ++i) {
    const float* __restrict w = weights + std::size_t{rows[i]} * stride;
    for (std::size_t b = 0; b < B; ++b) {
      V8 x;  // unaligned: copied in, which becomes a vector load
      __builtin_memcpy(&x, w + b * kLanes, sizeof x);
      sum[b] += (V8{} + v[b][i]) * x;
    }
  }
  for (std::size_t b = 0; b < B; ++b) __builtin_memcpy(acc + b * kLanes, &sum[b], sizeof(V8));
}

// Every block of eight floats of the weight rows, eight blocks at a time; block k's values are
// those of its group, `values + block_group[k] × cells`.
TRIAGE_FUSED_CLONES void add_segments(const float* __restrict weights, std::size_t stride,
                                      gsl::span<const std::uint32_t> rows,
                                      const float* __restrict values,
                                      gsl::span<const std::uint32_t> block_group,
                                      float* __restrict acc) {
  const std::size_t cells = rows.size();
  for (std::size_t first = 0; first < block_group.size(); first += 8) {
    const std::size_t n = std::min<std::size_t>(block_group.size() - first, 8);
    const float* v[8];
    for (std::size_t k = 0; k < n; ++k) v[k] = values + block_group[first + k] * cells;
    const float* w = weights + first * kLanes;
    float* a = acc + first * kLanes;
    switch (n) {
      case 1:
        add_blocks<1>(w, stride, rows.data(), cells, v, a);
        break;
      case 2:
        add_blocks<2>(w, stride, rows.data(), cells, v, a);
        break;
      case 3:
        add_blocks<3>(w, stride, rows.data(), cells, v, a);
        break;
      case 4:
        add_blocks<4>(w, stride, rows.data(), cells, v, a);
        break;
      case 5:
        add_blocks<5>(w, stride, rows.data(), cells, v, a);
        break;
      case 6:
        add_blocks<6>(w, stride, rows.data(), cells, v, a);
        break;
      case 7:
        add_blocks<7>(w, stride, rows.data(), cells, v, a);
        break;
      default:
        add_blocks<8>(w, stride, rows.data(), cells, v, a);
        break;
    }
  }
}

// Step 2 of predict for the row sets [first, first + m) of `groups` (m = G, or any number up to
// 16 when G is 0): each group's values are (1 + log tf) × idf scaled to unit length, the sum of
// squares taken in the order of the cells as Vectorizer does. The groups are walked side by
// side, so their sums are independent chains rather than one after another.
template <std::size_t G>
void normalise(const std::vector<double>& t, const std::uint32_t* rows, std::size_t cells,
               const float* idf_rows, std::size_t groups, std::size_t first, std::size_t m,
               float* values) {
  constexpr std::size_t kMax = G != 0 ? G : 16;
  const std::size_t n = G != 0 ? G : m;
  double norm[kMax] = {};
  for (std::size_t i = 0; i < cells; ++i) {
    const float* idf = idf_rows + std::size_t{rows[i]} * groups + first;
    for (std::size_t g = 0; g < n; ++g) {
      const double v = t[i] * idf[g];
      norm[g] += v * v;
    }
  }
  double inv[kMax];
  for (std::size_t g = 0; g < n; ++g) inv[g] = norm[g] > 0 ? 1.0 / std::sqrt(norm[g]) : 1.0;
  for (std::size_t i = 0; i < cells; ++i) {
    const float* idf = idf_rows + std::size_t{rows[i]} * groups + first;
    for (std::size_t g = 0; g < n; ++g) {
      values[(first + g) * cells + i] = static_cast<float>(t[i] * idf[g] * inv[g]);
    }
  }
}

// A dimension's few weights of one row: copies of constant size the compiler inlines, where a
// call to memcpy for each of the model's quarter of a million (row, dimension) pairs was a
// third of building the merged rows.
inline void copy_floats(float* to, const float* from, std::size_t n) noexcept {
  for (; n >= 4; n -= 4, to += 4, from += 4) __builtin_memcpy(to, from, 4 * sizeof(float));
  for (; n > 0; --n) *to++ = *from++;
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
        copy_floats(to + models_[k].lane, m.weights_.data() + r * m.stride_, m.classes_);
      }
    }
  }
  for (const LinearModel* m : models) bias_.push_back(m->bias_);
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    for (std::size_t k = 0; k < groups_[g].width / kLanes; ++k) {
      block_group_.push_back(static_cast<std::uint32_t>(g));
    }
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
  // The scratch's arrays and the table are read through locals: the thread-local storage's
  // address and the members would otherwise be reloaded for every feature.
  constexpr std::size_t kAhead = 8;
  const std::size_t mask = table_.size() - 1;
  const std::uint64_t* const table = table_.data();
  const float* const idf_rows = idf_.data();
  const float* const weights = weights_.data();
  const std::size_t width = width_;
  Scratch::Seen* const seen_rows = s.seen.data();
  std::uint32_t* const cell_rows = s.rows.data();
  std::uint32_t* const tf = s.tf.data();
  const std::uint32_t epoch = s.epoch;
  const std::uint32_t* const ids = features.data();
  const std::size_t count = features.size();
  std::size_t cells = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (i + kAhead < count) __builtin_prefetch(table + slot_of(ids[i + kAhead], mask));
    const std::int64_t found = row(ids[i]);
    if (found < 0) continue;
    const auto r = static_cast<std::uint32_t>(found);
    Scratch::Seen& seen = seen_rows[r];
    if (seen.epoch != epoch) {
      // Asked for now, read in step 3: the idf and the weight row (its first three lines).
      __builtin_prefetch(idf_rows + std::size_t{r} * groups);
      const float* w = weights + std::size_t{r} * width;
      __builtin_prefetch(w);
      __builtin_prefetch(w + std::min<std::size_t>(16, width - 1));
      __builtin_prefetch(w + std::min<std::size_t>(32, width - 1));
      seen = {epoch, static_cast<std::uint32_t>(cells)};
      cell_rows[cells] = r;
      tf[cells++] = 1;
    } else {
      ++tf[seen.cell];
    }
  }
  // 2. Per row set: (1 + log tf) × idf, of unit length (Vectorizer's arithmetic; each group's
  // sum of squares in the order of its cells, unscaled when nothing was found). Values are laid
  // out group by group.
  s.t.resize(cells);
  for (std::size_t i = 0; i < cells; ++i) s.t[i] = log_tf(s.tf[i]);
  s.values.resize(cells * groups);
  switch (groups) {
    case 1:
      normalise<1>(s.t, s.rows.data(), cells, idf_.data(), groups, 0, 1, s.values.data());
      break;
    case 2:
      normalise<2>(s.t, s.rows.data(), cells, idf_.data(), groups, 0, 2, s.values.data());
      break;
    case 3:
      normalise<3>(s.t, s.rows.data(), cells, idf_.data(), groups, 0, 3, s.values.data());
      break;
    case 4:
      normalise<4>(s.t, s.rows.data(), cells, idf_.data(), groups, 0, 4, s.values.data());
      break;
    default:
      for (std::size_t first = 0; first < groups; first += 16) {
        normalise<0>(s.t, s.rows.data(), cells, idf_.data(), groups, first,
                     std::min<std::size_t>(groups - first, 16), s.values.data());
      }
      break;
  }
  // 3. Every class of every model, one row walk per cell.
  s.acc.assign(width_, 0.0f);
  add_segments(weights_.data(), width_, gsl::span<const std::uint32_t>(s.rows.data(), cells),
               s.values.data(), block_group_, s.acc.data());
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
