// Everything at once: many threads diagnose on one engine while another thread swaps packs and
// another changes the roster — through the C++ API and through the C ABI. Every diagnosis is
// the one a single thread gets from the same pack (the agent aside, which depends on the
// roster of the moment), no assignment is lost, and ThreadSanitizer finds no race (the `tsan`
// preset runs these tests, labelled `concurrency`).
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "test_util.hpp"
#include "triage.h"
#include "triage/triage.hpp"

using namespace triage;

namespace {
constexpr int kReaders = 3;
constexpr int kRounds = 2;

// The default pack under another name: a swap is visible in every diagnosis.
std::string renamed_default_pack(const char* name) {
  auto pack = boost::json::parse(default_pack_json()).as_object();
  pack["name"] = name;
  return boost::json::serialize(pack);
}

std::vector<std::string> example_tickets() {
  std::vector<std::string> out;
  for (const auto& l : test::read_lines(TRIAGE_SOURCE_DIR "/examples/tickets.jsonl")) {
    // Tickets without created_at are stamped with "now", which the C ABI takes from the clock.
    if (l.find("\"created_at\"") != std::string::npos) out.push_back(l);
  }
  return out;
}

// A diagnosis with its agent's name blanked out (in the route and in the response text): what
// must not depend on other threads. Agent ids all start with AGENT_.
std::string same_agent(std::string_view diagnosis_json) {
  auto id_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  };
  std::string out;
  for (std::size_t i = 0; i < diagnosis_json.size();) {
    if (diagnosis_json.substr(i, 6) == "AGENT_") {
      out += "AGENT";
      for (i += 6; i < diagnosis_json.size() && id_char(diagnosis_json[i]);) ++i;
    } else {
      out += diagnosis_json[i++];
    }
  }
  return out;
}

std::string agent_id(const std::string& group, int i) {
  return "AGENT_" + group + "_" + std::to_string(i);
}

std::vector<Agent> agents() {
  std::vector<Agent> out;
  for (const char* group : {"tech_support", "customer_service", "product"}) {
    for (int i = 0; i < 3; ++i) {
      out.push_back({agent_id(group, i), group, {}, {}, 0});
    }
  }
  return out;
}

std::uint64_t total_load(const std::vector<Agent>& roster) {
  std::uint64_t n = 0;
  for (const auto& a : roster) n += a.open_tickets;
  return n;
}
}  // namespace

TEST(Concurrency, DiagnosesAgreeWhilePacksSwapAndRostersChange) {
  const auto tickets = example_tickets();
  ASSERT_GT(tickets.size(), 10u);
  const std::map<std::string, Engine> engines = {
      {"default", Engine::builtin()},
      {"renamed", *Engine::from_json(renamed_default_pack("renamed"))}};
  DiagnoseOptions base;
  base.now = test::at("2026-11-23T10:00:00+08:00");
  // What one thread gets from each pack, whoever the agent.
  std::map<std::string, std::vector<std::string>> expected;
  for (const auto& [name, engine] : engines) {
    Roster alone;
    alone.set_agents(agents());
    DiagnoseOptions opts = base;
    opts.roster = &alone;
    for (const auto& t : tickets) {
      expected[name].push_back(
          same_agent(boost::json::serialize(to_json(engine.diagnose(*parse_ticket(t), opts)))));
    }
  }

  EngineHolder holder(engines.at("default"));
  Roster roster;
  roster.set_agents(agents());
  std::atomic<bool> stop{false};
  std::atomic<int> mismatches{0}, unassigned{0}, diagnosed{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      Evaluation ev;
      DiagnoseOptions opts = base;
      opts.roster = &roster;
      for (int round = 0; round < kRounds; ++round) {
        for (std::size_t i = 0; i < tickets.size(); ++i) {
          const Engine engine = holder.current();
          const Diagnosis d = engine.diagnose(*parse_ticket(tickets[i]), ev, opts);
          if (!d.route || !d.route->agent) ++unassigned;
          const std::string json = boost::json::serialize(to_json(d));
          if (same_agent(json) != expected.at(d.pack_name)[i]) ++mismatches;
          ++diagnosed;
        }
      }
    });
  }
  threads.emplace_back([&] {  // the swapper: good packs in turn, and broken ones in between
    for (int i = 0; !stop; ++i) {
      holder.swap(engines.at(i % 2 ? "default" : "renamed"));
      EXPECT_FALSE(holder.swap_json(R"({"schema": 1, "name": "broken"})"));
      std::this_thread::yield();
    }
  });
  threads.emplace_back([&] {  // the host: agents come and go; one per group always stays
    for (int i = 0; !stop; ++i) {
      for (const char* group : {"tech_support", "customer_service", "product"}) {
        roster.set_available(agent_id(group, 1 + i % 2), i % 3 != 0);
      }
      roster.upsert({agent_id("billing", i % 5), "billing", {}, {}, 0});
      std::this_thread::yield();
    }
  });
  for (int r = 0; r < kReaders; ++r) threads[r].join();
  stop = true;
  for (std::size_t t = kReaders; t < threads.size(); ++t) threads[t].join();

  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(unassigned.load(), 0);
  EXPECT_EQ(diagnosed.load(), kReaders * kRounds * static_cast<int>(tickets.size()));
  EXPECT_EQ(total_load(roster.agents()), static_cast<std::uint64_t>(diagnosed.load()))
      << "every assignment is counted exactly once";
}

