"""Diagnose on a Dask cluster: bags of tickets, JSON Lines files by partition, and dataframes.

Dask stays optional: ``import triage`` never needs it, and importing this module without it says
how to install it. Debian packages Dask for its own interpreter (``/usr/bin/python3``)::

    apt-get install python3-dask python3-distributed python3-pandas

Each worker process builds its engine once, from the pack's JSON text (or the built-in pack):
the task graph carries text, never a library handle. The workers find the shared library the
same way as any ``import triage`` (``TRIAGE_LIBRARY``, next to the package, the system path).

Request numbers are assigned per partition (each partition is one batch call); a host that needs
one global sequence assigns them itself.
"""
import json
import math

try:
    import dask.bag as _db
except ImportError as e:  # pragma: no cover - exercised by the tests with Dask hidden
    raise ImportError(
        "triage.dask needs Dask. On Debian: apt-get install python3-dask python3-distributed "
        "python3-pandas, then use Debian's interpreter /usr/bin/python3."
    ) from e

import triage

__all__ = ["diagnose_bag", "diagnose_jsonl", "diagnose_dataframe", "flatten"]

_engines = {}  # per worker process: pack text (None = built-in) → Engine


def _engine(pack_json):
    engine = _engines.get(pack_json)
    if engine is None:
        engine = triage.Engine() if pack_json is None else triage.Engine.from_json(pack_json)
        _engines[pack_json] = engine
    return engine


def _pack_text(pack):
    if pack is None or isinstance(pack, str):
        return pack
    return json.dumps(pack, ensure_ascii=False)


def diagnose_bag(bag, pack=None, threads=1):
    """A bag of tickets (dicts or JSON texts) → a bag of diagnosis dicts, partition by partition
    (a bad ticket becomes its ``{"line": N, "error": …}`` object, N counted in its partition)."""
    pack_json = _pack_text(pack)

    def run(tickets):
        tickets = list(tickets)
        return _engine(pack_json).diagnose_many(tickets, threads=threads) if tickets else []

    return bag.map_partitions(run)


def diagnose_jsonl(paths, output, pack=None, blocksize="64MiB", threads=1, compute=True):
    """JSON Lines in → JSON Lines out, one partition at a time, so a history on shared storage is
    never loaded whole. Blank lines are skipped, as by ``triage diagnose``. ``output`` is a
    directory or a name with ``*`` (see ``dask.bag.to_textfiles``)."""
    pack_json = _pack_text(pack)

    def run(lines):
        tickets = [line for line in lines if line.strip()]
        if not tickets:
            return []
        return _engine(pack_json).diagnose_many(tickets, threads=threads, raw=True)

    bag = _db.read_text(paths, blocksize=blocksize).map_partitions(run)
    return bag.to_textfiles(output, compute=compute)


def _dimensions(pack_json):
    probe = _engine(pack_json).diagnose({"text": "x"})
    return list(probe["labels"].keys())


def _columns(dimensions):
    cols = ["ticket_id", "request_id"]
    for dim in dimensions:
        cols += [dim, dim + "_confidence"]
    return cols + ["urgency", "primary", "first_response_due", "resolution_due", "error"]


def flatten(diagnosis, dimensions):
    """One diagnosis dict → one flat row (a dict of the dataframe's columns)."""
    if "error" in diagnosis:
        row = {c: None for c in _columns(dimensions)}
        row["error"] = diagnosis["error"]["code"]
        return row
    row = {"ticket_id": diagnosis.get("ticket_id"), "request_id": diagnosis.get("request_id")}
    for dim in dimensions:
        label = diagnosis["labels"].get(dim, {})
        row[dim] = label.get("value")
        row[dim + "_confidence"] = label.get("confidence")
    route = diagnosis.get("route") or {}
    sla = diagnosis.get("sla") or {}
    row.update(urgency=diagnosis.get("urgency"), primary=route.get("primary"),
               first_response_due=sla.get("first_response_due"),
               resolution_due=sla.get("resolution_due"), error=None)
    return row


def _ticket(record, text_column):
    ticket = {}
    for key, value in record.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        ticket["text" if key == text_column else key] = value
    return ticket


def diagnose_dataframe(df, pack=None, text_column="text", threads=1):
    """A dask dataframe with a text column (other columns are ticket fields by name: id, channel,
    created_at, …) → a dask dataframe of flat columns: ticket_id, request_id, each dimension's
    value and confidence, urgency, primary, first_response_due, resolution_due, error."""
    import pandas as pd

    pack_json = _pack_text(pack)
    dimensions = _dimensions(pack_json)
    columns = _columns(dimensions)
    meta = pd.DataFrame({c: pd.Series(dtype="float64" if c.endswith("_confidence") else "object")
                         for c in columns})

    def run(part):
        records = [_ticket(r, text_column) for r in part.to_dict("records")]
        out = _engine(pack_json).diagnose_many(records, threads=threads) if records else []
        return pd.DataFrame([flatten(d, dimensions) for d in out], columns=columns,
                            index=part.index).astype(meta.dtypes.to_dict())

    return df.map_partitions(run, meta=meta)
