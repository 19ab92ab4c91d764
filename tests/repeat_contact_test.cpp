// Repeat contacts: the pack's expressions find them in the folded text, with evidence spans that
// point into the ticket as written, the stated count and the time since; urgency rules, SLA
// targets and templates can use them; metrics count them per group.
#include <memory>

#include <gtest/gtest.h>

#include "test_util.hpp"
#include "triage/classifier.hpp"
#include "triage/engine.hpp"
#include "triage/evaluation.hpp"
#include "triage/metrics.hpp"

namespace {

// The mini pack with the default pack's repeat_contact section, an urgency rule and an opening
// template that use it.
boost::json::object pack_json() {
  auto pack = triage::test::mini_pack_with_default_sla();
  pack["repeat_contact"] = boost::json::parse(triage::default_pack_json()).at("repeat_contact");
  // The default pack's learned signal reads a dimension this pack does not have: expressions
  // only here (see TheLearnedModelFindsWhatNoExpressionMatches).
  pack["repeat_contact"].as_object().erase("learned");
  pack["urgency"].as_object()["rules"].as_array().push_back(boost::json::parse(
      R"({"id": "u.repeat", "when": {"repeat_contact": true}, "at_least": "high"})"));
  pack["templates"] = boost::json::parse(R"([
    {"id": "t.repeat", "kind": "opening", "when": {"repeat_contact": true},
     "text": {"zh-Hans": "抱歉让您[第{repeat_count}次]再来联系我们。", "zh-Hant": "抱歉讓您再來聯繫我們。",
              "en": "Sorry you had to contact us again."}},
    {"id": "t.open", "kind": "opening",
     "text": {"zh-Hans": "您好。", "zh-Hant": "您好。", "en": "Hello."}}])");
  return pack;
}

const triage::Engine& engine() {
  static const triage::Engine e = *triage::Engine::from_json(boost::json::serialize(pack_json()));
  return e;
}

triage::Diagnosis diagnose(const std::string& text) {
  triage::Ticket t;
  t.text = text;
  triage::DiagnoseOptions o;
  o.now = triage::test::at("2026-11-20T10:00:00+08:00");
  return engine().diagnose(t, o);
}

TEST(RepeatContact, TheNthVisitIsFoundWithItsCount) {
  const auto d = diagnose("我今天9点不到到联通营业厅，都来第8次了！排队到11点才排到");
  ASSERT_TRUE(d.repeat_contact);
  EXPECT_TRUE(d.repeat_contact->found);
  EXPECT_EQ(d.repeat_contact->count, 8);
  ASSERT_FALSE(d.repeat_contact->evidence.empty());
  EXPECT_EQ(d.repeat_contact->evidence.front().text, "来第8次");
  EXPECT_EQ(d.repeat_contact->evidence.front().field, "text");
}

TEST(RepeatContact, TheTimeSinceTheFirstReportIsReadInDays) {
  const auto week = diagnose("距离我反映问题已经一个星期了，你们好有耐心哦");
  ASSERT_TRUE(week.repeat_contact->found);
  EXPECT_EQ(week.repeat_contact->days_since, 7);
  const auto ten = diagnose("宽带坏了，投诉了10多天依然没解决");
  ASSERT_TRUE(ten.repeat_contact->found);
  EXPECT_EQ(ten.repeat_contact->days_since, 10);
  const auto en = diagnose("It's been two weeks since I reported the broken router and nothing.");
  ASSERT_TRUE(en.repeat_contact->found);
  EXPECT_EQ(en.repeat_contact->days_since, 14);
}

TEST(RepeatContact, EnglishAndTraditionalChinesePhrasingsAreFound) {
  const auto third = diagnose("This is the third time I am writing about this refund.");
  ASSERT_TRUE(third.repeat_contact->found);
  EXPECT_EQ(third.repeat_contact->count, 3);
  const auto before = diagnose("I already reported this last week and it is still not fixed.");
  EXPECT_TRUE(before.repeat_contact->found);
  // Traditional script and full-width digits fold before matching; the span is the original.
  const auto hant = diagnose("上次已經反映過了，都來第８次了");
  ASSERT_TRUE(hant.repeat_contact->found);
  EXPECT_EQ(hant.repeat_contact->count, 8);
  bool original = false;
  for (const auto& e : hant.repeat_contact->evidence) original |= e.text == "來第８次";
  EXPECT_TRUE(original);
}

