// Character folding for matching: Latin case, full-width forms and traditional Chinese all
// fold to one canonical code point. The table is generated at build time from utf8proc
// (NFKC + case folding) and OpenCC (traditional → simplified characters); see tools/gen_fold.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace triage {
inline namespace v1 {

/// The canonical form of one code point (itself when nothing folds it).
char32_t fold(char32_t cp) noexcept;

/// Folds every code point of valid UTF-8 text; invalid bytes become U+FFFD.
std::string fold(std::string_view utf8);

/// Decodes one code point at `pos`; returns its byte length (1 with U+FFFD for invalid bytes).
/// Never reads past `text.size()`.
inline std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& cp) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size() - pos;
  const unsigned char b0 = s[pos];
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  auto cont = [&](std::size_t i) { return i < n && (s[pos + i] & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    cp = (char32_t(b0 & 0x1F) << 6) | (s[pos + 1] & 0x3F);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    cp = (char32_t(b0 & 0x0F) << 12) | (char32_t(s[pos + 1] & 0x3F) << 6) | (s[pos + 2] & 0x3F);
    if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) return 3;
  } else if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    cp = (char32_t(b0 & 0x07) << 18) | (char32_t(s[pos + 1] & 0x3F) << 12) |
         (char32_t(s[pos + 2] & 0x3F) << 6) | (s[pos + 3] & 0x3F);
    if (cp >= 0x10000 && cp <= 0x10FFFF) return 4;
  }
  cp = 0xFFFD;
  return 1;
}

/// Appends the UTF-8 encoding of `cp`.
void append_utf8(std::string& out, char32_t cp);

/// True when the whole text is valid UTF-8.
bool is_valid_utf8(std::string_view text) noexcept;

/// A Latin letter or digit (half- or full-width, after folding): where word boundaries apply.
inline bool is_word_char(char32_t folded) noexcept {
  return (folded >= 'a' && folded <= 'z') || (folded >= '0' && folded <= '9') ||
         (folded >= 0xC0 && folded <= 0x24F && folded != 0xD7 && folded != 0xF7);
}

/// True for Han ideographs (CJK Unified Ideographs and extension A).
inline bool is_han(char32_t cp) noexcept {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

}  // namespace v1
}  // namespace triage
