#include "triage/engine.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <thread>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <boost/json.hpp>

#include "test_util.hpp"

#include "counting_allocator.hpp"

using namespace triage;

namespace {
const Engine& mini() {
  static const Engine e = *Engine::from_json(test::read_file(TRIAGE_TEST_DATA "/mini_pack.json"));
  return e;
}
Diagnosis run(const std::string& json, const Engine& e = mini()) {
  auto t = parse_ticket(json);
  EXPECT_TRUE(t) << json;
  return e.diagnose(*t);
}
std::optional<std::string> value(const Diagnosis& d, std::string_view dim) {
  return d.label(dim)->value;
}
}  // namespace

TEST(Engine, ScoresTheValueTheKeywordsPointTo) {
  auto d = run(R"({"id": "1", "text": "APP一直闪退"})");
  EXPECT_EQ(d.ticket_id, "1");
  EXPECT_EQ(d.pack_name, "mini");
  EXPECT_EQ(value(d, "problem_type"), "system_failure");
  const Label& l = *d.label("problem_type");
  EXPECT_DOUBLE_EQ(l.confidence, 0.75);  // 3 / (3 + smoothing 1)
  ASSERT_EQ(l.evidence.size(), 1u);
  EXPECT_EQ(l.evidence[0].source, "crash");
  ASSERT_EQ(l.evidence[0].spans.size(), 1u);
  EXPECT_EQ(l.evidence[0].spans[0].field, "text");
  EXPECT_EQ(l.evidence[0].spans[0].begin, 9u);
  EXPECT_EQ(l.evidence[0].spans[0].text, "闪退");
  EXPECT_EQ(d.tags, std::vector<std::string>{"crash"});
}

TEST(Engine, MatchesTraditionalFullWidthAndUpperCaseText) {
  EXPECT_EQ(value(run(R"({"text": "一直閃退"})"), "problem_type"), "system_failure");
  EXPECT_EQ(value(run(R"({"text": "It CRASHES on start"})"), "problem_type"), "system_failure");
  EXPECT_EQ(value(run(R"({"text": "訂單呢"})"), "scenario"), "order");
  EXPECT_EQ(value(run(R"({"text": "ＯＲＤＥＲ missing"})"), "scenario"), "order");
}

TEST(Engine, SubjectAndErrorMessageAreScannedToo) {
  auto d = run(R"({"text": "see subject", "subject": "crash on login"})");
  EXPECT_EQ(value(d, "problem_type"), "system_failure");
  EXPECT_EQ(d.label("problem_type")->evidence[0].spans[0].field, "subject");
}

TEST(Engine, AFinalRuleOfHigherPriorityClosesTheDimension) {
  // refund.stuck (priority 10, final) wins although refund.any scores more.
  auto d = run(R"({"text": "退款一周了还没到"})");
  EXPECT_EQ(value(d, "problem_type"), "service_process");
  EXPECT_EQ(d.label("problem_type")->candidates.size(), 1u);
  // Without the second keyword only refund.any fires.
  EXPECT_EQ(value(run(R"({"text": "我要退款"})"), "problem_type"), "product_function");
}

TEST(Engine, TextNoneVetoesARule) {
  EXPECT_EQ(value(run(R"({"text": "这个不是订单的问题"})"), "scenario"), "other");
}

TEST(Engine, FallbackValuesCarryZeroConfidence) {
  auto d = run(R"({"text": "你好"})");
  EXPECT_EQ(value(d, "scenario"), "other");
  EXPECT_EQ(d.label("scenario")->confidence, 0);
  EXPECT_TRUE(d.label("scenario")->evidence.empty());
  EXPECT_FALSE(value(d, "problem_type"));  // no fallback: abstains
}

TEST(Engine, WeakOrTiedEvidenceAbstainsAndListsCandidates) {
  // demand needs 0.5; one hit of weight 2 gives 2/3.
  EXPECT_EQ(value(run(R"({"text": "要求赔偿"})"), "demand"), "compensation");
  // crash (3) vs refund.any (5 for product_function) → 5/9 = 0.556 ≥ 0.3: decided.
  auto d = run(R"({"text": "闪退了 我要退款"})");
  EXPECT_EQ(value(d, "problem_type"), "product_function");
  EXPECT_EQ(d.label("problem_type")->candidates.size(), 2u);
  // A tie is not a decision.
  auto tie = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a","b"]}],
    "rules":[{"id":"ra","when":{"text_any":["x"]},"then":{"score":{"d":{"a":1}}}},
             {"id":"rb","when":{"text_any":["y"]},"then":{"score":{"d":{"b":1}}}}]})");
  ASSERT_TRUE(tie);
  auto td = run(R"({"text": "x y"})", *tie);
  EXPECT_FALSE(value(td, "d"));
  EXPECT_EQ(td.label("d")->candidates.size(), 2u);
  EXPECT_EQ(td.label("d")->evidence.size(), 2u);
}

