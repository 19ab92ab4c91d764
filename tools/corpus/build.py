#!/usr/bin/python3
"""Builds the real-text corpus: labels from the repository, texts from the data folder.

examples/realtext/train.labels.jsonl and test.labels.jsonl hold one line per labelled text,
keyed by provenance (source, source_id); BANKING77 lines carry their text (CC BY 4.0), the
others are read from the data folder (texts.py). Each labelled text yields one ticket per
language it is used in: Weibo posts in zh-Hans and, from the manual translation, in en; the
lines marked "zh_hant" also in zh-Hant (OpenCC s2twp plus the vocabulary fixes in
zh_hant_fixes.tsv). Lines marked not_ticket are left out.

usage: tools/corpus/build.py [--data DIR] [--out DIR]
writes OUT/train.jsonl and OUT/test.jsonl in `triage eval`'s labelled format (default OUT:
build/realtext), and OUT/repeat.jsonl from repeat.labels.jsonl when the label folder has it (the
repeat-contact evaluation set: only `emotion` and `repeat_contact` are labelled there). The test
split and the repeat-contact set are frozen: see examples/realtext/README.md.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import texts  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "realtext"
CHANNEL = {"weibo_helpdesk": "social", "reviews_zh": "app", "banking77": "app"}


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def to_hant(zh_texts, corpus):
    """Converts with OpenCC (Taiwan phrases), then applies the hand-made vocabulary fixes."""
    if not zh_texts:
        return []
    joined = "\n".join(t.replace("\n", " ") for t in zh_texts) + "\n"
    try:
        out = subprocess.run(["opencc", "-c", "s2twp"], input=joined, capture_output=True,
                             text=True, check=True).stdout.split("\n")[: len(zh_texts)]
    except FileNotFoundError:
        sys.exit("build.py: the opencc command is missing (apt-get install opencc)")
    fixes = []
    for line in open(corpus / "zh_hant_fixes.tsv", encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            a, b = line.rstrip("\n").split("\t")
            fixes.append((a, b))
    result = []
    for t in out:
        for a, b in fixes:
            t = t.replace(a, b)
        result.append(t)
    return result


def tickets(lines, root, corpus=CORPUS):
    weibo = reviews = None
    out, hant = [], []
    for ln in lines:
        if ln.get("not_ticket"):
            continue
        src, sid = ln["source"], ln["source_id"]
        base = {"channel": CHANNEL[src], "labels": ln["labels"], "source": src,
                "source_id": sid, "repeat_contact": ln.get("repeat_contact", False)}
        if "draw" in ln:  # the labelling pass, where a later one is marked (see the README)
            base["draw"] = ln["draw"]
        if src == "weibo_helpdesk":
            weibo = weibo or texts.weibo(root)
            zh, en = weibo[sid]
            out.append({"id": f"wb-{sid}", "text": zh, "lang": "zh-Hans", **base})
            if ln.get("zh_hant"):
                hant.append(len(out) - 1)
            if en:
                out.append({"id": f"wb-{sid}-en", "text": en, "lang": "en", **base})
        elif src == "reviews_zh":
            reviews = reviews or texts.reviews(root)
            out.append({"id": f"rv-{sid}", "text": reviews[sid][0], "lang": "zh-Hans", **base})
            if ln.get("zh_hant"):
                hant.append(len(out) - 1)
        elif src == "banking77":
            out.append({"id": f"bk-{sid}", "text": ln["text"], "lang": "en", **base})
        else:
            sys.exit(f"build.py: unknown source {src!r}")
    converted = to_hant([out[i]["text"] for i in hant], corpus)
    for i, t in zip(hant, converted):
        out.append({**out[i], "id": out[i]["id"] + "-hant", "text": t, "lang": "zh-Hant"})
    return out


def build_beside(build_dir, data=None):
    """Builds the corpus into BUILD_DIR/realtext (for the tools that measure or fit the default
    pack with the CLI in BUILD_DIR) and returns that folder."""
    out = Path(build_dir).resolve() / "realtext"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--out", str(out)]
    if data:
        cmd += ["--data", data]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", help="the data folder (default $TRIAGE_DATA or ../shared/data)")
    ap.add_argument("--out", default=str(ROOT / "build" / "realtext"))
    ap.add_argument("--labels", default=str(CORPUS), help="the folder of the label files")
    a = ap.parse_args()
    root = texts.data_dir(a.data)
    if not (root / "weibo_helpdesk").is_dir():
        sys.exit(f"build.py: no data folder at {root} (pass --data or set TRIAGE_DATA)")
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = Path(a.labels)
    for split in ("train", "test", "repeat"):
        if split == "repeat" and not (corpus / "repeat.labels.jsonl").exists():
            continue
        rows = tickets(read_jsonl(corpus / f"{split}.labels.jsonl"), root, corpus)
        with open(out / f"{split}.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{out / (split + '.jsonl')}: {len(rows)} tickets", file=sys.stderr)


if __name__ == "__main__":
    main()
