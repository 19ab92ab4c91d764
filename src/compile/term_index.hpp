// Internal: the keyword → term id index a pack's compile interns its keywords with.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace triage {
inline namespace v1 {
namespace detail {

/// Open addressing over one flat array of (hash tag, id) slots; the keywords themselves stay in
/// the caller's vector, found by id. Loading a 100× compiled pack interns a million keywords:
/// a node-based map spent a third of the load in cache misses (bucket, node, string) and in
/// allocating and freeing a node per keyword. Here a probe is one slot, and a miss usually
/// ends there.
class TermIndex {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;

  /// Room for `n` keywords without growing; `terms` are those indexed so far.
  void reserve(std::size_t n, const std::vector<std::string>& terms) {
    if (2 * n > slots_.size()) rebuild(2 * n, terms, terms.size());
  }

  /// The id of `kw` among `terms`, or npos.
  std::uint32_t find(std::string_view kw, const std::vector<std::string>& terms) const {
    if (slots_.empty()) return npos;
    const std::uint64_t h = hash(kw);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint64_t s = slots_[i];
      if (s == 0) return npos;
      const auto id = static_cast<std::uint32_t>(s) - 1;
      if ((s >> 32) == (h >> 32) && terms[id] == kw) return id;
    }
  }

  /// Adds the last of `terms` (not yet present) under its position; the others are indexed.
  void add_last(const std::vector<std::string>& terms) {
    const auto id = static_cast<std::uint32_t>(terms.size() - 1);
    if (2 * terms.size() > slots_.size()) {
      rebuild(std::max<std::size_t>(64, 4 * terms.size()), terms, id);
    }
    place(hash(terms[id]), id);
  }

 private:
  static std::uint64_t hash(std::string_view s) {
    const std::uint64_t h = std::hash<std::string_view>{}(s);
    return h | (std::uint64_t{1} << 63);  // a tag is never 0, so a slot is never 0 (empty)
  }
  void place(std::uint64_t h, std::uint32_t id) {
    std::size_t i = h & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = (h >> 32 << 32) | (std::uint64_t{id} + 1);
  }
  // The first `indexed` terms are placed again in a larger array.
  void rebuild(std::size_t at_least, const std::vector<std::string>& terms, std::size_t indexed) {
    std::size_t size = 64;
    while (size < at_least) size *= 2;
    slots_.assign(size, 0);
    mask_ = size - 1;
    for (std::size_t id = 0; id < indexed; ++id) {
      place(hash(terms[id]), static_cast<std::uint32_t>(id));
    }
  }

  std::vector<std::uint64_t> slots_;
  std::size_t mask_ = 0;
};

}  // namespace detail
}  // namespace v1
}  // namespace triage
