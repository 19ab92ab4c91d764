// Answers that never go stale: a template or knowledge entry outside its [valid_from,
// valid_until) window is never chosen, judged at the ticket's created_at (or the `now` the host
// passes) whatever offsets the instants were written with; `validate` with an instant warns about
// entries expired by then or expiring within 30 days.
#include <gtest/gtest.h>

#include "test_util.hpp"
#include "triage/engine.hpp"
#include "triage/validate.hpp"

namespace {
using triage::test::at;

boost::json::object pack_json() {
  auto pack = triage::test::mini_pack_with_default_sla();
  pack["departments"] = boost::json::parse(R"([{"id": "finance"}])");
  pack["knowledge"] = boost::json::parse(R"([
    {"id": "kb.double11", "valid_from": "2026-10-20T00:00:00+08:00",
     "valid_until": "2026-11-11T00:00:00+08:00", "when": {"text_any": ["差价", "price drop"]},
     "title": {"zh-Hans": "双十一价保", "zh-Hant": "雙十一價保", "en": "Double 11 price protection"},
     "cause": {"zh-Hans": "活动期内降价可退差价。", "zh-Hant": "活動期內降價可退差價。", "en": "A drop within the campaign is refunded."},
     "immediate": {"zh-Hans": ["核对下单时间"], "zh-Hant": ["核對下單時間"], "en": ["Check the order date"]},
     "long_term": {"zh-Hans": "每期规则带有效期。", "zh-Hant": "每期規則帶有效期。", "en": "Every campaign's rules are dated."},
     "owner": "finance"},
    {"id": "kb.618", "valid_until": "2026-06-21T00:00:00+08:00", "when": {"text_any": ["差价", "price drop"]},
     "title": {"zh-Hans": "618价保", "zh-Hant": "618價保", "en": "618 price protection"},
     "cause": {"zh-Hans": "上一期规则。", "zh-Hant": "上一期規則。", "en": "Last season's rule."},
     "immediate": {"zh-Hans": ["x"], "zh-Hant": ["x"], "en": ["x"]},
     "long_term": {"zh-Hans": "x", "zh-Hant": "x", "en": "x"}, "owner": "finance"}])");
  pack["templates"] = boost::json::parse(R"([
    {"id": "t.campaign", "kind": "opening", "valid_from": "2026-11-01T00:00:00-05:00",
     "valid_until": "2026-11-12T00:00:00+08:00",
     "text": {"zh-Hans": "双十一期间咨询量大，我们会尽快回复。", "zh-Hant": "雙十一期間諮詢量大。", "en": "It is Double 11: replies may take longer."}},
    {"id": "t.open", "kind": "opening", "text": {"zh-Hans": "您好。", "zh-Hant": "您好。", "en": "Hello."}}])");
  return pack;
}

const triage::Engine& engine() {
  static const triage::Engine e = *triage::Engine::from_json(boost::json::serialize(pack_json()));
  return e;
}

triage::Diagnosis at_instant(const char* created,
                             const std::string& text = "双十一买的电视降了，能退差价吗") {
  triage::Ticket t;
  t.text = text;
  t.created_at = triage::parse_timestamp(created).value();
  return engine().diagnose(t);
}

std::vector<std::string> knowledge_ids(const triage::Diagnosis& d) {
  std::vector<std::string> ids;
  for (const auto& k : *d.knowledge) ids.push_back(k.id);
  return ids;
}

TEST(Validity, AnEntryEndsAtItsValidUntilInstantWhateverTheZones) {
  // valid_until 2026-11-11T00:00:00+08:00 is 2026-11-10T16:00:00Z.
  EXPECT_EQ(knowledge_ids(at_instant("2026-11-10T15:59:59Z")),
            std::vector<std::string>{"kb.double11"});
  EXPECT_TRUE(knowledge_ids(at_instant("2026-11-10T16:00:00Z")).empty());  // the end is exclusive
  EXPECT_TRUE(knowledge_ids(at_instant("2026-11-10T16:30:00Z")).empty());
  EXPECT_FALSE(knowledge_ids(at_instant("2026-11-10T23:30:00+08:00")).empty());  // 15:30Z
  EXPECT_TRUE(knowledge_ids(at_instant("2026-11-10T11:30:00-05:00")).empty());   // 16:30Z
}

