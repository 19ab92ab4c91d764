"""The C ABI of libtriage (capi/triage.h) as ctypes sees it.

One table, :data:`FUNCTIONS`, lists every function of the header as
``(name, argtypes, restype, errcheck)``; :func:`load` finds the shared library, checks that it is
one this binding speaks (ABI version, then version number) and applies the table to it (after
clang's ``cindex.py`` ``register_function``).

Loading is lazy, as in ``cindex.py``: ``import triage`` opens nothing; the first attribute read
from :data:`lib` loads the library that :class:`Config` names (``Config.set_library_file`` /
``Config.set_library_path``, else ``$TRIAGE_LIBRARY``, next to the package, the system search
path). After that the configuration is fixed.

Conventions:

- Every ``restype`` is declared (an undeclared one is ``int`` and truncates 64-bit pointers).
- Strings the library allocates are returned through ``char **`` as ``c_void_p``; :func:`take_string`
  copies them with ``ctypes.string_at(ptr, len)`` and frees them with ``triage_string_free``.
  ``c_char_p`` is used only for library-owned strings (versions, messages, result fields).
- Functions that return a status get :func:`check_status` as errcheck: a non-zero status raises the
  matching :class:`~triage.TriageError` with ``triage_last_error_message()`` read at once, on the
  thread that failed.
"""

import ctypes
import ctypes.util
import glob
import os
import re
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_double,
    c_int,
    c_int64,
    c_size_t,
    c_uint,
    c_void_p,
)

from ._errors import CallbackError, make_error, take_callback_exception
from ._version import ABI_VERSION, MIN_VERSION_NUMBER, __version__

__all__ = [
    "ABI_VERSION",
    "Config",
    "FUNCTIONS",
    "LibraryLoadedError",
    "LibraryNotFoundError",
    "LibraryVersionError",
    "lib",
    "load",
    "take_string",
    "take_lines",
    "classifier_fn",
    "router_fn",
    "write_fn",
]

LIBRARY_ENV = "TRIAGE_LIBRARY"
SONAME = f"libtriage.so.{ABI_VERSION}"
_EXPECTED = (f"libtriage with C ABI version {ABI_VERSION} ({SONAME}, triage "
             f"{MIN_VERSION_NUMBER // 10000}.{MIN_VERSION_NUMBER // 100 % 100}."
             f"{MIN_VERSION_NUMBER % 100} or later)")


class LibraryNotFoundError(ImportError):
    """No libtriage could be loaded; the message names every place tried."""


class LibraryVersionError(ImportError):
    """A libtriage was loaded but is not the one this package speaks: another ABI version, a
    version older than the binding needs, or a missing symbol."""


class LibraryLoadedError(RuntimeError):
    """:class:`Config` was changed after the library was loaded (by the first use of triage)."""


# ---- opaque handle types -----------------------------------------------------------------------
class triage_engine(Structure):
    """Opaque."""


class triage_engine_builder(Structure):
    """Opaque."""


class triage_scores(Structure):
    """Opaque."""


class triage_result(Structure):
    """Opaque."""


class triage_roster(Structure):
    """Opaque."""


class triage_holder(Structure):
    """Opaque."""


class triage_linker(Structure):
    """Opaque."""


class triage_classification(Structure):
    """Opaque."""


engine_p = POINTER(triage_engine)
builder_p = POINTER(triage_engine_builder)
scores_p = POINTER(triage_scores)
result_p = POINTER(triage_result)
roster_p = POINTER(triage_roster)
holder_p = POINTER(triage_holder)
linker_p = POINTER(triage_linker)
classification_p = POINTER(triage_classification)

# int (*triage_classifier_fn)(void *user_data, const char *ticket_json, size_t len,
#                             triage_scores *scores);
# The ticket is taken as a raw pointer so that exactly `len` bytes are read.
classifier_fn = CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t, scores_p)

