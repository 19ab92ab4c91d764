#!/usr/bin/python3
"""How right the default pack is, in one run: rules alone, the model alone and both combined
(as shipped), on the seed-style development set, examples/labelled.jsonl and the real-text
corpus's frozen test split. Accuracy counts an abstention as wrong; "when answering" is
right / answered.

usage: bench/quality.py BUILD_DIR [--data DIR]
(the corpus is built from the data folder: the flag, $TRIAGE_DATA, or ../shared/data)
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "packs" / "default"


def evaluate(cli, pack, labelled):
    out = subprocess.run([cli, "eval", "--pack", str(pack), "--format", "json", str(labelled)],
                         check=True, capture_output=True, text=True).stdout
    return {t["target"]: t for t in json.loads(out)["targets"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--data")
    a = ap.parse_args()
    cli = str(Path(a.build).resolve() / "triage")
    corpus = Path(a.build).resolve() / "realtext"
    cmd = [sys.executable, str(ROOT / "tools" / "corpus" / "build.py"), "--out", str(corpus)]
    if a.data:
        cmd += ["--data", a.data]
    subprocess.run(cmd, check=True, capture_output=True)

    pack = json.loads((PACK / "pack.json").read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix="triage-quality-"))
    variants = {}
    rules = dict(pack)
    rules.pop("model", None)
    variants["rules"] = rules
    model = dict(pack)
    model["rules"] = []
    model["model"] = dict(pack["model"], file=str(PACK / pack["model"]["file"]),
                          policy="rules_first")
    variants["model"] = model
    combined = dict(pack)
    combined["model"] = dict(pack["model"], file=str(PACK / pack["model"]["file"]))
    variants["combined"] = combined
    paths = {}
    for name, p in variants.items():
        paths[name] = tmp / f"{name}.json"
        paths[name].write_text(json.dumps(p, ensure_ascii=False), encoding="utf-8")

    sets = [("seed-style (tools/devset/dev.jsonl; tuning set)", ROOT / "tools/devset/dev.jsonl"),
            ("examples/labelled.jsonl (held out)", ROOT / "examples/labelled.jsonl"),
            ("real text, frozen test split", corpus / "test.jsonl")]
    for title, path in sets:
        results = {name: evaluate(cli, p, path) for name, p in paths.items()}
        n = next(iter(results["combined"].values()))["scored"]
        print(f"\n{title}: {n} tickets")
        print(f"{'target':<14}{'rules':>9}{'model':>9}{'combined':>10}"
              f"{'coverage':>10}{'when answering':>16}")
        for target, c in results["combined"].items():
            r = results["rules"].get(target, {}).get("accuracy")
            m = results["model"].get(target, {}).get("accuracy")
            fmt = lambda x: f"{x:.1%}" if x is not None else "–"
            print(f"{target:<14}{fmt(r):>9}{fmt(m):>9}{fmt(c['accuracy']):>10}"
                  f"{fmt(c['coverage']):>10}{fmt(c['accuracy_when_answering']):>16}")


if __name__ == "__main__":
    main()
