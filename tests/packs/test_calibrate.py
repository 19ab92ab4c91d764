"""tools/packs/calibrate.py: the calibration map it fits and how thresholds move through it."""
import json
import random
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "packs"))
import calibrate  # noqa: E402


def sample(n=2000, seed=7):
    """(raw, right, fold) where a raw confidence c is right with probability 0.5 + c / 2."""
    rng = random.Random(seed)
    points = []
    for i in range(n):
        c = rng.random()
        points.append((c, int(rng.random() < 0.5 + c / 2), i % 5))
    return points


class Calibrate(unittest.TestCase):
    def test_the_map_starts_at_zero_and_rises_strictly(self):
        knots = calibrate.isotonic(sample())
        self.assertEqual(knots[0], [0.0, 0.0])
        for (x0, y0), (x1, y1) in zip(knots, knots[1:]):
            self.assertLess(x0, x1)
            self.assertLess(y0, y1)
        self.assertLessEqual(len(knots), calibrate.MAX_KNOTS + 1)

    def test_every_knot_stands_for_enough_tickets_to_mean_something(self):
        points = sample()
        knots = calibrate.isotonic(points)
        inner = [k[0] for k in knots[1:]]
        # between two knot positions lie at least MIN_BLOCK / 2 tickets
        for lo, hi in zip(inner, inner[1:]):
            self.assertGreaterEqual(sum(1 for p in points if lo <= p[0] < hi),
                                    calibrate.MIN_BLOCK // 2)

    def test_the_map_says_how_often_it_is_right(self):
        points = sample(5000)
        knots = calibrate.isotonic(points)
        self.assertGreater(calibrate.ece(points, None), 0.15)
        self.assertLess(calibrate.ece(points, knots), 0.03)
        self.assertAlmostEqual(calibrate.interpolate(knots, 0.6), 0.8, delta=0.06)

    def test_a_threshold_moved_through_the_map_answers_the_same_tickets(self):
        points = sample()
        knots = calibrate.isotonic(points)
        for raw_t in (0.05, 0.3, 0.6, 0.9):
            t = calibrate.interpolate(knots, raw_t)
            self.assertAlmostEqual(calibrate.raw_threshold(knots, t), raw_t, places=9)
            for x, *_ in points:
                self.assertEqual(x < raw_t, calibrate.interpolate(knots, x) < t, (x, raw_t))

    def test_beyond_the_last_knot_the_map_is_flat_as_in_the_engine(self):
        knots = [[0.0, 0.0], [0.5, 0.7], [0.8, 0.9]]
        self.assertEqual(calibrate.interpolate(knots, 0.95), 0.9)
        self.assertAlmostEqual(calibrate.interpolate(knots, 0.25), 0.35)
        self.assertEqual(calibrate.interpolate([], 0.42), 0.42)


class CrossFit(unittest.TestCase):
    """cross_fit with the CLI stood in for: which pack the folds diagnose with, and which value
    each held-out ticket is judged by."""
    PACK = {"dimensions": [{"id": "emotion", "min_confidence": 0.45,
                            "calibration": [[0.0, 0.0], [0.5, 0.6], [1.0, 1.0]],
                            "values": ["calm", {"id": "angry", "min_confidence": 0.85}]}],
            "model": {"file": "model.json"}}
    # The top candidate is angry, but under angry's own threshold the pack decides calm.
    LINE = json.dumps({"labels": {"emotion": {
        "value": "calm", "confidence": 0,
        "candidates": [{"value": "angry", "score": 1.4}, {"value": "calm", "score": 0.6}]}}})

    def run_folds(self, as_shipped):
        train = [{"source_id": str(i), "text": "x", "labels": {"emotion": "calm"}}
                 for i in range(10)]
        packs = []

        def cli(args, **_):
            if args[1] == "diagnose":
                packs.append(json.loads(Path(args[3]).read_text(encoding="utf-8")))
                held = Path(args[4]).read_text(encoding="utf-8").splitlines()
                return mock.Mock(stdout="\n".join([self.LINE] * len(held)))
            return mock.Mock(stdout="")

        with tempfile.TemporaryDirectory() as tmp, \
                mock.patch.object(calibrate.subprocess, "run", side_effect=cli):
            points, _ = calibrate.cross_fit("triage", self.PACK, train, [], 2, Path(tmp),
                                            as_shipped=as_shipped)
        return points["emotion"], packs

    def test_by_default_the_folds_run_uncalibrated_and_judge_the_top_candidate(self):
        points, packs = self.run_folds(as_shipped=False)
        dim = packs[0]["dimensions"][0]
        self.assertNotIn("calibration", dim)
        self.assertEqual(dim["values"][1], {"id": "angry"})
        self.assertEqual({p[3] for p in points}, {"angry"})
        self.assertEqual(sum(p[1] for p in points), 0)

    def test_as_shipped_the_folds_keep_the_maps_and_thresholds_and_judge_the_decision(self):
        points, packs = self.run_folds(as_shipped=True)
        self.assertEqual(packs[0]["dimensions"], self.PACK["dimensions"])
        self.assertEqual(len(points), 10)
        self.assertEqual({p[3] for p in points}, {"calm"})
        self.assertEqual(sum(p[1] for p in points), 10)

    def test_as_shipped_without_report_is_refused_before_anything_runs(self):
        script = Path(calibrate.__file__)
        done = subprocess.run([sys.executable, str(script), "/nonexistent-build", "--as-shipped"],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 2)
        self.assertIn("--as-shipped", done.stderr)
        self.assertIn("goes with --report", done.stderr)


if __name__ == "__main__":
    unittest.main()
