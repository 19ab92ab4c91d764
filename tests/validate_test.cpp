// Each finding of triage validate on a minimal pack.
#include "triage/validate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "triage/triage.hpp"

using namespace triage;

namespace {
std::string pack(const std::string& rules, const std::string& extra = "") {
  return R"({"schema": 1, "name": "t", "version": "1",
  "dimensions": [{"id": "d", "values": ["a", "b"], "fallback": "b"}, {"id": "e", "values": ["x"]}],
  "rules": )" +
         rules + extra + "}";
}
const std::string kProducesX =
    R"({"id": "ex", "when": {"text_any": ["zz"]}, "then": {"score": {"e": {"x": 1}}}})";

std::vector<std::string> codes(const std::vector<Finding>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.code);
  return out;
}
const Finding* find(const std::vector<Finding>& fs, std::string_view code) {
  for (const auto& f : fs) {
    if (f.code == code) return &f;
  }
  return nullptr;
}
}  // namespace

TEST(Validate, ACleanPackHasNoFindings) {
  const auto fs = validate_pack(
      pack(R"([{"id": "r", "when": {"text_any": ["k"]}, "then": {"score": {"d": {"a": 1}}}}, )" +
           kProducesX + "]"));
  EXPECT_TRUE(fs.empty()) << (fs.empty() ? "" : fs[0].message);
}

TEST(Validate, LoadErrorsKeepTheirCodeAndPlace) {
  const auto fs = validate_pack(pack(R"([{"id": "r", "then": {"score": {"d": {"c": 1}}}}])"));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].severity, Finding::Severity::error);
  EXPECT_EQ(fs[0].code, "pack_unknown_reference");
  EXPECT_EQ(fs[0].where, "/rules/0/then/score/d/c");
  EXPECT_GT(fs[0].line, 0u);
  EXPECT_EQ(validate_pack("{")[0].code, "json_syntax");
  EXPECT_EQ(validate_pack(pack(R"([{"id": "r", "when": {"regex": "("}, "then": {}}])"))[0].code,
            "pack_bad_regex");
}

TEST(Validate, RulesThatCanNeverFire) {
  auto fs =
      validate_pack(pack(R"([{"id": "r", "when": {"text_all": ["退款", "x"], "text_none": ["退款"]},
                                    "then": {"score": {"d": {"a": 1}}}}, )" +
                         kProducesX + "]"));
  const Finding* f = find(fs, "never_fires");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Finding::Severity::error);
  EXPECT_EQ(f->rules, std::vector<std::string>{"r"});
  fs = validate_pack(
      pack(R"([{"id": "r", "when": {"text_any": ["不要退款", "别退款"], "text_none": ["退款"]},
                               "then": {"score": {"d": {"a": 1}}}}, )" +
           kProducesX + "]"));
  EXPECT_TRUE(find(fs, "never_fires"));
  // Traditional and simplified spellings are the same keyword.
  fs = validate_pack(pack(R"([{"id": "r", "when": {"text_all": ["退款"], "text_none": ["退款"]},
                               "then": {"score": {"d": {"a": 1}}}}, )" +
                          kProducesX + "]"));
  EXPECT_TRUE(find(fs, "never_fires"));
}

TEST(Validate, ShadowedByAFinalRule) {
  const auto fs = validate_pack(pack(R"([
    {"id": "wide", "priority": 10, "final": true, "when": {"text_any": ["k", "m"]}, "then": {"score": {"d": {"a": 2}}}},
    {"id": "narrow", "when": {"text_any": ["k"]}, "then": {"score": {"d": {"b": 1}}}}, )" +
                                     kProducesX + "]"));
  const Finding* f = find(fs, "shadowed_rule");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->rules, (std::vector<std::string>{"narrow", "wide"}));
  EXPECT_EQ(f->severity, Finding::Severity::warning);
}

TEST(Validate, KeywordsOfCompetingRulesThatContainEachOther) {
  const auto fs = validate_pack(pack(R"([
    {"id": "ra", "when": {"text_any": ["退款失败"]}, "then": {"score": {"d": {"a": 1}}}},
    {"id": "rb", "when": {"text_any": ["退款"]}, "then": {"score": {"d": {"b": 1}}}}, )" +
                                     kProducesX + "]"));
  const Finding* f = find(fs, "overlapping_keywords");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Finding::Severity::info);
  EXPECT_EQ(f->rules, (std::vector<std::string>{"ra", "rb"}));
}