TEST(RepeatContact, AFirstContactAndAProductThatFailsRepeatedlyAreNotRepeatContacts) {
  for (const char* text : {"APP一直闪退，打不开", "手机反复死机好几次了，怎么办",
                           "The app crashed three times today.", "第一次买这个牌子，还不错"}) {
    const auto d = diagnose(text);
    ASSERT_TRUE(d.repeat_contact) << text;
    EXPECT_FALSE(d.repeat_contact->found) << text;
    EXPECT_TRUE(d.repeat_contact->evidence.empty()) << text;
  }
}

// Phrasing families of earlier contact seen in the corpus's training split (README "Repeat
// contacts"): each positive beside a near miss that shares its words but is no earlier contact.
TEST(RepeatContact, EarlierContactPhrasingsAreFoundAndTheirNearMissesAreNot) {
  const std::pair<const char*, const char*> cases[] = {
      // a private message already sent / an invitation to send one
      {"昨天已经私信你们了", "可以私信我吗"},
      {"You can check our private message records.", "Can I message you privately?"},
      // told the seller or passed it to an agent / the seller's own words, a result given to me
      {"和卖家说了，一直没处理", "跟卖家说的一样，挺好"},
      {"屏幕坏了，也反映给了客服", "反馈给我的结果很满意"},
      // taken in for repair or exchange / about to be
      {"拿去售后检测，说是人为损坏", "屏幕坏了，准备拿去修"},
      {"拿去售後檢測，說是人為損壞", "螢幕壞了，準備拿去修"},
      // the customer phoned to cancel / the courier phoned the customer
      {"打电话取消订单了，钱还没退", "快递员打电话给我，让我下楼拿"},
      // many calls a day, repeated attempts to return / a first request
      {"每天打不下10个电话", "想退货，怎么操作"},
      {"几次想退都没退成", "想退货，怎么操作"},
      // the customer reached out first / asks to be reached
      {"还是我主动联系的客服", "希望你们主动联系我"},
  };
  for (const auto& [positive, near_miss] : cases) {
    const auto yes = diagnose(positive);
    ASSERT_TRUE(yes.repeat_contact) << positive;
    EXPECT_TRUE(yes.repeat_contact->found) << positive;
    EXPECT_FALSE(yes.repeat_contact->evidence.empty()) << positive;
    const auto no = diagnose(near_miss);
    ASSERT_TRUE(no.repeat_contact) << near_miss;
    EXPECT_FALSE(no.repeat_contact->found) << near_miss;
  }
}

// The keyword scan tells which patterns can match (their literals are present) and only those
// run; that must never lose a match: not when a pattern's literal is also a rule's keyword
// (投诉 is rk.complaint's), not in a field other than the text, not for a pattern with no
// literal at all (it runs on every ticket), and not on the classification path either.
TEST(RepeatContact, EveryPatternRunsWhereverItsLiteralsAppear) {
  auto pack = triage::test::mini_pack_with_default_sla();
  pack["repeat_contact"] =
      boost::json::parse(R"({"patterns": ["投诉过", "\\bagain\\b", "[0-9]{6}[a-z]"]})");
  pack["urgency"].as_object()["rules"].as_array().push_back(boost::json::parse(
      R"({"id": "u.repeat", "when": {"repeat_contact": true}, "at_least": "high"})"));
  const auto e = *triage::Engine::from_json(boost::json::serialize(pack));
  const auto found = [&](triage::Ticket t) {
    triage::DiagnoseOptions o;
    o.now = triage::test::at("2026-11-20T10:00:00+08:00");
    const auto d = e.diagnose(t, o);
    triage::Evaluation ev;
    triage::Classification c;
    e.classify(t, ev, c);
    EXPECT_EQ(c.urgency == triage::Urgency::high, d.repeat_contact->found) << t.text;
    return d.repeat_contact->found ? d.repeat_contact->evidence.front().field + ":" +
                                         d.repeat_contact->evidence.front().text
                                   : std::string("none");
  };
  triage::Ticket shared_keyword;
  shared_keyword.text = "上周已经投诉过了";
  EXPECT_EQ(found(shared_keyword), "text:投诉过");
  triage::Ticket in_subject;
  in_subject.subject = "Writing AGAIN";
  in_subject.text = "the router still drops";
  EXPECT_EQ(found(in_subject), "subject:AGAIN");
  triage::Ticket in_error;
  in_error.text = "upload fails";
  in_error.error_message = "code 123456x";
  EXPECT_EQ(found(in_error), "error_message:123456x");
  triage::Ticket none;
  none.text = "第一次投诉: the upload fails";
  EXPECT_EQ(found(none), "none");
}

