// The built-in pack, checked as the help desk would use it: representative tickets in the three
// scripts, and accuracy floors on the labelled file (so a keyword change that makes the pack
// worse fails here before it ships).
#include <gtest/gtest.h>

#include <map>

#include <boost/json.hpp>

#include "test_util.hpp"
#include "triage/triage.hpp"

using namespace triage;

namespace {
std::optional<std::string> classify(const std::string& text, std::string_view dim) {
  Ticket t;
  t.text = text;
  return Engine::builtin().diagnose(t).label(dim)->value;
}
struct Case {
  const char* text;
  const char* dim;
  const char* want;
};
}  // namespace

TEST(DefaultPack, ClassifiesTypicalTicketsInThreeScripts) {
  const Case cases[] = {
      // problem_type
      {"APP一直闪退，根本打不开", "problem_type", "system_failure"},
      {"程式一直閃退，開不起來", "problem_type", "system_failure"},
      {"The app keeps crashing when I open it", "problem_type", "system_failure"},
      {"退款申请提交一周了还没到账", "problem_type", "service_process"},
      {"The agent told me the wrong price and now refuses to honor it", "problem_type",
       "communication"},
      {"I was promised a callback yesterday and nobody called", "problem_type", "service_process"},
      {"点提交按钮没反应", "problem_type", "product_function"},
      // request_kind
      {"请问怎么修改收货地址？", "request_kind", "inquiry"},
      {"我要投诉你们的客服态度太差了", "request_kind", "complaint"},
      {"我們公司想對接你們的API，做定制開發，預算多少", "request_kind", "custom_requirement"},
      // scenario
      {"快递三天了物流一直不更新", "scenario", "logistics"},
      {"My account was locked after a password reset", "scenario", "account_security"},
      {"我的VIP会员权益怎么没了", "scenario", "membership"},
      // demand
      {"耽误了我的事，必须赔偿", "demand", "compensation"},
  };
  int wrong = 0;
  for (const auto& c : cases) {
    const auto got = classify(c.text, c.dim);
    if (got != std::optional<std::string>(c.want)) {
      ++wrong;
      ADD_FAILURE() << c.text << " → " << c.dim << " = " << got.value_or("(none)") << ", want "
                    << c.want;
    }
  }
  EXPECT_EQ(wrong, 0);
}

TEST(DefaultPack, EveryExampleTicketIsDiagnosed) {
  const auto lines = test::read_lines(TRIAGE_SOURCE_DIR "/examples/tickets.jsonl");
  ASSERT_GE(lines.size(), 30u);
  Evaluation ev;
  int decided = 0, total = 0;
  for (const auto& l : lines) {
    auto t = parse_ticket(l);
    ASSERT_TRUE(t) << l;
    const auto d = Engine::builtin().diagnose(*t, ev);
    ASSERT_EQ(d.labels.size(), 8u);
    for (const auto& lab : d.labels) {
      ++total;
      decided += lab.value.has_value();
      for (const auto& e : lab.evidence) {
        for (const auto& s : e.spans) EXPECT_FALSE(s.text.empty()) << l;
      }
    }
  }
  EXPECT_GE(decided * 10, total * 8) << decided << " of " << total << " labels decided";
}

TEST(DefaultPack, MeetsAccuracyFloorsOnTheLabelledFile) {
  const auto lines = test::read_lines(TRIAGE_SOURCE_DIR "/examples/labelled.jsonl");
  ASSERT_GE(lines.size(), 100u);
  std::map<std::string, std::pair<int, int>> score;  // dimension → (right, scored)
  Evaluation ev;
  for (const auto& l : lines) {
    const auto v = boost::json::parse(l);
    auto t = ticket_from_json(v);
    ASSERT_TRUE(t);
    const auto d = Engine::builtin().diagnose(*t, ev);
    for (const auto& kv : v.at("labels").as_object()) {
      std::optional<std::string> got;
      if (kv.key() == "urgency")
        got = d.urgency;
      else if (kv.key() == "primary")
        got = d.route ? std::optional(d.route->primary) : std::nullopt;
      else if (const Label* lab = d.label(kv.key()))
        got = lab->value;
      else
        continue;
      auto& s = score[std::string(kv.key())];
      ++s.second;
      s.first += got && *got == kv.value().as_string();
    }
  }
  // Floors sit a little under what the pack reaches today (see the README's figures). With the
  // model trained on real text, demand follows the labelling guide's rule that a broken thing
  // asked about wants fixing, where this older file often says explanation: demand and the
  // departments it steers are a little lower here, and far higher on real text.
  const std::map<std::string, double> floors = {{"problem_type", 0.65}, {"request_kind", 0.73},
                                                {"scenario", 0.72},     {"demand", 0.72},
                                                {"urgency", 0.8},       {"primary", 0.71}};
  for (const auto& [dim, floor] : floors) {
    const auto [right, scored] = score[dim];
    ASSERT_GT(scored, 0) << dim;
    const double acc = static_cast<double>(right) / scored;
    RecordProperty(dim, std::to_string(acc));
    EXPECT_GE(acc, floor) << dim << ": " << right << "/" << scored;
  }
}

