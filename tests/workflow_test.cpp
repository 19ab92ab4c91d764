#include "triage/workflow.hpp"

#include <gtest/gtest.h>

#include "triage/engine.hpp"

using namespace triage;

TEST(Workflow, TheStandardLifecycleWalksToClosed) {
  WorkflowRun run(Workflow::standard());
  EXPECT_EQ(run.state(), "new");
  for (const char* e : {"acknowledge", "triage", "assign", "start", "wait_customer",
                        "customer_replied", "escalate", "de_escalate", "resolve"}) {
    ASSERT_TRUE(run.apply(e)) << e;
  }
  EXPECT_EQ(run.state(), "resolved");
  EXPECT_FALSE(run.finished());
  ASSERT_TRUE(run.apply("close", {{"customer_confirmed", true}}));
  EXPECT_EQ(run.state(), "closed");
  EXPECT_TRUE(run.finished());
  EXPECT_EQ(run.history().size(), 10u);
}

TEST(Workflow, ClosingNeedsConfirmationOrAnExpiredWindow) {
  WorkflowRun run(Workflow::standard());
  for (const char* e : {"acknowledge", "triage", "assign", "start", "resolve"})
    ASSERT_TRUE(run.apply(e));
  auto refused = run.apply("close");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::transition_refused);
  EXPECT_NE(refused.error().message.find("customer_confirmed || confirmation_window_expired"),
            std::string::npos);
  EXPECT_EQ(run.state(), "resolved");  // a refusal changes nothing
  EXPECT_EQ(run.history().size(), 5u);
  EXPECT_TRUE(run.apply("close", {{"confirmation_window_expired", true}}));
}

TEST(Workflow, NotFixedAndReopenGoBackToWork) {
  WorkflowRun run(Workflow::standard());
  for (const char* e : {"acknowledge", "triage", "assign", "start", "resolve", "not_fixed"}) {
    ASSERT_TRUE(run.apply(e));
  }
  EXPECT_EQ(run.state(), "in_progress");
  for (const char* e : {"resolve"}) ASSERT_TRUE(run.apply(e));
  ASSERT_TRUE(run.apply("close", {{"customer_confirmed", true}}));
  ASSERT_TRUE(run.apply("reopen"));
  EXPECT_EQ(*run.apply("start"), "in_progress");
}

TEST(Workflow, ComplaintsNeedTheirFollowUpBeforeTheEnd) {
  WorkflowRun run(Workflow::standard());
  ASSERT_TRUE(run.apply("acknowledge", {{"follow_up_required", true}}));
  for (const char* e : {"triage", "assign", "start", "resolve"}) ASSERT_TRUE(run.apply(e));
  ASSERT_TRUE(run.apply("close", {{"customer_confirmed", true}}));
  EXPECT_EQ(run.state(), "closed");
  EXPECT_FALSE(run.finished());
  ASSERT_TRUE(run.apply("follow_up"));
  EXPECT_FALSE(run.apply("complete_follow_up"));
  ASSERT_TRUE(run.apply("complete_follow_up", {{"follow_up_done", true}}));
  EXPECT_TRUE(run.finished());
}

TEST(Workflow, UnknownEventsNameWhatIsAllowed) {
  WorkflowRun run(Workflow::standard());
  auto r = run.apply("resolve");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::transition_unknown);
  EXPECT_NE(r.error().message.find("allowed: acknowledge"), std::string::npos) << r.error().message;
}

TEST(Workflow, AHistoryReplaysToTheSameState) {
  WorkflowRun run(Workflow::standard());
  for (const char* e : {"acknowledge", "triage", "assign", "start", "resolve"})
    ASSERT_TRUE(run.apply(e));
  ASSERT_TRUE(run.apply("close", {{"customer_confirmed", true}}));
  std::vector<WorkflowEvent> stored(run.history().begin(), run.history().end());
  auto again = WorkflowRun::replay(Workflow::standard(), stored);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->state(), run.state());
  EXPECT_EQ(again->facts(), run.facts());
  stored[5].facts.clear();  // tampered: the close no longer has its confirmation
  auto broken = WorkflowRun::replay(Workflow::standard(), stored);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("history event 5"), std::string::npos);
}

