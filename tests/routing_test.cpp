// Every row of the product spec's routing table, in simplified Chinese, traditional Chinese and
// English, through the built-in pack.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "triage/triage.hpp"

using namespace triage;

namespace {
struct Row {
  const char* name;
  std::vector<std::string> texts;  // zh-Hans, zh-Hant, en
  const char* primary;
  std::vector<std::string> assisting;
};

Diagnosis diagnose(const std::string& text, Impact impact = Impact::unspecified) {
  Ticket t;
  t.text = text;
  t.impact = impact;
  return Engine::builtin().diagnose(t);
}
}  // namespace

TEST(Routing, EveryRowOfTheDefaultTable) {
  const std::vector<Row> rows = {
      {"client system failure",
       {"APP一直闪退，打开就崩溃", "APP一直閃退，打開就當機",
        "The app keeps crashing every time I open it"},
       "engineering",
       {"it_ops"}},
      {"server-side failure",
       {"网站打不开，显示502，服务器是不是宕机了", "網站打不開，顯示502，伺服器是不是掛了",
        "Your website is down, I get a 502 Bad Gateway, server outage?"},
       "it_ops",
       {"engineering"}},
      {"product function defect",
       {"点击提交按钮没有任何反应，功能坏了", "點擊提交按鈕沒有任何反應，功能壞了",
        "The submit button does nothing when I click it, the feature is broken"},
       "engineering",
       {"product"}},
      {"product question or suggestion",
       {"建议增加夜间模式，现在的界面太刺眼", "建議增加深色模式，現在的介面太刺眼",
        "I suggest adding a dark mode, the interface is too bright"},
       "product",
       {"engineering"}},
      {"custom requirement",
       {"我们公司想定制开发一个接口对接ERP，请报个价",
        "我們公司想客製化開發一個介面對接ERP，請報價",
        "We need a custom integration with our ERP, please send a quote for the development"},
       "product",
       {"engineering"}},
      {"refund and payment",
       {"同一笔订单被扣款两次，请退款", "同一筆訂單被扣款兩次，請退款",
        "I was charged twice for the same order, please refund me"},
       "finance",
       {"customer_service"}},
      {"service process",
       {"转人工客服一直转不过去，等了半小时没人理", "轉人工客服一直轉不過去，等了半小時沒人理",
        "I tried to reach a human agent for half an hour and the transfer keeps failing"},
       "customer_service",
       {"operations"}},
      {"logistics",
       {"快递三天了物流一直没更新，包裹到底在哪", "快遞三天了物流一直沒更新，包裹到底在哪",
        "My parcel has not moved for three days, the tracking never updates"},
       "operations",
       {"customer_service"}},
      {"communication misunderstanding",
       {"客服之前承诺包邮，结果还是收了运费，说话不算数",
        "客服之前承諾免運，結果還是收了運費，說話不算數",
        "Your agent promised free shipping but you charged me anyway, you broke your promise"},
       "customer_service",
       {"legal"}},
      {"legal threat",
       {"再不处理我就去12315投诉，找律师起诉你们", "再不處理我就去消基會投訴，找律師告你們",
        "If this is not fixed I will contact my lawyer and sue you"},
       "legal",
       {"customer_service"}},
      {"customer's own mistake or network",
       {"是我自己操作失误，把地址填错了", "是我自己操作失誤，把地址填錯了",
        "My mistake, I entered the wrong address myself"},
       "customer_service",
       {}},
      {"third-party interface",
       {"支付宝支付接口一直报错，第三方支付渠道有问题", "信用卡支付接口一直報錯，第三方金流有問題",
        "The third-party payment gateway keeps returning errors at checkout"},
       "engineering",
       {"operations"}},
  };
  int wrong = 0;
  for (const auto& row : rows) {
    for (const auto& text : row.texts) {
      const auto d = diagnose(text);
      ASSERT_TRUE(d.route);
      if (d.route->primary != row.primary || d.route->assisting != row.assisting) {
        ++wrong;
        std::string labels;
        for (const auto& l : d.labels) labels += l.dimension + "=" + l.value.value_or("-") + " ";
        ADD_FAILURE() << row.name << ": \"" << text << "\" → " << d.route->primary << " ("
                      << d.route->rule << "), want " << row.primary << "; " << labels;
      }
    }
  }
  EXPECT_EQ(wrong, 0);
}

TEST(Routing, SeveralDepartmentsMeanCustomerServiceCoordinates) {
  const auto multi = diagnose("同一笔订单被扣款两次，请退款");
  EXPECT_EQ(multi.route->coordinator, "customer_service");
  const auto single = diagnose("是我自己操作失误，把地址填错了");
  EXPECT_TRUE(single.route->assisting.empty());
  EXPECT_FALSE(single.route->coordinator);
}

TEST(Routing, ImpactManyMovesAClientFailureToOperations) {
  const auto one = diagnose("APP一直闪退");
  const auto many = diagnose("APP一直闪退", Impact::many);
  EXPECT_EQ(one.route->primary, "engineering");
  EXPECT_EQ(many.route->primary, "it_ops");
}

