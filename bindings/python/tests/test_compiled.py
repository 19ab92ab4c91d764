"""Compiled packs from Python: compile_pack_file, Engine.from_compiled and Engine.from_file on a
.tpk give the same diagnoses as the pack JSON; damaged bytes raise PackError with a stable code."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import triage  # noqa: E402
from _support import CREATED, MINI_PACK, REPO, ZH_HANS  # noqa: E402

DEFAULT_PACK = os.path.join(REPO, "packs", "default", "pack.json")


class CompiledPackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tpk = triage.compile_pack_file(DEFAULT_PACK)

    def test_compiled_default_pack_diagnoses_as_the_builtin(self):
        with triage.Engine.from_compiled(self.tpk) as loaded, triage.Engine() as builtin:
            for text in ("APP一直闪退，点开就没了", "I was charged twice, please refund",
                         "退款還沒到賬，我要投訴"):
                ticket = {"text": text, "created_at": CREATED}
                self.assertEqual(loaded.diagnose(ticket),
                                 builtin.diagnose(ticket))

    def test_a_tpk_file_loads_through_from_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "mini.tpk")
            with open(path, "wb") as f:
                f.write(triage.compile_pack_file(MINI_PACK))
            with triage.Engine.from_file(path) as a, triage.Engine.from_file(MINI_PACK) as b:
                self.assertEqual(a.diagnose(ZH_HANS), b.diagnose(ZH_HANS))

    def test_foreign_truncated_and_damaged_bytes_are_refused_with_their_code(self):
        cases = [
            (b"{}", triage.Status.ERR_COMPILED_PACK_FOREIGN),
            (self.tpk[:1000], triage.Status.ERR_COMPILED_PACK_CORRUPT),
            (self.tpk[:200] + bytes([self.tpk[200] ^ 1]) + self.tpk[201:],
             triage.Status.ERR_COMPILED_PACK_CORRUPT),
            (self.tpk[:8] + b"\x63" + self.tpk[9:], triage.Status.ERR_COMPILED_PACK_VERSION),
        ]
        for data, code in cases:
            with self.assertRaises(triage.PackError) as cm:
                triage.Engine.from_compiled(data)
            self.assertEqual(cm.exception.code, code)
            self.assertTrue(cm.exception.where.startswith("byte "), cm.exception.where)

    def test_compiling_a_missing_file_is_an_io_error(self):
        with self.assertRaises(triage.TriageIOError):
            triage.compile_pack_file("/nonexistent/pack.json")


if __name__ == "__main__":
    unittest.main()
