#!/usr/bin/python3
"""Draws the lines to label (deterministic) and writes work lists with their texts.

The work lists hold texts that must not be committed: write them outside the repository.
usage: tools/corpus/sample.py OUT_DIR [--data DIR] [--more | --third | --repeat | --fourth | --fifth | --sixth]

--more draws the second labelling pass instead, for the training split only: with its own seed,
among the lines the first pass did not draw, 310 negative food-delivery reviews, 39 negative
shopping reviews of each category and 6 BANKING77 training queries of each intent; work lists
named *_more.jsonl.

--third draws the third labelling pass, for the training split only: with its own seed, among the
lines neither earlier pass drew, 200 negative food-delivery reviews, 25 negative shopping reviews of
each category and 5 BANKING77 training queries of each intent; it stops if a label file holds a
line no pass drew; work lists named *_third.jsonl.

--repeat draws the repeat-contact evaluation set (examples/realtext/repeat.labels.jsonl, frozen
like the test split): with its own seed, among the lines none of the three passes drew, 600
negative food-delivery reviews and 40 negative shopping reviews of each category; work lists named
*_repeat.jsonl (no BANKING77 queries: they almost never mention an earlier contact).

--fourth draws the fourth labelling pass, for the training split only: with its own seed, among the
lines no earlier draw took (the repeat-contact set included), 400 negative food-delivery reviews,
40 negative shopping reviews of each category and 5 BANKING77 training queries of each intent;
work lists named *_fourth.jsonl.

--fifth draws the fifth labelling pass, for the training split only and labelled like the
repeat-contact set (not_ticket, repeat_contact, emotion): with its own seed, among the lines no
earlier draw took, 600 negative food-delivery reviews and 40 negative shopping reviews of each
category; work list reviews_fifth.jsonl. Repeat contacts are about one negative review in ten, so
the patterns and the model's repeat_estimate need more of them than the full-label passes give.

--sixth draws the sixth pass the same way (its own seed, clear of the fifth too); work list
reviews_sixth.jsonl.
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
g = ap.add_mutually_exclusive_group()
g.add_argument("--more", action="store_true", help="draw the second pass (train only)")
g.add_argument("--third", action="store_true", help="draw the third pass (train only)")
g.add_argument("--repeat", action="store_true", help="draw the repeat-contact evaluation set")
g.add_argument("--fourth", action="store_true", help="draw the fourth pass (train only)")
g.add_argument("--fifth", action="store_true",
               help="draw the fifth pass (train only; repeat_contact and emotion)")
g.add_argument("--sixth", action="store_true",
               help="draw the sixth pass (train only; repeat_contact and emotion)")
a = ap.parse_args()
root = texts.data_dir(a.data)
out = Path(a.out)
out.mkdir(parents=True, exist_ok=True)


def write(name, rows):
    with open(out / name, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(name, len(rows))


def draw(rng, rv, bk, n_waimai, n_shopping, n_intent, skip=frozenset()):
    """Negative reviews per (file, category) and training queries per intent, not in skip."""
    neg = defaultdict(list)
    for k, (t, lab, cat) in rv.items():
        if lab == "0" and 6 <= len(t) <= 400 and k not in skip:
            neg[(k.split(":")[0], cat)].append(k)
    reviews = []
    for (name, cat), keys in sorted(neg.items()):
        n = n_waimai if name == "waimai_10k" else n_shopping
        reviews += rng.sample(sorted(keys), min(n, len(keys)))
    by_intent = defaultdict(list)
    for k, (t, intent) in bk.items():
        if k.startswith("train:") and k not in skip:
            by_intent[intent].append(k)
    queries = []
    for intent, keys in sorted(by_intent.items()):
        queries += rng.sample(sorted(keys), n_intent)
    return reviews, queries


def write_lists(rv, bk, reviews, queries, suffix):
    rows = [{"source": "reviews_zh", "source_id": k, "category": rv[k][2], "text": rv[k][0]}
            for k in reviews]
    write(f"reviews_waimai{suffix}.jsonl", [r for r in rows if r["source_id"].startswith("waimai")])
    write(f"reviews_shopping{suffix}.jsonl",
          [r for r in rows if r["source_id"].startswith("online")])
    write(f"banking77{suffix}.jsonl", [{"source": "banking77", "source_id": k, "intent": bk[k][1],
                                        "text": bk[k][0]} for k in queries])


rv = texts.reviews(root)
bk = texts.banking77(root)
first = draw(random.Random(20261206), rv, bk, 420, 52, 9)
more_args = (random.Random(20270118), rv, bk, 310, 39, 6, frozenset(first[0] + first[1]))
if a.more:
    write_lists(rv, bk, *draw(*more_args), "_more")
elif a.third or a.repeat or a.fourth or a.fifth or a.sixth:
    more = draw(*more_args)
    earlier = frozenset(first[0] + first[1] + more[0] + more[1])
    third = draw(random.Random(20270301), rv, bk, 200, 25, 5, earlier)
    if a.repeat or a.fourth or a.fifth or a.sixth:
        drawn = earlier | frozenset(third[0] + third[1])
        repeat_set, _ = draw(random.Random(20271207), rv, bk, 600, 40, 0, drawn)
        fourth = draw(random.Random(20261208), rv, bk, 400, 40, 5, drawn | frozenset(repeat_set))
        if a.fourth:
            write_lists(rv, bk, *fourth, "_fourth")
            sys.exit(0)
        name, reviews = "repeat", repeat_set
        if a.fifth or a.sixth:  # each clear of every draw before it
            drawn |= frozenset(repeat_set + fourth[0] + fourth[1])
            fifth, _ = draw(random.Random(20261207), rv, bk, 600, 40, 0, drawn)
            name, reviews = "fifth", fifth
            if a.sixth:
                sixth, _ = draw(random.Random(20261209), rv, bk, 600, 40, 0,
                                drawn | frozenset(fifth))
                name, reviews = "sixth", sixth
        rows = [{"source": "reviews_zh", "source_id": k, "category": rv[k][2], "text": rv[k][0]}
                for k in reviews]
        write(f"reviews_{name}.jsonl", rows)
        sys.exit(0)
    # The label files hold the earlier passes and, once labelled, this one: nothing else.
    corpus = Path(__file__).resolve().parents[2] / "examples" / "realtext"
    for name in ("train.labels.jsonl", "test.labels.jsonl", "blind.labels.jsonl"):
        with open(corpus / name, encoding="utf-8") as f:
            stray = {d["source_id"] for d in map(json.loads, f) if d["source"] != "weibo_helpdesk"}
        stray -= earlier | set(third[0] + third[1])
        if stray:
            sys.exit(f"sample: {name} holds lines no pass drew: {sorted(stray)[:5]}")
    write_lists(rv, bk, *third, "_third")
