#include "triage/language.hpp"

#include <array>
#include <cstdint>

#include "text/fold_table.hpp"
#include "triage/fold.hpp"

namespace triage {
inline namespace v1 {

namespace {
// The Han blocks is_han() covers, one bit per character: set when folding changes it (a
// traditional form). Read off the folding table once, so that counting traditional characters
// costs a bit test rather than a search of the table per character.
constexpr char32_t kHanFirst = 0x3400, kHanLast = 0x9FFF;
using HanBits = std::array<std::uint64_t, (kHanLast - kHanFirst) / 64 + 1>;

const HanBits& traditional_han() noexcept {
  static const HanBits bits = [] {
    HanBits b{};
    for (const auto& p : detail::fold_table()) {
      if (p.from < kHanFirst || p.from > kHanLast || !is_han(p.from) || p.to == p.from) continue;
      const auto i = static_cast<std::size_t>(p.from - kHanFirst);
      b[i / 64] |= std::uint64_t{1} << (i % 64);
    }
    return b;
  }();
  return bits;
}
}  // namespace

std::string_view detect_language(std::string_view text) noexcept {
  const HanBits& traditional_bits = traditional_han();
  std::size_t han = 0, traditional = 0, latin = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp;
    i += decode_utf8(text, i, cp);
    if (is_han(cp)) {
      ++han;
      const auto b = static_cast<std::size_t>(cp - kHanFirst);
      if ((traditional_bits[b / 64] >> (b % 64)) & 1u) ++traditional;
    } else if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') {
      ++latin;
    }
  }
  if (han == 0) return latin > 0 ? "en" : "zh-Hans";
  // Most characters are shared by both scripts; a few traditional-only ones decide.
  return traditional * 20 >= han && traditional > 0 ? "zh-Hant" : "zh-Hans";
}

}  // namespace v1
}  // namespace triage