TEST(Engine, EntitiesCountAsSuppliedFields) {
  auto with_entity =
      run(R"({"text": "订单 2026112012345678 没收到", "customer": {"tier": "vip"}})");
  EXPECT_NE(std::find(with_entity.tags.begin(), with_entity.tags.end(), "vip_order"),
            with_entity.tags.end());
  auto with_field = run(R"({"text": "没收到", "order_id": "X1", "customer": {"tier": "vip"}})");
  EXPECT_EQ(with_field.tags, std::vector<std::string>{"vip_order"});
  auto neither = run(R"({"text": "没收到", "customer": {"tier": "vip"}})");
  EXPECT_TRUE(neither.tags.empty());
  ASSERT_EQ(with_entity.entities.size(), 1u);
  EXPECT_EQ(with_entity.entities[0].type, "order_id");
  EXPECT_EQ(with_entity.entities[0].value, "2026112012345678");
}

TEST(Engine, RegexConditionsGiveSpans) {
  auto d = run(R"({"text": "I want COMPENSATION now"})");
  EXPECT_EQ(value(d, "demand"), "compensation");
  const auto& ev = d.label("demand")->evidence;
  ASSERT_EQ(ev.size(), 1u);
  ASSERT_EQ(ev[0].spans.size(), 1u);
  EXPECT_EQ(ev[0].spans[0].text, "COMPENSATION");
}

TEST(Engine, ARegexRunsOnlyWhenEveryClauseOfItsLiteralsOccursAndMatchesInAnyField) {
  // (退款|refund).{0,6}(失败|failed) needs a literal of each group; [?？]\s*$ has only
  // one-byte atoms; \d{3} has none and is tested on every ticket.
  auto e = Engine::from_json(R"J({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["two","mark","digits"]}],
    "rules":[{"id":"r1","when":{"regex":"(退款|refund).{0,6}(失败|failed)"},"then":{"score":{"d":{"two":1}}}},
             {"id":"r2","when":{"regex":"[?？]\\s*$"},"then":{"score":{"d":{"mark":1}}}},
             {"id":"r3","when":{"regex":"\\d{3}"},"then":{"score":{"d":{"digits":1}}}}]})J");
  ASSERT_TRUE(e) << e.error().message;
  auto fired = [&](const char* json) {
    Evaluation ev;
    e->evaluate(*parse_ticket(json), ev);
    std::vector<std::string> ids;
    for (auto r : ev.fired_rules()) ids.push_back(e->pack().rules[r].id);
    return ids;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(fired(R"({"text": "退款又失败了"})"), V{"r1"});
  EXPECT_EQ(fired(R"({"text": "REFUND has FAILED"})"), V{});  // the expression is case-sensitive
  EXPECT_EQ(fired(R"({"text": "退款成功，付款一直都是失败"})"), V{});  // both groups, too far apart
  EXPECT_EQ(fired(R"({"text": "只有退款"})"), V{});
  EXPECT_EQ(fired(R"({"text": "x", "subject": "什么时候到？"})"), V{"r2"});
  EXPECT_EQ(fired(R"({"text": "x", "error_message": "HTTP 502"})"), V{"r3"});
}

TEST(Engine, AnErrorCodeIsSuppliedUnlessItIsAnOrderNumber) {
  // The "is an error code supplied?" look-up finds only what a whole extraction would: an
  // order number that looks like a code is an order number.
  auto e = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["code"]}],
    "rules":[{"id":"r","when":{"has":["error_message"]},"then":{"score":{"d":{"code":1}}}}]})");
  ASSERT_TRUE(e) << e.error().message;
  auto has_code = [&](const char* json) {
    Evaluation ev;
    e->evaluate(*parse_ticket(json), ev);
    return !ev.fired_rules().empty();
  };
  EXPECT_TRUE(has_code(R"({"text": "一直报错 E1024"})"));
  EXPECT_TRUE(has_code(R"({"text": "页面显示 502"})"));
  EXPECT_FALSE(has_code(R"({"text": "订单号 AB-778812 打不开"})"));
  EXPECT_FALSE(has_code(R"({"text": "打不开，没有任何提示"})"));
  EXPECT_TRUE(has_code(R"({"text": "打不开", "error_message": "timeout"})"));
  // The diagnosis still reports every entity, in text order.
  const auto d = e->diagnose(*parse_ticket(R"({"text": "订单号 AB-778812 报错 E1024"})"));
  ASSERT_EQ(d.entities.size(), 2u);
  EXPECT_EQ(d.entities[0].type, "order_id");
  EXPECT_EQ(d.entities[1].type, "error_code");
}

