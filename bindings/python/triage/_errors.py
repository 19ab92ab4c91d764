"""Status codes of the C ABI and the exceptions they become.

Kept apart from ``_ffi`` (which raises them from its errcheck functions) and from ``__init__``
(which re-exports them), so that nothing here needs the shared library.
"""

import enum
import threading

__all__ = [
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
    "error_class",
    "make_error",
]


class Status(enum.IntEnum):
    """Every ``triage_status`` of capi/triage.h, under its name without the ``TRIAGE_`` prefix.

    Python cannot include the C list (include/triage/status_list.h); tests/test_header.py checks
    this table against it and against the library's ``triage_status_name()``.
    """

    OK = 0
    ERR_INVALID_ARGUMENT = 1
    ERR_JSON_SYNTAX = 10
    ERR_JSON_TOO_DEEP = 11
    ERR_NOT_AN_OBJECT = 12
    ERR_FIELD_TYPE = 20
    ERR_FIELD_VALUE = 21
    ERR_FIELD_MISSING = 22
    ERR_FIELD_FORMAT = 23
    ERR_TEXT_TOO_LARGE = 30
    ERR_PACK_SCHEMA = 40
    ERR_PACK_INVALID = 41
    ERR_PACK_DUPLICATE_ID = 42
    ERR_PACK_UNKNOWN_REFERENCE = 43
    ERR_PACK_BAD_REGEX = 44
    ERR_PACK_BAD_KEYWORD = 45
    ERR_PACK_LIMIT = 46
    ERR_WORKFLOW_INVALID = 47
    ERR_TRANSITION_REFUSED = 50
    ERR_TRANSITION_UNKNOWN = 51
    ERR_COMPILED_PACK_FOREIGN = 52
    ERR_COMPILED_PACK_VERSION = 53
    ERR_COMPILED_PACK_CORRUPT = 54
    ERR_IO = 60
    ERR_NOT_FOUND = 61
    ERR_CALLBACK = 70
    ERR_OUT_OF_MEMORY = 98
    ERR_INTERNAL = 99

    @property
    def status_name(self):
        """The name ``triage_status_name()`` gives this code ("ok", "field_value", …)."""
        return self.name[4:].lower() if self.name.startswith("ERR_") else self.name.lower()


class TriageError(Exception):
    """A call into libtriage failed.

    ``code`` is the status (an ``int``; ``status`` gives the :class:`Status` member when the code is
    one this package knows), ``name`` is ``triage_status_name(code)`` and ``message`` is
    ``triage_last_error_message()`` read right after the failure; it names the place
    ("/customer/tier: unknown value …"). ``where`` is the place alone in machine-readable form,
    ``triage_last_error_where()``: a JSON pointer ("/customer/tier"), "line:column", a rule id, a
    path, or "" when the failure has no place.
    """

    def __init__(self, code, message="", name=None, where=""):
        self.code = int(code)
        self.message = message
        self.where = where or ""
        if name is None:
            try:
                name = Status(self.code).status_name
            except ValueError:
                name = "unknown"
        self.name = name
        super().__init__(self.code, message, name)

    @property
    def status(self):
        try:
            return Status(self.code)
        except ValueError:
            return self.code

    def __str__(self):
        return f"{self.message} [{self.name} ({self.code})]" if self.message else f"{self.name} ({self.code})"

    def __repr__(self):
        return (f"{type(self).__name__}(code={self.code}, name={self.name!r}, "
                f"message={self.message!r}, where={self.where!r})")

    def __reduce__(self):
        return (type(self), (self.code, self.message, self.name, self.where))


class InvalidArgument(TriageError):
    """TRIAGE_ERR_INVALID_ARGUMENT: a NULL pointer, a bad length, invalid UTF-8."""


class JsonError(TriageError):
    """TRIAGE_ERR_JSON_SYNTAX, _JSON_TOO_DEEP, _NOT_AN_OBJECT."""


