"""Engines: diagnosis in three scripts, errors, batches, typed results, SLA, workflow, threads."""

import datetime
import gc
import io
import json
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import triage  # noqa: E402
from _support import (  # noqa: E402
    BAD_PACK, CREATED, EN, MINI_PACK, REPO, ZH_HANS, ZH_HANT, read)


def run_in_threads(work, count):
    """Runs work(0) … work(count - 1) on threads of their own and waits for all of them."""
    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def setUpModule():
    global ENGINE
    ENGINE = triage.Engine()


def tearDownModule():
    ENGINE.close()


def source_version():
    """(major, minor, patch) and the version string of include/triage/version.h."""
    import re

    text = read(os.path.join(REPO, "include", "triage", "version.h"))
    parts = tuple(int(re.search(rf"#define TRIAGE_VERSION_{p} (\d+)", text).group(1))
                  for p in ("MAJOR", "MINOR", "PATCH"))
    return parts, re.search(r'#define TRIAGE_VERSION_STRING "([^"]+)"', text).group(1)


class VersionTest(unittest.TestCase):
    def test_the_package_and_the_library_are_the_same_release(self):
        (major, minor, patch), string = source_version()
        self.assertEqual(string, f"{major}.{minor}.{patch}")
        self.assertEqual(triage.__version__, string)  # bumped together with version.h
        self.assertEqual(triage.library_version(), string)
        self.assertEqual(triage.version_number(), major * 10000 + minor * 100 + patch)
        self.assertEqual(triage.abi_version(), triage.ABI_VERSION)
        self.assertEqual(triage.status_name(0), "ok")
        self.assertEqual(triage.status_name(12345), "unknown")

    def test_setup_py_declares_the_package_version(self):
        import re

        setup_py = read(os.path.join(REPO, "bindings", "python", "setup.py"))
        self.assertEqual(re.search(r'version="([^"]+)"', setup_py).group(1), triage.__version__)

    def test_the_library_is_as_new_as_the_binding_needs(self):
        from triage import _version

        # The binding calls the 0.3 functions (compiled packs), so it needs at least 0.3 — and no
        # newer than what it is shipped with, or its own check would refuse the library it was
        # released with.
        self.assertGreaterEqual(_version.MIN_VERSION_NUMBER, 300)
        self.assertGreaterEqual(triage.version_number(), _version.MIN_VERSION_NUMBER)
        (major, minor, patch), _ = source_version()
        self.assertLessEqual(_version.MIN_VERSION_NUMBER, major * 10000 + minor * 100 + patch)


class DiagnoseTest(unittest.TestCase):
    def test_simplified_chinese(self):
        d = ENGINE.diagnose(ZH_HANS)
        self.assertEqual(d["ticket_id"], "zh")
        self.assertEqual(d["language"], "zh-Hans")
        self.assertEqual(d["labels"]["problem_type"]["value"], "system_failure")
        self.assertGreater(d["labels"]["problem_type"]["confidence"], 0.3)
        self.assertEqual(d["urgency"], "high")
        self.assertEqual(d["route"]["primary"], "engineering")
        self.assertEqual(d["request_id"], "20261120-APP-001")
        self.assertIn({"field": "text", "start": 27, "end": 43, "type": "order_id",
                       "value": "2026112012345678"}, d["entities"])
        self.assertEqual(d["template"]["language"], "zh-Hans")
        self.assertEqual(d["pack"]["name"], "default")

    def test_traditional_chinese(self):
        d = ENGINE.diagnose(ZH_HANT)
        self.assertEqual(d["language"], "zh-Hant")
        self.assertEqual(d["labels"]["problem_type"]["value"], "system_failure")
        evidence = d["labels"]["problem_type"]["evidence"][0]["spans"][0]
        self.assertEqual(evidence["text"], "閃退")  # traditional text matched a simplified keyword
        self.assertEqual(d["template"]["language"], "zh-Hant")

    def test_english(self):
        d = ENGINE.diagnose(EN)
        self.assertEqual(d["language"], "en")
        self.assertEqual(d["labels"]["scenario"]["value"], "payment_refund")
        self.assertEqual(d["route"]["primary"], "finance")
        self.assertEqual(d["request_id"], "20261120-EML-001")
        self.assertEqual(d["template"]["language"], "en")

    def test_dict_text_and_bytes_agree(self):
        as_dict = ENGINE.diagnose(ZH_HANS)
        as_text = ENGINE.diagnose(json.dumps(ZH_HANS, ensure_ascii=False))
        as_escaped = ENGINE.diagnose(json.dumps(ZH_HANS))  # \\uXXXX escapes
        as_bytes = ENGINE.diagnose(json.dumps(ZH_HANS, ensure_ascii=False).encode("utf-8"))
        self.assertEqual(as_dict, as_text)
        self.assertEqual(as_dict, as_escaped)
        self.assertEqual(as_dict, as_bytes)

    def test_pack(self):
        self.assertTrue(ENGINE.pack.startswith("default 1."))
        self.assertEqual(ENGINE.pack_name, "default")
        self.assertEqual(ENGINE.pack, f"{ENGINE.pack_name} {ENGINE.pack_version}")
        self.assertIn("default", repr(ENGINE))

    def test_workflow_dot(self):
        dot = ENGINE.workflow_dot()
        self.assertTrue(dot.startswith("digraph"))
        self.assertIn("closed", dot)


