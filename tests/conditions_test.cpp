// Every kind of condition, written in a pack, can hold and can fail. Each condition is placed in
// the `when` of an extra SLA target of the shipped default pack (the SLA stage sees everything a
// condition can read: the ticket, labels, tags, urgency and route); the target is planned exactly
// when the condition holds.
#include <gtest/gtest.h>

#include <algorithm>

#include <boost/json.hpp>

#include "triage/triage.hpp"

using namespace triage;

namespace {

Engine pack_with_probe(const char* condition) {
  auto pack = boost::json::parse(default_pack_json()).as_object();
  auto& targets = pack["sla"].as_object()["targets"].as_array();
  boost::json::object probe;
  probe["name"] = "probe";
  probe["when"] = boost::json::parse(condition);
  probe["completed_by"] = "resolved";
  probe["duration"] = boost::json::parse(R"({"hours": 1})");
  targets.push_back(probe);
  auto e = Engine::from_json(boost::json::serialize(pack));
  EXPECT_TRUE(e) << condition << ": " << (e ? "" : e.error().message);
  return std::move(*e);
}

bool holds(const Engine& e, const char* ticket_json) {
  auto t = parse_ticket(ticket_json);
  EXPECT_TRUE(t) << ticket_json;
  const Diagnosis d = e.diagnose(*t);
  EXPECT_TRUE(d.sla.has_value());
  return d.sla && d.sla->plan.find("probe") != nullptr;
}

struct Case {
  const char* kind;
  const char* condition;
  const char* holding;  // a ticket for which the condition holds
  const char* failing;  // one for which it does not
};

class EachConditionKind : public ::testing::TestWithParam<Case> {};

TEST_P(EachConditionKind, CanHoldAndCanFail) {
  const Case& c = GetParam();
  const Engine e = pack_with_probe(c.condition);
  EXPECT_TRUE(holds(e, c.holding)) << c.kind << " should hold for " << c.holding;
  EXPECT_FALSE(holds(e, c.failing)) << c.kind << " should fail for " << c.failing;
}

const Case kCases[] = {
    {"text_any", R"({"text_any": ["闪退", "crash"]})", R"({"text": "APP一直闪退"})",
     R"({"text": "请问怎么开发票"})"},
    {"text_all", R"({"text_all": ["退款", "没到"]})", R"({"text": "退款一直没到账"})",
     R"({"text": "我要退款"})"},
    {"text_none", R"({"text_none": ["退款"]})", R"({"text": "APP一直闪退"})",
     R"({"text": "我要退款"})"},
    {"regex", R"({"regex": "E\\d{4}"})", R"({"text": "报错 E1024"})", R"({"text": "报错了"})"},
    {"has", R"({"has": ["order_id"]})", R"({"text": "订单没收到", "order_id": "A123456"})",
     R"({"text": "订单没收到"})"},
    {"field_in", R"({"channel": ["phone"]})", R"({"text": "你好", "channel": "phone"})",
     R"({"text": "你好", "channel": "email"})"},
    {"field_exists", R"({"fields": [{"field": "crm.queue", "exists": true}]})",
     R"({"text": "你好", "crm": {"queue": 1}})", R"({"text": "你好"})"},
    {"field_compare", R"({"fields": [{"field": "crm.queue", "op": ">=", "value": 3}]})",
     R"({"text": "你好", "crm": {"queue": 5}})", R"({"text": "你好", "crm": {"queue": 2}})"},
    {"label_in", R"({"label": {"request_kind": "complaint"}})",
     R"({"text": "我要投诉你们客服态度太差"})", R"({"text": "APP一直闪退"})"},
    {"tags_any", R"({"tags": ["crash"]})", R"({"text": "APP一直闪退"})",
     R"({"text": "请问怎么开发票"})"},
    {"urgency_in", R"({"urgency": ["critical", "high"]})", R"({"text": "APP一直闪退，打不开"})",
     R"({"text": "建议增加夜间模式"})"},
    // The customer's own mistake is routed to customer service alone; a crash also to it_ops.
    {"multi_department true", R"({"multi_department": true})", R"({"text": "APP一直闪退"})",
     R"({"text": "是我自己操作失误，把收货地址填错了"})"},
    {"multi_department false", R"({"multi_department": false})",
     R"({"text": "是我自己操作失误，把收货地址填错了"})", R"({"text": "APP一直闪退"})"},
    {"all_of", R"({"all_of": [{"text_any": ["闪退"]}, {"channel": ["app"]}]})",
     R"({"text": "一直闪退", "channel": "app"})", R"({"text": "一直闪退", "channel": "phone"})"},
    {"any_of", R"({"any_of": [{"text_any": ["闪退"]}, {"channel": ["app"]}]})",
     R"({"text": "你好", "channel": "app"})", R"({"text": "你好", "channel": "phone"})"},
    {"not", R"({"not": {"text_any": ["闪退"]}})", R"({"text": "你好"})", R"({"text": "一直闪退"})"},
};

INSTANTIATE_TEST_SUITE_P(Pack, EachConditionKind, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name;
                           for (const char* p = info.param.kind; *p; ++p) {
                             name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
                           }
                           return name;
                         });

}  // namespace

