// Which language a ticket is written in: it picks the response language and feeds skills routing.
#pragma once

#include <string_view>

namespace triage {
inline namespace v1 {

/// "zh-Hans", "zh-Hant" or "en", from the script of the text: Han characters that fold to a
/// different (simplified) character mark traditional Chinese; text with no Han characters and
/// some Latin letters is English; anything else defaults to simplified Chinese.
std::string_view detect_language(std::string_view text) noexcept;

}  // namespace v1
}  // namespace triage
