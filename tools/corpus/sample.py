#!/usr/bin/python3
"""Draws the lines to label (deterministic) and writes work lists with their texts.

The work lists hold texts that must not be committed: write them outside the repository.
usage: tools/corpus/sample.py OUT_DIR [--data DIR]
"""
import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import texts  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--data")
a = ap.parse_args()
root = texts.data_dir(a.data)
out = Path(a.out)
out.mkdir(parents=True, exist_ok=True)


def write(name, rows):
    with open(out / name, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(name, len(rows))


w = texts.weibo(root)
write("weibo.jsonl", [{"source": "weibo_helpdesk", "source_id": k, "text": zh, "text_en": en}
                      for k, (zh, en) in w.items()])

rng = random.Random(20261206)
rv = texts.reviews(root)
neg = defaultdict(list)
for k, (t, lab, cat) in rv.items():
    if lab == "0" and 6 <= len(t) <= 400:
        neg[(k.split(":")[0], cat)].append(k)
picked = []
for (name, cat), keys in sorted(neg.items()):
    n = 420 if name == "waimai_10k" else 52
    picked += rng.sample(sorted(keys), min(n, len(keys)))
rows = [{"source": "reviews_zh", "source_id": k, "category": rv[k][2], "text": rv[k][0]}
        for k in picked]
write("reviews_waimai.jsonl", [r for r in rows if r["source_id"].startswith("waimai")])
write("reviews_shopping.jsonl", [r for r in rows if r["source_id"].startswith("online")])

bk = texts.banking77(root)
by_intent = defaultdict(list)
for k, (t, intent) in bk.items():
    if k.startswith("train:"):
        by_intent[intent].append(k)
picked = []
for intent, keys in sorted(by_intent.items()):
    picked += rng.sample(sorted(keys), 9)
write("banking77.jsonl", [{"source": "banking77", "source_id": k, "intent": bk[k][1],
                           "text": bk[k][0]} for k in picked])
