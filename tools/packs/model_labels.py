#!/usr/bin/python3
"""The labels the default pack's model learns, from a labelled ticket: every corpus label, plus
the dimensions only the model scores: `department` (the primary department), `urgency_estimate`
(the urgency) and `repeat_estimate` (`yes` / `no` from the ticket's repeat_contact).

The shipped model learns from the corpus's first three labelling passes (MODEL_DRAWS): the
fourth (lines marked "draw": 4) is held out from it, and is where the repeat_estimate threshold
was chosen (see examples/realtext/README.md). Tickets without a draw mark are of the first three.
The fifth pass (REPEAT_DRAWS), labelled for repeat contacts and emotion only, teaches
repeat_estimate alone: `triage train` fits that dimension last, so its lines leave every other
dimension's weights as they were (check_order holds the pack to that). The sixth pass, labelled
the same way, is held out like the fourth.

usage: tools/packs/model_labels.py < labelled.jsonl > for_model.jsonl"""
import json
import sys
from pathlib import Path

# pack dimension learned by the model only -> the corpus label it learns from
MODEL_ONLY = {"department": "primary", "urgency_estimate": "urgency"}
# the labelling passes the shipped model learns from
MODEL_DRAWS = 3
# the passes that teach repeat_estimate only
REPEAT_DRAWS = (5,)


def learns_from(ticket):
    """Whether the shipped model is trained on this ticket (its draw is one of MODEL_DRAWS, or
    of REPEAT_DRAWS for repeat_estimate)."""
    return ticket.get("draw", 1) <= MODEL_DRAWS or repeat_only(ticket)


def repeat_only(ticket):
    """Whether the ticket teaches (and measures) repeat_estimate alone."""
    return ticket.get("draw", 1) in REPEAT_DRAWS


def repeat_value(ticket):
    """repeat_estimate's value for a ticket labelled for repeat contacts, else None."""
    rc = ticket.get("repeat_contact")
    return ("yes" if rc else "no") if isinstance(rc, bool) else None


def for_model(ticket):
    """The ticket with the model-only dimensions' labels added (a new dict)."""
    t = dict(ticket, labels={} if repeat_only(ticket) else dict(ticket["labels"]))
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
    if repeat_only(ticket):
        return None
    return ticket["labels"].get(MODEL_ONLY.get(dim, dim))


DEFAULT_PACK = Path(__file__).resolve().parents[2] / "packs" / "default" / "pack.json"


def check_order(pack_path=DEFAULT_PACK):
    """Stops, naming the pack, unless repeat_estimate is its last dimension: REPEAT_DRAWS relies
    on `triage train` fitting the dimensions in order with it last (each fit draws from
    LIBLINEAR's shared random state). Every script that trains with for_model calls it."""
    with open(pack_path, encoding="utf-8") as f:
        dims = [d["id"] for d in json.load(f)["dimensions"]]
    if dims[-1] != "repeat_estimate":
        sys.exit(f"model_labels.py: {pack_path}: repeat_estimate must be the last dimension "
                 f"(the fifth draw teaches it alone); the dimensions are {dims}")


if __name__ == "__main__":
    check_order()
    for line in sys.stdin:
        if line.strip() and learns_from(json.loads(line)):
            print(json.dumps(for_model(json.loads(line)), ensure_ascii=False))