TEST(Concurrency, TheCAbiAgreesWhileHoldersSwapAndRostersChange) {
  const auto tickets = example_tickets();
  triage_engine* a = nullptr;
  triage_engine* b = nullptr;
  ASSERT_EQ(triage_engine_new_default(&a), TRIAGE_OK);
  const std::string renamed = renamed_default_pack("renamed");
  ASSERT_EQ(triage_engine_new_from_json(renamed.data(), renamed.size(), &b), TRIAGE_OK);
  const std::string agents_json = R"([
      {"id": "AGENT_T0", "group": "tech_support"}, {"id": "AGENT_T1", "group": "tech_support"},
      {"id": "AGENT_C0", "group": "customer_service"},
      {"id": "AGENT_C1", "group": "customer_service"},
      {"id": "AGENT_P0", "group": "product"}, {"id": "AGENT_P1", "group": "product"}])";
  std::map<std::string, std::vector<std::string>> expected;
  for (auto* e : {a, b}) {
    triage_roster* alone = nullptr;
    ASSERT_EQ(triage_roster_new(&alone), TRIAGE_OK);
    ASSERT_EQ(triage_roster_set_json(alone, agents_json.data(), agents_json.size()), TRIAGE_OK);
    for (const auto& t : tickets) {
      char* out = nullptr;
      ASSERT_EQ(triage_diagnose_json_routed(e, alone, t.data(), t.size(), &out, nullptr),
                TRIAGE_OK);
      expected[std::string(triage_engine_pack(e))].push_back(same_agent(out));
      triage_string_free(out);
    }
    triage_roster_free(alone);
  }
  triage_holder* holder = nullptr;
  ASSERT_EQ(triage_holder_new(a, &holder), TRIAGE_OK);
  triage_roster* roster = nullptr;
  ASSERT_EQ(triage_roster_new(&roster), TRIAGE_OK);
  ASSERT_EQ(triage_roster_set_json(roster, agents_json.data(), agents_json.size()), TRIAGE_OK);

  std::atomic<bool> stop{false};
  std::atomic<int> mismatches{0}, failures{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      for (int round = 0; round < kRounds; ++round) {
        for (std::size_t i = 0; i < tickets.size(); ++i) {
          triage_engine* e = nullptr;
          char* out = nullptr;
          if (triage_holder_acquire(holder, &e) != TRIAGE_OK ||
              triage_diagnose_json_routed(e, roster, tickets[i].data(), tickets[i].size(), &out,
                                          nullptr) != TRIAGE_OK) {
            ++failures;
          } else if (same_agent(out) != expected.at(triage_engine_pack(e))[i] ||
                     std::string_view(out).find("\"agent\":\"AGENT_") == std::string_view::npos) {
            ++mismatches;
          }
          triage_string_free(out);
          triage_engine_free(e);
        }
      }
    });
  }
  threads.emplace_back([&] {
    const char* broken = R"({"schema": 1})";
    for (int i = 0; !stop; ++i) {
      EXPECT_EQ(triage_holder_swap(holder, i % 2 ? a : b), TRIAGE_OK);
      EXPECT_EQ(triage_holder_swap_json(holder, broken, std::strlen(broken)),
                TRIAGE_ERR_PACK_INVALID);
      std::this_thread::yield();
    }
  });
  threads.emplace_back([&] {
    for (int i = 0; !stop; ++i) {
      EXPECT_EQ(triage_roster_set_available(roster, i % 2 ? "AGENT_T1" : "AGENT_C1", i % 4 < 2),
                TRIAGE_OK);
      char* json = nullptr;
      EXPECT_EQ(triage_roster_json(roster, &json, nullptr), TRIAGE_OK);
      triage_string_free(json);
      std::this_thread::yield();
    }
  });
  for (int r = 0; r < kReaders; ++r) threads[r].join();
  stop = true;
  for (std::size_t t = kReaders; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(failures.load(), 0) << triage_last_error_message();
  EXPECT_EQ(mismatches.load(), 0);
  triage_roster_free(roster);
  triage_holder_free(holder);
  triage_engine_free(a);
  triage_engine_free(b);
}