TEST(RepeatContact, UrgencyRulesAndTemplatesUseIt) {
  const auto d = diagnose("退款的事打了3次电话投诉，到现在还没人处理");
  ASSERT_TRUE(d.repeat_contact->found);
  EXPECT_EQ(d.urgency, "high");  // at_least high; the same text without it stays medium
  EXPECT_EQ(diagnose("退款什么时候到？").urgency, "medium");
  ASSERT_TRUE(d.response);
  EXPECT_EQ(d.response->id, "t.repeat");
  EXPECT_EQ(d.response->text, "抱歉让您第3次再来联系我们。");
}

TEST(RepeatContact, TheDiagnosisJsonCarriesIt) {
  const auto o = triage::to_json(diagnose("都来第8次了"));
  const auto& rc = o.at("repeat_contact").as_object();
  EXPECT_TRUE(rc.at("found").as_bool());
  EXPECT_EQ(rc.at("count").as_int64(), 8);
  EXPECT_TRUE(rc.at("days_since").is_null());
  EXPECT_EQ(rc.at("evidence").as_array().size(), 1u);
  // Without the section the key is absent, like every other section's.
  auto bare = pack_json();
  bare.erase("repeat_contact");
  bare["urgency"].as_object()["rules"].as_array().pop_back();  // u.repeat needs the section
  bare.erase("templates");
  triage::Ticket t;
  t.text = "都来第8次了";
  const auto without = triage::Engine::from_json(boost::json::serialize(bare));
  ASSERT_TRUE(without) << without.error().message;
  EXPECT_FALSE(triage::to_json(without->diagnose(t)).contains("repeat_contact"));
}

TEST(RepeatContact, NumbersAreReadAsCustomersWriteThem) {
  EXPECT_EQ(diagnose("这个问题我打了十二次电话了").repeat_contact->count, 12);
  EXPECT_EQ(diagnose("都来第二十次了").repeat_contact->count, 20);
  EXPECT_EQ(diagnose("预约了两次都没人来").repeat_contact->count, 2);
  EXPECT_EQ(diagnose("I called customer service twice about it.").repeat_contact->count, 2);
  EXPECT_EQ(diagnose("投诉了半个月还没解决").repeat_contact->days_since, 15);
  const auto some = diagnose("打了几次电话都没人接");  // "几" says more than once, not how many
  EXPECT_TRUE(some.repeat_contact->found);
  EXPECT_FALSE(some.repeat_contact->count);
}

TEST(RepeatContact, SectionMistakesAreNamed) {
  auto pack = pack_json();
  pack["repeat_contact"].as_object()["since"] = boost::json::parse(R"(["投诉了(\\d+)天"])");
  auto e = triage::Engine::from_json(boost::json::serialize(pack));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "/repeat_contact/since/0");  // needs a number and a unit group
  pack = pack_json();
  pack["repeat_contact"].as_object()["patterns"] = boost::json::parse(R"(["(a"])");
  e = triage::Engine::from_json(boost::json::serialize(pack));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, triage::Errc::pack_bad_regex);
  EXPECT_EQ(e.error().where, "/repeat_contact/patterns/0");
  pack = pack_json();
  pack["rules"].as_array().push_back(boost::json::parse(
      R"({"id": "r.repeat", "when": {"repeat_contact": true}, "then": {"tags": ["x"]}})"));
  e = triage::Engine::from_json(boost::json::serialize(pack));
  ASSERT_FALSE(e);  // classification rules run before the repeat contact is known
  EXPECT_NE(e.error().where.find("/rules/"), std::string::npos);
}

// A stand-in for the learned model: it reads "MARK" as a repeat contact, with weight 5 (a
// confidence of 5/6 under the mini pack's smoothing of 1).
class MarkReader final : public triage::Classifier {
 public:
  std::string_view name() const noexcept override { return "mark"; }
  void classify(const triage::Ticket& t, triage::Evaluation& ev) const override {
    ev.add_score("repeat_estimate", t.text.find("MARK") != std::string::npos ? "yes" : "no", 5);
  }
};

