#!/usr/bin/python3
"""The labels the default pack's model learns, from a labelled ticket: every corpus label, plus
`department` (the primary department) and `urgency_estimate` (the urgency), the two dimensions
only the model scores.

usage: tools/packs/model_labels.py < labelled.jsonl > for_model.jsonl"""
import json
import sys

# pack dimension learned by the model only -> the corpus label it learns from
MODEL_ONLY = {"department": "primary", "urgency_estimate": "urgency"}


def for_model(ticket):
    """The ticket with the model-only dimensions' labels added (a new dict)."""
    t = dict(ticket, labels=dict(ticket["labels"]))
    for dim, label in MODEL_ONLY.items():
        if label in t["labels"]:
            t["labels"][dim] = t["labels"][label]
    return t


def gold(ticket, dim):
    """The right value of a pack dimension for a labelled ticket, or None if unlabelled."""
    return ticket["labels"].get(MODEL_ONLY.get(dim, dim))


if __name__ == "__main__":
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(for_model(json.loads(line)), ensure_ascii=False))
