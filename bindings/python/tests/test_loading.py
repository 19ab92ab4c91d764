"""Finding and checking the shared library, and importing with the standard library only."""

import os
import shutil
import subprocess
import sys
import tempfile
import types
import unittest
from unittest import mock

import triage
from triage import _ffi

PACKAGE_DIR = os.path.dirname(os.path.abspath(triage.__file__))
LIBRARY = os.path.realpath(_ffi.library_path) if os.sep in _ffi.library_path else None


def run_python(code, env_changes, cwd=None):
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd or tempfile.gettempdir(),
                          capture_output=True, text=True, timeout=120)


class CandidatesTest(unittest.TestCase):
    def test_override_is_the_only_place(self):
        places = list(_ffi.candidates("/x/libtriage.so", PACKAGE_DIR, find_library=None))
        self.assertEqual(places, [("$TRIAGE_LIBRARY=/x/libtriage.so", "/x/libtriage.so")])

    def test_order_without_override(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("libtriage.so.1", "libtriage.so", "libtriage.so.1.2.3"):
                open(os.path.join(d, name), "w").close()
            found = []
            places = _ffi.candidates(None, d, find_library=lambda n: found.append(n) or "libtriage.so.0")
            targets = [t for _, t in places]
        self.assertEqual(targets, [os.path.join(d, "libtriage.so.1"), os.path.join(d, "libtriage.so"),
                                   os.path.join(d, "libtriage.so.1.2.3"), "libtriage.so.1",
                                   "libtriage.so.0"])
        self.assertEqual(found, ["triage"])

    def test_find_library_runs_only_when_needed(self):
        called = []
        places = _ffi.candidates(None, None, find_library=lambda n: called.append(n))
        self.assertEqual(next(places)[1], "libtriage.so.1")
        self.assertEqual(called, [])

    def test_nothing_loads(self):
        with tempfile.TemporaryDirectory() as d:
            places = _ffi.candidates(None, d, find_library=lambda n: None)
            with self.assertRaises(_ffi.LibraryNotFoundError) as cm:
                # Only the package directory and a soname nobody has.
                _ffi.open_library([p for p in places if p[1] != "libtriage.so.1"]
                                  + [("the dynamic linker's search path: libtriage-nonexistent.so.1",
                                      "libtriage-nonexistent.so.1")])
        message = str(cm.exception)
        self.assertIsInstance(cm.exception, ImportError)
        self.assertIn(os.path.join(d, "libtriage.so.1"), message)
        self.assertIn("libtriage-nonexistent.so.1", message)
        self.assertIn('find_library("triage")', message)
        self.assertIn("C ABI version 1", message)
        self.assertIn("TRIAGE_LIBRARY", message)


class CheckTest(unittest.TestCase):
    def test_missing_symbol(self):
        class Partial:
            def __getattr__(self, name):
                if name == "triage_holder_acquire":
                    raise AttributeError(name)
                return types.SimpleNamespace()

        with self.assertRaises(_ffi.LibraryVersionError) as cm:
            _ffi.register_functions(Partial(), "/old/libtriage.so.1")
        message = str(cm.exception)
        self.assertIsInstance(cm.exception, ImportError)
        self.assertIn("triage_holder_acquire", message)
        self.assertIn("/old/libtriage.so.1", message)
        self.assertIn("C ABI version 1", message)
        self.assertIn(triage.__version__, message)

    def test_other_abi_version(self):
        class Future:
            def __getattr__(self, name):
                if name == "triage_abi_version":
                    return lambda: 2
                if name == "triage_version":
                    return lambda: "2.0.0"
                return types.SimpleNamespace()

        with mock.patch.object(_ffi, "open_library", return_value=(Future(), "/new/libtriage.so.2")):
            with self.assertRaises(_ffi.LibraryVersionError) as cm:
                _ffi.load("/new/libtriage.so.2")
        message = str(cm.exception)
        self.assertIn("ABI version 2", message)
        self.assertIn("2.0.0", message)
        self.assertIn("C ABI version 1", message)


class ImportTest(unittest.TestCase):
    def test_bad_override_fails_the_import(self):
        r = run_python("import triage", {"TRIAGE_LIBRARY": "/nonexistent/libtriage.so"})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("LibraryNotFoundError", r.stderr)
        self.assertIn("/nonexistent/libtriage.so", r.stderr)
        self.assertIn("C ABI version 1", r.stderr)
        r = run_python(
            "try:\n import triage\nexcept ImportError as e:\n print(type(e).__name__)\n",
            {"TRIAGE_LIBRARY": "/nonexistent/libtriage.so"})
        self.assertEqual(r.stdout.strip(), "LibraryNotFoundError")

    def _copy_package(self, root, with_library):
        target = os.path.join(root, "triage")
        shutil.copytree(PACKAGE_DIR, target, ignore=shutil.ignore_patterns("__pycache__", "*.so*"))
        if with_library:
            os.symlink(LIBRARY, os.path.join(target, "libtriage.so.1"))
        return target

    @unittest.skipUnless(LIBRARY, "the library was not loaded from a path")
    def test_library_next_to_the_package(self):
        with tempfile.TemporaryDirectory() as root:
            target = self._copy_package(root, with_library=True)
            r = run_python("import triage; print(triage.library_path); print(triage.Engine().pack)",
                           {"TRIAGE_LIBRARY": None, "PYTHONPATH": root})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.split("\n")[0], os.path.join(target, "libtriage.so.1"))
            self.assertTrue(r.stdout.split("\n")[1].startswith("default "))

    @unittest.skipUnless(LIBRARY, "the library was not loaded from a path")
    def test_library_on_the_system_search_path(self):
        with tempfile.TemporaryDirectory() as root:
            self._copy_package(root, with_library=False)
            r = run_python("import triage; print(triage.library_path)",
                           {"TRIAGE_LIBRARY": None, "PYTHONPATH": root,
                            "LD_LIBRARY_PATH": os.path.dirname(LIBRARY)})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), "libtriage.so.1")

    def test_import_needs_only_the_standard_library(self):
        code = (
            "import sys\n"
            "before = set(sys.modules)\n"
            "import triage\n"
            "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
            "print(sorted(m for m in new if m != 'triage' and m not in sys.stdlib_module_names))\n"
        )
        r = run_python(code, {})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "[]")


if __name__ == "__main__":
    unittest.main()
