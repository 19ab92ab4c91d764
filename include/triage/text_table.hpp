// Terminal tables that stay aligned when cells hold long names or wide (CJK) text: columns are
// sized by display width, not by bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace triage {
inline namespace v1 {

/// Terminal cells a UTF-8 text takes: East Asian wide and full-width characters two, combining
/// marks and zero-width characters none, everything else (invalid bytes included) one.
std::size_t display_width(std::string_view utf8) noexcept;

/// A table as plain values: a header row, which columns hold numbers (right-aligned), the rows.
struct TextTable {
  std::vector<std::string> header;
  std::vector<bool> numeric;  ///< per column; missing entries are text (left-aligned)
  std::vector<std::vector<std::string>> rows;
};

/// Every line starts with `indent`; columns are two spaces apart and as wide as their widest
/// cell; no line ends in spaces.
std::string render(const TextTable& table, std::string_view indent = "");

}  // namespace v1
}  // namespace triage
