// Internal: regional phrasings of a keyword (软件 → 軟體, 网络 → 網路), from OpenCC's phrase
// dictionaries. Character-level folding is the fold table's job; this adds the words that
// differ between regions, not just the characters.
#pragma once

#include <string>
#include <vector>

#include <gsl/span>

namespace triage {
inline namespace v1 {
namespace detail {
/// Each keyword's phrase variants (not including itself), `out[i]` for `keywords[i]`; empty when
/// OpenCC's data is missing. One OpenCC call per
/// dictionary for the whole list, since a call costs far more than the characters it converts
/// (a pack's thousands of keywords one by one were most of the time it took to compile).
std::vector<std::vector<std::string>> regional_variants(gsl::span<const std::string> keywords);
}  // namespace detail
}  // namespace v1
}  // namespace triage