class ErrorTest(unittest.TestCase):
    def assertFails(self, cls, code, where, call, *args, **kwargs):
        with self.assertRaises(cls) as cm:
            call(*args, **kwargs)
        e = cm.exception
        self.assertIsInstance(e, triage.TriageError)
        self.assertEqual(e.code, code)
        self.assertEqual(e.status, triage.Status(code))
        self.assertEqual(e.name, triage.status_name(code))
        self.assertIn(where, e.message)
        self.assertIn(where, str(e))
        return e

    def test_unknown_tier_names_the_field(self):
        e = self.assertFails(triage.TicketError, 21, "/customer/tier", ENGINE.diagnose,
                             {"text": "x", "customer": {"tier": "gold"}})
        self.assertEqual(e.name, "field_value")
        self.assertEqual(e.status, triage.Status.ERR_FIELD_VALUE)

    def test_ticket_errors(self):
        self.assertFails(triage.TicketError, 22, "/text", ENGINE.diagnose, {})
        self.assertFails(triage.TicketError, 20, "/text", ENGINE.diagnose, {"text": 1})
        self.assertFails(triage.TicketError, 23, "/created_at", ENGINE.diagnose,
                         {"text": "a", "created_at": "2020"})
        self.assertFails(triage.TicketError, 21, "/channel", ENGINE.diagnose,
                         {"text": "a", "channel": "pigeon"})
        self.assertFails(triage.TicketError, 30, "/text", ENGINE.diagnose,
                         {"text": "a" * (1024 * 1024 + 1)})

    def test_json_errors(self):
        self.assertFails(triage.JsonError, 10, "malformed JSON", ENGINE.diagnose, "{")
        self.assertFails(triage.JsonError, 10, "1:1", ENGINE.diagnose, "")
        self.assertFails(triage.JsonError, 12, "object", ENGINE.diagnose, [])
        deep = '{"text":"x","a":' + "[" * 100 + "]" * 100 + "}"
        self.assertFails(triage.JsonError, 11, "64", ENGINE.diagnose, deep)
        # Invalid UTF-8 inside a JSON document is a JSON error, as in the C tests.
        self.assertFails(triage.JsonError, 10, "malformed", ENGINE.diagnose, b'{"text":"\xff\xfe"}')

    def test_invalid_argument(self):
        self.assertFails(triage.InvalidArgument, 1, "UTF-8", ENGINE.classify_text, b"\xc3")
        self.assertFails(triage.TicketError, 30, "text", ENGINE.classify_text,
                         "a" * (1024 * 1024 + 1))

    def test_pack_errors(self):
        bad = ('{"schema":1,"name":"x","version":"1",\n'
               '"dimensions":[{"id":"d","values":["a"],"fallback":"b"}]}')
        e = self.assertFails(triage.PackError, 43, "/dimensions/0/fallback", triage.Engine.from_json, bad)
        self.assertIn("line 2", e.message)
        self.assertFails(triage.PackError, 41, "/dimensions", triage.Engine.from_json,
                         '{"schema":1,"name":"x","version":"1","dimensions":[]}')
        self.assertFails(triage.JsonError, 10, "malformed", triage.Engine.from_json, "{")
        self.assertFails(triage.PackError, 43, "systm_failure", triage.Engine.from_json,
                         read(BAD_PACK))

    def test_files(self):
        with triage.Engine.from_file(MINI_PACK) as mini:
            self.assertEqual(mini.pack, "mini 0.1.0")
            d = mini.diagnose({"text": "APP闪退了"})
            self.assertEqual(d["labels"]["problem_type"]["value"], "system_failure")
        self.assertTrue(mini.closed)
        self.assertFails(triage.TriageIOError, 60, "/nonexistent/pack.json",
                         triage.Engine.from_file, "/nonexistent/pack.json")
        # A file that does not compile: the message starts with its path.
        self.assertFails(triage.PackError, 43, BAD_PACK, triage.Engine.from_file, BAD_PACK)
        import pathlib

        with triage.Engine.from_file(pathlib.Path(MINI_PACK)) as mini:
            self.assertEqual(mini.pack_name, "mini")
        with triage.Engine.from_file(os.fsencode(MINI_PACK)) as mini:
            self.assertEqual(mini.pack_version, "0.1.0")

    def test_exceptions_pickle_and_repr(self):
        import pickle

        e = triage.TicketError(21, "/customer/tier: unknown", "field_value", "/customer/tier")
        again = pickle.loads(pickle.dumps(e))
        self.assertIs(type(again), triage.TicketError)
        self.assertEqual((again.code, again.name, again.message, again.where),
                         (e.code, e.name, e.message, e.where))
        self.assertIn("TicketError", repr(e))

    def test_closed_engine(self):
        e = triage.Engine()
        e.close()
        e.close()  # idempotent
        with self.assertRaises(ValueError):
            e.diagnose(ZH_HANS)
        with self.assertRaises(ValueError):
            e._as_parameter_
        self.assertIn("closed", repr(e))

    def test_where_comes_from_the_library_not_the_message(self):
        e = self.assertFails(triage.TicketError, 21, "/customer/tier", ENGINE.diagnose,
                             {"text": "x", "customer": {"tier": "gold"}})
        self.assertEqual(e.where, "/customer/tier")
        with self.assertRaises(triage.JsonError) as cm:
            ENGINE.diagnose('{"text": }')
        self.assertRegex(cm.exception.where, r"^1:\d+$")  # line:column of the syntax error
        self.assertIn(repr(cm.exception.where), repr(cm.exception))
        # A blank ticket in a batch is diagnosed alone; its error object takes that `where`.
        with self.assertRaises(triage.JsonError) as cm:
            ENGINE.diagnose("")
        blank = ENGINE.diagnose_many(["", EN])[0]["error"]
        self.assertEqual(blank["code"], cm.exception.name)
        self.assertEqual(blank.get("where", ""), cm.exception.where)
        # An error without a place has an empty `where`.
        with self.assertRaises(triage.NotFoundError) as cm:
            triage.Roster().set_available("nobody")
        self.assertEqual(cm.exception.where, "")

    def test_python_side_argument_errors(self):
        with self.assertRaises(ValueError):
            ENGINE.workflow_next("new\0x", "acknowledge")
        with self.assertRaises(TypeError):
            ENGINE.diagnose(ZH_HANS, roster="nope")
        with self.assertRaises(ValueError):
            ENGINE.diagnose({"text": float("nan")})


