// Clarifying questions, known issues, response templates and the conclusion.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "test_util.hpp"
#include "triage/triage.hpp"

using namespace triage;

namespace {
const Engine& engine() {
  static const Engine e = [] {
    auto pack = boost::json::parse(test::read_file(TRIAGE_TEST_DATA "/mini_pack.json")).as_object();
    auto frag =
        boost::json::parse(test::read_file(TRIAGE_TEST_DATA "/response_fragment.json")).as_object();
    for (auto& kv : frag) pack[kv.key()] = kv.value();
    auto e = Engine::from_json(boost::json::serialize(pack));
    EXPECT_TRUE(e) << e.error().message;
    return *e;
  }();
  return e;
}
Diagnosis diagnose(const std::string& json) {
  return engine().diagnose(*parse_ticket(json));
}
std::vector<std::string> fields(const Diagnosis& d) {
  std::vector<std::string> out;
  for (const auto& q : *d.questions)
    out.push_back(q.field.empty() ? "clarify:" + q.dimension : q.field);
  return out;
}
}  // namespace

TEST(Questions, AskForEachMissingField) {
  const auto d = diagnose(R"({"text": "APP一直闪退"})");
  EXPECT_EQ(fields(d), (std::vector<std::string>{"error_message", "version", "os"}));
  EXPECT_EQ(d.questions->front().text, "请告诉我们完整的报错信息。");
  EXPECT_EQ(d.conclusion->missing, (std::vector<std::string>{"error_message", "version", "os"}));
}

TEST(Questions, NeverAskForWhatTheTicketAlreadyHas) {
  // Supplied as fields…
  EXPECT_TRUE(
      fields(
          diagnose(
              R"({"text": "APP一直闪退", "error_message": "E1", "version": "2.1", "os": "iOS 17"})"))
          .empty());
  // …or found in the text as entities.
  EXPECT_TRUE(
      fields(diagnose(R"({"text": "APP v2.3.1 在 iOS 17 上一直闪退，报错 E1024"})")).empty());
  const auto refund = diagnose(R"({"text": "退款还没到，订单号 2026112012345678，金额 199元"})");
  EXPECT_TRUE(fields(refund).empty());
  const auto partial = diagnose(R"({"text": "退款还没到，金额 199元"})");
  EXPECT_EQ(fields(partial), std::vector<std::string>{"order_id"});
}

TEST(Questions, AreInTheTicketsLanguage) {
  EXPECT_EQ(diagnose(R"({"text": "APP一直閃退"})").questions->front().text,
            "請告訴我們完整的錯誤訊息。");
  EXPECT_EQ(diagnose(R"({"text": "the app crashes"})").questions->front().text,
            "What exactly does the error say?");
}

TEST(Questions, AnUnsureDimensionAsksAQuestionThatSeparatesTheCandidates) {
  // crash (3) against refund.any (5): 5/9 decides; with a third, tied rule it does not.
  auto e = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"problem_type","values":["system_failure","service_process"],"margin":0.3}],
    "rules":[{"id":"a","when":{"text_any":["闪退"]},"then":{"score":{"problem_type":{"system_failure":3}}}},
             {"id":"b","when":{"text_any":["退款"]},"then":{"score":{"problem_type":{"service_process":2.5}}}}],
    "i18n":{"values":{"problem_type.system_failure":{"zh-Hans":"系统故障","zh-Hant":"系統故障","en":"system failure"}}},
    "clarify":{"problem_type":{"zh-Hans":"更接近“{first}”还是“{second}”？","zh-Hant":"「{first}」或「{second}」？","en":"{first} or {second}?"}}})");
  ASSERT_TRUE(e) << e.error().message;
  Ticket t;
  t.text = "闪退以后退款";
  const auto d = e->diagnose(t);
  const Label* l = d.label("problem_type");
  EXPECT_FALSE(l->value);  // 3 against 2.5 is within the 30% margin
  ASSERT_EQ(l->candidates.size(), 2u);
  ASSERT_EQ(d.questions->size(), 1u);
  EXPECT_EQ(d.questions->front().dimension, "problem_type");
  EXPECT_EQ(d.questions->front().text,
            "更接近“系统故障”还是“service_process”？");  // no title: the id
  EXPECT_EQ(d.conclusion->unsure, std::vector<std::string>{"problem_type"});
  EXPECT_EQ(d.conclusion->status, "needs_information");
}

TEST(Knowledge, RanksMatchesByTheirKeywords) {
  const auto d = diagnose(R"({"text": "更新到新版本后APP闪退，iOS 12"})");
  ASSERT_EQ(d.knowledge->size(), 2u);
  EXPECT_EQ(d.knowledge->at(0).id, "kb.crash_update");
  EXPECT_GT(d.knowledge->at(0).score, d.knowledge->at(1).score);
  EXPECT_EQ(d.knowledge->at(0).matched, (std::vector<std::string>{"更新", "ios"}));
  EXPECT_EQ(d.knowledge->at(0).immediate, (std::vector<std::string>{"卸载后重装", "清除缓存"}));
  EXPECT_EQ(d.conclusion->status, "known_issue");
  EXPECT_EQ(d.conclusion->known_issue, "kb.crash_update");
  EXPECT_EQ(d.conclusion->root_cause, "新版本与旧系统不兼容");
  EXPECT_EQ(d.conclusion->owner, "engineering");
}