TEST(Routing, TheHandlingGroupFollowsTheRequestKind) {
  EXPECT_EQ(diagnose("APP一直闪退，打开就崩溃").route->group, "tech_support");
  EXPECT_EQ(diagnose("请问怎么修改收货地址？").route->group, "customer_service");
  EXPECT_EQ(diagnose("我要投诉你们的客服态度太差了").route->group, "customer_service");
  EXPECT_EQ(diagnose("我们公司想定制开发一个接口对接ERP，请报个价").route->group, "product");
}

TEST(Routing, TheExplanationNamesTheRow) {
  const auto d = diagnose("If this is not fixed I will contact my lawyer and sue you");
  auto it = std::find_if(d.explain.begin(), d.explain.end(),
                         [](const Explanation& e) { return e.step == "route"; });
  ASSERT_NE(it, d.explain.end());
  EXPECT_EQ(it->rule, "route.legal");
  EXPECT_EQ(it->effect, "primary legal, assisting customer_service");
}

TEST(Routing, ARowThatInheritsTakesTheAssistingDepartmentsOfTheNextRowWithItsOwner) {
  // "learned" names the owner only; the table's rows below say who assists.
  const auto pack = parse_pack(R"({"schema": 1, "name": "t", "version": "1",
    "dimensions": [{"id": "d", "values": ["a", "b"]}],
    "rules": [{"id": "ra", "when": {"text_any": ["aa"]}, "then": {"score": {"d": {"a": 1}}}},
              {"id": "rb", "when": {"text_any": ["bb"]}, "then": {"score": {"d": {"b": 1}}}}],
    "departments": ["p", "q", "r"],
    "routing": {"coordinator": "r", "default": {"primary": "p", "assisting": ["r"]}, "rules": [
      {"id": "learned", "priority": 9, "when": {"text_any": ["owner"]}, "primary": "p",
       "assisting": "inherit"},
      {"id": "table.a", "priority": 5, "when": {"label": {"d": "a"}}, "primary": "p",
       "assisting": ["q"]},
      {"id": "table.b", "priority": 5, "when": {"label": {"d": "b"}}, "primary": "q",
       "assisting": ["p"]}]}})");
  ASSERT_TRUE(pack) << pack.error().message;
  const auto engine = Engine::compile(*pack);
  ASSERT_TRUE(engine) << engine.error().message;
  auto route = [&](const char* text) {
    Ticket t;
    t.text = text;
    return *engine->diagnose(t).route;
  };
  const auto a = route("owner aa");
  EXPECT_EQ(a.rule, "learned");
  EXPECT_EQ(a.assisting, std::vector<std::string>{"q"});
  // The row that holds below names another owner: the default's assisting (same owner) serve.
  EXPECT_EQ(route("owner bb").assisting, std::vector<std::string>{"r"});
  EXPECT_EQ(route("bb").primary, "q");
}

TEST(Routing, AssistingIsAListOrInherit) {
  const auto pack = parse_pack(R"({"schema": 1, "name": "t", "version": "1",
    "dimensions": [{"id": "d", "values": ["a"]}], "departments": ["p"],
    "routing": {"coordinator": "p", "default": {"primary": "p", "assisting": "inherit"}}})");
  ASSERT_FALSE(pack);
  EXPECT_EQ(pack.error().where, "/routing/default/assisting");
}

TEST(Routing, ARowsAssistingThatIsNeitherAListNorInheritIsAPackErrorThatNamesThePlace) {
  const auto pack = parse_pack(R"({"schema": 1, "name": "t", "version": "1",
    "dimensions": [{"id": "d", "values": ["a"]}], "departments": ["p"],
    "routing": {"coordinator": "p", "default": {"primary": "p"}, "rules": [
      {"id": "r", "when": {"label": {"d": "a"}}, "primary": "p", "assisting": "inherits"}]}})");
  ASSERT_FALSE(pack);
  EXPECT_EQ(pack.error().code, Errc::pack_invalid);
  EXPECT_EQ(pack.error().where, "/routing/rules/0/assisting");
  EXPECT_NE(pack.error().message.find("inherit"), std::string::npos);
}

TEST(Routing, PacksWithoutARoutingSectionGiveNoRoute) {
  auto e = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a"]}]})");
  ASSERT_TRUE(e);
  Ticket t;
  t.text = "x";
  const auto d = e->diagnose(t);
  EXPECT_FALSE(d.route);
  EXPECT_FALSE(d.urgency);
  EXPECT_EQ(boost::json::serialize(to_json(d)).find("\"route\""), std::string::npos);
}

TEST(Routing, RoutingSectionMistakesAreNamed) {
  auto bad = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a"]}],
    "departments":["x","y"],
    "routing":{"coordinator":"x","default":{"primary":"x"},
               "rules":[{"id":"r","when":{"label":{"d":"a"}},"primary":"z"}]}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::pack_unknown_reference);
  EXPECT_EQ(bad.error().where, "/routing/rules/0/primary");
  auto stage1 = Engine::from_json(R"({"schema":1,"name":"t","version":"1",
    "dimensions":[{"id":"d","values":["a"]}],
    "rules":[{"id":"r","when":{"label":{"d":"a"}},"then":{}}]})");
  ASSERT_FALSE(stage1);
  EXPECT_EQ(stage1.error().code, Errc::pack_invalid);
  EXPECT_EQ(stage1.error().where, "/rules/0/when/label");
}