TEST(Engine, FieldConditionsReadKnownAndPassThroughFields) {
  EXPECT_EQ(run(R"({"text": "x", "crm": {"queue": 5}})").tags,
            std::vector<std::string>{"busy_queue"});
  EXPECT_TRUE(run(R"({"text": "x", "crm": {"queue": 2}})").tags.empty());
  EXPECT_TRUE(run(R"({"text": "x", "impact": "many", "crm": {"queue": 5}})").tags.empty());
  EXPECT_EQ(value(run(R"({"text": "x", "module": "收银台"})"), "scenario"), "payment_refund");
}

TEST(Engine, BadRegexesAreCompileErrorsNamingTheRule) {
  auto e = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a"]}],
    "rules":[{"id":"r","when":{"regex":["ok", "(unclosed"]},"then":{"score":{"d":{"a":1}}}}]})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::pack_bad_regex);
  EXPECT_EQ(e.error().where, "/rules/0/when/regex/1");
}

TEST(Engine, PathologicalRegexesRunInLinearTime) {
  auto e = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a"]}],
    "rules":[{"id":"r","when":{"regex":"(a+)+$"},"then":{"score":{"d":{"a":1}}}}]})");
  ASSERT_TRUE(e);
  Ticket t;
  t.text = std::string(100000, 'a') + "!";
  auto d = e->diagnose(t);  // a backtracking engine would never return
  EXPECT_FALSE(d.label("d")->value);
}

class Echo : public Classifier {
 public:
  std::string_view name() const noexcept override { return "echo"; }
  void classify(const Ticket& t, Evaluation& ev) const override {
    if (t.text.find("payment") != std::string::npos) {
      ev.add_score("scenario", "payment_refund", 4.0);
    }
    EXPECT_FALSE(ev.add_score("scenario", "no_such_value", 1.0));
  }
};

TEST(Engine, KeywordsMatchTheirRegionalPhrasingsUnlessTurnedOff) {
  // 软件 is 軟體 in Taiwan and 网络 is 網路: other words, not just other characters, so folding
  // alone cannot find them. Each keyword's phrasings belong to its own rule, also when the pack
  // has many keywords (they are looked up all at once) and some have no Han characters.
  std::string rules;
  const char* words[][2] = {{"软件", "soft"}, {"网络", "net"},       {"crash*", "crash"},
                            {"信息", "info"}, {"打印机", "printer"}, {"内存", "memory"}};
  for (const auto& [word, id] : words) {
    if (!rules.empty()) rules += ",";
    rules += std::string(R"({"id":")") + id + R"(","when":{"text_any":[")" + word +
             R"("]},"then":{"tags":[")" + id + R"("]}})";
  }
  const std::string pack = R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a"]}],"rules":[)" +
                           rules + "]}";
  auto e = Engine::from_json(pack);
  ASSERT_TRUE(e) << e.error().message;
  auto tags = [](const Engine& engine, const char* text) {
    return engine.diagnose(*parse_ticket(std::string(R"({"text":")") + text + "\"}")).tags;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(tags(*e, "軟體"), V{"soft"});
  EXPECT_EQ(tags(*e, "網路"), V{"net"});
  EXPECT_EQ(tags(*e, "資訊"), V{"info"});
  EXPECT_EQ(tags(*e, "印表機"), V{"printer"});
  EXPECT_EQ(tags(*e, "記憶體"), V{"memory"});
  EXPECT_EQ(tags(*e, "it crashed"), V{"crash"});

  EngineOptions off;
  off.regional_variants = false;
  auto plain = Engine::from_json(pack, off);
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_TRUE(tags(*plain, "軟體").empty());
  EXPECT_EQ(tags(*plain, "軟件"), V{"soft"});  // folding still maps the characters
}