TEST(Validate, ValuesNoRuleProduces) {
  const auto fs = validate_pack(
      pack(R"([{"id": "r", "when": {"text_any": ["k"]}, "then": {"score": {"d": {"a": 1}}}}])"));
  const Finding* f = find(fs, "unproduced_value");
  ASSERT_TRUE(f);
  EXPECT_NE(f->message.find("e=x"), std::string::npos);
  EXPECT_EQ(codes(fs), std::vector<std::string>{"unproduced_value"});  // d=b is the fallback
}

TEST(Validate, ValuesLeftToTheLearnedModelAreNotedNotWarned) {
  const auto fs = validate_pack(
      pack(R"([{"id": "r", "when": {"text_any": ["k"]}, "then": {"score": {"d": {"a": 1}}}}])",
           R"(, "model": {"file": "model.json"})"));
  const Finding* f = find(fs, "unproduced_value");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Finding::Severity::info);
  EXPECT_NE(f->message.find("only the learned model"), std::string::npos);
}

TEST(Validate, RoutingRowsThatRepeatAndValuesWithoutAGroup) {
  const std::string routing = R"(, "departments": ["p", "q"],
    "routing": {"coordinator": "p", "default": {"primary": "p"},
                "rules": [{"id": "one", "priority": 5, "when": {"label": {"d": "a"}}, "primary": "p"},
                          {"id": "two", "when": {"label": {"d": "a"}}, "primary": "q"}],
                "groups": {"dimension": "d", "map": {"a": "g"}, "default": "g0"}})";
  const auto fs = validate_pack(
      pack(R"([{"id": "r", "when": {"text_any": ["k"]}, "then": {"score": {"d": {"a": 1}}}}, )" +
               kProducesX + "]",
           routing));
  const Finding* overlap = find(fs, "routing_overlap");
  ASSERT_TRUE(overlap);
  EXPECT_EQ(overlap->rules, (std::vector<std::string>{"two", "one"}));
  EXPECT_NE(overlap->message.find("always wins"), std::string::npos);
  const Finding* gap = find(fs, "routing_gap");
  ASSERT_TRUE(gap);
  EXPECT_NE(gap->message.find("d=b"), std::string::npos);
}

TEST(Validate, TheDefaultPackHasNoErrorsOrWarnings) {
  for (const auto& f : validate_pack(default_pack_json())) {
    EXPECT_EQ(f.severity, Finding::Severity::info) << f.message;
  }
}

// Safe swap: many threads diagnose while another swaps packs; nobody sees a torn engine and no
// diagnosis fails; a pack that does not compile leaves the running engine in place.
TEST(EngineHolder, SwapsUnderConcurrentLoad) {
  const std::string a =
      pack(R"([{"id": "r", "when": {"text_any": ["k"]}, "then": {"score": {"d": {"a": 1}}}}])");
  const std::string b =
      R"({"schema": 1, "name": "t2", "version": "2", "dimensions": [{"id": "d", "values": ["a", "b"]}],
    "rules": [{"id": "r", "when": {"text_any": ["k"]}, "then": {"score": {"d": {"b": 1}}}}]})";
  EngineHolder holder(*Engine::from_json(a));
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, done{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      Ticket ticket;
      ticket.text = "k";
      Evaluation ev;
      while (!stop) {
        const Engine e = holder.current();
        const auto d = e.diagnose(ticket, ev);
        // A consistent engine: pack "t" says a, pack "t2" says b.
        const bool ok = (d.pack_name == "t" && d.label("d")->value == "a") ||
                        (d.pack_name == "t2" && d.label("d")->value == "b");
        if (!ok) ++bad;
        ++done;
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(holder.swap_json(i % 2 ? a : b));
    auto broken = holder.swap_json("{\"schema\": 1}");
    ASSERT_FALSE(broken);
    EXPECT_EQ(holder.current().pack().name, i % 2 ? "t" : "t2");  // untouched by the failure
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(done.load(), 0);
}
