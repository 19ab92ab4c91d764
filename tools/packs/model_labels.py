#!/usr/bin/python3
"""The labels the default pack's model learns, from a labelled ticket: every corpus label, plus
the dimensions only the model scores: `department` (the primary department), `urgency_estimate`
(the urgency) and `repeat_estimate` (`yes` / `no` from the ticket's repeat_contact).

The shipped model learns every dimension from the corpus's first three labelling passes
(MODEL_DRAWS); tickets without a draw mark are of those. A later pass teaches only the dimensions
PARTIAL_DRAWS names for it. The fourth pass (lines marked "draw": 4) teaches problem type,
request kind, scenario and urgency (demand and department were tried and made
examples/labelled.jsonl worse) and is held out from the rest: changes to `emotion` and
`repeat_estimate` are judged there. The fifth and sixth passes were labelled for repeat contacts
and emotion only: the fifth teaches `repeat_estimate`, and the sixth nothing (held out). Their
emotion labels taught `emotion` a better top value but a worse shipped decision on the fourth
draw (examples/realtext/README.md), so they are evidence only. `triage train` fits each
dimension from its own lines alone (each fit starts LIBLINEAR's random state afresh), so a line
that teaches one dimension leaves the others' weights as they were.

usage: tools/packs/model_labels.py < labelled.jsonl > for_model.jsonl"""
import json
import sys

# pack dimension learned by the model only -> the corpus label it learns from
MODEL_ONLY = {"department": "primary", "urgency_estimate": "urgency"}
# the labelling passes that teach every dimension
MODEL_DRAWS = 3
# later passes -> the dimensions each teaches (the fourth was labelled on every dimension,
# the fifth and sixth on a few)
PARTIAL_DRAWS = {
    4: ("problem_type", "request_kind", "scenario", "urgency_estimate"),
    5: ("repeat_estimate",),
}


def teaches(ticket, dim):
    """Whether the shipped model learns dimension `dim` from this ticket."""
    draw = ticket.get("draw", 1)
    return draw <= MODEL_DRAWS or dim in PARTIAL_DRAWS.get(draw, ())


def learns_from(ticket):
    """Whether the shipped model learns any dimension from this ticket."""
    draw = ticket.get("draw", 1)
    return draw <= MODEL_DRAWS or draw in PARTIAL_DRAWS


def repeat_value(ticket):
    """repeat_estimate's value for a ticket labelled for repeat contacts, else None."""
    rc = ticket.get("repeat_contact")
    return ("yes" if rc else "no") if isinstance(rc, bool) else None


def labelled(ticket, dim):
    """The ticket's own label for a pack dimension, whether or not the model learns it there."""
    if dim == "repeat_estimate":
        return repeat_value(ticket)
    return ticket["labels"].get(MODEL_ONLY.get(dim, dim))


def gold(ticket, dim):
    """The value the model learns for `dim` from this ticket (and is calibrated against), or
    None where the ticket is unlabelled for it or does not teach it."""
    return labelled(ticket, dim) if teaches(ticket, dim) else None


def for_model(ticket):
    """The ticket with the labels it teaches the model: every corpus label plus the model-only
    dimensions for the first three draws, PARTIAL_DRAWS' dimensions for later ones (a new dict)."""
    draw = ticket.get("draw", 1)
    if draw <= MODEL_DRAWS:
        labels = dict(ticket["labels"])
        for dim, label in MODEL_ONLY.items():
            if label in labels:
                labels[dim] = labels[label]
        if repeat_value(ticket) is not None:
            labels["repeat_estimate"] = repeat_value(ticket)
    else:
        labels = {d: labelled(ticket, d) for d in PARTIAL_DRAWS.get(draw, ())
                  if labelled(ticket, d) is not None}
    return dict(ticket, labels=labels)


if __name__ == "__main__":
    for line in sys.stdin:
        if line.strip() and learns_from(json.loads(line)):
            print(json.dumps(for_model(json.loads(line)), ensure_ascii=False))
