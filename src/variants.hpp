// Internal: regional phrasings of a keyword (软件 → 軟體, 网络 → 網路), from OpenCC's phrase
// dictionaries. Character-level folding is the fold table's job; this adds the words that
// differ between regions, not just the characters.
#pragma once

#include <string>
#include <vector>

namespace triage {
inline namespace v1 {
namespace detail {
/// The keyword's phrase variants (not including itself); empty when OpenCC's data is missing.
std::vector<std::string> regional_variants(const std::string& keyword);
}  // namespace detail
}  // namespace v1
}  // namespace triage
