// Internal: the one routine that answers a line of a batch — diagnose_line, diagnose_stream (and
// through them the CLI, the C ABI and Python) all answer through it.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "triage/batch.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

/// Called with each ticket and its diagnosis once the answer is written (the linked stream adds
/// them to its linker).
using Diagnosed = std::function<void(const Ticket&, const Diagnosis&)>;

/// Appends the answer to one line to `out` as `selection` says — the diagnosis of `ticket`, or,
/// when the line did not parse, the error that takes its place — and returns that error.
/// Exceptions (a host classifier that threw, memory that ran out) pass through to the caller,
/// which decides what they mean for the line.
std::optional<Error> answer_line(const Engine& engine, const Result<Ticket>& ticket,
                                 std::size_t line_number, Evaluation& scratch,
                                 const DiagnoseOptions& opts, const Selection& selection,
                                 std::string& out, const Diagnosed& diagnosed = {});

}  // namespace detail
}  // namespace v1
}  // namespace triage
