"""The Python copy of the C ABI against capi/triage.h itself (after clang's test_enums.py).

Parses the status list the header's enum is built from (include/triage/status_list.h): every
status must be in Status with its value and its name, the library's triage_status_name() must give
that name, and each must map to the right exception class. Parses the header: every triage_*
function must be in the _ffi table with matching arity and return type, and be registered on the
loaded library.
"""

import ctypes
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import triage  # noqa: E402
from triage import _ffi  # noqa: E402
from _support import HEADER, STATUS_LIST, read  # noqa: E402

# The classes the statuses map to, by range (the binding's documented contract).
EXPECTED_CLASS = [
    (range(1, 2), triage.InvalidArgument),
    (range(10, 13), triage.JsonError),
    (range(20, 24), triage.TicketError),
    (range(30, 31), triage.TicketError),
    (range(40, 48), triage.PackError),
    (range(50, 52), triage.TransitionError),
    (range(52, 55), triage.PackError),  # compiled packs: foreign, version, corrupt
    (range(60, 61), triage.TriageIOError),
    (range(61, 62), triage.NotFoundError),
    (range(70, 71), triage.CallbackError),
    (range(98, 99), triage.TriageMemoryError),
    (range(99, 100), triage.InternalError),
]


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def status_list():
    """[(constant, value, name)] of TRIAGE_STATUS_LIST, in the list's order."""
    text = strip_comments(read(STATUS_LIST))
    body = re.search(r"#define\s+TRIAGE_STATUS_LIST\(X\)(.*?)\n\s*#endif", text, re.S)
    assert body, "no TRIAGE_STATUS_LIST in status_list.h"
    return [(constant, int(value), name) for constant, value, name in
            re.findall(r"\bX\(\s*(\w+)\s*,\s*(\d+)\s*,\s*(\w+)\s*\)", body.group(1))]


def header_statuses():
    """{TRIAGE_<CONSTANT>: value}: the enum triage.h declares from the list."""
    text = strip_comments(read(HEADER))
    body = re.search(r"typedef\s+enum\s+triage_status\s*\{(.*?)\}\s*triage_status\s*;", text, re.S)
    assert body, "no triage_status enum in the header"
    assert re.search(r"TRIAGE_##constant\s*=\s*value", body.group(1)), \
        "triage_status is not built from TRIAGE_STATUS_LIST"
    assert "TRIAGE_STATUS_LIST(" in body.group(1)
    return {"TRIAGE_" + constant: value for constant, value, _ in status_list()}


def header_functions():
    """{name: (return type, [parameter declarations])} for every TRIAGE_C_API declaration."""
    text = strip_comments(read(HEADER))
    out = {}
    for ret, name, params in re.findall(
            r"TRIAGE_C_API\s+([^;(]*?)\b(triage_\w+)\s*\(([^)]*)\)\s*;", text, re.S):
        params = [" ".join(p.split()) for p in params.split(",")]
        out[name] = (" ".join(ret.split()), [] if params == ["void"] else params)
    return out


def header_callbacks():
    text = strip_comments(read(HEADER))
    return {name: [p for p in params.split(",")] for name, params in
            re.findall(r"typedef\s+int\s*\(\s*\*\s*(triage_\w+_fn)\s*\)\s*\(([^)]*)\)\s*;", text, re.S)}


def header_limits():
    """{name: id} of the triage_limit_id enum ("ticket_bytes": 1, …)."""
    text = strip_comments(read(HEADER))
    body = re.search(r"typedef\s+enum\s+triage_limit_id\s*\{(.*?)\}\s*triage_limit_id\s*;", text, re.S)
    assert body, "no triage_limit_id enum in the header"
    return {name.lower(): int(value) for name, value in
            re.findall(r"\bTRIAGE_LIMIT_(\w+)\s*=\s*(\d+)", body.group(1))}


class DocumentationTest(unittest.TestCase):
    """triage.h documents every function in a block of its own, sqlite3.h's way."""

    def test_every_function_has_its_block(self):
        text = read(HEADER)
        undocumented = []
        for m in re.finditer(r"TRIAGE_C_API\s+[^;(]*?\b(triage_\w+)\s*\(", text):
            if not text[:m.start()].rstrip().endswith("*/"):
                undocumented.append(m.group(1))
        self.assertEqual(undocumented, [])
        self.assertGreaterEqual(len(header_functions()), 40)

    def test_what_the_library_allocates_says_how_it_is_freed(self):
        # A function that makes a handle names its free function; one that returns a string
        # through `char **` names triage_string_free.
        blocks = re.findall(r"/\*((?:(?!\*/).)*?)\*/\s*TRIAGE_C_API\s+[^;(]*?\b(triage_\w+)\s*\(",
                            read(HEADER), re.S)
        self.assertEqual(len(blocks), len(header_functions()))
        for block, name in blocks:
            with self.subTest(function=name):
                params = header_functions()[name][1]
                if re.search(r"_new\w*$|_build$|_acquire$", name):
                    self.assertRegex(block, r"triage_\w+_free")
                if any(re.match(r"char\s*\*\*", p) for p in params):
                    self.assertIn("triage_string_free", block)
                self.assertRegex(block, r"Threads|Cannot fail|thread")


class LimitTest(unittest.TestCase):
    def test_every_limit_of_the_header_is_in_the_table_and_nothing_else(self):
        self.assertEqual(triage.LIMITS, header_limits())

    def test_the_library_knows_every_limit(self):
        for name in triage.LIMITS:
            with self.subTest(name=name):
                self.assertGreater(triage.limit(name), 0)
        self.assertEqual(triage.limit("ticket_bytes"), 8 << 20)


