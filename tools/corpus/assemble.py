#!/usr/bin/python3
"""Joins labellers' files into the corpus's two label files, with a stratified frozen split.

Run once when the corpus was first labelled; kept to show how the split was drawn. The split is
by provenance (a Weibo post and its translation and its zh-Hant form fall on the same side),
stratified by (source, request_kind): in each stratum the lines are ordered by a hash of their
source_id and the first 27% (rounded up) go to the test split. About 120 Chinese lines, chosen
by the same hash, are also used in zh-Hant.

usage: tools/corpus/assemble.py LABEL_DIR WORK_DIR
"""
import hashlib
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "realtext"
label_dir, work_dir = Path(sys.argv[1]), Path(sys.argv[2])


def h(s, salt):
    return hashlib.sha256((salt + s).encode()).hexdigest()


texts = {}
for f in work_dir.glob("*.jsonl"):
    for line in open(f, encoding="utf-8"):
        d = json.loads(line)
        texts[(d["source"], d["source_id"])] = d
lines = []
seen = set()
for f in sorted(label_dir.glob("*.jsonl")):
    for line in open(f, encoding="utf-8"):
        d = json.loads(line)
        key = (d["source"], d["source_id"])
        if key in seen:
            sys.exit(f"assemble: {key} labelled twice")
        seen.add(key)
        out = {"source": d["source"], "source_id": d["source_id"]}
        if d["source"] == "banking77":
            out["text"] = texts[key]["text"]
            out["intent"] = texts[key]["intent"]
        if d.get("not_ticket"):
            out["not_ticket"] = True
        else:
            out["labels"] = d["labels"]
            out["repeat_contact"] = bool(d.get("repeat_contact", False))
            if d["source"] != "banking77" and int(h(d["source_id"], "hant")[:8], 16) % 15 == 0:
                out["zh_hant"] = True
        lines.append(out)

strata = defaultdict(list)
for ln in lines:
    kind = ln["labels"]["request_kind"] if "labels" in ln else "not_ticket"
    strata[(ln["source"], kind)].append(ln)
test = set()
for key, group in strata.items():
    group.sort(key=lambda ln: h(ln["source_id"], "split"))
    for ln in group[: math.ceil(len(group) * 0.27)]:
        test.add((ln["source"], ln["source_id"]))
order = sorted(lines, key=lambda ln: (ln["source"], ln["source_id"]))
for split in ("train", "test"):
    with open(CORPUS / f"{split}.labels.jsonl", "w", encoding="utf-8") as f:
        for ln in order:
            if ((ln["source"], ln["source_id"]) in test) == (split == "test"):
                f.write(json.dumps(ln, ensure_ascii=False) + "\n")
print(len(lines), "lines,", len(test), "in test")
