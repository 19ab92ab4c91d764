#!/usr/bin/env bash
# From one core to a cluster, measured side by side in one run (figures for the README):
#   triage diagnose --jobs 1 vs --jobs 2 on N generated tickets, with peak RSS;
#   Python: a LocalCluster with 2 worker processes vs one process, on M tickets.
# usage: bench/scale.sh BUILD_DIR [N=1000000] [M=100000]   (BUILD_DIR: a Release build)
set -euo pipefail
build=${1:?usage: bench/scale.sh BUILD_DIR [N] [M]}
n=${2:-1000000}
m=${3:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" "$root/tools/gen/tickets.py" "$n" > "$tmp/big.jsonl"
"$py" - "$build/triage" "$tmp/big.jsonl" "$n" <<'PY'
import os, resource, subprocess, sys, time
cli, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = []
for jobs in (1, 2):
    t = time.perf_counter()
    with open(path, "rb") as f, open(os.devnull, "wb") as out:
        p = subprocess.Popen([cli, "diagnose", "--jobs", str(jobs), "--now", "2026-11-23T10:00:00+08:00"],
                             stdin=f, stdout=out, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t
    rows.append((jobs, n / secs, ru.ru_maxrss / 1024))
print(f"| triage diagnose, {n:,} tickets | tickets/s | peak RSS |")
print("|---|---|---|")
for jobs, rate, rss in rows:
    print(f"| --jobs {jobs} | {rate:,.0f} | {rss:.0f} MiB |")
print(f"| ratio --jobs 2 / --jobs 1 | {rows[1][1] / rows[0][1]:.2f}x | |")
PY
head -n "$m" "$tmp/big.jsonl" > "$tmp/m.jsonl"
mkdir -p "$tmp/out"
TRIAGE_LIBRARY="$build/libtriage.so" PYTHONPATH="$root/bindings/python" \
  "$py" "$root/bench/scale_dask.py" "$tmp/m.jsonl" "$tmp/out"