// The ordered batch machinery: the output is byte-identical for every thread count, bad lines
// included, and a stop request ends the run cleanly with every line read still answered.
TEST(Concurrency, BatchesAreIdenticalForEveryThreadCount) {
  std::vector<std::string> input;
  const auto tickets = test::read_lines(TRIAGE_SOURCE_DIR "/examples/tickets.jsonl");
  for (int copy = 0; copy < 8; ++copy) {
    for (const auto& t : tickets) input.push_back(t);
    input.push_back("not json");
    input.push_back(R"({"text": "x", "channel": "fax"})");
  }
  auto run = [&](unsigned threads, const std::atomic<bool>* stop = nullptr) {
    std::size_t i = 0;
    std::string out;
    StreamOptions so;
    so.threads = threads;
    so.chunk_lines = 16;
    so.stop = stop;
    so.diagnose.now = test::at("2026-11-23T10:00:00+08:00");
    const auto stats = diagnose_stream(
        Engine::builtin(),
        [&](std::string& line) {
          if (i == input.size()) return false;
          line = input[i++];
          return true;
        },
        [&](std::string_view text) { out += text; }, so);
    return std::make_pair(out, stats);
  };
  const auto [one, stats] = run(1);
  EXPECT_EQ(stats.lines, input.size());
  EXPECT_EQ(stats.errors, 16u);
  for (unsigned threads : {2u, 4u}) EXPECT_EQ(run(threads).first, one) << threads << " threads";
  const std::atomic<bool> stopped{true};
  const auto [none, stopped_stats] = run(2, &stopped);
  EXPECT_TRUE(stopped_stats.interrupted);
  EXPECT_EQ(stopped_stats.lines, 0u);
  EXPECT_EQ(none, "");
}

// A loaded engine compiles each regular expression (rules, repeat contacts, the repeat-contact
// set) when a ticket first needs it, and its learned model merges its rows on its first
// prediction. Threads that meet a freshly loaded engine together, each
// starting at another ticket, still get exactly what one thread gets, and TSan sees no race.
TEST(Concurrency, ThreadsMeetingAFreshlyLoadedEngineAgree) {
  const auto tickets = example_tickets();
  ASSERT_GT(tickets.size(), 10u);
  const auto pack = parse_pack(default_pack_json()).value();
  const auto model = LearnedModel::from_json(default_model_json()).value();
  const std::string bytes = compile_pack(pack, &model).value();
  DiagnoseOptions opts;
  opts.now = test::at("2026-11-23T10:00:00+08:00");
  auto diagnose = [&](const Engine& e, const std::string& line) {
    return boost::json::serialize(to_json(e.diagnose(*parse_ticket(line), opts)));
  };
  std::vector<std::string> expected;
  {
    const Engine one = Engine::load(bytes).value();
    for (const auto& t : tickets) expected.push_back(diagnose(one, t));
  }
  for (int round = 0; round < kRounds; ++round) {
    const Engine fresh = Engine::load(bytes).value();
    constexpr int kThreads = kReaders + 1;
    std::atomic<int> ready{0};
    std::vector<std::vector<std::string>> got(kThreads, std::vector<std::string>(tickets.size()));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready.load() < kThreads) std::this_thread::yield();  // start together
        for (std::size_t i = 0; i < tickets.size(); ++i) {
          const std::size_t k = (i + static_cast<std::size_t>(t) * 5) % tickets.size();
          got[static_cast<std::size_t>(t)][k] = diagnose(fresh, tickets[k]);
        }
      });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(got[static_cast<std::size_t>(t)], expected) << t;
  }
}