TEST(Validity, AnEntryStartsAtItsValidFromInstant) {
  // valid_from 2026-10-20T00:00:00+08:00 is 2026-10-19T16:00:00Z, and it is inclusive.
  EXPECT_TRUE(knowledge_ids(at_instant("2026-10-19T15:59:59Z")).empty());
  EXPECT_EQ(knowledge_ids(at_instant("2026-10-19T16:00:00Z")),
            std::vector<std::string>{"kb.double11"});
  EXPECT_EQ(knowledge_ids(at_instant("2026-10-20T00:00:00+08:00")),
            std::vector<std::string>{"kb.double11"});
}

TEST(Validity, LastSeasonsRulesAreNeverQuoted) {
  EXPECT_EQ(knowledge_ids(at_instant("2026-06-20T12:00:00+08:00")),
            std::vector<std::string>{"kb.618"});
  for (const char* when : {"2026-06-21T00:00:00+08:00", "2026-11-05T10:00:00+08:00"}) {
    for (const auto& id : knowledge_ids(at_instant(when))) EXPECT_NE(id, "kb.618") << when;
  }
}

TEST(Validity, TemplatesOutsideTheirWindowGiveWayToTheNext) {
  // t.campaign runs from 2026-11-01T05:00:00Z to 2026-11-11T16:00:00Z.
  EXPECT_EQ(at_instant("2026-11-01T04:59:59Z", "你好").response->id, "t.open");
  EXPECT_EQ(at_instant("2026-11-01T13:00:00+08:00", "你好").response->id, "t.campaign");
  EXPECT_EQ(at_instant("2026-11-11T23:59:59+08:00", "你好").response->id, "t.campaign");
  EXPECT_EQ(at_instant("2026-11-12T00:00:00+08:00", "你好").response->id, "t.open");
}

TEST(Validity, WithoutCreatedAtTheHostsNowDecides) {
  triage::Ticket t;
  t.text = "能退差价吗";
  triage::DiagnoseOptions o;
  o.now = at("2026-11-05T10:00:00+08:00");
  EXPECT_EQ(knowledge_ids(engine().diagnose(t, o)), std::vector<std::string>{"kb.double11"});
  o.now = at("2026-12-05T10:00:00+08:00");
  EXPECT_TRUE(knowledge_ids(engine().diagnose(t, o)).empty());
}

TEST(Validity, WindowMistakesAreNamed) {
  auto pack = pack_json();
  pack["templates"].as_array()[0].as_object()["valid_until"] = "2026-10-01T00:00:00+08:00";
  auto e = triage::Engine::from_json(boost::json::serialize(pack));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, triage::Errc::pack_invalid);
  EXPECT_EQ(e.error().where, "/templates/0/valid_until");
  pack = pack_json();
  pack["knowledge"].as_array()[0].as_object()["valid_from"] = "2026-10-20 00:00";  // no offset
  e = triage::Engine::from_json(boost::json::serialize(pack));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, triage::Errc::pack_invalid);  // a pack's timestamps are its structure
  EXPECT_EQ(e.error().where, "/knowledge/0/valid_from");
  EXPECT_NE(e.error().message.find("missing UTC offset"), std::string::npos);
}

std::vector<std::string> lint_codes(const triage::ValidateOptions& vo) {
  std::vector<std::string> out;
  for (const auto& f : triage::validate_pack(boost::json::serialize(pack_json()), {}, vo)) {
    if (f.code == "expired" || f.code == "expiring_soon")
      out.push_back(f.code + " " + f.rules.at(0));
  }
  return out;
}

