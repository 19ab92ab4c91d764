"""triage — diagnoses customer-service tickets (Python binding of libtriage's C ABI).

>>> import triage
>>> engine = triage.Engine()                      # the built-in pack
>>> d = engine.diagnose({"id": "T-1", "channel": "app", "text": "APP一直闪退"})
>>> d["labels"]["problem_type"]["value"], d["urgency"]
('system_failure', 'high')

Only the standard library is needed. The shared library is loaded on first use, not at import:
``triage.Config.set_library_file(path)`` or ``triage.Config.set_library_path(directory)`` before
that chooses it; otherwise ``$TRIAGE_LIBRARY``, next to the package, then the system search path
(:mod:`triage._ffi`). The library must have this package's C ABI version and be at least as new
as the package needs, or the first use raises :class:`LibraryVersionError`. Text is UTF-8 and lengths are passed explicitly. Engines are immutable and may be shared between
threads; the library releases the GIL while it works.
"""

import contextlib
import ctypes
import datetime as _dt
import gc
import json
import operator
import os
import re
import threading
from collections.abc import Mapping
from ctypes import byref, c_char_p, c_double, c_size_t, c_void_p

from . import _ffi
from ._errors import (
    CallbackError,
    InternalError,
    InvalidArgument,
    JsonError,
    NotFoundError,
    PackError,
    Status,
    TicketError,
    TransitionError,
    TriageError,
    TriageIOError,
    TriageMemoryError,
    error_class,
    park_callback_exception,
)
from ._ffi import Config, LibraryLoadedError, LibraryNotFoundError, LibraryVersionError, lib
from ._version import ABI_VERSION, __version__

__all__ = [
    "__version__",
    "ABI_VERSION",
    "library_version",
    "library_path",
    "abi_version",
    "status_name",
    "version_number",
    "limit",
    "LIMITS",
    "compile_pack_file",
    "Status",
    "TriageError",
    "InvalidArgument",
    "JsonError",
    "TicketError",
    "PackError",
    "TransitionError",
    "TriageIOError",
    "NotFoundError",
    "CallbackError",
    "TriageMemoryError",
    "InternalError",
    "Config",
    "LibraryLoadedError",
    "LibraryNotFoundError",
    "LibraryVersionError",
    "error_class",
    "Engine",
    "Result",
    "Classification",
    "Roster",
    "EngineHolder",
    "Linker",
]

def __getattr__(name):
    # ``triage.library_path``: the path (or name) the shared library was loaded from; reading it
    # loads the library (PEP 562 keeps it an attribute while loading stays lazy).
    if name == "library_path":
        return _ffi.library_path()
    raise AttributeError(f"module 'triage' has no attribute {name!r}")


def library_version():
    """The loaded library's version, ``triage_version()`` ("0.4.0")."""
    return lib.triage_version()


def abi_version():
    """The loaded library's C ABI generation, ``triage_abi_version()`` (equals ABI_VERSION)."""
    return lib.triage_abi_version()


def version_number():
    """The loaded library's ``triage_version_number()``: major * 10000 + minor * 100 + patch."""
    return lib.triage_version_number()


#: The ids of ``triage_limit()`` (capi/triage.h's ``triage_limit_id``), by name.
LIMITS = {"ticket_bytes": 1, "text_bytes": 2, "string_bytes": 3, "json_depth": 4, "pack_bytes": 5,
          "pack_rules": 6, "pack_keywords": 7, "regex_bytes": 8, "condition_depth": 9}


def limit(name):
    """A limit the library enforces, by its name in :data:`LIMITS` ("ticket_bytes" → 8 MiB)."""
    return lib.triage_limit(LIMITS[name])


def status_name(code):
    """``triage_status_name(code)``: "ok", "field_value", …; "unknown" for codes the library lacks."""
    return lib.triage_status_name(int(code))


def compile_pack_file(path):
    """Compiles the pack file at ``path`` (and the learned model it names) into a compiled pack:
    the bytes of ``triage compile``, for :meth:`Engine.from_compiled` (or a ``.tpk`` file)."""
    out, length = c_void_p(), c_size_t()
    lib.triage_compile_pack_file(_cstr(os.fsencode(path), "path"), byref(out), byref(length))
    try:
        return ctypes.string_at(out, length.value)
    finally:
        lib.triage_compiled_free(out)