boost::json::object pack_with_learned_signal() {
  auto pack = pack_json();
  pack["dimensions"].as_array().push_back(boost::json::parse(
      R"({"id": "repeat_estimate", "values": ["yes", "no"], "min_confidence": 0.55})"));
  pack["repeat_contact"].as_object()["learned"] =
      boost::json::parse(R"({"dimension": "repeat_estimate", "value": "yes"})");
  return pack;
}

TEST(RepeatContact, TheLearnedModelFindsWhatNoExpressionMatches) {
  triage::EngineOptions opts;
  opts.classifiers.push_back(std::make_shared<MarkReader>());
  const auto e =
      triage::Engine::from_json(boost::json::serialize(pack_with_learned_signal()), opts);
  ASSERT_TRUE(e) << e.error().message;
  triage::DiagnoseOptions o;
  o.now = triage::test::at("2026-11-20T10:00:00+08:00");
  auto diagnose_with = [&](const std::string& text) {
    triage::Ticket t;
    t.text = text;
    return e->diagnose(t, o);
  };
  // No expression matches; the model's decided "yes" makes it a repeat contact, without spans.
  const auto marked = diagnose_with("MARK 退款什么时候到？");
  ASSERT_TRUE(marked.repeat_contact);
  EXPECT_TRUE(marked.repeat_contact->found);
  EXPECT_TRUE(marked.repeat_contact->evidence.empty());
  ASSERT_TRUE(marked.repeat_contact->learned);
  EXPECT_NEAR(*marked.repeat_contact->learned, 5.0 / 6.0, 1e-3);  // as the label reports it
  EXPECT_EQ(*marked.repeat_contact->learned, marked.labels.back().confidence);
  EXPECT_EQ(marked.urgency, "high");  // u.repeat reads it like an expression's finding
  const auto o_json = triage::to_json(marked).at("repeat_contact").as_object();
  EXPECT_NEAR(o_json.at("learned").as_double(), 5.0 / 6.0, 1e-3);
  // Classification alone (no diagnosis) asks the same question for its urgency rules.
  triage::Classification c;
  triage::Evaluation ev;
  triage::Ticket t;
  t.text = "MARK 退款什么时候到？";
  e->classify(t, ev, c);
  EXPECT_EQ(c.urgency, triage::Urgency::high);
  // An expression's finding stays the expression's: spans, and no learned confidence.
  const auto both = diagnose_with("MARK 都来第8次了");
  EXPECT_TRUE(both.repeat_contact->found);
  EXPECT_FALSE(both.repeat_contact->evidence.empty());
  EXPECT_FALSE(both.repeat_contact->learned);
  // The model's "no", or nothing decided: no repeat contact.
  const auto plain = diagnose_with("退款什么时候到？");
  EXPECT_FALSE(plain.repeat_contact->found);
  EXPECT_TRUE(triage::to_json(plain).at("repeat_contact").as_object().at("learned").is_null());
  EXPECT_EQ(plain.urgency, "medium");
}