namespace {
Error rejects(WorkflowSpec s) {
  auto w = Workflow::compile(s);
  EXPECT_FALSE(w);
  return w ? Error{} : w.error();
}
}  // namespace

TEST(Workflow, EachKindOfBrokenGraphHasItsOwnMessage) {
  auto base = WorkflowSpec::standard();
  auto s = base;
  s.states.push_back({"limbo", ""});
  s.transitions.push_back({"limbo", "closed", "finish"});
  EXPECT_NE(rejects(s).message.find("\"limbo\" is unreachable"), std::string::npos);

  s = base;
  s.states.push_back({"trap", ""});
  s.transitions.push_back({"in_progress", "trap", "fall"});
  EXPECT_NE(rejects(s).message.find("no terminal state can be reached from \"trap\""),
            std::string::npos);

  s = base;
  s.transitions.push_back({"in_progress", "nowhere", "vanish"});
  EXPECT_NE(rejects(s).message.find("undefined state \"nowhere\""), std::string::npos);

  s = base;
  s.transitions.push_back(
      {"in_progress", "closed", "shortcut", Guard{Guard::Kind::fact, "moon_is_full", {}}});
  EXPECT_NE(rejects(s).message.find("unknown fact \"moon_is_full\""), std::string::npos);
  s.facts.push_back("moon_is_full");  // declared facts are fine
  EXPECT_TRUE(Workflow::compile(s));

  s = base;
  for (auto& st : s.states) st.terminal = false;
  EXPECT_NE(rejects(s).message.find("no terminal state"), std::string::npos);

  s = base;
  s.start = "begin";
  EXPECT_NE(rejects(s).message.find("start state \"begin\""), std::string::npos);

  s = base;
  s.states.push_back({"new", ""});
  EXPECT_NE(rejects(s).message.find("duplicate state"), std::string::npos);
  EXPECT_EQ(rejects(s).code, Errc::workflow_invalid);
}

TEST(Workflow, PacksMayDefineTheirOwnGraph) {
  auto e = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a"]}],
    "workflow":{"start":"open","states":[{"id":"open"},{"id":"done","terminal":true}],
                "transitions":[{"from":"open","to":"done","event":"finish","guard":{"any":["customer_confirmed"]}}]}})");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->workflow().spec().start, "open");
  auto bad = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a"]}],
    "workflow":{"start":"open","states":[{"id":"open"},{"id":"done","terminal":true}],
                "transitions":[{"from":"open","to":"gone","event":"finish"}]}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::workflow_invalid);
  EXPECT_EQ(bad.error().where, "/workflow/transitions/0");
}

TEST(Workflow, ExportsDotAndJson) {
  const std::string dot = Workflow::standard().to_dot();
  EXPECT_EQ(dot.rfind("digraph workflow {", 0), 0u);
  EXPECT_NE(dot.find("\"resolved\" -> \"closed\""), std::string::npos);
  EXPECT_NE(dot.find("customer_confirmed || confirmation_window_expired"), std::string::npos);
  const auto j = Workflow::standard().to_json();
  EXPECT_EQ(j.at("states").as_array().size(), 11u);
  EXPECT_EQ(j.at("transitions").as_array().size(), 15u);
}

TEST(Workflow, FactsAreReadFromAJsonObjectOfBooleans) {
  auto facts = facts_from_json(R"({"customer_confirmed": true, "window_expired": false})");
  ASSERT_TRUE(facts) << facts.error().message;
  EXPECT_EQ(*facts, (Facts{{"customer_confirmed", true}, {"window_expired", false}}));
  auto not_object = facts_from_json("[true]");
  ASSERT_FALSE(not_object);
  EXPECT_EQ(not_object.error().code, Errc::field_type);
  EXPECT_EQ(not_object.error().where, "facts");
  auto not_bool = facts_from_json(R"({"customer_confirmed": "yes"})");
  ASSERT_FALSE(not_bool);
  EXPECT_EQ(not_bool.error().where, "facts/customer_confirmed");
}
