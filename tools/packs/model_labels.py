#!/usr/bin/python3
"""The labels the default pack's model learns, from a labelled ticket: every corpus label, plus
the dimensions only the model scores: `department` (the primary department), `urgency_estimate`
(the urgency) and `repeat_estimate` (`yes` / `no` from the ticket's repeat_contact).

The shipped model learns from the corpus's first three labelling passes (MODEL_DRAWS): the
fourth (lines marked "draw": 4) is held out from it, and is where the repeat_estimate threshold
was chosen (see examples/realtext/README.md). Tickets without a draw mark are of the first three.

usage: tools/packs/model_labels.py < labelled.jsonl > for_model.jsonl"""
import json
import sys

# pack dimension learned by the model only -> the corpus label it learns from
MODEL_ONLY = {"department": "primary", "urgency_estimate": "urgency"}
# the labelling passes the shipped model learns from
MODEL_DRAWS = 3


def learns_from(ticket):
    """Whether the shipped model is trained on this ticket (its draw is one of MODEL_DRAWS)."""
    return ticket.get("draw", 1) <= MODEL_DRAWS


def repeat_value(ticket):
    """repeat_estimate's value for a ticket labelled for repeat contacts, else None."""
    rc = ticket.get("repeat_contact")
    return ("yes" if rc else "no") if isinstance(rc, bool) else None


def for_model(ticket):
    """The ticket with the model-only dimensions' labels added (a new dict)."""
    t = dict(ticket, labels=dict(ticket["labels"]))
    for dim, label in MODEL_ONLY.items():
        if label in t["labels"]:
            t["labels"][dim] = t["labels"][label]
    if repeat_value(ticket) is not None:
        t["labels"]["repeat_estimate"] = repeat_value(ticket)
    return t


def gold(ticket, dim):
    """The right value of a pack dimension for a labelled ticket, or None if unlabelled."""
    if dim == "repeat_estimate":
        return repeat_value(ticket)
    return ticket["labels"].get(MODEL_ONLY.get(dim, dim))


if __name__ == "__main__":
    for line in sys.stdin:
        if line.strip() and learns_from(json.loads(line)):
            print(json.dumps(for_model(json.loads(line)), ensure_ascii=False))