# int (*triage_router_fn)(void *user_data, const char *group, const char *const *agent_ids,
#                         size_t count, const char *language, size_t *chosen);
router_fn = CFUNCTYPE(c_int, c_void_p, c_char_p, POINTER(c_char_p), c_size_t, c_char_p,
                      POINTER(c_size_t))

# int (*triage_write_fn)(void *user_data, const char *data, size_t len);
# The data is taken as a raw pointer so that exactly `len` bytes are read.
write_fn = CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t)


# ---- errcheck functions ------------------------------------------------------------------------
def _decode(result, func, args):
    """A library-owned ``const char *`` (``c_char_p`` → bytes or None) as ``str`` or None."""
    return None if result is None else result.decode("utf-8", "replace")


def check_status(result, func, args):
    """Raises the exception of a non-zero ``triage_status``, with the thread's last message."""
    parked = take_callback_exception()
    if result == 0:
        return result
    # The code and the place come from their own fields, never from the message's text.
    err = make_error(result, lib.triage_last_error_message(), lib.triage_status_name(result),
                     lib.triage_last_error_where())
    if isinstance(parked, (KeyboardInterrupt, SystemExit)):
        raise parked  # Ctrl-C inside a callback stays Ctrl-C
    if parked is not None and isinstance(err, CallbackError):
        err.callback_exception = parked
        err.__cause__ = parked
    raise err


_string_out = POINTER(c_void_p)  # char **out (library-allocated, freed with triage_string_free)
_len_out = POINTER(c_size_t)

