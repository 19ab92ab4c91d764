"""One case across channels through Python: the water heater in the app, then by phone."""

import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import triage  # noqa: E402

CHAT = {"id": "APP-1", "channel": "app", "created_at": "2026-11-20T09:12:00+08:00",
        "customer": {"id": "C20240520001", "phone": "138 0013 8000"},
        "text": "热水器不加热，洗澡只有冷水"}
CALL = {"id": "TEL-7", "channel": "phone", "created_at": "2026-11-20T15:40:00+08:00",
        "customer": {"id": "C20240520001", "phone": "+86 13800138000"},
        "text": "你们的客服永远没人回复！"}


class LinkerTest(unittest.TestCase):
    def setUp(self):
        self.engine = triage.Engine()

    def test_the_same_customer_on_two_channels_is_one_case(self):
        with triage.Linker() as linker:
            self.assertEqual(self.engine.diagnose(CHAT, linker=linker)["related"], [])
            related = self.engine.diagnose(CALL, linker=linker)["related"]
            self.assertEqual([(r["ticket_id"], r["channel"], r["reason"], r["score"])
                              for r in related], [("APP-1", "app", "customer_id", 1.0)])
            self.assertEqual(linker.stats()["tickets"], 2)
            self.assertTrue(linker.close_ticket("APP-1"))
            self.assertFalse(linker.close_ticket("nope"))
            again = dict(CALL, id="TEL-8")
            self.assertEqual([r["ticket_id"] for r in self.engine.diagnose(again, linker=linker)["related"]],
                             ["TEL-7"])

    def test_bad_arguments_are_refused(self):
        with self.assertRaises(TypeError):
            self.engine.diagnose(CHAT, linker=object())
        with triage.Linker() as linker, triage.Roster() as roster:
            with self.assertRaises(ValueError):
                self.engine.diagnose(CHAT, roster=roster, linker=linker)
            with self.assertRaises(triage.TicketError):
                self.engine.diagnose({"text": 5}, linker=linker)
        with self.assertRaises(triage.InvalidArgument):
            triage.Linker(window_seconds=-1)

    def test_threads_share_one_linker(self):
        linker = triage.Linker(max_tickets=500)

        def work(n):
            for i in range(200):
                self.engine.diagnose({"id": f"{n}-{i}", "customer": {"id": f"C{i % 20}"},
                                      "created_at": "2026-11-20T09:00:00+08:00",
                                      "text": f"ticket {i} from thread {n}"}, linker=linker)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(linker.stats()["tickets"], 500)
        linker.close()


if __name__ == "__main__":
    unittest.main()