TEST(Knowledge, AnUnmatchedProblemIsFlaggedAsNew) {
  const auto d = diagnose(R"({"text": "我要退款", "order_id": "1", "amount": 20})");
  EXPECT_EQ(d.label("problem_type")->value, "product_function");
  EXPECT_TRUE(d.questions->empty());
  EXPECT_TRUE(d.knowledge->empty());
  EXPECT_EQ(d.conclusion->status, "new_problem");
  EXPECT_FALSE(d.conclusion->root_cause);
}

TEST(Templates, ClarificationWhenSomethingIsMissing) {
  const auto d = diagnose(R"({"text": "APP一直闪退", "customer": {"name": "王女士"}})");
  ASSERT_TRUE(d.response);
  EXPECT_EQ(d.response->kind, "clarification");
  EXPECT_EQ(d.response->language, "zh-Hans");
  EXPECT_NE(d.response->text.find("您好，王女士！"), std::string::npos) << d.response->text;
  EXPECT_NE(d.response->text.find("1) 请告诉我们完整的报错信息。 2) 请问APP版本号是多少？"),
            std::string::npos)
      << d.response->text;
  EXPECT_NE(d.response->text.find(d.request_id), std::string::npos);
}

TEST(Templates, AMissingOptionalValueDropsItsClause) {
  const auto d = diagnose(R"({"text": "APP一直闪退"})");
  EXPECT_EQ(d.response->text.rfind("您好！为了尽快处理", 0), 0u) << d.response->text;
  EXPECT_EQ(d.response->text.find('{'), std::string::npos);
  EXPECT_EQ(d.response->text.find('['), std::string::npos);
}

TEST(Templates, ApologyAndSolutionForAKnownIssueWithFallbacks) {
  const auto vip = diagnose(
      R"({"text": "APP v2.3.1 在 iOS 17 上一直闪退，报错 E1024", "customer": {"tier": "vip"}})");
  EXPECT_EQ(vip.response->id, "tpl.solution.vip");
  // The fallback stands in for the missing name; "ios" ranks the update entry first.
  EXPECT_EQ(vip.response->text, "尊敬的贵宾，很抱歉！卸载后重装；清除缓存");
  const auto en =
      diagnose(R"({"text": "the app crashes after the update, v2.3.1 on iOS 17, error E1024"})");
  EXPECT_EQ(en.response->id, "tpl.solution");
  EXPECT_EQ(
      en.response->text,
      "Sorry for the trouble. Cause: The new version does not support older systems. Please try: "
      "Reinstall the app; Clear the cache.");
}

TEST(Templates, EveryTemplateInEveryLanguageRendersWithAndWithoutOptionalValues) {
  for (const Pack* pack_ptr : {&engine().pack(), &Engine::builtin().pack()}) {
    const Pack& pack = *pack_ptr;
    auto known = [](std::string_view n) {
      const auto& all = template_placeholders();
      return std::find(all.begin(), all.end(), n) != all.end();
    };
    for (const auto& spec : pack.templates) {
      for (const auto& [lang, body] : spec.text) {
        auto t = Template::parse(body, known);
        ASSERT_TRUE(t) << spec.id;
        const std::string empty = t->render([](std::string_view) { return std::nullopt; });
        const std::string full =
            t->render([](std::string_view n) { return std::string("<") + std::string(n) + ">"; });
        for (const auto& s : {empty, full}) {
          EXPECT_EQ(s.find('{'), std::string::npos) << spec.id << " " << lang << ": " << s;
          EXPECT_EQ(s.find('['), std::string::npos) << spec.id << " " << lang << ": " << s;
        }
        for (const auto& ph : t->placeholders()) {
          EXPECT_NE(full.find("<" + ph + ">"), std::string::npos)
              << spec.id << " " << lang << " " << ph;
        }
      }
    }
  }
}

TEST(DefaultPackResponse, EveryTemplateKindInEveryLanguage) {
  const Pack& pack = Engine::builtin().pack();
  for (auto kind : template_kinds) {
    int unconditional = 0;
    for (const auto& t : pack.templates) {
      if (t.kind != kind) continue;
      unconditional += !t.when;
      for (auto lang : languages) EXPECT_FALSE(t.text.at(std::string(lang)).empty()) << t.id;
    }
    EXPECT_GE(unconditional, 1) << kind;
  }
  EXPECT_GE(pack.knowledge.size(), 25u);
}