TEST(Validity, ValidateAtAnInstantWarnsAboutExpiredAndExpiringEntries) {
  triage::ValidateOptions vo;
  EXPECT_TRUE(lint_codes(vo).empty());  // without an instant, dates are not judged
  vo.at = at("2026-06-01T00:00:00+08:00");
  EXPECT_EQ(lint_codes(vo), std::vector<std::string>{"expiring_soon kb.618"});
  vo.at = at("2026-10-15T00:00:00+08:00");
  EXPECT_EQ(lint_codes(vo),
            (std::vector<std::string>{"expiring_soon t.campaign", "expiring_soon kb.double11",
                                      "expired kb.618"}));
  // 30 days before 2026-11-11T00:00:00+08:00 exactly: expiring; a second earlier: not yet.
  vo.at = at("2026-10-11T16:00:00Z");
  EXPECT_EQ(lint_codes(vo),
            (std::vector<std::string>{"expiring_soon kb.double11", "expired kb.618"}));
  vo.at = at("2026-10-11T15:59:59Z");
  EXPECT_EQ(lint_codes(vo), std::vector<std::string>{"expired kb.618"});
  vo.at = at("2026-12-01T00:00:00Z");
  EXPECT_EQ(lint_codes(vo), (std::vector<std::string>{"expired t.campaign", "expired kb.double11",
                                                      "expired kb.618"}));
  for (const auto& f : triage::validate_pack(boost::json::serialize(pack_json()), {}, vo)) {
    if (f.code == "expired") {
      EXPECT_EQ(f.severity, triage::Finding::Severity::warning);
    }
  }
}

// The default pack's dated campaign entry: the Double 12 sale's return and price rules are offered
// from the sale's first instant until the extended return period ends, and never outside.
std::vector<std::string> default_pack_knowledge(const char* created) {
  triage::Ticket t;
  t.text = "双十二买的羽绒服降价了，能退差价吗？";
  t.created_at = triage::parse_timestamp(created).value();
  const auto d = triage::Engine::builtin().diagnose(t);
  std::vector<std::string> ids;
  for (const auto& k : *d.knowledge) ids.push_back(k.id);
  return ids;
}

TEST(Validity, TheDefaultPacksCampaignEntryIsOfferedOnlyInsideItsWindow) {
  const std::vector<std::string> campaign{"kb.campaign_double12_2026"};
  EXPECT_EQ(default_pack_knowledge("2026-12-10T20:00:00+08:00"), campaign);
  EXPECT_EQ(default_pack_knowledge("2026-11-30T16:00:00Z"), campaign);  // 12-01 00:00 in Beijing
  EXPECT_TRUE(default_pack_knowledge("2026-11-30T23:59:59+08:00").empty());
  EXPECT_TRUE(default_pack_knowledge("2026-11-11T10:00:00+08:00").empty());  // last sale's day
  EXPECT_EQ(default_pack_knowledge("2027-01-12T10:59:59-05:00"), campaign);
  EXPECT_TRUE(default_pack_knowledge("2027-01-12T11:00:00-05:00").empty());  // its valid_until
  // validate --at names it a month before it ends, and as expired after.
  auto dated = [](const char* instant) {
    triage::ValidateOptions vo;
    vo.at = at(instant);
    std::vector<std::string> out;
    for (const auto& f : triage::validate_pack(triage::default_pack_json(), {}, vo)) {
      if (f.code == "expired" || f.code == "expiring_soon")
        out.push_back(f.code + " " + f.rules.at(0));
    }
    return out;
  };
  EXPECT_TRUE(dated("2026-12-01T00:00:00+08:00").empty());
  EXPECT_EQ(dated("2026-12-20T00:00:00+08:00"),
            std::vector<std::string>{"expiring_soon kb.campaign_double12_2026"});
  EXPECT_EQ(dated("2027-02-01T00:00:00+08:00"),
            std::vector<std::string>{"expired kb.campaign_double12_2026"});
}

}  // namespace
