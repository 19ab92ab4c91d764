"""Shared fixtures of the binding's tests: paths into the source tree and example tickets."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
HEADER = os.path.join(REPO, "capi", "triage.h")
# The one list of status codes that triage.h, triage::Errc and triage_status_name() are built from.
STATUS_LIST = os.path.join(REPO, "include", "triage", "status_list.h")
DATA = os.path.join(REPO, "tests", "data")
MINI_PACK = os.path.join(DATA, "mini_pack.json")
BAD_PACK = os.path.join(DATA, "bad_pack.json")

# Every ticket carries created_at so that diagnoses do not depend on the clock.
CREATED = "2026-11-20T10:00:00+08:00"

ZH_HANS = {"id": "zh", "channel": "app", "created_at": CREATED,
           "text": "APP一直闪退，订单号2026112012345678"}
ZH_HANT = {"id": "tw", "channel": "app", "created_at": CREATED,
           "text": "APP一直閃退，訂單號2026112012345678，請盡快處理"}
EN = {"id": "en", "channel": "email", "created_at": CREATED,
      "text": "I was charged twice for the same order, please refund me. Order 2026112012345678"}

# The smallest valid pack (one dimension, one value).
TINY_PACK = {"schema": 1, "name": "tiny", "version": "2", "dimensions": [{"id": "d", "values": ["a"]}]}
# Compiles to nothing: a pack needs at least one dimension.
BROKEN_PACK = '{"schema":1,"name":"x","version":"1","dimensions":[]}'


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()
