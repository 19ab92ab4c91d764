#!/usr/bin/python3
"""The learned classifier against fastText, in one run on one machine.

1. BANKING77's official split (10,003 training and 3,080 test queries, 77 intents): triage's
   naive Bayes, linear and auto models, each trained by `triage train --map-labels` (a pack with
   one learned dimension and no rules); test accuracy, coverage, expected calibration error
   (10 bins, over answered queries) and training time; prediction speed from bench_learned; and
   fastText (Debian's `fasttext`: 50 epochs, lr 0.5, word bigrams, character 2-5-grams, dim 100,
   one thread) on the same split when it is installed.
2. A small real-text split: 400 tickets of the corpus's training split (examples/realtext) to
   train on, the rest of that split to test on; per dimension, naive Bayes, linear and what auto
   chose. (The corpus's frozen test split is not used here.)

usage: bench/learned.py BUILD_DIR [--data DIR]   (BUILD_DIR: a Release build)
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools" / "corpus"))
import texts  # noqa: E402


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def diagnose_labels(cli, pack, tickets):
    """{ticket id: {dimension: (value or None, confidence)}} from `triage diagnose`."""
    out = run([cli, "diagnose", "--pack", str(pack), str(tickets)]).stdout
    got = {}
    for line in out.splitlines():
        d = json.loads(line)
        got[d.get("ticket_id")] = {k: (v["value"], v["confidence"])
                                   for k, v in d["labels"].items()}
    return got


def scores(cli, pack, tickets, rows, dims):
    """Per dimension: accuracy (an abstention is wrong), coverage, ECE over answered tickets."""
    got = diagnose_labels(cli, pack, tickets)
    res = {}
    for dim in dims:
        n = right = answered = 0
        bins = [[0, 0.0, 0] for _ in range(10)]  # count, confidence sum, right
        for r in rows:
            want = r["labels"].get(dim)
            if want is None:
                continue
            n += 1
            value, conf = got[r["id"]].get(dim, (None, 0.0))
            if value is None:
                continue
            answered += 1
            ok = value == want
            right += ok
            b = bins[min(9, int(conf * 10))]
            b[0] += 1
            b[1] += conf
            b[2] += ok
        ece = sum(abs(b[2] / b[0] - b[1] / b[0]) * b[0] / answered for b in bins if b[0])
        res[dim] = (right / n, answered / n, ece if answered else float("nan"))
    return res


def train(cli, labelled, pack_out, model_out, algorithm):
    t = time.perf_counter()
    p = run([cli, "train", "--map-labels", str(pack_out), "--algorithm", algorithm,
             str(labelled), "-o", str(model_out)])
    return time.perf_counter() - t, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--data")
    a = ap.parse_args()
    build = Path(a.build).resolve()
    cli = str(build / "triage")
    data = texts.data_dir(a.data)
    tmp = Path(tempfile.mkdtemp(prefix="triage-learned-"))
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")

    # --- 1. BANKING77 ------------------------------------------------------------------------
    split = {"train": [], "test": []}
    for key, (text, intent) in texts.banking77(data).items():
        split[key.split(":")[0]].append({"id": key, "text": text, "labels": {"intent": intent}})
    for name, rows in split.items():
        write_jsonl(tmp / f"b77_{name}.jsonl", rows)
    print(f"\nBANKING77: {len(split['train'])} training, {len(split['test'])} test queries")
    print(f"{'model':<26}{'accuracy':>9}{'coverage':>9}{'ECE':>7}{'train s':>9}{'queries/s':>11}")
    for algo in ("nb", "linear", "auto"):
        pack, model = tmp / f"b77_{algo}_pack.json", tmp / f"b77_{algo}_model.json"
        seconds, _ = train(cli, tmp / "b77_train.jsonl", pack, model, algo)
        acc, cov, ece = scores(cli, pack, tmp / "b77_test.jsonl", split["test"], ["intent"])["intent"]
        env = dict(os.environ, TRIAGE_BENCH_PACK=str(pack), TRIAGE_BENCH_MODEL=str(model),
                   TRIAGE_BENCH_TICKETS=str(tmp / "b77_test.jsonl"))
        b = run([str(build / "bench" / "bench_learned"), "--benchmark_filter=BM_ClassifyWithModel",
                 "--benchmark_format=json", "--benchmark_min_time=1"], env=env)
        qps = json.loads(b.stdout)["benchmarks"][0]["items_per_second"]
        print(f"{'triage ' + algo:<26}{acc:>9.1%}{cov:>9.1%}{ece:>7.3f}{seconds:>9.1f}{qps:>11,.0f}")
    if shutil.which("fasttext"):
        for name in ("train", "test"):
            with open(tmp / f"ft_{name}.txt", "w", encoding="utf-8") as f:
                for r in split[name]:
                    f.write(f"__label__{r['labels']['intent']} {r['text'].lower()}\n")
        t = time.perf_counter()
        run(["fasttext", "supervised", "-input", str(tmp / "ft_train.txt"), "-output",
             str(tmp / "ft"), "-epoch", "50", "-lr", "0.5", "-wordNgrams", "2", "-minn", "2",
             "-maxn", "5", "-dim", "100", "-thread", "1", "-verbose", "0"])
        seconds = time.perf_counter() - t
        res = run(["fasttext", "test", str(tmp / "ft.bin"), str(tmp / "ft_test.txt")]).stdout
        p1 = float(re.search(r"P@1\s+([0-9.]+)", res).group(1))
        print(f"{'fastText (1 thread)':<26}{p1:>9.1%}{1:>9.1%}{'':>7}{seconds:>9.1f}")
    else:
        print("fastText: not installed (apt-get install fasttext) — not measured")
    print("paper (Casanueva et al. 2020): BERT-fixed 87.2%, USE 92.8%, ConveRT 93.0%, "
          "BERT-tuned 93.7%")

    # --- 2. a 400-ticket real-text split ------------------------------------------------------
    realtext = ROOT / "build" / "realtext" / "train.jsonl"
    if not realtext.exists():
        run([sys.executable, str(ROOT / "tools" / "corpus" / "build.py"), "--data", str(data)])
    rows = [json.loads(x) for x in realtext.read_text(encoding="utf-8").splitlines()]
    rows.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
    small, rest = rows[:400], rows[400:]
    write_jsonl(tmp / "rt_train.jsonl", small)
    write_jsonl(tmp / "rt_test.jsonl", rest)
    dims = list(small[0]["labels"])
    print(f"\nreal text: trained on {len(small)} tickets of the corpus's training split, "
          f"tested on its other {len(rest)}")
    results, chosen = {}, {}
    for algo in ("nb", "linear", "auto"):
        pack, model = tmp / f"rt_{algo}_pack.json", tmp / f"rt_{algo}_model.json"
        _, log = train(cli, tmp / "rt_train.jsonl", pack, model, algo)
        results[algo] = scores(cli, pack, tmp / "rt_test.jsonl", rest, dims)
        if algo == "auto":
            for m in re.finditer(r"triage: (\w+): (naive_bayes|linear) on", log):
                chosen[m.group(1)] = m.group(2)
    print(f"{'dimension':<16}{'nb':>8}{'linear':>8}{'auto':>8}  auto chose")
    for d in dims:
        print(f"{d:<16}" + "".join(f"{results[x][d][0]:>8.1%}" for x in ("nb", "linear", "auto"))
              + f"  {chosen.get(d, '?')}")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