#: Every function of capi/triage.h: (name, argtypes, restype, errcheck).
FUNCTIONS = [
    # versions and errors
    ("triage_version", [], c_char_p, _decode),
    ("triage_abi_version", [], c_int, None),
    ("triage_status_name", [c_int], c_char_p, _decode),
    ("triage_last_error_message", [], c_char_p, _decode),
    ("triage_last_error_where", [], c_char_p, _decode),
    ("triage_string_free", [c_void_p], None, None),
    # engines
    ("triage_engine_new_default", [POINTER(engine_p)], c_int, check_status),
    ("triage_engine_new_from_json", [c_char_p, c_size_t, POINTER(engine_p)], c_int, check_status),
    ("triage_engine_new_from_file", [c_char_p, POINTER(engine_p)], c_int, check_status),
    ("triage_engine_free", [engine_p], None, None),
    # since 0.3: compiled packs
    ("triage_engine_new_from_compiled", [c_void_p, c_size_t, POINTER(engine_p)], c_int,
     check_status),
    ("triage_compile_pack_file", [c_char_p, POINTER(c_void_p), _len_out], c_int, check_status),
    ("triage_compiled_free", [c_void_p], None, None),
    ("triage_engine_pack", [engine_p], c_char_p, _decode),
    # since 0.2: the version as a number, the pack's name and version, the limits
    ("triage_version_number", [], c_int, None),
    ("triage_engine_pack_name", [engine_p], c_char_p, _decode),
    ("triage_engine_pack_version", [engine_p], c_char_p, _decode),
    ("triage_limit", [c_int], c_size_t, None),
    # host classifiers and the builder
    ("triage_scores_add", [scores_p, c_char_p, c_char_p, c_double], c_int, check_status),
    ("triage_engine_builder_new", [POINTER(builder_p)], c_int, check_status),
    ("triage_engine_builder_free", [builder_p], None, None),
    ("triage_engine_builder_set_pack_json", [builder_p, c_char_p, c_size_t], c_int, check_status),
    ("triage_engine_builder_add_classifier", [builder_p, c_char_p, classifier_fn, c_void_p], c_int,
     check_status),
    ("triage_engine_builder_build", [builder_p, POINTER(engine_p)], c_int, check_status),
    # diagnosing
    ("triage_diagnose_json", [engine_p, c_char_p, c_size_t, _string_out, _len_out], c_int,
     check_status),
    ("triage_diagnose_jsonl", [engine_p, c_char_p, c_size_t, _string_out, _len_out], c_int,
     check_status),
    ("triage_diagnose_jsonl_threads",
     [engine_p, c_char_p, c_size_t, c_uint, _string_out, _len_out], c_int, check_status),
    ("triage_diagnose_batch",
     [engine_p, c_char_p, c_size_t, c_uint, c_char_p, c_char_p, _string_out, _len_out], c_int,
     check_status),
    ("triage_diagnose_batch_stream",
     [engine_p, c_char_p, c_size_t, c_uint, c_char_p, c_char_p, write_fn, c_void_p], c_int,
     check_status),
    # typed results
    ("triage_classify_json", [engine_p, c_char_p, c_size_t, POINTER(result_p)], c_int, check_status),
    ("triage_classify_text", [engine_p, c_char_p, c_size_t, POINTER(result_p)], c_int, check_status),
    ("triage_result_free", [result_p], None, None),
    ("triage_result_label_count", [result_p], c_size_t, None),
    ("triage_result_label",
     [result_p, c_size_t, POINTER(c_char_p), POINTER(c_char_p), POINTER(c_double)], c_int,
     check_status),
    ("triage_result_urgency", [result_p], c_char_p, _decode),
    ("triage_result_primary", [result_p], c_char_p, _decode),
    ("triage_result_group", [result_p], c_char_p, _decode),
    ("triage_result_request_id", [result_p], c_char_p, _decode),
    ("triage_result_json", [result_p, _string_out, _len_out], c_int, check_status),
    # classification into caller-owned storage (0.2). Strings come back as bytes, without
    # _decode: the binding decodes each distinct one once (they are the pack's ids).
    ("triage_classification_new", [POINTER(classification_p)], c_int, check_status),
    ("triage_classification_free", [classification_p], None, None),
    ("triage_classify_text_into", [engine_p, c_char_p, c_size_t, classification_p], c_int,
     check_status),
    ("triage_classify_json_into", [engine_p, c_char_p, c_size_t, classification_p], c_int,
     check_status),
    ("triage_classification_label_count", [classification_p], c_size_t, None),
    ("triage_classification_label",
     [classification_p, c_size_t, POINTER(c_char_p), POINTER(c_char_p), POINTER(c_double)], c_int,
     check_status),
    ("triage_classification_values",
     [classification_p, POINTER(c_char_p), POINTER(c_double), c_size_t], c_size_t, None),
    ("triage_classification_urgency", [classification_p], c_char_p, None),
    ("triage_classification_primary", [classification_p], c_char_p, None),
    ("triage_classification_group", [classification_p], c_char_p, None),
    ("triage_classification_assisting_count", [classification_p], c_size_t, None),
    ("triage_classification_assisting", [classification_p, c_size_t], c_char_p, None),
    ("triage_classification_route",
     [classification_p, POINTER(c_char_p), POINTER(c_char_p), POINTER(c_char_p),
      POINTER(c_char_p), c_size_t], c_size_t, None),
    # agents and routers
    ("triage_roster_new", [POINTER(roster_p)], c_int, check_status),
    ("triage_roster_free", [roster_p], None, None),
    ("triage_roster_set_json", [roster_p, c_char_p, c_size_t], c_int, check_status),
    ("triage_roster_set_available", [roster_p, c_char_p, c_int], c_int, check_status),
    ("triage_roster_set_open_tickets", [roster_p, c_char_p, c_uint], c_int, check_status),
    ("triage_roster_json", [roster_p, _string_out, _len_out], c_int, check_status),
    ("triage_roster_set_router", [roster_p, c_char_p, router_fn, c_void_p], c_int, check_status),
    ("triage_diagnose_json_routed",
     [engine_p, roster_p, c_char_p, c_size_t, _string_out, _len_out], c_int, check_status),
    # SLA and workflow
    ("triage_sla_status_json",
     [engine_p, c_char_p, c_size_t, c_char_p, c_size_t, c_char_p, _string_out, _len_out], c_int,
     check_status),
    ("triage_workflow_next", [engine_p, c_char_p, c_char_p, c_char_p, _string_out], c_int,
     check_status),
    ("triage_workflow_dot", [engine_p, _string_out, _len_out], c_int, check_status),
    # safe swap
    ("triage_holder_new", [engine_p, POINTER(holder_p)], c_int, check_status),
    ("triage_holder_free", [holder_p], None, None),
    ("triage_holder_swap_json", [holder_p, c_char_p, c_size_t], c_int, check_status),
    ("triage_holder_swap", [holder_p, engine_p], c_int, check_status),
    ("triage_holder_acquire", [holder_p, POINTER(engine_p)], c_int, check_status),
    # one case across channels
    ("triage_linker_new", [c_int64, c_size_t, POINTER(linker_p)], c_int, check_status),
    ("triage_linker_free", [linker_p], None, None),
    ("triage_diagnose_json_linked",
     [engine_p, linker_p, c_char_p, c_size_t, _string_out, _len_out], c_int, check_status),
    ("triage_linker_close", [linker_p, c_char_p, c_size_t, POINTER(c_int)], c_int, check_status),
    ("triage_linker_stats", [linker_p, POINTER(c_size_t), POINTER(c_size_t)], c_int,
     check_status),
]


