"""Host classifiers, rosters and routers, and the engine holder."""

import gc
import os
import sys
import threading
import unittest
import weakref

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import triage  # noqa: E402
from _support import BROKEN_PACK, CREATED, EN, TINY_PACK, ZH_HANS  # noqa: E402

AGENTS = [
    {"id": "c1", "group": "customer_service"},
    {"id": "c2", "group": "customer_service", "languages": ["zh-Hans"], "open_tickets": 4},
]
QUESTION = {"text": "请问怎么修改收货地址？", "created_at": CREATED}


class ClassifierTest(unittest.TestCase):
    def test_classifier_scores(self):
        seen = []

        def points(ticket):
            seen.append(ticket)
            return [("scenario", "membership", 9.0)]

        with triage.Engine.with_classifiers(classifiers={"host.points": points}) as engine:
            d = engine.diagnose({"id": "h", "text": "hello"})
            self.assertEqual(d["labels"]["scenario"]["value"], "membership")
            self.assertIn({"classifier": "host.points", "weight": 9, "spans": []},
                          d["labels"]["scenario"]["evidence"])
            self.assertEqual(seen, [{"id": "h", "text": "hello"}])  # the ticket, as a dict
            self.assertTrue(engine.pack.startswith("default "))

    def test_classifier_with_pack_and_generators(self):
        def crashy(ticket):
            if "boom" in ticket["text"]:
                yield "problem_type", "system_failure", 5
            yield "scenario", "order", 0.5

        with open(os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data",
                               "mini_pack.json"), encoding="utf-8") as f:
            pack = f.read()
        engine = triage.Engine.with_classifiers(pack, {"crashy": crashy, "none": lambda t: None})
        self.assertEqual(engine.pack, "mini 0.1.0")
        d = engine.diagnose({"text": "boom"})
        self.assertEqual(d["labels"]["problem_type"]["value"], "system_failure")
        self.assertEqual(engine.classify_text("boom").label("problem_type"), "system_failure")

    def test_raising_classifier_is_a_callback_error(self):
        def fails(ticket):
            if "fail-please" in ticket["text"]:
                raise RuntimeError("classifier exploded")
            return []

        engine = triage.Engine.with_classifiers(classifiers={"host.fails": fails})
        with self.assertRaises(triage.CallbackError) as cm:
            engine.diagnose({"text": "fail-please"})
        e = cm.exception
        self.assertEqual(e.code, 70)
        self.assertEqual(e.name, "callback")
        self.assertIn("host.fails", e.message)
        self.assertIsInstance(e.callback_exception, RuntimeError)
        self.assertIs(e.__cause__, e.callback_exception)
        # The engine keeps working, and a stale exception never sticks to a later error.
        self.assertIn("labels", engine.diagnose({"text": "fine"}))
        with self.assertRaises(triage.CallbackError):
            engine.classify_text("fail-please")
        # In a batch only that line fails: an inline error object, in order.
        results = engine.diagnose_many([{"text": "fine"}, {"text": "fail-please"}, {"text": "ok"}])
        self.assertIn("labels", results[0])
        self.assertEqual(results[1]["line"], 2)
        self.assertEqual(results[1]["error"]["code"], "callback")
        self.assertIn("host.fails", results[1]["error"]["message"])
        self.assertIn("labels", results[2])

    def test_keyboard_interrupt_stays_itself(self):
        def interrupted(ticket):
            raise KeyboardInterrupt

        engine = triage.Engine.with_classifiers(classifiers={"ctrl-c": interrupted})
        with self.assertRaises(KeyboardInterrupt):
            engine.diagnose({"text": "x"})
        self.assertIn("labels", triage.Engine().diagnose({"text": "x"}))

    def test_unknown_value_from_classifier(self):
        engine = triage.Engine.with_classifiers(
            classifiers={"typo": lambda t: [("scenario", "no_such_value", 1)]})
        with self.assertRaises(triage.CallbackError) as cm:
            engine.diagnose({"text": "x"})
        cause = cm.exception.callback_exception
        self.assertIsInstance(cause, triage.NotFoundError)
        self.assertIn("scenario.no_such_value", cause.message)

    def test_bad_return_shape(self):
        engine = triage.Engine.with_classifiers(classifiers={"shape": lambda t: [("scenario",)]})
        with self.assertRaises(triage.CallbackError) as cm:
            engine.diagnose({"text": "x"})
        self.assertIsInstance(cm.exception.__cause__, ValueError)

    def test_builder_errors(self):
        with self.assertRaises(triage.PackError):
            triage.Engine.with_classifiers(BROKEN_PACK, {"x": lambda t: []})
        with self.assertRaises(TypeError):
            triage.Engine.with_classifiers(classifiers={"x": 42})

    def test_callbacks_survive_garbage_collection(self):
        calls = []
        engine = triage.Engine.with_classifiers(
            classifiers={"gc": lambda t: calls.append(1) or [("scenario", "membership", 9)]})
        gc.collect()
        for _ in range(3):
            self.assertEqual(engine.diagnose({"text": "hi"})["labels"]["scenario"]["value"],
                             "membership")
        self.assertEqual(len(calls), 3)

    def test_classifier_from_four_threads(self):
        lock = threading.Lock()
        calls = []

        def count(ticket):
            with lock:
                calls.append(ticket["id"])
            return [("scenario", "membership", 9)]

        engine = triage.Engine.with_classifiers(classifiers={"count": count})
        ticket = {"id": "t", "text": "快递三天没更新", "created_at": CREATED}
        expected = engine.diagnose(ticket)
        failures = []

        def work():
            for _ in range(25):
                if engine.diagnose(ticket) != expected:
                    failures.append(1)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        self.assertEqual(len(calls), 101)