TEST(Engine, TheCalibrationMapSaysHowSureAndTheThresholdReadsIt) {
  // One rule of weight 3: raw confidence 3 / (3 + smoothing 1) = 0.75.
  const auto pack = [](const std::string& extra) {
    return R"({"schema":1,"name":"t","version":"1","dimensions":[{"id":"d","values":["a","b"])" +
           extra + R"(}],"rules":[{"id":"r","when":{"text_any":["闪退"]},
      "then":{"score":{"d":{"a":3}}}}]})";
  };
  const auto label = [](const std::string& json) {
    auto e = Engine::from_json(json);
    EXPECT_TRUE(e) << e.error().message;
    return *e->diagnose(*parse_ticket(R"({"text":"一直闪退"})")).label("d");
  };
  EXPECT_DOUBLE_EQ(label(pack("")).confidence, 0.75);
  // Half way between the knots at 0.5 and 1.0: 0.8 + 0.5 * (1.0 - 0.8).
  const auto calibrated = label(pack(R"(,"calibration":[[0,0],[0.5,0.8],[1,1]])"));
  EXPECT_DOUBLE_EQ(calibrated.confidence, 0.9);
  EXPECT_EQ(calibrated.value, "a");
  // Flat beyond the last knot.
  EXPECT_DOUBLE_EQ(label(pack(R"(,"calibration":[[0.2,0.3],[0.6,0.7]])")).confidence, 0.7);
  // min_confidence is compared with the calibrated confidence: 0.75 raw clears 0.8 only when
  // the map says it is right more often than that.
  EXPECT_FALSE(label(pack(R"(,"min_confidence":0.8)")).value);
  EXPECT_EQ(label(pack(R"(,"min_confidence":0.8,"calibration":[[0,0],[0.5,0.8],[1,1]])")).value,
            "a");
}

TEST(Engine, AValueMayAskForMoreConfidenceThanItsDimension) {
  // One rule of weight 3 for "angry": confidence 3 / (3 + 1) = 0.75.
  const auto emotion = [](const std::string& angry, const std::string& fallback) {
    auto e = Engine::from_json(
        R"({"schema":1,"name":"t","version":"1","dimensions":[{"id":"emotion","values":["calm",)" +
        angry + "]" + fallback + R"(}],"rules":[{"id":"r","when":{"text_any":["气死"]},
        "then":{"score":{"emotion":{"angry":3}}}}]})");
    EXPECT_TRUE(e) << e.error().message;
    return *e->diagnose(*parse_ticket(R"({"text":"气死我了"})")).label("emotion");
  };
  EXPECT_EQ(emotion(R"({"id":"angry","min_confidence":0.7})", "").value, "angry");
  // Under its own threshold the value yields: to the fallback, with confidence 0 …
  const auto yielded = emotion(R"({"id":"angry","min_confidence":0.8})", R"(,"fallback":"calm")");
  EXPECT_EQ(yielded.value, "calm");
  EXPECT_DOUBLE_EQ(yielded.confidence, 0.0);
  // … or, without one, to no answer at all.
  EXPECT_FALSE(emotion(R"({"id":"angry","min_confidence":0.8})", "").value);

  auto bad = parse_pack(
      R"({"schema":1,"name":"t","version":"1","dimensions":[{"id":"d","values":[{"id":"a","min_confidence":2}]}]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::pack_invalid);
  EXPECT_EQ(bad.error().where, "/dimensions/0/values/0/min_confidence");
  bad = parse_pack(
      R"({"schema":1,"name":"t","version":"1","dimensions":[{"id":"d","values":[{"id":"a","colour":"red"}]}]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::pack_invalid);
  EXPECT_EQ(bad.error().where, "/dimensions/0/values/0/colour");
}

TEST(Engine, HostClassifiersAddTheirScores) {
  EngineOptions opts;
  opts.classifiers.push_back(std::make_shared<Echo>());
  auto e = Engine::from_json(test::read_file(TRIAGE_TEST_DATA "/mini_pack.json"), opts);
  ASSERT_TRUE(e);
  auto d = run(R"({"text": "payment order"})", *e);
  EXPECT_EQ(value(d, "scenario"), "payment_refund");
  bool saw = false;
  for (const auto& ev : d.label("scenario")->evidence)
    saw |= (ev.source == "echo" && !ev.from_rule);
  EXPECT_TRUE(saw);
}

TEST(Engine, EvaluatingAWarmTicketDoesNotAllocate) {
  // Keyword, field and composite conditions: the whole path is ours and allocation-free.
  // (Regular expressions and entity look-ups run inside RE2, which may allocate.)
  auto e = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a","b"]}],
    "rules":[{"id":"r1","when":{"text_any":["闪退","crash*"],"text_none":["不是"]},"then":{"score":{"d":{"a":2}}}},
             {"id":"r2","priority":5,"final":true,"when":{"all_of":[{"text_any":["退款"]},{"tier":"vip"}]},"then":{"score":{"d":{"b":1}},"tags":["t"]}},
             {"id":"r3","when":{"fields":[{"field":"crm.queue","op":">","value":3}]},"then":{"score":{"d":{"a":1}}}}]})");
  ASSERT_TRUE(e) << e.error().message;
  auto t = parse_ticket(R"({"text": "APP一直闪退 crashes，订单 2026112012345678 退款还没到",
                           "subject": "crash", "customer": {"tier": "vip"}, "crm": {"queue": 4}})");
  ASSERT_TRUE(t);
  Evaluation ev;
  e->evaluate(*t, ev);  // warm-up sizes the buffers
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 100; ++i) e->evaluate(*t, ev);
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_EQ(ev.fired_rules().size(), 3u);
}