namespace {
// The conditions after classification (urgency rules, routing rows, known issues) are tested
// only when one of their own keywords occurred, unless they can hold without one. The same
// condition as the first urgency rule, routing row and known issue of the default pack: each
// must hold exactly when the condition does.
Engine pack_with_stage2_probes(const char* condition) {
  auto pack = boost::json::parse(default_pack_json()).as_object();
  const auto when = boost::json::parse(condition);
  // A copy of list[from] with the probe's id and condition, tested before every other entry.
  auto add_probe = [&](boost::json::array& list, std::size_t from, const char* id) {
    boost::json::object probe = list[from].as_object();
    probe["id"] = id;
    probe["priority"] = 1000;
    probe["when"] = when;
    list.push_back(std::move(probe));
  };
  add_probe(pack["urgency"].as_object()["rules"].as_array(), 0, "urg.probe");
  add_probe(pack["routing"].as_object()["rules"].as_array(), 7, "route.probe");
  auto& knowledge = pack["knowledge"].as_array();
  boost::json::object k = knowledge[0].as_object();
  k["id"] = "kb.probe";
  k["when"] = when;
  k["keywords"] = boost::json::array{"探针词"};
  knowledge.insert(knowledge.begin(), k);
  auto e = Engine::from_json(boost::json::serialize(pack));
  EXPECT_TRUE(e) << condition << ": " << (e ? "" : e.error().message);
  return std::move(*e);
}

struct Stage2Holds {
  bool urgency, route, knowledge;
};

Stage2Holds stage2_holds(const Engine& e, const char* ticket_json) {
  auto t = parse_ticket(ticket_json);
  EXPECT_TRUE(t) << ticket_json;
  const Diagnosis d = e.diagnose(*t);
  Stage2Holds h{};
  h.urgency = std::any_of(d.explain.begin(), d.explain.end(),
                          [](const Explanation& x) { return x.rule == "urg.probe"; });
  h.route = d.route && d.route->rule == "route.probe";
  h.knowledge = d.knowledge && std::any_of(d.knowledge->begin(), d.knowledge->end(),
                                           [](const auto& m) { return m.id == "kb.probe"; });
  return h;
}
}  // namespace

TEST(ConditionsAfterClassification, HoldWhenTheirKeywordsOccurOrWhenTheyNeedNone) {
  const Case cases[] = {
      {"text_any", R"({"text_any": ["探针词"]})", R"({"text": "我的探针词坏了"})",
       R"({"text": "我的东西坏了"})"},
      {"all_of", R"({"all_of": [{"text_any": ["探针词"]}, {"impact": "many"}]})",
       R"({"text": "我的探针词坏了", "impact": "many"})", R"({"text": "我的探针词坏了"})"},
      {"any_of without a keyword", R"({"any_of": [{"text_any": ["探针词"]}, {"impact": "many"}]})",
       R"({"text": "我的东西坏了", "impact": "many"})", R"({"text": "我的东西坏了"})"},
      {"not", R"({"not": {"text_any": ["探针词"]}})", R"({"text": "我的东西坏了"})",
       R"({"text": "我的探针词坏了"})"},
      {"text_none", R"({"text_none": ["探针词"]})", R"({"text": "我的东西坏了"})",
       R"({"text": "我的探针词坏了"})"},
      {"regex", R"({"regex": "探针[0-9]+号"})", R"({"text": "探针12号坏了"})",
       R"({"text": "探针号坏了"})"},
  };
  for (const Case& c : cases) {
    const Engine e = pack_with_stage2_probes(c.condition);
    const Stage2Holds yes = stage2_holds(e, c.holding), no = stage2_holds(e, c.failing);
    EXPECT_TRUE(yes.urgency && yes.route && yes.knowledge) << c.kind << ": " << c.holding;
    EXPECT_FALSE(no.urgency || no.route || no.knowledge) << c.kind << ": " << c.failing;
  }
}
