#!/usr/bin/python3
"""Start-up figures (issue 20): what a process pays before its first diagnosis, one run.

  `triage diagnose` of one ticket, wall time, built-in pack (embedded compiled)   target <= 30 ms
  the built-in engine ready, first call in a fresh process (bench_startup)         target <= 10 ms
  the default pack compiled from JSON, and loaded from its compiled form
  what compiling every RE2 expression would cost (a load compiles none: each compiles on first use)
  a 100x pack: compiled (and written) / loaded from its compiled form       targets < 5 s / < 0.5 s

usage: bench/startup.py BUILD_DIR [SCALE]   (BUILD_DIR: a Release build; SCALE default 100)"""
import json
import os
import subprocess
import sys
import time

build = os.path.abspath(sys.argv[1])
scale = int(sys.argv[2]) if len(sys.argv) > 2 else 100
ticket = b'{"id":"T-1","channel":"app","created_at":"2026-11-20T14:30:00+08:00",' \
         b'"text":"APP\xe4\xb8\x80\xe7\x9b\xb4\xe9\x97\xaa\xe9\x80\x80"}\n'


def cli_once():
    t = time.perf_counter()
    subprocess.run([os.path.join(build, "triage"), "diagnose"], input=ticket, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


cli = sorted(cli_once() for _ in range(7))
figures = json.loads(subprocess.run([os.path.join(build, "bench", "bench_startup"), "--scale",
                                     str(scale)], check=True, capture_output=True).stdout)
d, s = figures["default"], figures["scaled"]
print(f"load average {os.getloadavg()[0]:.2f} at the end of the run\n")
print("| step | time | target |")
print("|---|---:|---|")
rows = [
    ("`triage diagnose` of one ticket, wall (best / median of 7)",
     f"{cli[0] * 1000:.0f} / {cli[3] * 1000:.0f} ms", "<= 30 ms"),
    ("built-in engine ready (first call, embedded compiled pack)",
     f"{figures['builtin_first_call_ms']:.1f} ms", "<= 10 ms"),
    ("default pack from JSON: parse", f"{d['parse_json_ms']:.1f} ms", ""),
    ("default pack from JSON: the model's JSON", f"{d['model_json_ms']:.1f} ms", ""),
    ("default pack from JSON: compile (OpenCC variants, automaton, RE2, gates)",
     f"{d['compile_ms']:.1f} ms", ""),
    ("the same compile without regional variants", f"{d['compile_without_variants_ms']:.1f} ms",
     ""),
    (f"default pack: load a copy of its compiled form ({d['compiled_bytes'] / 1e6:.1f} MB, best of 5)",
     f"{d['load_compiled_ms']:.1f} ms", ""),
    (f"compiling all {d['regexes']} expressions (no load does it)", f"{d['re2_recompile_ms']:.1f} ms",
     ""),
    (f"{scale}x pack ({s['terms']:,} keywords, {s['rules']:,} rules, {s['states']:,} states): "
     "compile and write", f"{s['compile_and_write_ms'] / 1000:.2f} s", "< 5 s"),
    (f"{scale}x pack: load its compiled form ({s['compiled_bytes'] / 1e6:.1f} MB, best of 3)",
     f"{s['load_compiled_ms'] / 1000:.3f} s", "< 0.5 s"),
]
for name, value, target in rows:
    print(f"| {name} | {value} | {target} |")