def register_functions(library, path, check=True):
    """Applies :data:`FUNCTIONS` to a loaded ``CDLL``. A missing function is an error unless
    ``check`` is false; then it is left out (calling it raises AttributeError)."""
    for name, argtypes, restype, errcheck in FUNCTIONS:
        try:
            func = getattr(library, name)
        except AttributeError:
            if not check:
                continue
            raise LibraryVersionError(
                f"{path}: symbol {name} is missing; the triage Python binding {__version__} "
                f"needs {_EXPECTED}",
                path=path,
            ) from None
        func.argtypes = argtypes
        func.restype = restype
        if errcheck is not None:
            func.errcheck = errcheck


def check_versions(library, path):
    """Refuses a library of another ABI generation or older than :data:`MIN_VERSION_NUMBER`,
    before any other function of it is called (a missing function would say less)."""
    library.triage_abi_version.restype = ctypes.c_int
    library.triage_version.restype = ctypes.c_char_p
    abi = library.triage_abi_version()
    version = (library.triage_version() or b"?").decode("utf-8", "replace")
    if abi != ABI_VERSION:
        raise LibraryVersionError(
            f"{path}: libtriage {version} has C ABI version {abi}; the triage Python binding "
            f"{__version__} needs {_EXPECTED}",
            path=path,
        )
    number_fn = getattr(library, "triage_version_number", None)  # since 0.2
    number = 0
    if number_fn is not None:
        number_fn.restype = ctypes.c_int
        number = number_fn()
    if number < MIN_VERSION_NUMBER:
        raise LibraryVersionError(
            f"{path}: libtriage {version} is older than the triage Python binding {__version__} "
            f"supports; it needs {_EXPECTED}",
            path=path,
        )


