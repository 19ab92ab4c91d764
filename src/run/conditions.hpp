// Internal: evaluating compiled conditions against an Evaluation.
#pragma once

#include <string>

#include "compile/compiled_pack.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

/// Does compiled condition node `n` hold for the ticket behind `ev`?
bool holds(const CompiledPack& cp, std::uint32_t n, const Evaluation& ev);

}  // namespace detail
}  // namespace v1
}  // namespace triage