class RosterTest(unittest.TestCase):
    def setUp(self):
        self.engine = triage.Engine()
        self.roster = triage.Roster(AGENTS)

    def tearDown(self):
        self.roster.close()
        self.engine.close()

    def test_routed_diagnosis(self):
        d = self.engine.diagnose(QUESTION, roster=self.roster)
        self.assertEqual(d["route"]["group"], "customer_service")
        self.assertEqual(d["route"]["agent"], "c1")
        self.assertNotIn("agent", self.engine.diagnose(QUESTION)["route"])

    def test_agents_and_updates(self):
        agents = {a["id"]: a for a in self.roster.agents()}
        self.assertEqual(agents["c2"]["languages"], ["zh-Hans"])
        self.assertEqual(agents["c2"]["open_tickets"], 4)
        self.roster.set_open_tickets("c1", 7)
        self.roster.set_available("c2", False)
        agents = {a["id"]: a for a in self.roster.agents()}
        self.assertEqual(agents["c1"]["open_tickets"], 7)
        self.assertFalse(agents["c2"]["available"])
        with self.assertRaises(triage.NotFoundError) as cm:
            self.roster.set_available("nobody", False)
        self.assertIn("nobody", cm.exception.message)
        with self.assertRaises(triage.NotFoundError):
            self.roster.set_open_tickets("nobody", 1)
        with self.assertRaises(ValueError):
            self.roster.set_open_tickets("c1", -1)
        with self.assertRaises(triage.TicketError) as cm:
            self.roster.set_agents([{"id": 1}])
        self.assertEqual(cm.exception.code, 22)
        self.assertIn("/0/id", cm.exception.message)
        self.roster.set_agents('[{"id":"solo","group":"customer_service"}]')
        self.assertEqual([a["id"] for a in self.roster.agents()], ["solo"])
        self.assertIn("1 agents", repr(self.roster))

    def test_python_router(self):
        seen = []

        def pick_last(group, agent_ids, language):
            seen.append((group, agent_ids, language))
            return len(agent_ids) - 1

        self.roster.set_router("round_robin", pick_last)
        d = self.engine.diagnose(QUESTION, roster=self.roster)
        self.assertEqual(d["route"]["agent"], "c2")
        self.assertEqual(seen, [("customer_service", ["c1", "c2"], "zh-Hans")])

    def test_raising_router(self):
        self.roster.set_router("round_robin", lambda group, ids, language: 1 // 0)
        with self.assertRaises(triage.CallbackError) as cm:
            self.engine.diagnose(QUESTION, roster=self.roster)
        self.assertIn("round_robin", cm.exception.message)
        self.assertIsInstance(cm.exception.__cause__, ZeroDivisionError)
        self.roster.set_router("round_robin", lambda group, ids, language: 7)
        with self.assertRaises(triage.CallbackError) as cm:
            self.engine.diagnose(QUESTION, roster=self.roster)
        self.assertIsInstance(cm.exception.__cause__, IndexError)
        self.roster.set_router("round_robin", lambda group, ids, language: "c1")
        with self.assertRaises(triage.CallbackError) as cm:
            self.engine.diagnose(QUESTION, roster=self.roster)
        self.assertIsInstance(cm.exception.__cause__, TypeError)
        # Back to a good router: the roster still works.
        self.roster.set_router("round_robin", lambda group, ids, language: 0)
        self.assertEqual(self.engine.diagnose(QUESTION, roster=self.roster)["route"]["agent"], "c1")

    def test_router_survives_garbage_collection(self):
        self.roster.set_router("round_robin", lambda group, ids, language: len(ids) - 1)
        gc.collect()
        self.assertEqual(self.engine.diagnose(QUESTION, roster=self.roster)["route"]["agent"], "c2")


class ReentrancyTest(unittest.TestCase):
    """Callbacks that call the library back on the same thread (capi/triage.h, CALLBACKS)."""

    def test_router_reads_and_changes_its_roster(self):
        roster = triage.Roster(AGENTS)
        seen = []

        def pick_least_loaded(group, agent_ids, language):
            loads = {a["id"]: a["open_tickets"] for a in roster.agents()}  # would deadlock in 0.2
            seen.append(loads)
            roster.set_open_tickets("c2", 0)
            return agent_ids.index(min(agent_ids, key=lambda i: (loads[i], i)))

        roster.set_router("round_robin", pick_least_loaded)
        with triage.Engine() as engine:
            self.assertEqual(engine.diagnose(QUESTION, roster=roster)["route"]["agent"], "c1")
            self.assertEqual(seen, [{"c1": 0, "c2": 4}])
            # c2's load was set to 0 inside the router; c1 got the ticket.
            loads = {a["id"]: a["open_tickets"] for a in roster.agents()}
            self.assertEqual(loads, {"c1": 1, "c2": 0})
        roster.close()

    def test_classifier_diagnoses_through_its_own_engine(self):
        inner_ticket = dict(ZH_HANS, id="inner")
        outer_ticket = {"id": "outer", "text": "快递三天没更新", "created_at": CREATED}
        engines, inner, nesting = [], [], [False]

        def nest(ticket):
            if nesting[0] and ticket.get("id") == "outer":
                inner.append(engines[0].diagnose(inner_ticket))
            return [("scenario", "membership", 9)]

        with triage.Engine.with_classifiers(classifiers={"nest": nest}) as engine:
            engines.append(engine)
            alone_inner = engine.diagnose(inner_ticket)
            alone_outer = engine.diagnose(outer_ticket)
            nesting[0] = True
            outer = engine.diagnose(outer_ticket)
            # Each is what it is when diagnosed alone: the nested call used scratch of its own.
            self.assertEqual(inner, [alone_inner])
            self.assertEqual(outer, alone_outer)
            self.assertEqual(outer["labels"]["scenario"]["value"], "membership")
            self.assertEqual(inner[0]["labels"]["problem_type"]["value"], "system_failure")

    def test_endless_nesting_is_a_callback_error(self):
        engines = []
        depth = [0]
        recursing = [True]

        def recurse(ticket):
            if recursing[0]:
                depth[0] += 1
                engines[0].diagnose(ticket)
            return []

        with triage.Engine.with_classifiers(classifiers={"recurse": recurse}) as engine:
            engines.append(engine)
            with self.assertRaises(triage.CallbackError) as cm:
                engine.diagnose({"text": "x"})
            self.assertEqual(depth[0], 16)
            inner = cm.exception
            while isinstance(inner.callback_exception, triage.CallbackError):
                inner = inner.callback_exception
            self.assertIn("nested more than 16", inner.message)
            self.assertEqual(inner.where, "callback")
            # Every level was released: the same thread diagnoses again.
            recursing[0] = False
            self.assertEqual(engine.diagnose({"text": "x", "id": "after"})["ticket_id"], "after")


class KeepAliveTest(unittest.TestCase):
    """What C may still call is kept; what it no longer can is released."""

    def test_replaced_routers_are_released(self):
        roster = triage.Roster(AGENTS)
        refs = []
        for n in range(20):
            def router(group, ids, language, n=n):
                return n % len(ids)
            refs.append(weakref.ref(router))
            roster.set_router("round_robin", router)
            del router
        gc.collect()
        self.assertEqual([r() is None for r in refs], [True] * 19 + [False])
        with triage.Engine() as engine:
            self.assertEqual(engine.diagnose(QUESTION, roster=roster)["route"]["agent"], "c2")
        roster.close()

    def test_a_router_replaced_while_it_runs_lives_until_the_call_ends(self):
        roster = triage.Roster(AGENTS)
        released = []

        def first(group, ids, language):
            roster.set_router("round_robin", lambda g, i, l: 0)  # replaces the running router
            gc.collect()
            released.append(ref() is None)
            return 1

        ref = weakref.ref(first)
        roster.set_router("round_robin", first)
        del first
        with triage.Engine() as engine:
            self.assertEqual(engine.diagnose(QUESTION, roster=roster)["route"]["agent"], "c2")
            self.assertEqual(released, [False])  # still running: kept
            gc.collect()
            self.assertIsNone(ref())  # the call ended: released
            self.assertEqual(engine.diagnose(QUESTION, roster=roster)["route"]["agent"], "c1")
        roster.close()

    def test_swapped_out_classifiers_are_released(self):
        holder = triage.EngineHolder()
        refs = []
        # A one-dimension pack: what is kept depends on the swaps, not on the pack's size.
        pack = {"schema": 1, "name": "keep", "version": "1",
                "dimensions": [{"id": "scenario", "values": ["membership", "other"]}]}
        for n in range(20):
            def classify(ticket, n=n):
                return [("scenario", "membership", 9)]
            refs.append(weakref.ref(classify))
            with triage.Engine.with_classifiers(pack, {f"c{n}": classify}) as engine:
                holder.swap(engine)
            del classify, engine
        gc.collect()
        self.assertEqual([r() is None for r in refs], [True] * 19 + [False])
        self.assertEqual(holder.diagnose({"text": "x"})["labels"]["scenario"]["value"],
                         "membership")
        holder.swap_json(TINY_PACK)  # a pack alone: the last classifiers are released too
        gc.collect()
        self.assertIsNone(refs[-1]())
        holder.close()

    def test_a_handle_keeps_the_classifiers_of_its_engine(self):
        calls = []
        holder = triage.EngineHolder(triage.Engine.with_classifiers(
            classifiers={"old": lambda t: calls.append("old") or []}))
        before = holder.current()
        holder.swap_json(TINY_PACK)
        gc.collect()
        before.diagnose({"text": "x"})  # the swapped-out engine still calls its classifier
        self.assertEqual(calls, ["old"])
        before.close()
        holder.close()


class HolderTest(unittest.TestCase):
    def test_failed_swap_keeps_the_old_engine(self):
        with triage.EngineHolder(triage.Engine()) as holder:
            with self.assertRaises(triage.PackError) as cm:
                holder.swap_json(BROKEN_PACK)
            self.assertEqual(cm.exception.code, 41)
            self.assertIn("/dimensions", cm.exception.message)
            with self.assertRaises(triage.JsonError):
                holder.swap_json("{")
            with holder.current() as engine:
                self.assertTrue(engine.pack.startswith("default "))
                self.assertEqual(engine.diagnose(EN)["route"]["primary"], "finance")
            holder.swap_json(TINY_PACK)
            with holder.current() as engine:
                self.assertEqual(engine.pack, "tiny 2")
            self.assertEqual(holder.diagnose({"text": "a"})["pack"]["name"], "tiny")
            self.assertIn("tiny 2", repr(holder))

    def test_engine_outlives_swap(self):
        holder = triage.EngineHolder()
        before = holder.current()
        holder.swap_json(TINY_PACK)
        self.assertTrue(before.pack.startswith("default "))  # a handle keeps its engine
        self.assertEqual(before.diagnose(ZH_HANS)["language"], "zh-Hans")
        holder.close()
        self.assertEqual(before.diagnose(ZH_HANS)["ticket_id"], "zh")

    def test_holder_keeps_classifiers_alive(self):
        calls = []
        engine = triage.Engine.with_classifiers(
            classifiers={"kept": lambda t: calls.append(1) or []})
        holder = triage.EngineHolder(engine)
        engine.close()
        del engine
        gc.collect()
        with holder.current() as current:
            current.diagnose({"text": "x"})
        self.assertEqual(calls, [1])

    def test_type_check(self):
        with self.assertRaises(TypeError):
            triage.EngineHolder("default")


if __name__ == "__main__":
    unittest.main()
