#!/usr/bin/env bash
# Refreshes capi/abi/libtriage.abi.xz from a Debug build (the comparison needs debug information).
# Run it after a deliberate ABI change: additions, or an incompatible change with a bumped
# TRIAGE_ABI_VERSION in include/triage/version.h.
set -euo pipefail
cd "$(dirname "$0")/.."
lib=${1:-build/dev/libtriage.so}
abidw --no-corpus-path --no-comp-dir-path "$lib" | xz -9 > capi/abi/libtriage.abi.xz
echo "capi/abi/libtriage.abi.xz refreshed from $lib"