# ---- finding the library -----------------------------------------------------------------------
def candidates(override=None, package_dir=None, find_library=ctypes.util.find_library,
               system=True):
    """The places to try, in order, as (description, argument for ``CDLL``); lazily, so that
    ``find_library`` (which runs ``ldconfig``) only runs when the earlier places failed.

    1. ``$TRIAGE_LIBRARY`` (``override``) — when set it is the only place tried;
    2. next to the package: ``triage/libtriage.so.<ABI>``, ``triage/libtriage.so``, then any other
       ``triage/libtriage.so*``;
    3. the system search path: ``libtriage.so.<ABI>`` (the soname of this ABI) through the dynamic
       linker, then whatever ``ctypes.util.find_library("triage")`` names (not with
       ``system=False``: a directory given by ``Config.set_library_path`` is the only place).
    """
    if override:
        yield f"${LIBRARY_ENV}={override}", override
        return
    if package_dir:
        where = "next to the package" if system else "Config.set_library_path"
        preferred = [os.path.join(package_dir, SONAME), os.path.join(package_dir, "libtriage.so")]
        others = sorted(set(glob.glob(os.path.join(package_dir, "libtriage.so*"))) - set(preferred))
        for path in preferred + others:
            yield f"{where}: {path}", path
    if not system:
        return
    yield f"the dynamic linker's search path: {SONAME}", SONAME
    if find_library is not None:
        try:
            found = find_library("triage")
        except Exception:  # find_library shells out; never let that break the import
            found = None
        if found and found != SONAME:
            yield f'ctypes.util.find_library("triage") = {found}', found
        elif not found:
            yield 'ctypes.util.find_library("triage")', None


def open_library(places):
    """Loads the first place that ``dlopen`` accepts; raises :class:`LibraryNotFoundError`."""
    tried = []
    for description, target in places:
        if target is None:
            tried.append(f"{description} (nothing found)")
            continue
        if os.sep in target and not os.path.exists(target):
            tried.append(f"{description} (no such file)")
            continue
        try:
            return ctypes.CDLL(target), target
        except OSError as exc:
            tried.append(f"{description} ({exc})")
    raise LibraryNotFoundError(
        f"cannot load libtriage; the triage Python binding {__version__} needs {_EXPECTED}. "
        f"Tried: " + "; ".join(tried) + f". Call triage.Config.set_library_file(path) before the "
        f"first use of triage, or set ${LIBRARY_ENV} to the library's path.",
        name="triage",
    )


def load(override=None, package_dir=None, find_library=ctypes.util.find_library, check=True,
         system=True):
    """Finds, loads, checks and registers libtriage; returns (CDLL, path)."""
    library, path = open_library(candidates(override, package_dir, find_library, system))
    if check:
        check_versions(library, path)
    register_functions(library, path, check)
    return library, path


class Config:
    """Where the shared library comes from, as clang's ``cindex.Config``: set before the first
    use of triage (the first call that needs the library loads it); afterwards a change raises
    :class:`LibraryLoadedError`.

    >>> triage.Config.set_library_file("/opt/triage/lib/libtriage.so.1")  # doctest: +SKIP

    Without either setting, ``$TRIAGE_LIBRARY`` is used, then the package directory, then the
    system search path.
    """

    library_file = None
    library_path = None
    compatibility_check = True
    loaded = False

    @staticmethod
    def _before_loading(what):
        if Config.loaded:
            raise LibraryLoadedError(
                f"{what}: libtriage is already loaded from {_state.path}; set it before the "
                "first use of triage")

    @staticmethod
    def set_library_file(filename):
        """The exact file to load (wins over :meth:`set_library_path` and ``$TRIAGE_LIBRARY``)."""
        Config._before_loading("Config.set_library_file")
        Config.library_file = os.fspath(filename)

    @staticmethod
    def set_library_path(path):
        """A directory to load ``libtriage.so.<ABI>`` (or ``libtriage.so``, or another
        ``libtriage.so*``) from, instead of ``$TRIAGE_LIBRARY`` and the search path."""
        Config._before_loading("Config.set_library_path")
        Config.library_path = os.fspath(path)

    @staticmethod
    def set_compatibility_check(check):
        """Whether to refuse a library of another ABI version, an older version or with missing
        functions (default True). Without the check an absent function raises AttributeError
        when called: for development against a library being changed only."""
        Config._before_loading("Config.set_compatibility_check")
        Config.compatibility_check = bool(check)

    @staticmethod
    def places():
        """What :func:`load` is given: (override, package_dir) from the settings."""
        if Config.library_file is not None:
            return Config.library_file, None
        if Config.library_path is not None:
            # The directory replaces the search: only its files are tried.
            return None, Config.library_path
        return os.environ.get(LIBRARY_ENV), os.path.dirname(os.path.abspath(__file__))


