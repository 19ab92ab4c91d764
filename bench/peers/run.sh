#!/usr/bin/env bash
# triage against other engines on one generated workload, in one run (see bench/README.md):
# json-rules-engine, @gorules/zen-engine, CLIPS (C API), a plain Python loop, and Hyperscan as the
# matching-limit reference. Every engine must produce the same per-category counts.
#
# usage: bench/peers/run.sh BUILD_DIR [TICKETS=100000] [REPETITIONS=5]
#   BUILD_DIR: a Release build with the bench_peer_triage target (and bench_gen for the second
#   table). Environment: PEERS_SCALES (rule counts, default "8 80 800 8000"), PEERS_PACK_SCALES
#   (default-pack scales, default "1 10 100"), PEERS_WORK (keep the generated files there).
# Peers are optional: a missing one is skipped and named, with how to install it.
set -euo pipefail
build=${1:?usage: bench/peers/run.sh BUILD_DIR [TICKETS] [REPETITIONS]}
tickets=${2:-100000}
reps=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
[[ -d $build ]] || { echo "run.sh: $build: no such build folder" >&2; exit 1; }
build=$(cd "$build" && pwd)
py=/usr/bin/python3

if [[ ! -x "$build/bench/bench_peer_triage" ]]; then
  echo "run.sh: $build/bench/bench_peer_triage not found; build it first:" >&2
  echo "  cmake --build $build --target bench_peer_triage" >&2
  exit 1
fi
if [[ -n "${PEERS_WORK:-}" ]]; then
  work=$PEERS_WORK
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

args=()
missing=()
cc=${CC:-cc}

# build_c_peer NAME SOURCE HEADER APT_PACKAGES LIBS...: compiles a C peer into the work folder.
build_c_peer() {
  local name=$1 src=$2 header=$3 pkgs=$4
  shift 4
  if ! command -v "$cc" > /dev/null; then
    missing+=("$name (needs a C compiler: apt-get install gcc $pkgs)")
  elif [[ ! -f $header ]]; then
    missing+=("$name (apt-get install $pkgs)")
  elif ! "$cc" -O2 -std=c11 -o "$work/${src%.c}" "$here/$src" "$@" 2> "$work/${src%.c}.log"; then
    missing+=("$name ($src does not build: $(grep -m1 -i error "$work/${src%.c}.log" || tail -n1 "$work/${src%.c}.log"))")
  else
    return 0
  fi
  return 1
}
# CLIPS through its C API; Hyperscan.
if build_c_peer CLIPS clips_peer.c /usr/include/clips/clips.h "clips libclips-dev" -lclips -lm; then
  args+=(--clips "$work/clips_peer")
fi
if build_c_peer Hyperscan hyperscan_peer.c /usr/include/hs/hs.h libhyperscan-dev -lhs; then
  args+=(--hyperscan "$work/hyperscan_peer")
fi
# json-rules-engine and zen-engine, installed into bench/peers/node_modules on first use.
if command -v node > /dev/null && command -v npm > /dev/null; then
  if [[ ! -d "$here/node_modules/json-rules-engine" || ! -d "$here/node_modules/@gorules/zen-engine" ]]; then
    # npm install, not npm ci: the lock file holds only the zen-engine binaries for Linux x64
    # (the others are optional), which npm ci refuses.
    echo "run.sh: npm install in $here (json-rules-engine, @gorules/zen-engine)" >&2
    (cd "$here" && npm install --no-audit --no-fund > "$work/npm.log" 2>&1) || {
      echo "run.sh: npm install failed (see below); skipping the Node peers" >&2
      tail -n 5 "$work/npm.log" >&2
    }
  fi
  if [[ -d "$here/node_modules/json-rules-engine" && -d "$here/node_modules/@gorules/zen-engine" ]]; then
    args+=(--node)
  else
    missing+=("json-rules-engine and zen-engine (npm install in bench/peers failed)")
  fi
else
  missing+=("json-rules-engine and zen-engine (apt-get install nodejs npm)")
fi
for m in "${missing[@]}"; do
  echo "run.sh: missing, skipped: $m" >&2
  args+=(--missing "$m")
done

"$py" "$here/compare.py" --build "$build" --work "$work" --tickets "$tickets" --reps "$reps" \
  --scales "${PEERS_SCALES:-8 80 800 8000}" --pack-scales "${PEERS_PACK_SCALES:-1 10 100}" \
  "${args[@]}"
