#!/usr/bin/python3
"""Agreement between the corpus labels and the blind second labelling of a random 10%.

usage: tools/corpus/agreement.py   (reads examples/realtext/*.labels.jsonl)
Prints, per dimension, how many of the doubly labelled tickets got the same value twice: the
corpus (blind.labels.jsonl against the train and test splits), then the repeat-contact set
(repeat.blind.labels.jsonl against repeat.labels.jsonl), the fifth and sixth draws
(fifth.blind.labels.jsonl, sixth.blind.labels.jsonl against their lines in train.labels.jsonl), then the frozen test split's
repeat_contact against test.repeat.blind.labels.jsonl (that field labelled again, blind, after the
guide settled which earlier dealings count; the frozen file itself is never edited).
"""
import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "realtext"


def load(name):
    with open(CORPUS / name, encoding="utf-8") as f:
        return {(d["source"], d["source_id"]): d for d in map(json.loads, f)}


def report(first, blind):
    same_ticket = sum(bool(first[k].get("not_ticket")) == bool(b.get("not_ticket"))
                      for k, b in blind.items())
    print(f"{'dimension':<16}{'agree':>7}{'of':>6}{'share':>8}")
    print(f"{'not_ticket':<16}{same_ticket:>7}{len(blind):>6}{same_ticket / len(blind):>8.1%}")
    both = [(first[k], b) for k, b in blind.items()
            if not first[k].get("not_ticket") and not b.get("not_ticket")]
    dims = list(both[0][0]["labels"]) + ["repeat_contact"]
    for d in dims:
        get = (lambda x: x["repeat_contact"]) if d == "repeat_contact" else (lambda x: x["labels"][d])
        n = sum(get(a) == get(b) for a, b in both)
        print(f"{d:<16}{n:>7}{len(both):>6}{n / len(both):>8.1%}")


print("the corpus (train and test splits)")
report({**load("train.labels.jsonl"), **load("test.labels.jsonl")}, load("blind.labels.jsonl"))
print("\nthe repeat-contact set")
report(load("repeat.labels.jsonl"), load("repeat.blind.labels.jsonl"))
for name in ("fifth", "sixth"):
    print(f"\nthe {name} draw (training split; labelled like the repeat-contact set)")
    report(load("train.labels.jsonl"), load(f"{name}.blind.labels.jsonl"))

print("\nthe frozen test split's repeat_contact, labelled again against the sharpened guide")
test = load("test.labels.jsonl")
again = load("test.repeat.blind.labels.jsonl")
pairs = [(test[k]["repeat_contact"], b["repeat_contact"]) for k, b in again.items()
         if not test[k].get("not_ticket")]
same = sum(a == b for a, b in pairs)
print(f"agree {same} of {len(pairs)} ({same / len(pairs):.1%}); true only in the first labels "
      f"{sum(a and not b for a, b in pairs)}, only in the second {sum(b and not a for a, b in pairs)}")