class StatusTest(unittest.TestCase):
    def test_header_parses(self):
        statuses = header_statuses()
        self.assertGreaterEqual(len(statuses), 25)
        self.assertEqual(statuses["TRIAGE_OK"], 0)
        self.assertGreaterEqual(len(header_functions()), 40)

    def test_every_status_is_in_the_enum(self):
        for name, value in header_statuses().items():
            with self.subTest(name=name):
                member = triage.Status[name[len("TRIAGE_"):]]
                self.assertEqual(int(member), value)

    def test_enum_has_nothing_the_header_lacks(self):
        header = {name[len("TRIAGE_"):]: value for name, value in header_statuses().items()}
        self.assertEqual({m.name: int(m) for m in triage.Status}, header)

    def test_the_list_is_ascending_with_unique_names(self):
        entries = status_list()
        values = [value for _, value, _ in entries]
        self.assertEqual(values, sorted(set(values)))
        self.assertEqual(len({name for _, _, name in entries}), len(entries))

    def test_names_agree_with_the_library(self):
        for constant, value, name in status_list():
            with self.subTest(constant=constant):
                self.assertEqual(triage.status_name(value), name)
                self.assertEqual(triage.Status(value).status_name, name)

    def test_codes_outside_the_list_are_unknown_to_the_library(self):
        listed = {value for _, value, _ in status_list()}
        for value in range(-1, 130):
            if value not in listed:
                with self.subTest(value=value):
                    self.assertEqual(triage.status_name(value), "unknown")

    def test_every_error_maps_to_its_class(self):
        for name, value in header_statuses().items():
            if value == 0:
                continue
            with self.subTest(name=name):
                expected = [cls for codes, cls in EXPECTED_CLASS if value in codes]
                self.assertEqual(len(expected), 1, f"{name} = {value} is in no documented range")
                cls = triage.error_class(value)
                self.assertIs(cls, expected[0])
                self.assertTrue(issubclass(cls, triage.TriageError))
                e = cls(value, "message")
                self.assertEqual((e.code, e.name, e.message), (value, triage.status_name(value), "message"))

    def test_unknown_codes(self):
        self.assertIs(triage.error_class(12345), triage.TriageError)
        e = triage.TriageError(12345, "x")
        self.assertEqual((e.name, e.status), ("unknown", 12345))


C_RETURN = {
    "int": ctypes.c_int,
    "void": None,
    "size_t": ctypes.c_size_t,
    "const char *": ctypes.c_char_p,
}


# The functions whose int is a value, not a status.
INT_VALUES = {"triage_abi_version", "triage_version_number"}


class FunctionTableTest(unittest.TestCase):
    def test_table_matches_the_header(self):
        declared = set(header_functions())
        table = [entry[0] for entry in _ffi.FUNCTIONS]
        self.assertEqual(len(table), len(set(table)), "a function is in the table twice")
        self.assertEqual(declared - set(table), set(), "header functions missing from _ffi")
        self.assertEqual(set(table) - declared, set(), "_ffi functions not in the header")

    def test_signatures(self):
        functions = header_functions()
        for name, argtypes, restype, errcheck in _ffi.FUNCTIONS:
            with self.subTest(name=name):
                ret, params = functions[name]
                self.assertEqual(len(argtypes), len(params), f"{name}: {params}")
                self.assertIn(ret, C_RETURN, f"{name}: unexpected return type {ret!r}")
                self.assertIs(restype, C_RETURN[ret])
                if ret == "int" and name not in INT_VALUES:
                    self.assertIs(errcheck, _ffi.check_status)  # every status is checked
                # Library-allocated strings come back through char ** as c_void_p, never c_char_p.
                for param, argtype in zip(params, argtypes):
                    if re.match(r"char\s*\*\*", param):
                        self.assertIs(argtype._type_, ctypes.c_void_p, f"{name}: {param}")

    def test_registered_on_the_library(self):
        for name, argtypes, restype, errcheck in _ffi.FUNCTIONS:
            with self.subTest(name=name):
                func = getattr(_ffi.lib, name)
                self.assertEqual(list(func.argtypes), list(argtypes))
                self.assertIs(func.restype, restype)

    def test_callback_types(self):
        callbacks = header_callbacks()
        self.assertEqual(set(callbacks),
                         {"triage_classifier_fn", "triage_router_fn", "triage_write_fn"})
        for name, ctype in (("triage_classifier_fn", _ffi.classifier_fn),
                            ("triage_router_fn", _ffi.router_fn),
                            ("triage_write_fn", _ffi.write_fn)):
            self.assertEqual(len(ctype._argtypes_), len(callbacks[name]), name)
            self.assertIs(ctype._restype_, ctypes.c_int, name)

    def test_abi_version_macro(self):
        version_h = os.path.join(os.path.dirname(HEADER), "..", "include", "triage", "version.h")
        if not os.path.exists(version_h):
            self.skipTest("include/triage/version.h not found")
        text = read(version_h)
        self.assertEqual(int(re.search(r"#define TRIAGE_ABI_VERSION (\d+)", text).group(1)),
                         triage.ABI_VERSION)
        self.assertEqual(re.search(r'#define TRIAGE_VERSION_STRING "([^"]+)"', text).group(1),
                         triage.library_version())


if __name__ == "__main__":
    unittest.main()
