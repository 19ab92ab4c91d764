"""tools/packs/model_labels.py: which labelled lines teach which dimension of the default model."""
import sys
import unittest
from unittest import mock
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

    def test_a_draw_that_teaches_emotion_teaches_it_beside_repeat_estimate(self):
        t = ticket(5, repeat=True, labels={"emotion": "calm"})
        with mock.patch.dict(model_labels.PARTIAL_DRAWS, {5: ("emotion", "repeat_estimate")}):
            self.assertEqual(model_labels.for_model(t)["labels"],
                             {"emotion": "calm", "repeat_estimate": "yes"})
            self.assertEqual(model_labels.gold(t, "emotion"), "calm")
            # a line of such a draw without an emotion teaches only what it has
            self.assertEqual(model_labels.for_model(ticket(5, labels={}))["labels"],
                             {"repeat_estimate": "yes"})

    def test_the_fourth_draw_teaches_the_request_but_not_department_emotion_or_repeats(self):
        t = ticket(4)
        self.assertTrue(model_labels.learns_from(t))
        self.assertEqual(model_labels.for_model(t)["labels"],
                         {"problem_type": "fault", "urgency_estimate": "high"})
        self.assertEqual(model_labels.gold(t, "urgency_estimate"), "high")
        for dim in ("department", "demand", "emotion", "repeat_estimate"):
            self.assertFalse(model_labels.teaches(t, dim), dim)
            self.assertIsNone(model_labels.gold(t, dim), dim)

    def test_the_sixth_draw_is_held_out_from_every_dimension(self):
        t = ticket(6)
        self.assertFalse(model_labels.learns_from(t))
        for dim in ("problem_type", "department", "emotion", "repeat_estimate"):
            self.assertFalse(model_labels.teaches(t, dim), dim)
            self.assertIsNone(model_labels.gold(t, dim), dim)


if __name__ == "__main__":
    unittest.main()