# ---- conversions -------------------------------------------------------------------------------
def _json_bytes(value):
    """JSON text for the library: bytes as given, str as UTF-8, anything else through json.dumps."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode(
        "utf-8")


def _cstr(value, what):
    """A NUL-terminated argument (names, ids, states): str or bytes without NUL."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    elif isinstance(value, (bytes, bytearray)):
        value = bytes(value)
    else:
        raise TypeError(f"{what}: expected str, got {type(value).__name__}")
    if b"\0" in value:
        raise ValueError(f"{what}: must not contain NUL characters")
    return value


def _instant(now):
    """``now`` for the library: None, an ISO-8601 string, or an aware datetime."""
    if now is None:
        return None
    if isinstance(now, _dt.datetime):
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now: a datetime needs a time zone (the library needs an offset)")
        return now.replace(microsecond=0).isoformat().encode("ascii")
    return _cstr(now, "now")


def _string_result(call, *args):
    """Calls ``call(*args, &out, &len)`` and returns the library's string as bytes (freed)."""
    out, length = c_void_p(), c_size_t()
    call(*args, byref(out), byref(length))
    return _ffi.take_string(out, length)


def _lines_result(call, *args):
    """Calls ``call(*args, &out, &len)`` and returns the library's JSONL as its lines (str)."""
    out, length = c_void_p(), c_size_t()
    call(*args, byref(out), byref(length))
    return _ffi.take_lines(out, length)


