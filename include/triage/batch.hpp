// One JSON line in, one JSON line out: the contract shared by `triage diagnose`, the C ABI's
// batch call and the Python binding. A bad line yields an error object, never a gap.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "triage/engine.hpp"

namespace triage {
inline namespace v1 {

struct LineResult {
  std::string json;            ///< the diagnosis, or {"line": N, "error": {"code", "message"}}
  std::optional<Error> error;  ///< set when the line failed
};

/// Diagnoses one line of JSONL (`line_number` is 1-based and only used in error objects).
LineResult diagnose_line(const Engine& engine, std::string_view line, std::size_t line_number,
                         Evaluation& scratch, const DiagnoseOptions& opts = {});

/// The error object written in place of a diagnosis.
std::string error_line(std::size_t line_number, const Error& e);

/// True for lines that hold nothing but white space (they are skipped, not answered).
bool is_blank(std::string_view line) noexcept;

}  // namespace v1
}  // namespace triage
