#include "triage/router.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "triage/engine.hpp"

using namespace triage;

namespace {
std::vector<Agent> agents() {
  return {
      {"a1", "tech_support", {"crash", "system_failure"}, {"zh-Hans"}, 3},
      {"a2", "tech_support", {"payment_refund"}, {"zh-Hans", "en"}, 1},
      {"a3", "tech_support", {}, {"en"}, 2},
      {"c1", "customer_service", {}, {}, 0},
  };
}
RoutingRequest req(std::vector<std::string> needs = {}, std::string lang = "zh-Hans") {
  return {"tech_support", std::move(needs), std::move(lang)};
}
}  // namespace

TEST(Router, RoundRobinCyclesThroughTheGroup) {
  Roster r;
  r.set_agents(agents());
  RoundRobinRouter rr;
  std::vector<std::string> got;
  for (int i = 0; i < 6; ++i) got.push_back(*rr.assign(r, req({}, "fr")));
  EXPECT_EQ(got, (std::vector<std::string>{"a1", "a2", "a3", "a1", "a2", "a3"}));
}

TEST(Router, RoundRobinPrefersAgentsWhoSpeakTheLanguage) {
  Roster r;
  r.set_agents(agents());
  RoundRobinRouter rr;
  EXPECT_EQ(*rr.assign(r, req({}, "en")), "a2");
  EXPECT_EQ(*rr.assign(r, req({}, "en")), "a3");
}

TEST(Router, LeastLoadedPicksTheMinimumAndCountsTheAssignment) {
  Roster r;
  r.set_agents(agents());
  LeastLoadedRouter ll;
  EXPECT_EQ(*ll.assign(r, req({}, "fr")), "a2");  // 1 open
  EXPECT_EQ(*ll.assign(r, req({}, "fr")), "a2");  // now 2, ties with a3: roster order
  EXPECT_EQ(*ll.assign(r, req({}, "fr")), "a3");  // a2 3, a3 2
  auto agents = r.agents();
  EXPECT_EQ(agents[1].open_tickets, 3u);
}

TEST(Router, SkillsMatchTheTicketAndFallBackWhenNobodyHasThem) {
  Roster r;
  r.set_agents(agents());
  SkillsRouter sk;
  EXPECT_EQ(*sk.assign(r, req({"crash", "system_failure"})), "a1");
  EXPECT_EQ(*sk.assign(r, req({"payment_refund"})), "a2");
  EXPECT_EQ(*sk.assign(r, req({"membership"})), "a2");  // nobody: least loaded (a2 has 2, a1 4)
}

TEST(Router, UnavailableAgentsAndEmptyGroupsAreSkipped) {
  Roster r;
  r.set_agents(agents());
  r.set_available("a1", false);
  r.set_available("a2", false);
  r.set_available("a3", false);
  EXPECT_FALSE(RoundRobinRouter().assign(r, req()));
  EXPECT_FALSE(RoundRobinRouter().assign(r, {"nobody_group", {}, "en"}));
  EXPECT_FALSE(r.set_available("zz", true));
}

TEST(Router, ConcurrentAssignmentsAreCountedExactly) {
  Roster r;
  r.set_agents(agents());
  LeastLoadedRouter ll;
  std::vector<std::thread> threads;
  std::mutex m;
  std::map<std::string, int> count;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        auto a = ll.assign(r, req({}, "fr"));
        std::lock_guard lock(m);
        ++count[*a];
      }
    });
  }
  // Meanwhile the host changes the roster.
  threads.emplace_back([&] {
    for (int i = 0; i < 100; ++i) r.upsert({"a4", "customer_service", {}, {}, 0});
  });
  for (auto& t : threads) t.join();
  std::uint32_t total = 0;
  for (const auto& a : r.agents()) {
    if (a.group == "tech_support") total += a.open_tickets;
  }
  EXPECT_EQ(total, 3u + 1u + 2u + 1200u);
  // Least-loaded keeps the group balanced: final loads differ by at most one.
  std::vector<std::uint32_t> loads;
  for (const auto& a : r.agents()) {
    if (a.group == "tech_support") loads.push_back(a.open_tickets);
  }
  EXPECT_LE(
      *std::max_element(loads.begin(), loads.end()) - *std::min_element(loads.begin(), loads.end()),
      1u);
}

class Always : public Router {
 public:
  std::string_view name() const noexcept override { return "round_robin"; }

 protected:
  std::optional<std::size_t> choose(const std::vector<const Agent*>& eligible,
                                    Context&) const override {
    return eligible.size() - 1;
  }
};

TEST(Router, TheDiagnosisAssignsAnAgentWithTheHostsRouters) {
  Roster r;
  r.set_agents(agents());
  Ticket t;
  t.text = "请问怎么修改收货地址？";
  DiagnoseOptions opts;
  opts.roster = &r;
  auto d = Engine::builtin().diagnose(t, opts);
  ASSERT_TRUE(d.route);
  EXPECT_EQ(d.route->group, "customer_service");
  EXPECT_EQ(d.route->agent, "c1");
  // A host router registered under a built-in name replaces it.
  RouterRegistry mine;
  mine.add(std::make_shared<Always>());
  r.upsert({"c2", "customer_service", {}, {}, 0});
  opts.routers = &mine;
  d = Engine::builtin().diagnose(t, opts);
  EXPECT_EQ(d.route->agent, "c2");
}

TEST(Roster, AgentsReadFromJsonAreWrittenBackAlike) {
  auto read = agents_from_json(R"([{"id": "a1", "group": "tech_support", "skills": ["crash"],
      "languages": ["en"], "open_tickets": 2, "available": false},
      {"id": "c1", "group": "customer_service"}])");
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->size(), 2u);
  const Agent& a1 = (*read)[0];
  EXPECT_EQ(a1.id, "a1");
  EXPECT_EQ(a1.group, "tech_support");
  EXPECT_EQ(a1.skills, std::vector<std::string>{"crash"});
  EXPECT_EQ(a1.languages, std::vector<std::string>{"en"});
  EXPECT_EQ(a1.open_tickets, 2u);
  EXPECT_FALSE(a1.available);
  EXPECT_TRUE((*read)[1].available);  // unstated: available, no load
  EXPECT_EQ((*read)[1].open_tickets, 0u);
  auto again = agents_from_json(agents_to_json(*read));
  ASSERT_TRUE(again);
  EXPECT_EQ(agents_to_json(*again), agents_to_json(*read));
}

TEST(Roster, AMistakeInTheAgentsNamesItsPlace) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"id": "a1"})", "agents"},
      {R"([{"id": "a1", "group": "g"}, {"group": "g"}])", "/1/id"},
      {R"([{"id": "a1"}])", "/0/group"},
      {R"([{"id": "a1", "group": "g", "skills": "crash"}])", "/0/skills"},
      {R"([{"id": "a1", "group": "g", "open_tickets": -1}])", "/0/open_tickets"},
      {R"([{"id": "a1", "group": "g", "available": "yes"}])", "/0/available"},
  };
  for (const auto& [json, where] : cases) {
    auto r = agents_from_json(json);
    ASSERT_FALSE(r) << json;
    EXPECT_EQ(r.error().where, where) << json;
  }
}