class BatchTest(unittest.TestCase):
    def test_order_and_inline_errors(self):
        tickets = [
            ZH_HANS,
            {"text": "x", "customer": {"tier": "gold"}},
            '{\n  "id": "multi",\n  "text": "refund please",\n  "created_at": "%s"\n}' % CREATED,
            "[]",
            "",
            EN,
            b'{"id":"bytes","text":"\xe9\x97\xaa\xe9\x80\x80"}',
            ZH_HANT,
        ]
        out = ENGINE.diagnose_many(tickets)
        self.assertEqual(len(out), len(tickets))
        self.assertEqual(out[0]["ticket_id"], "zh")
        self.assertEqual(out[1], {"line": 2, "error": {
            "code": "field_value",
            "message": '/customer/tier: unknown value "gold"; expected vip|regular|enterprise',
            "where": "/customer/tier"}})
        self.assertEqual(out[2]["ticket_id"], "multi")  # raw newlines did not split the ticket
        self.assertEqual(out[3]["line"], 4)
        self.assertEqual(out[3]["error"]["code"], "not_an_object")
        self.assertEqual(out[4]["line"], 5)
        self.assertEqual(out[4]["error"]["code"], "json_syntax")
        self.assertEqual(out[5]["ticket_id"], "en")
        self.assertEqual(out[6]["ticket_id"], "bytes")
        self.assertEqual(out[7]["ticket_id"], "tw")
        # Request ids are numbered within the batch.
        self.assertEqual(out[0]["request_id"], "20261120-APP-001")
        self.assertEqual(out[7]["request_id"], "20261120-APP-002")

    def test_raw_results_are_the_json_of_the_parsed_ones(self):
        # With blank lines (answered in Python) and without (the library's lines as they are).
        for tickets in ([ZH_HANS, "", EN, "not json", ZH_HANT], [ZH_HANS, EN, ZH_HANT]):
            raw = ENGINE.diagnose_many(tickets, raw=True)
            self.assertEqual(len(raw), len(tickets))
            self.assertTrue(all(isinstance(line, str) and "\n" not in line for line in raw))
            self.assertEqual([json.loads(line) for line in raw], ENGINE.diagnose_many(tickets))

    def test_matches_single_diagnosis(self):
        single = ENGINE.diagnose(EN)
        self.assertEqual(ENGINE.diagnose_many(iter([EN]))[0], single)

    def test_empty(self):
        self.assertEqual(ENGINE.diagnose_many([]), [])

    def test_repeated(self):
        tickets = [ZH_HANS, ZH_HANT, EN, {"text": 1}]
        first = ENGINE.diagnose_many(tickets)
        for _ in range(5):
            self.assertEqual(ENGINE.diagnose_many(tickets), first)


