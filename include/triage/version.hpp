// Library and pack-schema versions. CMake reads the numbers from this file.
#pragma once

#define TRIAGE_VERSION_MAJOR 0
#define TRIAGE_VERSION_MINOR 1
#define TRIAGE_VERSION_PATCH 0
#define TRIAGE_VERSION_STRING "0.1.0"
// major * 10000 + minor * 100 + patch, for compile-time comparisons.
#define TRIAGE_VERSION \
  (TRIAGE_VERSION_MAJOR * 10000 + TRIAGE_VERSION_MINOR * 100 + TRIAGE_VERSION_PATCH)

// The pack schema this library writes, and the oldest one it still reads.
#define TRIAGE_PACK_SCHEMA_VERSION 1
#define TRIAGE_PACK_SCHEMA_MIN_COMPATIBLE 1

namespace triage {
inline namespace v1 {
/// The library version the binary was built as (compare with TRIAGE_VERSION_STRING).
const char* version() noexcept;
}  // namespace v1
}  // namespace triage
