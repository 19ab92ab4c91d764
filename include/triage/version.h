/* Library, ABI and pack-schema versions: plain C macros, shared by the C++ API and the C ABI.
 * CMake reads the numbers from this file. */
#ifndef TRIAGE_VERSION_H
#define TRIAGE_VERSION_H

#define TRIAGE_VERSION_MAJOR 0
#define TRIAGE_VERSION_MINOR 4
#define TRIAGE_VERSION_PATCH 0
#define TRIAGE_VERSION_STRING "0.4.0"
/* major * 10000 + minor * 100 + patch, for compile-time comparisons. */
#define TRIAGE_VERSION_NUMBER \
  (TRIAGE_VERSION_MAJOR * 10000 + TRIAGE_VERSION_MINOR * 100 + TRIAGE_VERSION_PATCH)

/* The C ABI generation. Bumped (with the shared library's SOVERSION) on any incompatible change
 * to capi/triage.h; additions keep it. */
#define TRIAGE_ABI_VERSION 1

/* The pack schema this library writes, and the oldest one it still reads. */
#define TRIAGE_PACK_SCHEMA_VERSION 1
#define TRIAGE_PACK_SCHEMA_MIN_COMPATIBLE 1

#endif