class StreamTest(unittest.TestCase):
    def test_writes_what_diagnose_many_answers_line_by_line(self):
        tickets = [ZH_HANS, "", EN, "not json", ZH_HANT]
        for threads in (1, 2):
            out = io.BytesIO()
            ENGINE.diagnose_to(out, tickets, threads=threads)
            lines = out.getvalue().decode("utf-8").splitlines()
            expected = [r for t, r in zip(tickets, ENGINE.diagnose_many(tickets, raw=True)) if t]
            self.assertEqual(lines, expected)  # blank tickets are skipped, as by the CLI

    def test_select_and_format(self):
        out = io.BytesIO()
        ENGINE.diagnose_to(out, [ZH_HANS, EN], select=["ticket_id", "urgency"], format="csv")
        rows = out.getvalue().decode("utf-8").splitlines()
        self.assertEqual(rows[0], "ticket_id,urgency,error")
        self.assertEqual(len(rows), 3)
        with self.assertRaises(triage.InvalidArgument):
            ENGINE.diagnose_to(io.BytesIO(), [EN], format="xml")

    def test_a_writer_that_raises_stops_the_batch(self):
        class Full:
            def __init__(self):
                self.calls = 0

            def write(self, data):
                self.calls += 1
                if self.calls == 2:
                    raise OSError("disk full")

        sink = Full()
        with self.assertRaises(triage.CallbackError) as cm:
            ENGINE.diagnose_to(sink, [EN] * 600)  # three chunks of lines: the second is refused
        self.assertIsInstance(cm.exception.__cause__, OSError)
        self.assertEqual(sink.calls, 2)


