// Internal: the steps that run after classification and read its labels — urgency and routing.
#pragma once

#include <vector>

#include "compiled_pack.hpp"
#include "triage/diagnosis.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

/// The urgency level and the rules that decided it (appended to `explain`).
Urgency assess_urgency(const CompiledPack& cp, const Evaluation& ev,
                       std::vector<Explanation>& explain);

/// The primary and assisting departments and the handling group (no agent yet).
Route route_ticket(const CompiledPack& cp, const Evaluation& ev, std::vector<Explanation>& explain);

}  // namespace detail
}  // namespace v1
}  // namespace triage