# ---- handles -----------------------------------------------------------------------------------
class _Handle:
    """Owns one library handle; freed by close(), the with-statement or the garbage collector.

    ``_as_parameter_`` makes the object usable directly as a ctypes argument.
    """

    _free_name = None
    _ptr = None

    @property
    def _as_parameter_(self):
        """The handle as a ctypes argument (ValueError once closed)."""
        if self._ptr is None:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._ptr

    _p = _as_parameter_

    @property
    def closed(self):
        return self._ptr is None

    def close(self):
        """Frees the handle (idempotent). Do not close an object other threads are still using."""
        ptr, self._ptr = self._ptr, None
        if ptr is not None:
            getattr(lib, self._free_name)(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may already be gone
            pass


def _selection(select):
    """A batch's ``select`` list as the library's comma-separated argument (None stays None)."""
    if select is None:
        return None
    if isinstance(select, (str, bytes)) or not all(isinstance(k, str) for k in select):
        raise TypeError("select: expected a list of key names (str)")
    return _cstr(",".join(select), "select")


def _batch_lines(tickets):
    """The tickets as one JSONL batch (bytes), its lines, and {position: line} of the blank ones."""
    lines = []
    blank = {}
    for position, ticket in enumerate(tickets):
        data = _json_bytes(ticket)
        if not isinstance(ticket, Mapping):
            data = data.replace(b"\r", b" ").replace(b"\n", b" ")
        # A ticket starts with "{": only a line that starts otherwise can be blank.
        if (not data or data[0] in b" \t") and not data.strip(b" \t"):
            blank[position] = data  # the library skips blank lines
        lines.append(data)
    return b"\n".join(lines) + b"\n" if lines else b"", lines, blank


def _classifier_callback(name, func):
    """A CFUNCTYPE trampoline for ``func(ticket: dict) -> iterable of (dimension, value, weight)``.

    An exception never crosses into C: it is parked for the calling thread and the callback
    returns 1, so the call fails with TRIAGE_ERR_CALLBACK and raises CallbackError from it.
    """

    def trampoline(user_data, ticket, length, scores):
        try:
            doc = json.loads(ctypes.string_at(ticket, length).decode("utf-8"))
            produced = func(doc)
            if produced is not None:
                for dimension, value, weight in produced:
                    lib.triage_scores_add(scores, _cstr(dimension, "dimension"),
                                          _cstr(value, "value"), float(weight))
            return 0
        except BaseException as exc:  # noqa: B902 — nothing may unwind through C frames
            park_callback_exception(exc)
            return 1

    trampoline.__name__ = f"classifier_{name}"
    return _ffi.classifier_fn(trampoline)


def _router_callback(name, func):
    """A CFUNCTYPE trampoline for ``func(group, agent_ids, language) -> index``."""

    def trampoline(user_data, group, agent_ids, count, language, chosen):
        try:
            ids = [agent_ids[i].decode("utf-8") for i in range(count)]
            index = operator.index(func(group.decode("utf-8") if group is not None else None, ids,
                                        language.decode("utf-8") if language is not None else None))
            if not 0 <= index < count:
                raise IndexError(f"router {name} chose index {index} of {count} agents")
            chosen[0] = index
            return 0
        except BaseException as exc:  # noqa: B902
            park_callback_exception(exc)
            return 1

    trampoline.__name__ = f"router_{name}"
    return _ffi.router_fn(trampoline)


class Result(_Handle):
    """A typed classification (triage_classify_*): no JSON on the way out.

    ``labels``: {dimension: (value or None when undecided, confidence)} in the pack's order;
    ``urgency``, ``primary``, ``group`` (None when the pack has no such section), ``request_id``.
    ``to_dict()`` gives the full diagnosis (triage_result_json) while the result is open.
    """

    _free_name = "triage_result_free"

    def __init__(self, ptr):
        self._ptr = ptr
        labels = {}
        for i in range(lib.triage_result_label_count(self._p)):
            dimension, value, confidence = c_char_p(), c_char_p(), c_double()
            lib.triage_result_label(self._p, i, byref(dimension), byref(value), byref(confidence))
            labels[dimension.value.decode("utf-8")] = (
                None if value.value is None else value.value.decode("utf-8"), confidence.value)
        self.labels = labels
        self.urgency = lib.triage_result_urgency(self._p)
        self.primary = lib.triage_result_primary(self._p)
        self.group = lib.triage_result_group(self._p)
        self.request_id = lib.triage_result_request_id(self._p)

    def label(self, dimension):
        """The decided value of a dimension (None when undecided)."""
        return self.labels[dimension][0]

    def to_dict(self):
        return json.loads(_string_result(lib.triage_result_json, self._p))

    def __repr__(self):
        return (f"<triage.Result labels={self.labels!r} urgency={self.urgency!r} "
                f"primary={self.primary!r} group={self.group!r} request_id={self.request_id!r}>")


class Classification:
    """What :meth:`Engine.classify_only` and :meth:`Engine.classify_text_only` give: labels,
    urgency and route, copied out of the library (plain values, no handle to close).

    ``labels``: {dimension: (value or None when undecided, confidence)} in the pack's order;
    ``urgency``, ``primary``, ``group`` (None when the pack has no such section) and
    ``assisting`` (a tuple of departments).
    """

    __slots__ = ("labels", "urgency", "primary", "assisting", "group")

    def __init__(self, labels, urgency, primary, assisting, group):
        self.labels = labels
        self.urgency = urgency
        self.primary = primary
        self.assisting = assisting
        self.group = group

    def label(self, dimension):
        """The decided value of a dimension (None when undecided)."""
        return self.labels[dimension][0]

    def __eq__(self, other):
        if not isinstance(other, Classification):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __repr__(self):
        return (f"<triage.Classification labels={self.labels!r} urgency={self.urgency!r} "
                f"primary={self.primary!r} assisting={self.assisting!r} group={self.group!r}>")


class _Scratch(_Handle):
    """One triage_classification and the arrays its values are read into, reused by every
    classify_only call on one thread (so that a warm call allocates nothing in the library).
    The arrays hold addresses (``c_void_p``): the pack's ids, decoded once per engine."""

    _free_name = "triage_classification_free"

    def __init__(self):
        out = _ffi.classification_p()
        lib.triage_classification_new(byref(out))
        self._ptr = out
        self.address = ctypes.cast(out, c_void_p).value
        self.busy = False
        self.resize(16, 8)

    def resize(self, labels, assisting=8):
        self.values = (c_void_p * labels)()
        self.confidences = (c_double * labels)()
        self.assisting = (c_void_p * assisting)()
        self.route = (c_void_p * 3)()  # urgency, primary, group
        self.capacity = (labels, assisting)
        at = ctypes.addressof
        route = at(self.route)
        size = ctypes.sizeof(c_void_p)
        self.values_args = (at(self.values), at(self.confidences), labels)
        self.route_args = (route, route + size, route + 2 * size, at(self.assisting), assisting)


_scratch = threading.local()


def _thread_scratch():
    """This thread's result object, made on its first classify_only."""
    s = _scratch.value = _Scratch()
    return s


class Engine(_Handle):
    """A compiled rule pack. Immutable: any number of threads may diagnose on one engine.

    ``Engine()`` uses the built-in pack; see also :meth:`from_json`, :meth:`from_file` and
    :meth:`with_classifiers`.
    """

    _free_name = "triage_engine_free"

    def __init__(self):
        self._keepalive = ()
        out = _ffi.engine_p()
        lib.triage_engine_new_default(byref(out))
        self._ptr = out

    @classmethod
    def _wrap(cls, ptr, keepalive=()):
        self = cls.__new__(cls)
        self._keepalive = keepalive  # CFUNCTYPE objects the compiled engine calls
        self._ptr = ptr
        return self

    @classmethod
    def from_json(cls, pack):
        """An engine for a pack given as JSON text (str or bytes) or as a dict; PackError (or
        JsonError) names the place."""
        data = _json_bytes(pack)
        out = _ffi.engine_p()
        lib.triage_engine_new_from_json(data, len(data), byref(out))
        return cls._wrap(out)

    @classmethod
    def from_file(cls, path):
        """An engine for a pack file (read by the library); TriageIOError when it cannot be read."""
        out = _ffi.engine_p()
        lib.triage_engine_new_from_file(_cstr(os.fsencode(path), "path"), byref(out))
        return cls._wrap(out)

    @classmethod
    def from_compiled(cls, data):
        """An engine for a compiled pack (bytes, bytearray or memoryview, as written by
        ``triage compile`` or :func:`compile_pack_file`): loads in milliseconds. PackError with
        code ERR_COMPILED_PACK_FOREIGN, _VERSION or _CORRUPT (``where`` names the byte and
        section) when it is not one, is of another triage version, or is truncated or damaged.
        :meth:`from_file` takes compiled pack files too."""
        buf = bytes(data)
        out = _ffi.engine_p()
        lib.triage_engine_new_from_compiled(buf, len(buf), byref(out))
        return cls._wrap(out)

    @classmethod
    def with_classifiers(cls, pack_json=None, classifiers=None):
        """An engine with host classifiers: ``{name: callable(ticket_dict) -> iterable of
        (dimension, value, weight)}``, run on every diagnosis of this engine (possibly from many
        threads at once). ``pack_json`` (text or dict) defaults to the built-in pack.

        A classifier that raises fails the diagnosis with :class:`CallbackError`, whose
        ``callback_exception`` (and ``__cause__``) is what it raised; a score for an unknown
        dimension value raises NotFoundError inside the callback, reported the same way.
        """
        classifiers = dict(classifiers or {})
        callbacks = []
        builder = _ffi.builder_p()
        lib.triage_engine_builder_new(byref(builder))
        try:
            if pack_json is not None:
                data = _json_bytes(pack_json)
                lib.triage_engine_builder_set_pack_json(builder, data, len(data))
            for name, func in classifiers.items():
                if not callable(func):
                    raise TypeError(f"classifier {name!r} is not callable")
                callback = _classifier_callback(name, func)
                lib.triage_engine_builder_add_classifier(builder, _cstr(name, "classifier name"),
                                                         callback, None)
                callbacks.append((callback, func))
            out = _ffi.engine_p()
            lib.triage_engine_builder_build(builder, byref(out))
        finally:
            lib.triage_engine_builder_free(builder)
        return cls._wrap(out, tuple(callbacks))

    @property
    def pack(self):
        """The pack's "name version", e.g. "default 1.0.0"."""
        return lib.triage_engine_pack(self._p)

    @property
    def pack_name(self):
        """The pack's ``name`` (``triage_engine_pack_name``)."""
        return lib.triage_engine_pack_name(self._p)

    @property
    def pack_version(self):
        """The pack's ``version`` (``triage_engine_pack_version``)."""
        return lib.triage_engine_pack_version(self._p)

    def diagnose(self, ticket, roster=None, linker=None):
        """One ticket (a dict, or JSON text) → the diagnosis as a dict.

        With a :class:`Roster`, an agent of the handling group is assigned
        (triage_diagnose_json_routed) and appears as ``route.agent``. With a :class:`Linker`,
        the diagnosis lists the related open tickets (``related``) and the ticket is remembered
        (triage_diagnose_json_linked); a roster and a linker are not taken together.
        """
        data = _json_bytes(ticket)
        if linker is not None:
            if not isinstance(linker, Linker):
                raise TypeError(f"linker: expected triage.Linker, got {type(linker).__name__}")
            if roster is not None:
                raise ValueError("diagnose takes a roster or a linker, not both")
            return json.loads(_string_result(lib.triage_diagnose_json_linked, self._p, linker._p,
                                             data, len(data)))
        if roster is None:
            return json.loads(_string_result(lib.triage_diagnose_json, self._p, data, len(data)))
        if not isinstance(roster, Roster):
            raise TypeError(f"roster: expected triage.Roster, got {type(roster).__name__}")
        with roster._routing():
            out = _string_result(lib.triage_diagnose_json_routed, self._p, roster._p, data,
                                 len(data))
        return json.loads(out)

    def diagnose_many(self, tickets, threads=1, raw=False, select=None):
        """Many tickets (dicts or JSON texts) in one triage_diagnose_jsonl call.

        Returns one dict per ticket, in input order. A ticket that fails becomes the library's
        error object ``{"line": N, "error": {"code", "message", "where"?}}`` (N = 1-based position
        in ``tickets``) instead of raising. Raw newlines in JSON texts are replaced by spaces so
        that every ticket stays one line. Request ids are numbered within the call, in input
        order. ``threads`` threads share the engine inside the library (0: one per core); the
        GIL is released for the whole call, and the result is the same for every count.
        With ``raw=True`` the results are the JSON texts themselves (no parsing in Python: the
        fast path when they are written out again). ``select`` (a list of the diagnosis's
        top-level keys, e.g. ``["labels", "urgency", "route"]``) keeps only those keys, in that
        order (triage_diagnose_batch); an unknown key raises InvalidArgument naming it.
        """
        select = _selection(select)
        batch, lines, blank = _batch_lines(tickets)
        if not lines and select is None:
            return []
        # Only \n ends a line of JSONL (JSON escapes every other line break).
        if select is None:
            produced = _lines_result(lib.triage_diagnose_jsonl_threads, self._p, batch,
                                     len(batch), int(threads))
        else:
            produced = _lines_result(lib.triage_diagnose_batch, self._p, batch, len(batch),
                                     int(threads), select, None)
        if len(produced) != len(lines) - len(blank):
            raise InternalError(int(Status.ERR_INTERNAL),
                                f"triage_diagnose_jsonl returned {len(produced)} lines for "
                                f"{len(lines) - len(blank)} tickets")
        if raw and not blank:
            return produced  # the lines are the answers, in order
        results, it = [], iter(produced)
        # Thousands of parsed diagnoses are millions of live containers: the cyclic collector
        # would walk all of them again and again while they are built (measured: most of the
        # time of a batch of dicts). Nothing here makes cycles, so it waits until the end.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for position in range(len(lines)):
                if position in blank:
                    error = self._blank_error(position + 1, blank[position])
                    results.append(json.dumps(error, ensure_ascii=False) if raw else error)
                else:
                    line = next(it)
                    results.append(line if raw else json.loads(line))
        finally:
            if collecting:
                gc.enable()
        return results

    def diagnose_to(self, out, tickets, threads=1, select=None, format=None):
        """Diagnoses many tickets (dicts or JSON texts) and writes the answers to ``out``, a binary
        file-like object (anything with ``write(bytes)``), as the library makes them
        (triage_diagnose_batch_stream): memory stays a few chunks of lines however long the
        batch, where ``diagnose_many`` holds every answer at once.

        The output is what ``triage diagnose`` writes: one line per non-blank ticket, in input
        order (an error object for a ticket that fails; blank tickets are skipped), only the
        ``select`` keys when given, in ``format`` "jsonl" (default), "csv" or "tsv" (with a
        header row). ``threads`` as in ``diagnose_many``. An exception raised by ``out.write``
        stops the batch and is raised again as :class:`CallbackError` (its ``__cause__``); what
        was written before it is whole lines.
        """
        select = _selection(select)
        fmt = None if format is None else _cstr(format, "format")
        batch, _, _ = _batch_lines(tickets)
        write = out.write

        def trampoline(user_data, data, length):
            try:
                write(ctypes.string_at(data, length))
                return 0
            except BaseException as exc:  # noqa: B902 — nothing may unwind through C frames
                park_callback_exception(exc)
                return 1

        callback = _ffi.write_fn(trampoline)  # kept alive for the whole call
        lib.triage_diagnose_batch_stream(self._p, batch, len(batch), int(threads), select, fmt,
                                         callback, None)

    def _blank_error(self, line, data):
        # A blank line yields no output from triage_diagnose_jsonl; diagnose it alone to get the
        # library's own error and shape it like the batch's error objects.
        try:
            self.diagnose(data)
        except TriageError as e:
            error = {"code": e.name, "message": e.message}
            if e.where:
                error["where"] = e.where
            return {"line": line, "error": error}
        raise InternalError(int(Status.ERR_INTERNAL), f"line {line}: a blank ticket was accepted")

    def classify(self, ticket):
        """A ticket (dict or JSON text) → a typed :class:`Result` (triage_classify_json)."""
        data = _json_bytes(ticket)
        out = _ffi.result_p()
        lib.triage_classify_json(self._p, data, len(data), byref(out))
        return Result(out)

    def classify_text(self, text):
        """A ticket that is only text → a typed :class:`Result` (triage_classify_text)."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        out = _ffi.result_p()
        lib.triage_classify_text(self._p, data, len(data), byref(out))
        return Result(out)

    def classify_only(self, ticket):
        """A ticket (dict or JSON text) → its :class:`Classification`: labels, urgency and route
        only (triage_classify_json_into), the same values :meth:`diagnose` reports."""
        data = _json_bytes(ticket)
        return self._classification(False, data)

    def classify_text_only(self, text):
        """A ticket that is only text → its :class:`Classification` (triage_classify_text_into):
        the fast path, into one result object per thread that the library reuses."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        return self._classification(True, data)

    _dimension_ids = None  # the pack's dimensions, read once per engine
    _strings = None  # the pack's ids by address → str, decoded once per engine
    _address = None  # the handle as an integer, for the bare calls of _ffi.HotPath

    def _classification(self, text, data):
        # The hot path of classify_only: three bare library calls (_ffi.HotPath) and no decoding
        # once the pack's ids are known.
        ptr = self._ptr
        if ptr is None:
            raise ValueError("Engine is closed")
        address = self._address
        if address is None:
            address = self._address = ctypes.cast(ptr, c_void_p).value
        hot = _ffi.hot_path()
        s = getattr(_scratch, "value", None) or _thread_scratch()
        if s.busy:
            s = _Scratch()  # a host classifier classifying again, further up this thread's stack
        s.busy = True
        try:
            if self._keepalive:
                # Host classifiers: the checked call collects what their callbacks raised.
                call = lib.triage_classify_text_into if text else lib.triage_classify_json_into
                call(ptr, data, len(data), s._ptr)
            else:
                call = hot.classify_text_into if text else hot.classify_json_into
                status = call(address, data, len(data), s.address)
                if status:
                    _ffi.check_status(status, call, None)
            n = hot.values(s.address, *s.values_args)
            m = hot.route(s.address, *s.route_args)
            if n > s.capacity[0] or m > s.capacity[1]:
                s.resize(max(n, s.capacity[0]), max(m, s.capacity[1]))
                hot.values(s.address, *s.values_args)
                hot.route(s.address, *s.route_args)
            raw = s.values[:n] + s.route[:] + s.assisting[:m]
            confidences = s.confidences[:n]
        finally:
            s.busy = False
        names, strings = self._dimension_ids, self._strings
        if names is None or len(names) != n:
            strings = self._strings = {None: None}
            names = self._dimension_ids = tuple(self._dimension_id(s._ptr, i) for i in range(n))
        for r in raw:
            if r not in strings:
                strings[r] = ctypes.string_at(r).decode("utf-8")
        t = [strings[r] for r in raw]
        return Classification(dict(zip(names, zip(t[:n], confidences))), t[n], t[n + 1],
                              tuple(t[n + 3:]), t[n + 2])

    @staticmethod
    def _dimension_id(ptr, index):
        dimension = c_char_p()
        lib.triage_classification_label(ptr, index, byref(dimension), None, None)
        return dimension.value.decode("utf-8")

    def sla_status(self, ticket, events, now=None):
        """The state of every SLA target of ``ticket`` given its ``events`` ([{"at", "type"}, …],
        a list or JSON text) at ``now`` (ISO-8601 text or an aware datetime; None = the system
        clock): a list of {"name", "state", "due", "completed", "margin_seconds", …}."""
        data = _json_bytes(ticket)
        evs = _json_bytes(events)
        return json.loads(_string_result(lib.triage_sla_status_json, self._p, data, len(data), evs,
                                         len(evs), _instant(now)))

    def workflow_next(self, state, event, facts=None):
        """The state ``event`` leads to from ``state`` given ``facts`` ({"customer_confirmed":
        True}, a dict or JSON text); TransitionError says why not."""
        facts_json = None if facts is None else _cstr(
            facts if isinstance(facts, (str, bytes)) else json.dumps(facts), "facts")
        out = c_void_p()
        lib.triage_workflow_next(self._p, _cstr(state, "state"), _cstr(event, "event"), facts_json,
                                 byref(out))
        return _ffi.take_string(out).decode("utf-8")

    def workflow_dot(self):
        """The pack's workflow state graph as Graphviz DOT."""
        return _string_result(lib.triage_workflow_dot, self._p).decode("utf-8")

    def __repr__(self):
        return f"<triage.Engine {'closed' if self.closed else repr(self.pack)}>"


class Linker(_Handle):
    """One case across channels: ``engine.diagnose(ticket, linker=linker)`` lists the open
    tickets of the same customer (customer id, phone, e-mail) within ``window_seconds`` and those
    of nearly the same text under ``related``, then remembers the ticket. At most
    ``max_tickets`` are kept (0 for either: the defaults, 7 days and 100,000). Safe to share
    between threads.
    """

    _free_name = "triage_linker_free"

    def __init__(self, window_seconds=0, max_tickets=0):
        window_seconds, max_tickets = operator.index(window_seconds), operator.index(max_tickets)
        if max_tickets < 0:
            raise ValueError(f"max_tickets: {max_tickets} is negative")
        out = _ffi.linker_p()
        lib.triage_linker_new(window_seconds, max_tickets, byref(out))
        self._ptr = out

    def close_ticket(self, ticket_id):
        """The ticket is closed: no longer related to new ones. False when it is unknown."""
        data = ticket_id.encode("utf-8")
        found = ctypes.c_int(0)
        lib.triage_linker_close(self._p, data, len(data), byref(found))
        return bool(found.value)

    def stats(self):
        """{"tickets": remembered now, "memory_bytes": an estimate of what the linker holds}."""
        tickets, memory = ctypes.c_size_t(0), ctypes.c_size_t(0)
        lib.triage_linker_stats(self._p, byref(tickets), byref(memory))
        return {"tickets": tickets.value, "memory_bytes": memory.value}


class Roster(_Handle):
    """The host's agents, for routed diagnoses: ``engine.diagnose(ticket, roster=roster)``.

    Agents are dicts {"id", "group", "skills": [], "languages": [], "open_tickets", "available"}.
    The library locks the roster internally, so it may be shared between threads. A router may
    call the roster back (read or change agents) and may diagnose: the library runs it outside
    the roster's lock.
    """

    _free_name = "triage_roster_free"

    def __init__(self, agents=None):
        # The CFUNCTYPE of each registered name (what C calls), and those replaced while a routed
        # diagnosis was running, which may still be calling them: kept until none runs.
        self._routers = {}
        self._retired = []
        self._running = 0
        self._lock = threading.Lock()
        out = _ffi.roster_p()
        lib.triage_roster_new(byref(out))
        self._ptr = out
        if agents is not None:
            self.set_agents(agents)

    def set_agents(self, agents):
        """Replaces the agents (a list of dicts, or JSON text)."""
        data = _json_bytes(agents)
        lib.triage_roster_set_json(self._p, data, len(data))

    def set_available(self, agent_id, available=True):
        lib.triage_roster_set_available(self._p, _cstr(agent_id, "agent_id"), 1 if available else 0)

    def set_open_tickets(self, agent_id, open_tickets):
        count = operator.index(open_tickets)
        if not 0 <= count <= 0xFFFFFFFF:
            raise ValueError(f"open_tickets: {count} is not an unsigned 32-bit count")
        lib.triage_roster_set_open_tickets(self._p, _cstr(agent_id, "agent_id"), count)

    def agents(self):
        """The agents as the library holds them (a list of dicts)."""
        return json.loads(_string_result(lib.triage_roster_json, self._p))

    def set_router(self, name, router):
        """Registers ``router(group, agent_ids, language) -> index`` under ``name`` (a pack names
        routers per group; the built-in round_robin, least_loaded and skills may be replaced).
        A router that raises, or returns an index out of range, fails the diagnosis with
        :class:`CallbackError`."""
        if not callable(router):
            raise TypeError(f"router {name!r} is not callable")
        callback = _router_callback(name, router)
        with self._lock:
            lib.triage_roster_set_router(self._p, _cstr(name, "router name"), callback, None)
            old = self._routers.get(name)
            self._routers[name] = (callback, router)
            if old is not None and self._running:
                self._retired.append(old)

    @contextlib.contextmanager
    def _routing(self):
        """Around a routed diagnosis: counts it, and releases the replaced routers after the last
        one running ends (a call that began before a replacement may still be in the old one)."""
        with self._lock:
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if not self._running:
                    self._retired.clear()

    def __repr__(self):
        return "<triage.Roster closed>" if self.closed else f"<triage.Roster {len(self.agents())} agents>"


class EngineHolder(_Handle):
    """Holds the current engine for many threads; :meth:`swap_json` replaces it atomically and a
    pack that fails to compile leaves the running engine in place (and raises PackError)."""

    _free_name = "triage_holder_free"

    def __init__(self, engine=None):
        if engine is None:
            engine = Engine()
        if not isinstance(engine, Engine):
            raise TypeError(f"engine: expected triage.Engine, got {type(engine).__name__}")
        # The classifiers of the engine in force: the holder's own copy of it may call them. Handles
        # from current() keep those of the engine they got; a swapped-out engine's are released
        # with its last handle. The lock pairs each engine with its classifiers.
        self._lock = threading.Lock()
        out = _ffi.holder_p()
        lib.triage_holder_new(engine._p, byref(out))
        self._ptr = out
        self._keepalive = engine._keepalive

    def swap_json(self, pack):
        """Compiles ``pack`` (text or dict) and installs it; on failure raises and keeps the old
        engine.
        Host classifiers are not carried over; build an engine with them and use :meth:`swap`."""
        # Compiled outside the lock (current() must not wait for a compile), then installed as
        # swap() does; a pack that fails raises here and the holder is untouched.
        with Engine.from_json(pack) as engine:
            self.swap(engine)

    def swap(self, engine):
        """Installs an engine already built (for example one with host classifiers)."""
        if not isinstance(engine, Engine):
            raise TypeError(f"engine: expected triage.Engine, got {type(engine).__name__}")
        with self._lock:
            lib.triage_holder_swap(self._p, engine._p)
            self._keepalive = engine._keepalive

    def current(self):
        """A new :class:`Engine` handle on the engine in force now."""
        out = _ffi.engine_p()
        with self._lock:
            lib.triage_holder_acquire(self._p, byref(out))
            keepalive = self._keepalive
        return Engine._wrap(out, keepalive)

    def diagnose(self, ticket, roster=None):
        """Diagnoses on the current engine."""
        with self.current() as engine:
            return engine.diagnose(ticket, roster=roster)

    def __repr__(self):
        if self.closed:
            return "<triage.EngineHolder closed>"
        with self.current() as engine:
            return f"<triage.EngineHolder {engine.pack!r}>"


def _cli(path=None):
    """The `triage` command: `path`, else ``$TRIAGE_CLI``, else `triage` on PATH."""
    import shutil

    found = path or os.environ.get("TRIAGE_CLI") or shutil.which("triage")
    if not found:
        raise NotFoundError(Status.ERR_NOT_FOUND,
                            "the triage command was not found: pass cli= or set $TRIAGE_CLI")
    return found


def train(labelled, output, pack=None, algorithm="nb", map_labels=None, c=None, cli=None):
    """Trains the learned classifier, as ``triage train`` does (training is a development tool:
    it runs the command rather than growing the C ABI).

    labelled: a labelled JSONL file; output: the model file to write; pack: the pack whose
    dimensions to learn (default: the built-in pack); algorithm: ``"nb"``, ``"linear"`` or
    ``"auto"`` (per dimension, by cross-validation); map_labels: write a pack to this path whose
    values are the labels found (any strings) and train on it; c: the linear model's inverse
    regularisation strength. Returns what the command reported, one line per dimension trained.
    Raises :class:`TriageError` with the command's message when it fails.
    """
    import subprocess

    if algorithm not in ("nb", "naive_bayes", "linear", "auto"):
        raise InvalidArgument(Status.ERR_INVALID_ARGUMENT,
                              f"algorithm: expected nb, linear or auto, not {algorithm!r}")
    cmd = [_cli(cli), "train", os.fspath(labelled), "-o", os.fspath(output),
           "--algorithm", algorithm]
    if pack is not None:
        cmd += ["--pack", os.fspath(pack)]
    if map_labels is not None:
        cmd += ["--map-labels", os.fspath(map_labels)]
    if c is not None:
        cmd += ["--c", str(c)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        # The command names the error code in its message ("triage: line 3: field_type: …").
        message = done.stderr.strip() or f"triage train exited {done.returncode}"
        found = re.search(r": ([a-z_]+): ", message)
        code = next((st for st in Status if found and st.name[4:].lower() == found.group(1)),
                    Status.ERR_INVALID_ARGUMENT)
        raise error_class(code)(code, message)
    return [line[len("triage: "):] for line in done.stderr.splitlines()
            if line.startswith("triage: ")]


__all__ += ["train"]