class TypedResultTest(unittest.TestCase):
    def test_classify_text(self):
        with ENGINE.classify_text("I was charged twice for the same order, please refund me") as r:
            self.assertEqual(list(r.labels),
                             ["problem_type", "request_kind", "scenario", "demand", "emotion",
                              "urgency_estimate", "department", "repeat_estimate"])
            value, confidence = r.labels["scenario"]
            self.assertEqual(value, "payment_refund")
            self.assertTrue(0.3 < confidence <= 1.0)
            self.assertEqual(r.label("scenario"), "payment_refund")
            self.assertEqual(r.primary, "finance")
            self.assertIsNotNone(r.urgency)
            self.assertIsNotNone(r.group)
            self.assertIn("-OTH-", r.request_id)
            full = r.to_dict()
            self.assertEqual(full["route"]["primary"], "finance")
            self.assertEqual(full["urgency"], r.urgency)
        with self.assertRaises(ValueError):
            r.to_dict()
        self.assertEqual(r.primary, "finance")  # copied fields stay readable after close

    def test_undecided_label_is_none(self):
        r = ENGINE.classify_text("hello")
        self.assertTrue(any(v is None for v, _ in r.labels.values()))
        self.assertIn("labels=", repr(r))

    def test_classify_json_agrees_with_diagnose(self):
        d = ENGINE.diagnose(ZH_HANT)
        r = ENGINE.classify(ZH_HANT)
        self.assertEqual({k: (v["value"], v["confidence"]) for k, v in d["labels"].items()},
                         r.labels)
        self.assertEqual((r.urgency, r.primary, r.group, r.request_id),
                         (d["urgency"], d["route"]["primary"], d["route"]["group"],
                          d["request_id"]))
        with self.assertRaises(triage.TicketError):
            ENGINE.classify({"text": "x", "customer": {"tier": "gold"}})


class SelectTest(unittest.TestCase):
    def test_only_the_selected_keys_in_their_order(self):
        tickets = [ZH_HANS, "not json", EN]
        full = ENGINE.diagnose_many(tickets)
        picked = ENGINE.diagnose_many(tickets, select=["urgency", "labels", "route"])
        self.assertEqual(list(picked[0]), ["urgency", "labels", "route"])
        for whole, part in ((full[0], picked[0]), (full[2], picked[2])):
            self.assertEqual(part, {k: whole[k] for k in ("urgency", "labels", "route")})
        self.assertEqual(picked[1]["error"]["code"], "json_syntax")  # errors as before
        raw = ENGINE.diagnose_many(tickets, raw=True, select=["urgency"])
        self.assertEqual(json.loads(raw[0]), {"urgency": full[0]["urgency"]})

    def test_an_unknown_key_is_named(self):
        with self.assertRaises(triage.InvalidArgument) as cm:
            ENGINE.diagnose_many([ZH_HANS], select=["labels", "urgncy"])
        self.assertIn('"urgncy" is not a key of the diagnosis', cm.exception.message)
        with self.assertRaises(triage.InvalidArgument):
            ENGINE.diagnose_many([], select=["nope"])
        with self.assertRaises(TypeError):
            ENGINE.diagnose_many([ZH_HANS], select="labels")


