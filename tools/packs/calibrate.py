#!/usr/bin/python3
"""Fits the default pack's calibration maps: what a raw confidence means on real text.

The blend of rule weights and model probabilities orders tickets well by confidence but does not
say how often it is right (0.74 where 0.95 are). This cross-fits: the real-text training split is
cut into folds (by source_id, so a post and its translation stay together); for each fold a model
is trained on the other folds and the seed-style set, and the pack (rules + that model, no
calibration) diagnoses the fold. Every training ticket thus gets a raw confidence from a model
that never saw it. Per dimension, isotonic regression (pool adjacent violators) of "the top value
is right" on the raw confidence gives the map, stored as `calibration` knots in the pack.

Each dimension's `min_confidence` moves through the map with it (the new threshold is the map at
the old raw threshold), so the pack answers exactly the tickets it answered before: calibration
changes what the confidence says, not what is decided. The frozen test split is never read.

With --report it writes nothing and prints, per dimension, what the cross-fitting measured: the
held-out tickets, how often the top value is right and, for `emotion`, the precision of `angry`
(the emotion that changes the opening). That is the figure to compare two training setups by,
on the training split only.

With --report --as-shipped the folds run the pack as it is, calibration and value thresholds
included, and count the value decided (an abstention is wrong): how emotion's weight and
`angry`'s threshold were chosen (README, "Emotion").

usage: tools/packs/calibrate.py BUILD_DIR [--folds 5] [--data DIR] [--dry-run | --report
       [--as-shipped]]
(BUILD_DIR holds the `triage` CLI; run after tools/packs/train_default_model.sh)
"""
import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from format_pack import dump  # noqa: E402
from model_labels import for_model, gold, learns_from  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "corpus"))
from build import build_beside  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "packs" / "default" / "pack.json"
MIN_BLOCK = 50  # tickets per knot at least: fewer make a map that follows noise
MAX_KNOTS = 24


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def fold_of(ticket, folds):
    return int(hashlib.sha1(str(ticket["source_id"]).encode()).hexdigest(), 16) % folds


def interpolate(knots, x):
    """The map at x: piecewise linear, flat beyond the ends (as the engine does)."""
    if not knots:
        return x
    if x <= knots[0][0]:
        return knots[0][1]
    if x >= knots[-1][0]:
        return knots[-1][1]
    for (x0, y0), (x1, y1) in zip(knots, knots[1:]):
        if x0 <= x <= x1:
            return y0 + (x - x0) / (x1 - x0) * (y1 - y0)
    return knots[-1][1]


def raw_threshold(knots, threshold):
    """The raw confidence the calibrated `threshold` stands for (the map's inverse)."""
    if not knots:
        return threshold
    if threshold <= knots[0][1]:
        return knots[0][0] if threshold == knots[0][1] else 0.0
    for (x0, y0), (x1, y1) in zip(knots, knots[1:]):
        if y0 < threshold <= y1:
            return x0 + (threshold - y0) / (y1 - y0) * (x1 - x0)
    return 1.0


def isotonic(points):
    """Pool adjacent violators over (raw, right) sorted by raw: blocks of [sum_x, sum_y, n]
    whose means increase strictly, each at least MIN_BLOCK tickets."""
    blocks = []
    for x, y, *_ in sorted(points):
        blocks.append([x, float(y), 1])
        while len(blocks) > 1 and (
                blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]
                or blocks[-2][2] < MIN_BLOCK):
            x2, y2, n2 = blocks.pop()
            blocks[-1][0] += x2
            blocks[-1][1] += y2
            blocks[-1][2] += n2
    # A short last block joins its neighbour (which keeps the means increasing).
    if len(blocks) > 1 and blocks[-1][2] < MIN_BLOCK:
        x2, y2, n2 = blocks.pop()
        blocks[-1] = [blocks[-1][0] + x2, blocks[-1][1] + y2, blocks[-1][2] + n2]
    while len(blocks) > MAX_KNOTS:  # merge the closest neighbours
        i = min(range(len(blocks) - 1),
                key=lambda k: blocks[k + 1][1] / blocks[k + 1][2] - blocks[k][1] / blocks[k][2])
        x2, y2, n2 = blocks.pop(i + 1)
        blocks[i] = [blocks[i][0] + x2, blocks[i][1] + y2, blocks[i][2] + n2]
    knots = [[round(sx / n, 4), round(sy / n, 4)] for sx, sy, n in blocks]
    # Strictly increasing raw values (two blocks may share a mean after rounding).
    out = []
    for k in knots:
        if out and k[0] <= out[-1][0]:
            out[-1][1] = max(out[-1][1], k[1])
            continue
        out.append(k)
    # From (0, 0): below the first block the map falls to zero rather than staying flat, so no
    # two raw confidences on either side of a threshold map to the same value.
    if out and out[0][0] > 0:
        out.insert(0, [0.0, 0.0])
    return out


def ece(points, knots):
    """Expected calibration error in 10 equal-width bins, as `triage eval` computes it."""
    bins = [[0, 0.0, 0.0] for _ in range(10)]
    for x, y, *_ in points:
        c = interpolate(knots, x) if knots is not None else x
        b = bins[min(9, int(c * 10))]
        b[0] += 1
        b[1] += y
        b[2] += c
    n = len(points)
    return sum(abs(b[1] - b[2]) for b in bins if b[0]) / n if n else 0.0