namespace {
// The mini pack with the default pack's emotion dimension and its em.* rules alone (no model, no
// calibration, no per-value threshold): which rule fires, as the pack's rules see the text.
const Engine& emotion_rules() {
  static const Engine e = [] {
    auto pack = test::mini_pack_with_default_sla();
    const auto shipped = boost::json::parse(default_pack_json()).as_object();
    for (const auto& d : shipped.at("dimensions").as_array()) {
      if (d.at("id") != "emotion") continue;
      auto dim = d.as_object();
      dim.erase("calibration");
      boost::json::array values;
      for (const auto& v : dim.at("values").as_array()) values.push_back(v.at("id"));
      dim["values"] = values;
      pack["dimensions"].as_array().push_back(dim);
    }
    for (const auto& r : shipped.at("rules").as_array()) {
      if (r.at("id").as_string().starts_with("em.")) pack["rules"].as_array().push_back(r);
    }
    return *Engine::from_json(boost::json::serialize(pack));
  }();
  return e;
}

bool fired(const std::string& text, const std::string& rule) {
  Ticket t;
  t.text = text;
  const auto d = emotion_rules().diagnose(t);
  const auto* label = d.label("emotion");
  if (!label) return false;
  for (const auto& e : label->evidence) {
    if (e.source == rule) return true;
  }
  return false;
}
}  // namespace

// Emotion rule families added from the real-text training split (their descriptions give the
// counts): each fires on a typical text and stays quiet on a near miss sharing its words.
TEST(DefaultPack, EmotionRuleFamiliesFireOnTheirPhrasingAndNotOnNearMisses) {
  struct Family {
    const char* rule;
    const char* positive;
    const char* near_miss;
  };
  const Family families[] = {
      {"em.angry.shouting_hard", "等了两个小时还没送到！！！", "等了两个小时还没送到！"},
      {"em.angry.many_questions", "钱去哪了？谁扣的？为什么不通知？", "请问怎么退款？"},
      {"em.angry.contempt", "晚了两个小时你敢信", "我相信你们会处理好"},
      {"em.angry.contempt", "客服一直敷衍我，严重鄙视", "客服很耐心地帮我处理了"},
      {"em.angry.contempt", "They passed the buck, you cheat us every month",
       "I think I have been cheated by a seller, can I get my money back?"},
      {"em.angry.indignant_question", "Why on earth was my broadband cut off again?",
       "Why was my broadband cut off? The earth cable looks fine."},
      {"em.angry.indignant_question", "Are you joking? I paid for 6M and get 1M.",
       "I am not joking, the speed test says 1M."},
      {"em.angry.escalation", "I will take this to the consumer association and the newspaper",
       "My CCTV camera app cannot connect; is it covered by consumer protection?"},
      {"em.angry.leaving", "把你们拉进黑名单", "请问怎么把骚扰电话加入黑名单？"},
      {"em.angry.leaving", "今天不修好我就销户", "你好，我想销户，请问需要带什么材料？"},
      {"em.angry.leaving", "They are forcing me to switch; CTRIP goes into the blacklist",
       "How do I add a number to the blacklist on my phone?"},
      {"em.anxious.plea", "Help! My card is missing", "Can you help me change my PIN?"},
      {"em.anxious.card_compromised", "I think someone has been using my card",
       "Someone told me my card works abroad. Is that true?"},
      {"em.anxious.pressed", "The ATM kept my card and I need it right now",
       "What documents do I need to open an account? I have time."},
  };
  for (const auto& f : families) {
    EXPECT_TRUE(fired(f.positive, f.rule)) << f.rule << ": " << f.positive;
    EXPECT_FALSE(fired(f.near_miss, f.rule)) << f.rule << ": " << f.near_miss;
  }
}
