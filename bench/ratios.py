#!/usr/bin/python3
"""The issue-8 ratios, measured side by side in one run on one workload (100 k bench_gen tickets
of ~116 bytes unless told otherwise):

  classification (bench_peer_triage, default pack)          = 1   (median of 3 runs, in turns
                                                                   with bench_capi_host's)
  C ABI classification into one reused result (bench_capi_host: triage_classify_text_into on
  each ticket's text; triage_classify_json_into on each line)  vs classification (target >= 0.8)
  Python classify_text_only, one call per ticket             vs classification   (target >= 0.3)
  full diagnosis, no JSON (bench_diagnose BM_Diagnose)       vs classification   (target >= 0.4)
  `triage diagnose` end to end, JSONL in -> JSONL out        vs classification   (target >= 0.25)
  the same with --select labels,urgency,route                vs classification   (target >= 0.5)
  the C ABI batch call                                       vs the CLI          (target >= 1)
  Python diagnose_many(raw=True) vs the C ABI batch call (triage_diagnose_jsonl through ctypes,
  no Python work around it)                                                       (target >= 0.8)
  Python diagnose_many of dicts vs one diagnose() call per ticket                 (target >= 2)

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
    # The rules alone, as bench_classify and bench_diagnose compile it: the pack names its
    # learned model (model.json) by file, which is not next to this copy.
    rules_only = json.loads(subprocess.run(
        [os.path.join(build, "bench", "bench_gen"), "pack", "--scale", "1"], check=True,
        capture_output=True).stdout)
    rules_only.pop("model", None)
    with open(pack, "w", encoding="utf-8") as f:
        json.dump(rules_only, f, ensure_ascii=False)
    # The engine's classification and the C host's, run in turns (three of each, the median of
    # each kept): on a shared machine either figure alone moves by a third from run to run, and
    # turns expose both to the same spells of load.
    peers, hosts = [], []
    for _ in range(3):
        peers.append(json.loads(subprocess.run(
            [os.path.join(build, "bench", "bench_peer_triage"), pack, tickets, "3", "--dimension",
             "problem_type"], check=True, capture_output=True).stdout))
        hosts.append(json.loads(subprocess.run(
            [os.path.join(build, "bench", "bench_capi_host"), pack, tickets, "3"], check=True,
            capture_output=True).stdout))
    classify = sorted(p["tickets_per_s"] for p in peers)[1]
    host = {key: sorted(h[key] for h in hosts)[1]
            for key in ("text_tickets_per_s", "json_tickets_per_s")}
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

    def cli_select():
        with open(tickets, "rb") as i, open(os.devnull, "wb") as o:
            subprocess.run([os.path.join(build, "triage"), "diagnose", "--jobs", "1", "--now",
                            "2026-11-23T10:00:00+08:00", "--select", "labels,urgency,route"],
                           stdin=i, stdout=o, stderr=subprocess.DEVNULL, check=False)
    select_rate = n / best(cli_select)

    with open(tickets, "rb") as f:
        lines = f.read().split(b"\n")[:-1]
    texts = [json.loads(line)["text"] for line in lines]
    with triage.Engine.from_file(pack) as same:  # the pack bench_peer_triage classifies with

        def py_classify():
            for t in texts:
                same.classify_text_only(t)
        py_classify_rate = n / best(py_classify)
    engine = triage.Engine()
    batch = b"\n".join(lines) + b"\n"
    lib = triage._ffi.lib if hasattr(triage._ffi, "lib") else triage.lib

    def c_batch():
        out, length = ctypes.c_void_p(), ctypes.c_size_t()
        lib.triage_diagnose_jsonl(engine._p, batch, len(batch), ctypes.byref(out), ctypes.byref(length))
        lib.triage_string_free(out)  # what a C host does with it: no copy into Python
    c_rate = n / best(c_batch)
    py_rate = n / best(lambda: engine.diagnose_many(lines, raw=True))
    dicts = [json.loads(line) for line in lines]

    def one_call_each():
        return [engine.diagnose(t) for t in dicts]
    py_single = n / best(one_call_each)
    py_dicts = n / best(lambda: engine.diagnose_many(dicts))

rows = [
    ("classification (default pack, one core)", classify, "1", ""),
    ("C ABI `triage_classify_text_into`, one reused result", host["text_tickets_per_s"],
     f"{host['text_tickets_per_s'] / classify:.2f}× classification", ">= 0.8"),
    ("C ABI `triage_classify_json_into` (JSON parsing included)", host["json_tickets_per_s"],
     f"{host['json_tickets_per_s'] / classify:.2f}× classification", ""),
    ("Python `classify_text_only`, one call per ticket", py_classify_rate,
     f"{py_classify_rate / classify:.2f}× classification", ">= 0.3"),
    ("full diagnosis, no JSON", diagnose, f"{diagnose / classify:.2f}× classification", ">= 0.4"),
    ("`triage diagnose` JSONL → JSONL", end_to_end, f"{end_to_end / classify:.2f}× classification", ">= 0.25"),
    ("`triage diagnose --select labels,urgency,route`", select_rate,
     f"{select_rate / classify:.2f}× classification, {select_rate / end_to_end:.2f}× full output",
     ">= 0.5"),
    ("C ABI batch call (triage_diagnose_jsonl)", c_rate, f"{c_rate / end_to_end:.2f}× the CLI",
     ">= 1"),
    ("Python diagnose_many(raw=True)", py_rate, f"{py_rate / c_rate:.2f}× the C batch call", ">= 0.8"),
    ("Python diagnose() of dicts, one call per ticket (results kept)", py_single, "", ""),
    ("Python diagnose_many of dicts", py_dicts, f"{py_dicts / py_single:.2f}× one call per ticket",
     ">= 2"),
]
print(f"{n:,} bench_gen tickets of ~116 bytes, default pack, one core, best of 3\n")
print("| path | tickets/s | ratio | target |")
print("|---|---:|---|---|")
for name, rate, ratio, target in rows:
    print(f"| {name} | {rate:,.0f} | {ratio} | {target} |")
