#!/usr/bin/python3
"""The issue-8 ratios, measured side by side in one run on one workload (100 k bench_gen tickets
of ~116 bytes unless told otherwise):

  classification (bench_peer_triage, default pack)          = 1
  full diagnosis, no JSON (bench_diagnose BM_Diagnose)       vs classification   (target >= 0.25)
  `triage diagnose` end to end, JSONL in -> JSONL out        vs classification   (target >= 0.10)
  Python diagnose_many(raw=True) vs the C ABI batch call (triage_diagnose_jsonl through ctypes,
  no Python work around it)                                                       (target >= 0.5)

usage: bench/ratios.py BUILD_DIR [TICKETS]   (BUILD_DIR: a Release build)"""
import ctypes
import json
import os
import subprocess
import sys
import tempfile
import time

build = os.path.abspath(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("TRIAGE_LIBRARY", os.path.join(build, "libtriage.so"))
sys.path.insert(0, os.path.join(root, "bindings", "python"))
import triage  # noqa: E402  (the binding under test, from this tree)


def best(f, reps=3):
    """Fastest of `reps` runs, in seconds: the run least disturbed by the shared machine."""
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        out.append(time.perf_counter() - t)
    return min(out)


with tempfile.TemporaryDirectory() as tmp:
    tickets = os.path.join(tmp, "tickets.jsonl")
    with open(tickets, "wb") as f:
        subprocess.run([os.path.join(build, "bench", "bench_gen"), "tickets", "--count", str(n)],
                       stdout=f, check=True)
    pack = os.path.join(tmp, "default.json")
    with open(pack, "wb") as f:
        subprocess.run([os.path.join(build, "bench", "bench_gen"), "pack", "--scale", "1"],
                       stdout=f, check=True)
    peer = json.loads(subprocess.run(
        [os.path.join(build, "bench", "bench_peer_triage"), pack, tickets, "3", "--dimension",
         "problem_type"], check=True, capture_output=True).stdout)
    classify = peer["tickets_per_s"]
    diag = json.loads(subprocess.run(
        [os.path.join(build, "bench", "bench_diagnose"), "--benchmark_filter=BM_Diagnose/bytes:116/scale:1$",
         "--benchmark_format=json", "--benchmark_min_time=2"], check=True,
        capture_output=True).stdout)
    diagnose = diag["benchmarks"][0]["items_per_second"]

    def cli():
        with open(tickets, "rb") as i, open(os.devnull, "wb") as o:
            subprocess.run([os.path.join(build, "triage"), "diagnose", "--jobs", "1", "--now",
                            "2026-11-23T10:00:00+08:00"], stdin=i, stdout=o,
                           stderr=subprocess.DEVNULL, check=False)
    end_to_end = n / best(cli)

    with open(tickets, "rb") as f:
        lines = f.read().split(b"\n")[:-1]
    engine = triage.Engine()
    batch = b"\n".join(lines) + b"\n"
    lib = triage._ffi.lib if hasattr(triage._ffi, "lib") else triage.lib

    def c_batch():
        out, length = ctypes.c_void_p(), ctypes.c_size_t()
        lib.triage_diagnose_jsonl(engine._p, batch, len(batch), ctypes.byref(out), ctypes.byref(length))
        triage._ffi.take_string(out, length)
    c_rate = n / best(c_batch)
    py_rate = n / best(lambda: engine.diagnose_many(lines, raw=True))

rows = [
    ("classification (default pack, one core)", classify, "1", ""),
    ("full diagnosis, no JSON", diagnose, f"{diagnose / classify:.2f}× classification", ">= 0.25"),
    ("`triage diagnose` JSONL → JSONL", end_to_end, f"{end_to_end / classify:.2f}× classification", ">= 0.10"),
    ("C ABI batch call (triage_diagnose_jsonl)", c_rate, "", ""),
    ("Python diagnose_many(raw=True)", py_rate, f"{py_rate / c_rate:.2f}× the C batch call", ">= 0.5"),
]
print(f"{n:,} bench_gen tickets of ~116 bytes, default pack, one core, best of 3\n")
print("| path | tickets/s | ratio | target |")
print("|---|---:|---|---|")
for name, rate, ratio, target in rows:
    print(f"| {name} | {rate:,.0f} | {ratio} | {target} |")
