"""triage.train: the command's training from Python, with the algorithm chosen by name."""
import json
import os
import tempfile
import unittest
from pathlib import Path

import triage

ROOT = Path(__file__).resolve().parents[3]
CLI = os.environ.get("TRIAGE_CLI")


@unittest.skipUnless(CLI, "TRIAGE_CLI names the triage command (ctest sets it)")
class Train(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        lines = []
        for i in range(8):
            lines.append({"id": f"a{i}", "text": f"my card was declined at the shop {i}",
                          "labels": {"intent": "declined card payment?"}})
            lines.append({"id": f"b{i}", "text": f"where is my new card, it has not arrived {i}",
                          "labels": {"intent": "card arrival"}})
        self.labelled = self.dir / "labelled.jsonl"
        self.labelled.write_text("\n".join(json.dumps(x) for x in lines) + "\n")

    def tearDown(self):
        self.tmp.cleanup()

    def test_linear_with_mapped_labels_makes_a_pack_that_diagnoses(self):
        report = triage.train(self.labelled, self.dir / "model.json", algorithm="linear",
                              map_labels=self.dir / "pack.json", cli=CLI)
        self.assertTrue(any(line.startswith("intent: linear") for line in report), report)
        pack = json.loads((self.dir / "pack.json").read_text())
        values = pack["dimensions"][0]["values"]
        self.assertIn({"id": "declined_card_payment", "title": "declined card payment?"}, values)
        model = json.loads((self.dir / "model.json").read_text())
        self.assertEqual(model["dimensions"]["intent"]["algorithm"], "linear")
        with triage.Engine.from_file(self.dir / "pack.json") as engine:
            d = engine.diagnose({"text": "the card got declined"})
        self.assertEqual(d["labels"]["intent"]["value"], "declined_card_payment")

    def test_auto_reports_both_cross_validated_accuracies(self):
        report = triage.train(self.labelled, self.dir / "model.json", algorithm="auto",
                              map_labels=self.dir / "pack.json", cli=CLI)
        self.assertTrue(any("naive_bayes" in line and "linear" in line for line in report), report)

    def test_an_unknown_algorithm_is_refused_before_anything_runs(self):
        with self.assertRaises(triage.InvalidArgument):
            triage.train(self.labelled, self.dir / "m.json", algorithm="svm", cli=CLI)

    def test_a_failing_command_raises_with_its_message(self):
        with self.assertRaises(triage.TriageError) as e:
            triage.train(self.dir / "missing.jsonl", self.dir / "m.json", cli=CLI)
        self.assertIn("missing.jsonl", str(e.exception))


if __name__ == "__main__":
    unittest.main()
