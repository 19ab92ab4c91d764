"""triage.dask on a LocalCluster with two worker processes on loopback: a generated file of
100,000 tickets diagnosed by partition must equal the single-process run ticket by ticket."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))

try:
    import dask  # noqa: F401
    import distributed  # noqa: F401
    import pandas  # noqa: F401
    HAVE_DASK = True
except ImportError:
    HAVE_DASK = False

# CI installs Dask (tools/install-deps.sh) and sets this, so the test runs rather than skips.
REQUIRED = os.environ.get("TRIAGE_REQUIRE_DASK") == "1"
COUNT = int(os.environ.get("TRIAGE_DASK_TICKETS", "100000"))
REQUEST_ID = re.compile(r"\d{8}-[A-Z]{3}-\d{3,}")


def masked(d):
    # Request numbers are per batch (per partition on a cluster); everything else must agree.
    return json.loads(REQUEST_ID.sub("<request>", json.dumps(d, ensure_ascii=False)))


def masked_line(line):
    """One JSON line with its request number masked, compared as text: the lines are the
    library's own bytes on both sides, so equal diagnoses are equal texts."""
    return REQUEST_ID.sub("<request>", line.rstrip("\n"))


class DaskMissingTest(unittest.TestCase):
    def test_import_triage_never_needs_dask_and_triage_dask_says_how_to_get_it(self):
        code = ("import sys; sys.modules['dask'] = None; sys.modules['dask.bag'] = None\n"
                "import triage\n"
                "try:\n    import triage.dask\nexcept ImportError as e:\n    print(e)\n")
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=os.path.join(HERE, "..")))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("python3-dask", r.stdout)


@unittest.skipUnless(HAVE_DASK or REQUIRED, "Dask is not installed (python3-dask)")
class DaskClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not HAVE_DASK:
            raise AssertionError("TRIAGE_REQUIRE_DASK=1 but Dask cannot be imported")
        import triage
        import triage.dask
        from distributed import Client, LocalCluster

        cls.triage = triage
        cls.tdask = triage.dask
        cls.tmp = tempfile.TemporaryDirectory()
        cls.input = os.path.join(cls.tmp.name, "tickets.jsonl")
        with open(cls.input, "w", encoding="utf-8") as f:
            subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen", "tickets.py"),
                            str(COUNT), "--bad-every", "997"], stdout=f, check=True)
        cls.cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
        cls.client = Client(cls.cluster)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()
        cls.tmp.cleanup()

    def test_jsonl_by_partition_equals_the_single_process_run(self):
        out_dir = os.path.join(self.tmp.name, "out")
        blocksize = max(32 * 1024, os.path.getsize(self.input) // 8)  # about eight partitions
        self.tdask.diagnose_jsonl(self.input, os.path.join(out_dir, "*.jsonl"), blocksize=blocksize)
        parts = sorted(os.listdir(out_dir), key=lambda n: int(n.split(".")[0]))
        self.assertGreater(len(parts), 2)  # really partitioned
        with open(self.input, encoding="utf-8") as f:
            tickets = [line for line in f if line.strip()]
        engine = self.triage.Engine()
        n = 0
        # The reference run uses every core of this process: output is the same for any count.
        expected_iter = (line for i in range(0, len(tickets), 5000)
                         for line in engine.diagnose_many(tickets[i:i + 5000], threads=0,
                                                          raw=True))
        for name in parts:
            with open(os.path.join(out_dir, name), encoding="utf-8") as f:
                for line in f:
                    want = next(expected_iter)
                    if want.startswith('{"line"'):  # error lines number lines within their batch
                        self.assertEqual(json.loads(line)["error"]["code"],
                                         json.loads(want)["error"]["code"])
                    else:
                        self.assertEqual(masked_line(line), masked_line(want), f"ticket {n}")
                    n += 1
        self.assertEqual(n, COUNT)

    def test_bag_of_dicts_and_dataframe(self):
        import dask.bag as db
        import dask.dataframe as dd
        import pandas as pd

        tickets = [{"id": f"B-{i}", "text": t, "created_at": "2026-11-20T10:00:00+08:00"}
                   for i, t in enumerate(["APP一直闪退", "退款还没到账", "where is my parcel"] * 20)]
        bag = self.tdask.diagnose_bag(db.from_sequence(tickets, npartitions=4))
        got = bag.compute()
        self.assertEqual([d["ticket_id"] for d in got], [t["id"] for t in tickets])
        self.assertEqual(got[0]["labels"]["problem_type"]["value"], "system_failure")

        pdf = pd.DataFrame({"id": [t["id"] for t in tickets], "body": [t["text"] for t in tickets],
                            "channel": ["app"] * len(tickets),
                            "created_at": [t["created_at"] for t in tickets]})
        flat = self.tdask.diagnose_dataframe(dd.from_pandas(pdf, npartitions=3),
                                             text_column="body").compute()
        self.assertEqual(list(flat["ticket_id"]), list(pdf["id"]))
        for col in ("request_id", "problem_type", "problem_type_confidence", "urgency", "primary",
                    "first_response_due", "resolution_due"):
            self.assertIn(col, flat.columns)
        self.assertEqual(flat.iloc[1]["primary"], "finance")

    def test_engine_built_from_pack_text_on_each_worker(self):
        import dask.bag as db
        pack = {"schema": 1, "name": "tiny", "version": "9",
                "dimensions": [{"id": "d", "values": ["a"]}],
                "rules": [{"id": "r", "when": {"text_any": ["x"]}, "then": {"score": {"d": {"a": 1}}}}]}
        got = self.tdask.diagnose_bag(db.from_sequence([{"text": "x"}] * 8, npartitions=4),
                                      pack=pack).compute()
        self.assertTrue(all(d["pack"]["name"] == "tiny" and d["labels"]["d"]["value"] == "a"
                            for d in got))


if __name__ == "__main__":
    unittest.main()
