// Internal: the generated folding table (from → canonical), sorted by `from`.
#pragma once

#include <gsl/span>

namespace triage {
inline namespace v1 {
namespace detail {
struct FoldPair {
  char32_t from, to;
};
gsl::span<const FoldPair> fold_table() noexcept;
}  // namespace detail
}  // namespace v1
}  // namespace triage