TEST(Engine, TheDefaultPackClassifiesAWarmTicketWithoutAllocating) {
  // Keywords, regular expressions gated by their atoms (both clauses of an a.*b expression
  // met here) and the lazy "is an error code supplied?" look-up of the default pack.
  const Engine& e = Engine::builtin();
  auto t = parse_ticket(R"({"text": "取消了自动续费还是被扣款了，APP一直闪退，页面打不开，怎么办？",
                           "subject": "扣款问题", "channel": "app"})");
  ASSERT_TRUE(t);
  Evaluation ev;
  e.evaluate(*t, ev);  // warm-up: buffers sized, RE2's lazily built DFA states cached
  e.evaluate(*t, ev);
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 100; ++i) e.evaluate(*t, ev);
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_FALSE(ev.fired_rules().empty());
}

TEST(Engine, ManyThreadsShareOneEngineAndAgree) {
  const auto lines = test::read_lines(TRIAGE_SOURCE_DIR "/examples/tickets.jsonl");
  ASSERT_FALSE(lines.empty());
  const Engine& e = Engine::builtin();
  DiagnoseOptions opts;
  opts.now = boost::posix_time::time_from_string("2026-11-23 02:00:00");
  std::vector<std::string> expected;
  for (const auto& l : lines) {
    expected.push_back(boost::json::serialize(to_json(e.diagnose(*parse_ticket(l), opts))));
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      Evaluation ev;
      for (int round = 0; round < 5; ++round) {
        for (std::size_t i = 0; i < lines.size(); ++i) {
          auto d = e.diagnose(*parse_ticket(lines[i]), ev, opts);
          if (boost::json::serialize(to_json(d)) != expected[i]) ++mismatches;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(Engine, RepeatedCallsGiveTheSameAnswer) {
  // A stale per-ticket buffer is the classic rules-engine bug: alternate two tickets.
  auto a = parse_ticket(R"({"text": "闪退 订单"})");
  auto b = parse_ticket(R"({"text": "我要退款"})");
  Evaluation ev;
  const auto da = boost::json::serialize(to_json(mini().diagnose(*a, ev)));
  const auto db = boost::json::serialize(to_json(mini().diagnose(*b, ev)));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(boost::json::serialize(to_json(mini().diagnose(*a, ev))), da);
    EXPECT_EQ(boost::json::serialize(to_json(mini().diagnose(*b, ev))), db);
  }
  // An Evaluation moves between engines safely.
  EXPECT_EQ(boost::json::serialize(to_json(Engine::builtin().diagnose(*a, ev))),
            boost::json::serialize(to_json(Engine::builtin().diagnose(*a))));
  EXPECT_EQ(boost::json::serialize(to_json(mini().diagnose(*a, ev))), da);
}

TEST(Engine, RequestNumbersComeFromTheHostsGenerator) {
  RequestIdGenerator ids;
  DiagnoseOptions opts;
  opts.request_ids = &ids;
  auto t =
      parse_ticket(R"({"text": "x", "channel": "chat", "created_at": "2026-11-20T23:30:00Z"})");
  EXPECT_EQ(mini().diagnose(*t, opts).request_id, "20261121-ONL-001");  // 07:30 in Shanghai
  EXPECT_EQ(mini().diagnose(*t, opts).request_id, "20261121-ONL-002");
  auto no_time = parse_ticket(R"({"text": "x", "channel": "phone"})");
  opts.now = boost::posix_time::time_from_string("2026-11-20 01:00:00");
  EXPECT_EQ(mini().diagnose(*no_time, opts).request_id, "20261120-TEL-001");
}