TEST(DefaultPackResponse, AsksRecallsAndAnswersInTheTicketsLanguage) {
  struct Case {
    const char* text;
    const char* language;
    const char* question_field;  // one of the fields asked for
  } cases[] = {
      {"APP更新以后一直闪退，打不开", "zh-Hans", "error_message"},
      {"APP更新以後一直閃退，打不開", "zh-Hant", "error_message"},
      {"After the update the app keeps crashing on launch", "en", "error_message"},
      {"退款申请一周了还没到账", "zh-Hans", "order_id"},
  };
  for (const auto& c : cases) {
    Ticket t;
    t.text = c.text;
    const auto d = Engine::builtin().diagnose(t);
    EXPECT_EQ(d.language, c.language);
    ASSERT_TRUE(d.questions);
    EXPECT_TRUE(std::any_of(d.questions->begin(), d.questions->end(), [&](const Question& q) {
      return q.field == c.question_field;
    })) << c.text;
    ASSERT_TRUE(d.knowledge);
    EXPECT_FALSE(d.knowledge->empty()) << c.text;
    ASSERT_TRUE(d.response);
    EXPECT_EQ(d.response->language, c.language);
    EXPECT_EQ(d.response->kind, "clarification");
    EXPECT_EQ(d.response->text.find('{'), std::string::npos) << d.response->text;
    EXPECT_EQ(d.conclusion->status, "known_issue");
  }
}

TEST(Templates, UnknownPlaceholdersAndBadBracketsAreLoadErrors) {
  auto known = [](std::string_view n) { return n == "request_id"; };
  EXPECT_EQ(Template::parse("Hi {nam}", known, "/templates/0/text/en").error().code,
            Errc::pack_invalid);
  EXPECT_NE(Template::parse("Hi {nam}", known).error().message.find("unknown placeholder {nam}"),
            std::string::npos);
  EXPECT_FALSE(Template::parse("Hi [{request_id}", known));
  EXPECT_FALSE(Template::parse("Hi {request_id", known));
  EXPECT_FALSE(Template::parse("Hi ]", known));
  auto frag =
      boost::json::parse(test::read_file(TRIAGE_TEST_DATA "/response_fragment.json")).as_object();
  auto pack = boost::json::parse(test::read_file(TRIAGE_TEST_DATA "/mini_pack.json")).as_object();
  for (auto& kv : frag) pack[kv.key()] = kv.value();
  pack["templates"].as_array()[0].as_object()["text"].as_object()["en"] = "Hi {customer.nickname}";
  auto e = Engine::from_json(boost::json::serialize(pack));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "/templates/0/text/en");
}

TEST(Templates, ARuleMayChooseTheTemplate) {
  auto frag =
      boost::json::parse(test::read_file(TRIAGE_TEST_DATA "/response_fragment.json")).as_object();
  auto pack = boost::json::parse(test::read_file(TRIAGE_TEST_DATA "/mini_pack.json")).as_object();
  for (auto& kv : frag) pack[kv.key()] = kv.value();
  pack["rules"].as_array().push_back(boost::json::parse(
      R"({"id": "thanks", "when": {"text_any": ["已解决"]}, "then": {"template": "tpl.refund_done"}})"));
  auto e = Engine::from_json(boost::json::serialize(pack));
  ASSERT_TRUE(e) << e.error().message;
  Ticket t;
  t.text = "退款已解决，谢谢";
  t.order_id = "A-1";
  EXPECT_EQ(e->diagnose(t).response->text, "您的问题已处理完毕（订单 A-1）。");
}

TEST(Conclusion, NamesDepartmentsAndTheNextSteps) {
  const auto d = diagnose(R"({"text": "退款还没到，订单号 2026112012345678，金额 199元"})");
  ASSERT_TRUE(d.conclusion);
  EXPECT_EQ(d.conclusion->departments, (std::vector<std::string>{"finance", "customer_service"}));
  EXPECT_EQ(d.conclusion->owner, "finance");
  const auto j = to_json(d);
  for (const char* key : {"status", "root_cause", "owner", "departments", "immediate_actions",
                          "expected_completion", "next_contact", "follow_up_visit", "missing"}) {
    EXPECT_TRUE(j.at("conclusion").as_object().contains(key)) << key;
  }
  EXPECT_TRUE(j.at("template").as_object().contains("text"));
  EXPECT_TRUE(j.at("questions").is_array());
  EXPECT_TRUE(j.at("knowledge").is_array());
}

TEST(Templates, ANestedClauseThatLosesAValueGoesAloneAndAnOuterOneThatLosesOneGoesWhole) {
  auto known = [](std::string_view) { return true; };
  auto t = Template::parse("A[ b{x}[ c{y}] d][ e{y}[ f{x}]] g{y}{z|Z}", known);
  ASSERT_TRUE(t);
  auto only_x = [](std::string_view n) -> std::optional<std::string> {
    if (n == "x") return std::string("X");
    return std::nullopt;
  };
  // [ c{y}] loses y inside a clause that keeps x; [ e{y}[ f{x}]] loses y with its inner clause;
  // outside any clause a missing value leaves nothing and the fallback stands in.
  EXPECT_EQ(t->render(only_x), "A bX d gZ");
  EXPECT_EQ(t->render([](std::string_view n) { return std::string(n); }), "A bx cy d ey fx gyz");
}