TEST(RepeatContact, TheLearnedSignalsMistakesAreNamed) {
  auto with = [](const char* learned) {
    auto pack = pack_with_learned_signal();
    pack["repeat_contact"].as_object()["learned"] = boost::json::parse(learned);
    return triage::Engine::from_json(boost::json::serialize(pack));
  };
  auto e = with(R"({"dimension": "nope", "value": "yes"})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, triage::Errc::pack_unknown_reference);
  EXPECT_EQ(e.error().where, "/repeat_contact/learned/dimension");
  e = with(R"({"dimension": "repeat_estimate", "value": "maybe"})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, triage::Errc::pack_unknown_reference);
  EXPECT_EQ(e.error().where, "/repeat_contact/learned/value");
  e = with(R"({"dimension": "repeat_estimate"})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "/repeat_contact/learned");
  e = with(R"({"dimension": "repeat_estimate", "value": "yes", "weight": 2})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "/repeat_contact/learned/weight");
  e = with(R"({"dimension": 3, "value": "yes"})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "/repeat_contact/learned/dimension");
}

TEST(RepeatContact, MetricsCountRepeatContactsPerGroup) {
  std::vector<triage::TicketHistory> hs(3);
  hs[0].ticket.text = "都来第8次了，退款还没到";
  hs[1].ticket.text = "退款还没到";
  hs[2].ticket.text = "APP闪退，上次已经反映过了";
  const auto m = triage::compute_metrics(engine(), hs);
  EXPECT_EQ(m.overall.repeat_contacts, 2u);
  std::size_t per_group = 0;
  for (const auto& [g, r] : m.by_group) per_group += r.repeat_contacts;
  EXPECT_EQ(per_group, 2u);
  EXPECT_EQ(triage::to_json(m).at("repeat_contacts").to_number<int>(), 2);
  EXPECT_NE(triage::to_table(m).find("repeat"), std::string::npos);
}

// The default pack ships the section, an urgency rule for upset repeat contacts, an escalation
// target owned by a supervisor and an opening that owns up to the repeat.
triage::Diagnosis builtin(const std::string& text) {
  triage::Ticket t;
  t.text = text;
  t.created_at = triage::parse_timestamp("2026-11-20T10:00:00+08:00").value();
  return triage::Engine::builtin().diagnose(t);
}

TEST(RepeatContact, TheDefaultPackFindsItInThreeScripts) {
  for (const char* text : {
           "宽带又断了，这已经是我第三次打电话来报修了",
           "上次已经反映过屏幕的问题，到现在还没人处理",
           "退款申请提交半个月了，催了好几次，客服一直说在审核",
           "上次已經反映過了，寬頻還是不通，都來第四次了",
           "跟客服聯繫了三次都沒有回覆",
           "This is the third time I am writing about my refund.",
           "I already called last week and the router is still not fixed.",
           "I have contacted support several times and nobody answers.",
       }) {
    const auto d = builtin(text);
    ASSERT_TRUE(d.repeat_contact) << text;
    EXPECT_TRUE(d.repeat_contact->found) << text;
    EXPECT_FALSE(d.repeat_contact->evidence.empty()) << text;
  }
  // A first contact, a product that fails again and again, and a threat to complain are not.
  for (const char* text :
       {"APP一直闪退，打不开", "手机反复死机好几次了，怎么办",
        "我要投诉到市场监管局，你们标的价格和实际收的不一样", "第一次买这个牌子，还不错",
        "The app crashed three times today.",
        "I will report you to the regulator if this is not refunded.", "How do I change my PIN?"}) {
    const auto d = builtin(text);
    ASSERT_TRUE(d.repeat_contact) << text;
    EXPECT_FALSE(d.repeat_contact->found) << text;
  }
}

TEST(RepeatContact, TheDefaultPackEscalatesItAndOwnsUpToItInTheOpening) {
  const auto d = builtin("宽带断了三天，打了5次电话都没人来修，你们到底管不管！！");
  ASSERT_TRUE(d.repeat_contact && d.repeat_contact->found);
  EXPECT_EQ(d.repeat_contact->count, 5);
  // Upset and not the first contact: at least high, whatever the text alone would give.
  EXPECT_EQ(d.urgency, "high");
  bool urgency_rule = false;
  for (const auto& e : d.explain) urgency_rule |= e.rule == "urg.at_least_high.repeat_contact";
  EXPECT_TRUE(urgency_rule);
  // The escalation flag: a target only repeat contacts get, with a supervisor told.
  ASSERT_TRUE(d.sla);
  const triage::SlaTarget* esc = d.sla->plan.find("escalation");
  ASSERT_NE(esc, nullptr);
  EXPECT_EQ(esc->notify, "supervisor");
  EXPECT_EQ(esc->due, triage::test::at("2026-11-20T10:30:00+08:00"));
  ASSERT_TRUE(d.response);
  EXPECT_EQ(d.response->id, "tpl.opening.repeat");
  EXPECT_NE(d.response->text.find("前后已经5次"), std::string::npos) << d.response->text;
  // A first contact gets neither.
  const auto first = builtin("宽带断了，麻烦尽快派人来修");
  ASSERT_TRUE(first.sla);
  EXPECT_EQ(first.sla->plan.find("escalation"), nullptr);
  ASSERT_TRUE(first.response);
  EXPECT_NE(first.response->id, "tpl.opening.repeat");
}

}  // namespace