def cross_fit(cli, pack, train, dev, folds, tmp, as_shipped=False):
    """(dimension -> [(raw confidence, top value right, fold, top value, right value)]) over the
    training tickets. With as_shipped the folds run the pack as it is (calibration maps and value
    thresholds kept: the decision a user gets, not the raw confidence the maps are fitted on)."""
    uncalibrated = json.loads(json.dumps(pack))
    for d in [] if as_shipped else uncalibrated["dimensions"]:
        knots = d.pop("calibration", None)
        if knots:
            d["min_confidence"] = round(raw_threshold(knots, d.get("min_confidence", 0.3)), 4)
        # A value's own threshold is on the calibrated scale too, and a value that yields to the
        # fallback would hide the confidence being measured: the raw pack has none.
        for v in d["values"]:
            if isinstance(v, dict):
                v.pop("min_confidence", None)
    points = {d["id"]: [] for d in pack["dimensions"]}
    for k in range(folds):
        fit = [for_model(t) for t in train if fold_of(t, folds) != k] + [for_model(t) for t in dev]
        held = [t for t in train if fold_of(t, folds) == k]
        write_jsonl(tmp / "fit.jsonl", fit)
        write_jsonl(tmp / "held.jsonl", held)
        model = tmp / f"model{k}.json"
        subprocess.run([cli, "train", "--pack", str(PACK), "--algorithm", "linear", "--min-df",
                        "2", str(tmp / "fit.jsonl"), "-o", str(model)], check=True,
                       capture_output=True)
        variant = dict(uncalibrated, model=dict(pack["model"], file=str(model)))
        (tmp / "pack.json").write_text(json.dumps(variant, ensure_ascii=False), encoding="utf-8")
        out = subprocess.run([cli, "diagnose", "--pack", str(tmp / "pack.json"),
                              str(tmp / "held.jsonl")], check=True, capture_output=True,
                             text=True).stdout
        for t, line in zip(held, out.splitlines()):
            labels = json.loads(line)["labels"]
            for dim, pts in points.items():
                want, label = gold(t, dim), labels.get(dim)
                if want is None or not label or not label.get("candidates"):
                    continue
                top = label["value"] if as_shipped else label["candidates"][0]["value"]
                pts.append((label["confidence"], int(top == want), k, top, want))
        print(f"fold {k + 1}/{folds}: {len(held)} tickets", file=sys.stderr)
    return points, uncalibrated


def report(points, what="top value right"):
    """Per dimension: held-out tickets, how often the top value is right and, for emotion, the
    precision of `angry` (labelled angry / predicted angry)."""
    print(f"{'dimension':<18} {'held out':>8}  {what:<22} angry precision")
    for dim, pts in points.items():
        line = f"{dim:<18} {len(pts):>8}  {share(sum(p[1] for p in pts), len(pts)):<22}"
        if dim == "emotion":
            said_angry = [want for *_, top, want in pts if top == "angry"]
            line += share(said_angry.count("angry"), len(said_angry))
        print(line.rstrip())


def share(part, whole):
    return f"{100 * part / whole:.2f}% ({part}/{whole})" if whole else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--data")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="print the maps, leave the pack")
    mode.add_argument("--report", action="store_true",
                      help="print the cross-validated accuracy per dimension, leave the pack")
    ap.add_argument("--as-shipped", action="store_true",
                    help="with --report: the pack's calibration and value thresholds kept, "
                         "decided values counted")
    a = ap.parse_args()
    if a.as_shipped and not a.report:
        ap.error("--as-shipped measures the pack as it is; it goes with --report, which writes "
                 "nothing (fitting maps to an already calibrated pack would calibrate it twice)")
    cli = str(Path(a.build).resolve() / "triage")
    corpus = build_beside(a.build, a.data)
    # never test.jsonl (that split is frozen); the draws the shipped model learns from
    train = [t for t in read_jsonl(corpus / "train.jsonl") if learns_from(t)]
    dev = read_jsonl(ROOT / "tools" / "devset" / "dev.jsonl")
    pack = json.loads(PACK.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="triage-calibrate-") as tmp:
        points, uncalibrated = cross_fit(cli, pack, train, dev, a.folds, Path(tmp),
                                         as_shipped=a.as_shipped)
    if a.report:
        report(points, "value decided right" if a.as_shipped else "top value right")
        return
    raw_min = {d["id"]: d.get("min_confidence", 0.3) for d in uncalibrated["dimensions"]}
    for d in pack["dimensions"]:
        pts = points[d["id"]]
        if len(pts) < 4 * MIN_BLOCK:
            print(f"{d['id']}: {len(pts)} held-out tickets, too few; left as it was")
            continue
        knots = isotonic(pts)
        # The map's own error on tickets it was not fitted on: fit on four folds' points, measure
        # on the fifth.
        held_out = sum(ece([p for p in pts if p[2] == k], isotonic([p for p in pts if p[2] != k]))
                       * sum(1 for p in pts if p[2] == k) for k in range(a.folds)) / len(pts)
        d["min_confidence"] = round(interpolate(knots, raw_min[d["id"]]), 4)
        print(f"{d['id']}: {len(pts)} tickets, {len(knots)} knots, ECE {ece(pts, None):.3f} -> "
              f"{held_out:.3f} (cross-validated), min_confidence {raw_min[d['id']]} raw -> "
              f"{d['min_confidence']}")
        # Keep the key order readable: calibration right after min_confidence.
        items = list(d.items())
        d.clear()
        for key, value in items:
            if key != "calibration":
                d[key] = value
            if key == "min_confidence":  # always present: set above
                d["calibration"] = knots
    if not a.dry_run:
        PACK.write_text(dump(pack) + "\n", encoding="utf-8")
        print(f"wrote {PACK.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
