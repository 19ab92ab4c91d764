// Every urgency rule and modifier of the default pack (the urgency table of the product spec), in
// three scripts.
#include <gtest/gtest.h>

#include "triage/triage.hpp"

using namespace triage;

namespace {
struct Case {
  const char* why;
  std::vector<std::string> texts;  // zh-Hans, zh-Hant, en
  Tier tier = Tier::unspecified;
  Impact impact = Impact::unspecified;
  Frequency frequency = Frequency::unspecified;
  const char* want;
  const char* rule;  // a rule the explanation must name
};

Diagnosis diagnose(const std::string& text, Tier tier = Tier::unspecified,
                   Impact impact = Impact::unspecified, Frequency f = Frequency::unspecified) {
  Ticket t;
  t.text = text;
  t.impact = impact;
  t.frequency = f;
  if (tier != Tier::unspecified) t.customer = Customer{.tier = tier};
  return Engine::builtin().diagnose(t);
}

bool names(const Diagnosis& d, std::string_view rule) {
  return std::any_of(d.explain.begin(), d.explain.end(),
                     [&](const Explanation& e) { return e.step == "urgency" && e.rule == rule; });
}
}  // namespace

TEST(Urgency, EveryRuleAndModifierOfTheDefaultPack) {
  const std::vector<Case> cases = {
      {"enterprise customer cannot order",
       {"我们公司现在无法下单，业务停摆了", "我們公司現在無法下單，業務停擺了",
        "We cannot place orders at all, our business is blocked"},
       Tier::enterprise,
       Impact::unspecified,
       Frequency::unspecified,
       "critical",
       "urg.critical.core_business"},
      {"vip data loss",
       {"我的数据丢失了，所有记录全没了", "我的資料遺失了，數據全沒了",
        "All my data is gone, we lost data overnight"},
       Tier::vip,
       Impact::unspecified,
       Frequency::unspecified,
       "critical",
       "urg.critical.core_business"},
      {"outage hitting many users",
       {"服务器宕机了，所有用户都登录不了", "伺服器當機了，所有用戶都登入不了",
        "Server outage: all users cannot log in"},
       Tier::unspecified,
       Impact::unspecified,
       Frequency::unspecified,
       "critical",
       "urg.raise.many_users"},
      {"cannot log in",
       {"登录不了，一直提示密码错误", "登入不了，一直提示密碼錯誤",
        "I can't log in, it keeps saying wrong password"},
       Tier::regular,
       Impact::unspecified,
       Frequency::unspecified,
       "high",
       "urg.high.main_function"},
      {"payment fails",
       {"付款的时候支付失败", "付款的時候支付失敗", "Payment failed at checkout"},
       Tier::regular,
       Impact::unspecified,
       Frequency::unspecified,
       "high",
       "urg.high.main_function"},
      {"app crashes",
       {"APP一直闪退", "APP一直閃退", "The app crashes on launch"},
       Tier::unspecified,
       Impact::unspecified,
       Frequency::unspecified,
       "high",
       "urg.high.main_function"},
      {"secondary display problem",
       {"商品详情页的图片显示错位了", "商品詳情頁的圖片顯示錯位了",
        "Product images are misaligned on the details page"},
       Tier::unspecified,
       Impact::unspecified,
       Frequency::unspecified,
       "medium",
       "default"},
      {"ordinary inquiry",
       {"请问会员积分怎么兑换？", "請問會員點數怎麼兌換？",
        "How do I redeem my membership points?"},
       Tier::unspecified,
       Impact::unspecified,
       Frequency::unspecified,
       "medium",
       "default"},
      {"suggestion",
       {"建议把字体调大一点，文案也不太清楚", "建議把字體調大一點，文案也不太清楚",
        "Suggestion: make the font bigger, the wording is unclear"},
       Tier::unspecified,
       Impact::unspecified,
       Frequency::unspecified,
       "low",
       "urg.low.suggestion"},
      {"custom requirement",
       {"我们想定制开发一个对接ERP的接口，请报价", "我們想客製化開發一個對接ERP的介面，請報價",
        "We need a custom integration with our ERP system, please quote"},
       Tier::unspecified,
       Impact::unspecified,
       Frequency::unspecified,
       "low",
       "urg.low.custom"},
      {"impact many raises a display problem",
       {"商品详情页的图片显示错位了", "商品詳情頁的圖片顯示錯位了",
        "Product images are misaligned on the details page"},
       Tier::unspecified,
       Impact::many,
       Frequency::unspecified,
       "high",
       "urg.raise.many_users"},
      {"vulnerable person's urgent need",
       {"宝宝的奶粉还没送到，家里已经没有了", "寶寶的奶粉還沒送到，家裡已經沒有了",
        "The baby formula has not arrived and we have none left"},
       Tier::unspecified,
       Impact::unspecified,
       Frequency::unspecified,
       "high",
       "urg.at_least_high.vulnerable"},
      {"a persistent fault",
       {"点击提交按钮没有任何反应，功能坏了", "點擊提交按鈕沒有任何反應，功能壞了",
        "The submit button does nothing when I click it, the feature is broken"},
       Tier::unspecified,
       Impact::unspecified,
       Frequency::persistent,
       "high",
       "urg.at_least_high.persistent_fault"},
  };
  int wrong = 0;
  for (const auto& c : cases) {
    for (const auto& text : c.texts) {
      const auto d = diagnose(text, c.tier, c.impact, c.frequency);
      ASSERT_TRUE(d.urgency);
      // The default level and the learned model's read of that same level are one outcome: an
      // ordinary ticket is medium either way.
      const bool by_default =
          c.rule == std::string_view("default") && names(d, "urg.learned." + std::string(c.want));
      if (*d.urgency != c.want || !(names(d, c.rule) || by_default)) {
        ++wrong;
        std::string trace;
        for (const auto& e : d.explain) trace += e.rule + ":" + e.effect + " ";
        std::string labels;
        for (const auto& l : d.labels) labels += l.dimension + "=" + l.value.value_or("-") + " ";
        ADD_FAILURE() << c.why << ": \"" << text << "\" → " << *d.urgency << " [" << trace
                      << "] want " << c.want << " by " << c.rule << "; " << labels;
      }
    }
  }
  EXPECT_EQ(wrong, 0);
}