class ClassifyOnlyTest(unittest.TestCase):
    """classify_only / classify_text_only: labels, urgency and route into a reused result."""

    @staticmethod
    def from_diagnosis(d):
        return triage.Classification(
            {k: (v["value"], v["confidence"]) for k, v in d["labels"].items()}, d["urgency"],
            d["route"]["primary"], tuple(d["route"]["assisting"]), d["route"]["group"])

    def test_the_same_values_as_the_full_diagnosis(self):
        for ticket in (ZH_HANS, ZH_HANT, EN):
            with self.subTest(ticket=ticket["id"]):
                self.assertEqual(ENGINE.classify_only(ticket),
                                 self.from_diagnosis(ENGINE.diagnose(ticket)))
        for text in ("APP一直闪退，订单付款失败", "第三次联系你们了，退款还没到，太生气了",
                     "I was charged twice for the same order, please refund me", "hello"):
            with self.subTest(text=text):
                c = ENGINE.classify_text_only(text)
                self.assertEqual(c, self.from_diagnosis(ENGINE.diagnose({"text": text})))

    def test_results_are_copies_that_later_calls_leave_alone(self):
        first = ENGINE.classify_text_only("APP一直闪退")
        second = ENGINE.classify_text_only("I was charged twice, please refund me")
        self.assertEqual(first.label("problem_type"), "system_failure")
        self.assertEqual(second.primary, "finance")
        self.assertNotEqual(first, second)
        self.assertIsInstance(first.assisting, tuple)
        self.assertIn("urgency=", repr(first))

    def test_errors_name_the_place_and_do_not_spoil_the_next_call(self):
        with self.assertRaises(triage.TicketError) as cm:
            ENGINE.classify_only({"text": "x", "customer": {"tier": "gold"}})
        self.assertIn("/customer/tier", cm.exception.message)
        with self.assertRaises(triage.InvalidArgument):
            ENGINE.classify_text_only(b"\xc3")
        self.assertEqual(ENGINE.classify_text_only("APP一直闪退").label("problem_type"),
                         "system_failure")

    def test_another_engine_and_many_threads(self):
        with triage.Engine.from_file(MINI_PACK) as mini:  # no urgency or routing sections
            c = mini.classify_text_only("payment order")
            d = mini.diagnose({"text": "payment order"})
            self.assertEqual(c.labels, {k: (v["value"], v["confidence"])
                                        for k, v in d["labels"].items()})
            self.assertEqual((c.urgency, c.primary, c.assisting, c.group), (None, None, (), None))
        texts = ["APP一直闪退", "I was charged twice, please refund me", "快递三天没更新"]
        expected = [ENGINE.classify_text_only(t) for t in texts]
        failures = []

        def work(seed):
            for i in range(200):
                k = (i + seed) % 3
                if ENGINE.classify_text_only(texts[k]) != expected[k]:
                    failures.append((seed, i))

        run_in_threads(work, 4)
        self.assertEqual(failures, [])

    def test_a_pack_wider_than_the_reused_arrays(self):
        # The thread's arrays start with room for 16 labels: a pack of 20 dimensions makes them
        # grow, and the same call still answers every dimension.
        pack = json.loads(read(MINI_PACK))
        pack["dimensions"] += [{"id": f"extra_{i}", "values": ["yes", "no"], "fallback": "no"}
                               for i in range(17)]
        pack["rules"].append({"id": "extra.crash", "when": {"text_any": ["闪退"]},
                              "then": {"score": {f"extra_{i}": {"yes": 1} for i in range(17)}}})
        with triage.Engine.from_json(json.dumps(pack)) as wide:
            c = wide.classify_text_only("APP一直闪退")
            self.assertEqual(len(c.labels), 20)
            self.assertEqual(c.label("extra_16"), "yes")
            self.assertEqual(c.labels, {k: (v["value"], v["confidence"]) for k, v in
                                        wide.diagnose({"text": "APP一直闪退"})["labels"].items()})
        self.assertEqual(ENGINE.classify_text_only("APP一直闪退").label("problem_type"),
                         "system_failure")

    def test_a_closed_engine_says_so(self):
        engine = triage.Engine.from_file(MINI_PACK)
        engine.classify_text_only("payment order")
        engine.close()
        with self.assertRaises(ValueError):
            engine.classify_text_only("payment order")


