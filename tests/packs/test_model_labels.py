"""tools/packs/model_labels.py: which labelled lines teach which dimension of the default model."""
import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "packs"))
import model_labels  # noqa: E402

LABELS = {"problem_type": "fault", "primary": "engineering", "urgency": "high", "emotion": "calm"}


def ticket(draw=None, repeat=True, labels=LABELS):
    t = {"text": "x", "labels": dict(labels), "repeat_contact": repeat}
    if draw is not None:
        t["draw"] = draw
    return t


class ModelLabels(unittest.TestCase):
    def test_the_first_three_draws_teach_every_dimension(self):
        for draw in (None, 1, 2, 3):
            t = ticket(draw)
            self.assertTrue(model_labels.learns_from(t))
            labels = model_labels.for_model(t)["labels"]
            self.assertEqual(labels["problem_type"], "fault")
            self.assertEqual(labels["department"], "engineering")
            self.assertEqual(labels["urgency_estimate"], "high")
            self.assertEqual(labels["repeat_estimate"], "yes")
            self.assertEqual(model_labels.gold(t, "emotion"), "calm")

    def test_the_fifth_draw_teaches_repeat_estimate_alone(self):
        t = ticket(5, repeat=False, labels={"emotion": "angry"})
        self.assertTrue(model_labels.learns_from(t))
        self.assertEqual(model_labels.for_model(t)["labels"], {"repeat_estimate": "no"})
        self.assertEqual(model_labels.gold(t, "repeat_estimate"), "no")
        self.assertIsNone(model_labels.gold(t, "emotion"))
        self.assertEqual(t["labels"], {"emotion": "angry"}, "the ticket itself is left as it was")

    def test_the_fourth_and_sixth_draws_are_held_out(self):
        for draw in (4, 6):
            self.assertFalse(model_labels.learns_from(ticket(draw)), draw)

    def test_a_pack_without_repeat_estimate_last_is_refused_by_name(self):
        self.assertIsNone(model_labels.check_order())  # the default pack keeps it last
        with tempfile.TemporaryDirectory() as tmp:
            pack = Path(tmp, "pack.json")
            pack.write_text(json.dumps({"dimensions": [{"id": "repeat_estimate"},
                                                       {"id": "emotion"}]}), encoding="utf-8")
            with self.assertRaises(SystemExit) as stop:
                model_labels.check_order(pack)
            self.assertIn(str(pack), str(stop.exception.code))
            self.assertIn("repeat_estimate must be the last dimension", str(stop.exception.code))


if __name__ == "__main__":
    unittest.main()
