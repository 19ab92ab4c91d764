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
LIBRARY = os.path.realpath(_ffi.library_path()) if os.sep in _ffi.library_path() else None


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
                    return lambda: b"2.0.0"
                return types.SimpleNamespace()

        with mock.patch.object(_ffi, "open_library", return_value=(Future(), "/new/libtriage.so.2")):
            with self.assertRaises(_ffi.LibraryVersionError) as cm:
                _ffi.load("/new/libtriage.so.2")
        message = str(cm.exception)
        self.assertIn("ABI version 2", message)
        self.assertIn("2.0.0", message)
        self.assertIn("C ABI version 1", message)


class ImportTest(unittest.TestCase):
    def test_bad_override_fails_on_first_use_not_at_import(self):
        r = run_python("import triage; print(triage.Config.loaded); triage.Engine()",
                       {"TRIAGE_LIBRARY": "/nonexistent/libtriage.so"})
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stdout.strip(), "False")  # the import itself loaded nothing
        self.assertIn("LibraryNotFoundError", r.stderr)
        self.assertIn("/nonexistent/libtriage.so", r.stderr)
        self.assertIn("C ABI version 1", r.stderr)
        self.assertIn("Config.set_library_file", r.stderr)
        r = run_python(
            "import triage\ntry:\n triage.library_version()\nexcept ImportError as e:\n"
            " print(type(e).__name__)\n",
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


# A stand-in for another build of libtriage: only the version functions, as an old or a future
# library would have them (compiled here with the system's C compiler).
FAKE_LIBRARY = r"""
const char *triage_version(void) { return VERSION; }
int triage_abi_version(void) { return ABI; }
#ifdef NUMBER
int triage_version_number(void) { return NUMBER; }
#endif
"""


@unittest.skipUnless(LIBRARY, "the library was not loaded from a path")
class ConfigTest(unittest.TestCase):
    """``triage.Config``: which library the first use loads, and what it refuses (cindex.py's
    Config.set_library_file / set_library_path / set_compatibility_check)."""

    def fake(self, directory, name, version, abi, number=None):
        compiler = shutil.which("cc") or shutil.which("gcc")
        self.assertIsNotNone(compiler, "a C compiler is needed to build the stand-in libraries")
        source = os.path.join(directory, name + ".c")
        with open(source, "w") as f:
            f.write(FAKE_LIBRARY)
        path = os.path.join(directory, name)
        defines = [f'-DVERSION="{version}"', f"-DABI={abi}"]
        if number is not None:
            defines.append(f"-DNUMBER={number}")
        subprocess.run([compiler, "-shared", "-fPIC", "-o", path, source] + defines, check=True)
        return path

    def test_set_library_file_wins_over_the_environment(self):
        code = ("import triage\n"
                f"triage.Config.set_library_file({LIBRARY!r})\n"
                "print(triage.Config.loaded)\n"
                "print(triage.Engine().pack_name)\n"
                "print(triage.Config.loaded, triage.library_path)\n")
        r = run_python(code, {"TRIAGE_LIBRARY": "/nonexistent/libtriage.so"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), ["False", "default", f"True {LIBRARY}"])

    def test_set_library_path_loads_from_that_directory_only(self):
        with tempfile.TemporaryDirectory() as d:
            os.symlink(LIBRARY, os.path.join(d, "libtriage.so.1"))
            code = ("import triage\n"
                    f"triage.Config.set_library_path({d!r})\n"
                    "print(triage.library_path)\n")
            r = run_python(code, {"TRIAGE_LIBRARY": "/nonexistent/libtriage.so"})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), os.path.join(d, "libtriage.so.1"))
        with tempfile.TemporaryDirectory() as empty:
            code = ("import triage\n"
                    f"triage.Config.set_library_path({empty!r})\n"
                    "triage.Engine()\n")
            # The library is on LD_LIBRARY_PATH, but the directory given is the only place tried.
            r = run_python(code, {"TRIAGE_LIBRARY": None,
                                  "LD_LIBRARY_PATH": os.path.dirname(LIBRARY)})
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("LibraryNotFoundError", r.stderr)
            self.assertIn(os.path.join(empty, "libtriage.so.1"), r.stderr)
            self.assertNotIn("search path", r.stderr)

    def test_settings_are_fixed_once_loaded(self):
        triage.library_version()  # loaded in this process
        self.assertTrue(triage.Config.loaded)
        for change in (lambda: triage.Config.set_library_file("/x/libtriage.so.1"),
                       lambda: triage.Config.set_library_path("/x"),
                       lambda: triage.Config.set_compatibility_check(False)):
            with self.assertRaises(triage.LibraryLoadedError) as cm:
                change()
            self.assertIn(triage.library_path, str(cm.exception))
        self.assertIsNone(triage.Config.library_file)

    def test_an_older_library_is_refused_by_version(self):
        with tempfile.TemporaryDirectory() as d:
            old = self.fake(d, "libtriage.so.1", "0.1.0", 1)  # 0.1 had no triage_version_number
            code = f"import triage\ntriage.Config.set_library_file({old!r})\ntriage.Engine()\n"
            r = run_python(code, {})
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("LibraryVersionError", r.stderr)
            self.assertIn("libtriage 0.1.0 is older than the triage Python binding", r.stderr)
            self.assertIn("triage 0.3.0 or later", r.stderr)
            self.assertIn(old, r.stderr)

    def test_another_abi_generation_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            future = self.fake(d, "libtriage.so.2", "2.0.0", 2, 20000)
            code = f"import triage\ntriage.Config.set_library_file({future!r})\ntriage.abi_version()\n"
            r = run_python(code, {})
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("LibraryVersionError", r.stderr)
            self.assertIn("libtriage 2.0.0 has C ABI version 2", r.stderr)

    def test_without_the_check_a_missing_function_is_named_when_called(self):
        with tempfile.TemporaryDirectory() as d:
            old = self.fake(d, "libtriage.so.1", "0.1.0", 1)
            code = ("import triage\n"
                    "triage.Config.set_compatibility_check(False)\n"
                    f"triage.Config.set_library_file({old!r})\n"
                    "print(triage.library_version())\n"
                    "triage.version_number()\n")
            r = run_python(code, {})
            self.assertEqual(r.stdout.strip(), "0.1.0")
            self.assertIn("AttributeError", r.stderr)
            self.assertIn("has no function triage_version_number", r.stderr)


if __name__ == "__main__":
    unittest.main()