class SlaWorkflowTest(unittest.TestCase):
    TICKET = {"text": "APP一直闪退", "created_at": CREATED}

    def test_sla_status(self):
        events = [{"at": "2026-11-20T10:20:00+08:00", "type": "responded"}]
        status = ENGINE.sla_status(self.TICKET, events, now="2026-11-20T12:00:00+08:00")
        by_name = {s["name"]: s for s in status}
        self.assertEqual(by_name["first_response"]["state"], "met")
        self.assertEqual(by_name["first_response"]["completed"], "2026-11-20T10:20:00+08:00")
        self.assertEqual(by_name["resolution"]["state"], "running")
        # JSON text for the events and an aware datetime for now give the same answer.
        now = datetime.datetime(2026, 11, 20, 4, 0, tzinfo=datetime.timezone.utc)
        self.assertEqual(ENGINE.sla_status(json.dumps(self.TICKET), json.dumps(events), now=now),
                         status)

    def test_sla_breached_and_errors(self):
        status = ENGINE.sla_status(self.TICKET, [], now="2026-11-20T12:00:00+08:00")
        self.assertEqual({s["name"]: s["state"] for s in status}["first_response"], "breached")
        with self.assertRaises(triage.TicketError) as cm:
            ENGINE.sla_status(self.TICKET, [{}])
        self.assertIn("/events/0", cm.exception.message)
        with self.assertRaises(triage.TicketError) as cm:
            ENGINE.sla_status(self.TICKET, [], now="yesterday")
        self.assertEqual(cm.exception.code, 23)
        with self.assertRaises(ValueError):
            ENGINE.sla_status(self.TICKET, [], now=datetime.datetime(2026, 11, 20))

    def test_workflow_next(self):
        self.assertEqual(ENGINE.workflow_next("resolved", "close", {"customer_confirmed": True}),
                         "closed")
        self.assertEqual(ENGINE.workflow_next("resolved", "close", '{"customer_confirmed":true}'),
                         "closed")
        with self.assertRaises(triage.TransitionError) as cm:
            ENGINE.workflow_next("resolved", "close")
        self.assertEqual(cm.exception.code, triage.Status.ERR_TRANSITION_REFUSED)
        self.assertIn("customer_confirmed", cm.exception.message)
        with self.assertRaises(triage.TransitionError) as cm:
            ENGINE.workflow_next("new", "close")
        self.assertEqual(cm.exception.code, 51)
        with self.assertRaises(triage.TicketError) as cm:
            ENGINE.workflow_next("resolved", "close", {"customer_confirmed": 1})
        self.assertIn("facts/customer_confirmed", cm.exception.message)


class RepeatAndThreadsTest(unittest.TestCase):
    def test_repeated_calls_are_identical(self):
        first = [ENGINE.diagnose(t) for t in (ZH_HANS, ZH_HANT, EN)]
        for _ in range(20):
            self.assertEqual([ENGINE.diagnose(t) for t in (ZH_HANS, ZH_HANT, EN)], first)
        gc.collect()
        self.assertEqual(ENGINE.classify_text("APP一直闪退").labels,
                         ENGINE.classify_text("APP一直闪退").labels)

    def test_errors_do_not_leak_into_later_calls(self):
        with self.assertRaises(triage.TicketError):
            ENGINE.diagnose({"text": "x", "customer": {"tier": "gold"}})
        self.assertEqual(ENGINE.diagnose(EN)["ticket_id"], "en")
        with self.assertRaises(triage.JsonError) as cm:
            ENGINE.diagnose("{")
        self.assertNotIn("/customer/tier", cm.exception.message)

    def test_four_threads_on_one_engine(self):
        tickets = [ZH_HANS, ZH_HANT, EN]
        expected = [ENGINE.diagnose(t) for t in tickets]
        failures = []
        start = threading.Barrier(4)

        def work(seed):
            start.wait()
            try:
                for i in range(60):
                    k = (i + seed) % 3
                    if ENGINE.diagnose(tickets[k]) != expected[k]:
                        failures.append((seed, i, "diagnose"))
                    try:
                        ENGINE.diagnose({"text": "x", "customer": {"tier": "gold"}})
                        failures.append((seed, i, "no error"))
                    except triage.TicketError as e:
                        if "/customer/tier" not in e.message:  # the message is per thread
                            failures.append((seed, i, e.message))
            except Exception as exc:  # pragma: no cover - reported below
                failures.append((seed, repr(exc)))

        run_in_threads(work, 4)
        self.assertEqual(failures, [])


if __name__ == "__main__":
    unittest.main()