class TicketError(TriageError):
    """TRIAGE_ERR_FIELD_TYPE, _FIELD_VALUE, _FIELD_MISSING, _FIELD_FORMAT, _TEXT_TOO_LARGE."""


class PackError(TriageError):
    """TRIAGE_ERR_PACK_* and TRIAGE_ERR_WORKFLOW_INVALID: a rule pack that cannot be compiled."""


class TransitionError(TriageError):
    """TRIAGE_ERR_TRANSITION_REFUSED (a guard failed) and _TRANSITION_UNKNOWN (no such event)."""


class TriageIOError(TriageError):
    """TRIAGE_ERR_IO: a file the library had to read."""


class NotFoundError(TriageError):
    """TRIAGE_ERR_NOT_FOUND: no such agent, dimension value, dimension index, SLA section, …"""


class CallbackError(TriageError):
    """TRIAGE_ERR_CALLBACK: a host classifier or router failed.

    When the callback was a Python function that raised, the exception it raised is
    ``callback_exception`` and also ``__cause__``.
    """

    callback_exception = None


class TriageMemoryError(TriageError):
    """TRIAGE_ERR_OUT_OF_MEMORY."""


class InternalError(TriageError):
    """TRIAGE_ERR_INTERNAL: a bug in libtriage."""


_CLASSES = {
    Status.ERR_INVALID_ARGUMENT: InvalidArgument,
    Status.ERR_JSON_SYNTAX: JsonError,
    Status.ERR_JSON_TOO_DEEP: JsonError,
    Status.ERR_NOT_AN_OBJECT: JsonError,
    Status.ERR_FIELD_TYPE: TicketError,
    Status.ERR_FIELD_VALUE: TicketError,
    Status.ERR_FIELD_MISSING: TicketError,
    Status.ERR_FIELD_FORMAT: TicketError,
    Status.ERR_TEXT_TOO_LARGE: TicketError,
    Status.ERR_PACK_SCHEMA: PackError,
    Status.ERR_PACK_INVALID: PackError,
    Status.ERR_PACK_DUPLICATE_ID: PackError,
    Status.ERR_PACK_UNKNOWN_REFERENCE: PackError,
    Status.ERR_PACK_BAD_REGEX: PackError,
    Status.ERR_PACK_BAD_KEYWORD: PackError,
    Status.ERR_PACK_LIMIT: PackError,
    Status.ERR_WORKFLOW_INVALID: PackError,
    Status.ERR_TRANSITION_REFUSED: TransitionError,
    Status.ERR_TRANSITION_UNKNOWN: TransitionError,
    Status.ERR_COMPILED_PACK_FOREIGN: PackError,
    Status.ERR_COMPILED_PACK_VERSION: PackError,
    Status.ERR_COMPILED_PACK_CORRUPT: PackError,
    Status.ERR_IO: TriageIOError,
    Status.ERR_NOT_FOUND: NotFoundError,
    Status.ERR_CALLBACK: CallbackError,
    Status.ERR_OUT_OF_MEMORY: TriageMemoryError,
    Status.ERR_INTERNAL: InternalError,
}


def error_class(code):
    """The exception class for a status code; :class:`TriageError` for codes this package lacks."""
    return _CLASSES.get(code, TriageError)


def make_error(code, message="", name=None, where=""):
    return error_class(code)(code, message, name, where)


# ---- exceptions raised inside Python callbacks ------------------------------------------------
# A callback runs on the thread that called into the library (the engine evaluates synchronously),
# so the exception is parked per thread and attached to the CallbackError that the failing call
# raises on the same thread. Every status check takes (and so clears) what is parked.
_pending = threading.local()


def park_callback_exception(exc):
    if getattr(_pending, "exc", None) is None:  # the first failure is the one that stopped the call
        _pending.exc = exc


def take_callback_exception():
    exc = getattr(_pending, "exc", None)
    _pending.exc = None
    return exc