class _State:
    lock = threading.Lock()
    library = None
    path = None


_state = _State()


def _load_now():
    """Loads once (thread-safe); a failure is raised again on the next use, not cached."""
    with _state.lock:
        if _state.library is None:
            override, package_dir = Config.places()
            # A directory from Config.set_library_path is the only place: no search path after it.
            library, path = load(override, package_dir, check=Config.compatibility_check,
                                 system=Config.library_path is None or
                                 Config.library_file is not None)
            _state.library, _state.path = library, path
            Config.loaded = True
    return _state.library


class _LazyLibrary:
    """:data:`lib`: the registered functions of the loaded ``CDLL``, loading it on first use.
    After loading, every function is an attribute of this object (a plain lookup, no proxying)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        library = _load_now()
        for fname, _, _, _ in FUNCTIONS:
            func = getattr(library, fname, None)
            if func is not None:
                self.__dict__[fname] = func
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(f"libtriage at {_state.path} has no function {name}") from None


#: The library's functions (see :data:`FUNCTIONS`); the first use loads the library.
lib = _LazyLibrary()


class HotPath:
    """The classify_only calls again, as bare foreign functions: every pointer an integer
    (``c_void_p``), no argument conversion and no errcheck. A call through them costs about a
    third less than through :data:`lib`'s checked ones, which matters when the library answers in
    a few microseconds. The caller checks the status itself (``check_status`` when non-zero)."""

    def __init__(self, library):
        def bare(name, restype, *argtypes):
            return ctypes.CFUNCTYPE(restype, *argtypes)((name, library))

        vp, size = ctypes.c_void_p, ctypes.c_size_t
        self.classify_text_into = bare("triage_classify_text_into", ctypes.c_int, vp,
                                       ctypes.c_char_p, size, vp)
        self.classify_json_into = bare("triage_classify_json_into", ctypes.c_int, vp,
                                       ctypes.c_char_p, size, vp)
        # Strings come back as addresses: the pack's ids, fixed for the engine's life.
        self.values = bare("triage_classification_values", size, vp, vp, vp, size)
        self.route = bare("triage_classification_route", size, vp, vp, vp, vp, vp, size)


_hot_path = None


def hot_path():
    """The :class:`HotPath` of the loaded library (made on first use)."""
    global _hot_path
    if _hot_path is None:
        _hot_path = HotPath(_load_now())
    return _hot_path


def library_path():
    """The path (or name) the library was loaded from, loading it if needed."""
    _load_now()
    return _state.path


# ---- helpers -----------------------------------------------------------------------------------
def take_lines(ptr, length):
    """Splits a library-allocated JSONL string of ``length`` bytes into its lines (str, without
    the newlines), decoding each straight from the library's memory, and frees it. A batch's
    output is hundreds of bytes per ticket: a bytes copy first, or one str of all of it split
    afterwards, would each be one more pass over all of it (measured: twice the time)."""
    if not ptr.value:
        return []
    try:
        n = length.value if hasattr(length, "value") else length
        view = memoryview((ctypes.c_char * n).from_address(ptr.value)).cast("B")
        lines, start = [], 0
        for newline in _NEWLINE.finditer(view):
            lines.append(str(view[start:newline.start()], "utf-8"))
            start = newline.end()
        if start < n:
            lines.append(str(view[start:], "utf-8"))
        view.release()
        return lines
    finally:
        lib.triage_string_free(ptr)


_NEWLINE = re.compile(b"\n")


def take_string(ptr, length=None):
    """Copies a library-allocated string (a ``c_void_p`` filled by the library) and frees it."""
    if not ptr.value:
        return b""
    try:
        if length is None:
            return ctypes.string_at(ptr.value)
        return ctypes.string_at(ptr.value, length.value if hasattr(length, "value") else length)
    finally:
        lib.triage_string_free(ptr)
