#include "triage/language.hpp"

#include "triage/fold.hpp"

namespace triage {
inline namespace v1 {

std::string_view detect_language(std::string_view text) noexcept {
  std::size_t han = 0, traditional = 0, latin = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp;
    i += decode_utf8(text, i, cp);
    if (is_han(cp)) {
      ++han;
      if (fold(cp) != cp) ++traditional;
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
