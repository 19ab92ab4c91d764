// Library and pack-schema versions (the numbers live in version.h, shared with the C ABI).
#pragma once

#include "triage/version.h"

#define TRIAGE_VERSION TRIAGE_VERSION_NUMBER

namespace triage {
inline namespace v1 {
/// The library version the binary was built as (compare with TRIAGE_VERSION_STRING).
const char* version() noexcept;
}  // namespace v1
}  // namespace triage
