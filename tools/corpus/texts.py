"""Reads the real-text sources in the shared data folder, keyed by provenance.

The repository keeps only labels for texts that carry no licence (the Weibo dialogues and the
reviews); their words are read from the data folder at run time. BANKING77 (CC BY 4.0) texts are
stored beside their labels. Every text is addressed by (source, source_id):

- weibo_helpdesk, <dialogue source_id>: the first customer turn, its utterances joined by a space;
  lang "en" reads the manual English translation of the same turn;
- reviews_zh, waimai_10k:<row> / online_shopping_10_cats:<row>: a review, rows counted from 1
  after the header;
- banking77, train:<row> / test:<row>: a query.
"""
import csv
import json
import os
from pathlib import Path


def data_dir(flag=None):
    """The data folder: the flag, else $TRIAGE_DATA, else ../shared/data beside the checkout."""
    if flag:
        return Path(flag)
    if os.environ.get("TRIAGE_DATA"):
        return Path(os.environ["TRIAGE_DATA"])
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _first_customer_turn(turns):
    for t in turns:
        if t.get("sender") == "customer":
            return " ".join(u.strip() for u in t.get("utterances", []) if u.strip())
    return ""


def weibo(root):
    """{source_id: (zh text, en text)} for every dialogue."""
    out = {}
    with open(Path(root) / "weibo_helpdesk" / "dialogues.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            en = _first_customer_turn(d.get("turns_en", []))
            en = en.strip().strip("|").strip()
            out[str(d["source_id"])] = (_first_customer_turn(d["turns_zh"]), en)
    return out


def reviews(root):
    """{"waimai_10k:N" or "online_shopping_10_cats:N": (text, sentiment label, category)}."""
    out = {}
    for name in ("waimai_10k", "online_shopping_10_cats"):
        path = Path(root) / "reviews_zh" / f"{name}.csv"
        with open(path, encoding="utf-8-sig", newline="") as f:
            for i, row in enumerate(csv.DictReader(f), start=1):
                out[f"{name}:{i}"] = (row["review"].strip(), row["label"], row.get("cat", "外卖"))
    return out


def banking77(root):
    """{"train:N" or "test:N": (text, intent)}."""
    out = {}
    for split in ("train", "test"):
        with open(Path(root) / "banking77" / f"{split}.csv", encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f), start=1):
                out[f"{split}:{i}"] = (row["text"].strip(), row["category"])
    return out
