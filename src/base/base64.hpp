// Base64 (RFC 4648, with padding) for the binary arrays inside JSON model files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace triage {
inline namespace v1 {
namespace detail {

std::string base64_encode(const void* data, std::size_t size);
/// Nullopt when `text` is not base64.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace detail
}  // namespace v1
}  // namespace triage