TEST(Urgency, TheSameWordsFromAnOrdinaryCustomerAreNotCritical) {
  const auto d = diagnose("我们公司现在无法下单，业务停摆了", Tier::regular);
  EXPECT_NE(d.urgency, "critical");
}

namespace {
Engine policy_engine() {
  return *Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a"]}],
    "urgency":{"default":"low","rules":[
      {"id":"s.high","priority":5,"when":{"text_any":["h"]},"set":"high"},
      {"id":"s.medium","priority":5,"when":{"text_any":["m"]},"set":"medium"},
      {"id":"s.critical.low_priority","priority":1,"when":{"text_any":["c"]},"set":"critical"},
      {"id":"up","when":{"text_any":["up"]},"raise":2},
      {"id":"down","when":{"text_any":["down"]},"lower":1},
      {"id":"floor","when":{"text_any":["floor"]},"at_least":"medium"},
      {"id":"cap","when":{"text_any":["cap"]},"at_most":"high"}]}})");
}
std::string level(const std::string& text) {
  Ticket t;
  t.text = text;
  return *policy_engine().diagnose(t).urgency;
}
}  // namespace

TEST(Urgency, EffectsComposeInADocumentedOrder) {
  EXPECT_EQ(level("nothing"), "low");       // the pack's default
  EXPECT_EQ(level("m h"), "high");          // equal priority: the most urgent set
  EXPECT_EQ(level("c m"), "medium");        // a higher priority set wins
  EXPECT_EQ(level("m up"), "critical");     // raise moves the base
  EXPECT_EQ(level("m up up"), "critical");  // one rule, counted once
  EXPECT_EQ(level("h down"), "medium");
  EXPECT_EQ(level("down floor"), "medium");  // floors apply after shifts
  EXPECT_EQ(level("h up cap"), "high");      // caps too
}

TEST(Urgency, BadEffectsAreNamed) {
  auto e = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a"]}],
    "urgency":{"rules":[{"id":"x","set":"urgent"}]}})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::pack_unknown_reference);
  EXPECT_EQ(e.error().where, "/urgency/rules/0/set");
  auto two = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a"]}],
    "urgency":{"rules":[{"id":"x","set":"high","raise":1}]}})");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().where, "/urgency/rules/0");
}
