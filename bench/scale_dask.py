#!/usr/bin/python3
"""Python side of bench/scale.sh: one process (diagnose_many) against a LocalCluster with two
worker processes on loopback (triage.dask.diagnose_jsonl), on the same JSONL file."""
import os
import sys
import time
import warnings


def main(path, out):
    warnings.filterwarnings("ignore")
    import triage
    import triage.dask
    from distributed import Client, LocalCluster

    lines = [line for line in open(path, encoding="utf-8") if line.strip()]
    engine = triage.Engine()

    def one_process(raw):
        t = time.perf_counter()
        for i in range(0, len(lines), 5000):
            engine.diagnose_many(lines[i:i + 5000], raw=raw)
        return len(lines) / (time.perf_counter() - t)

    single_dicts = one_process(False)
    single = one_process(True)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster):
        triage.dask.diagnose_jsonl(path, out + "/warm-*.jsonl", blocksize=1 << 20)  # start workers
        t = time.perf_counter()
        triage.dask.diagnose_jsonl(path, out + "/*.jsonl",
                                   blocksize=max(1 << 20, os.path.getsize(path) // 16))
        cluster_rate = len(lines) / (time.perf_counter() - t)
    print()
    print(f"| Python, {len(lines):,} tickets | tickets/s |")
    print("|---|---|")
    print(f"| one process, diagnose_many (dicts) | {single_dicts:,.0f} |")
    print(f"| one process, diagnose_many (raw JSON text) | {single:,.0f} |")
    print(f"| LocalCluster, 2 worker processes | {cluster_rate:,.0f} |")
    print(f"| ratio cluster / one process (raw) | {cluster_rate / single:.2f}x |")


if __name__ == "__main__":  # the cluster's worker processes import this module too
    main(sys.argv[1], sys.argv[2])
