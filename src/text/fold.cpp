#include "triage/fold.hpp"

#include <algorithm>

#include "text/fold_table.hpp"

namespace triage {
inline namespace v1 {
namespace detail {
namespace {
constexpr FoldPair kFold[] = {
#include "fold_table.inc"
};
}  // namespace
gsl::span<const FoldPair> fold_table() noexcept {
  return kFold;
}
}  // namespace detail

char32_t fold(char32_t cp) noexcept {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  const auto t = detail::fold_table();
  auto it = std::lower_bound(t.begin(), t.end(), cp,
                             [](const detail::FoldPair& p, char32_t c) { return p.from < c; });
  return (it != t.end() && it->from == cp) ? it->to : cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string fold(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t cp;
    i += decode_utf8(utf8, i, cp);
    append_utf8(out, fold(cp));
  }
  return out;
}

bool is_valid_utf8(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp;
    const std::size_t n = decode_utf8(text, i, cp);
    if (cp == 0xFFFD && n == 1) return false;  // a literal U+FFFD decodes as 3 bytes
    i += n;
  }
  return true;
}

}  // namespace v1
}  // namespace triage
