#include "triage/ticket.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

using namespace triage;
namespace json = boost::json;

namespace {
const char* kFull = R"({
  "id": "T-1", "channel": "app", "created_at": "2026-11-20T14:30:00+08:00",
  "customer": {"id": "C20240520001", "name": "王女士", "tier": "vip", "tenure": "returning",
               "phone": "13800138000", "email": "wang@example.com", "level": 7},
  "text": "APP登录后“我的订单”页面无响应", "subject": "订单页无响应", "module": "APP订单中心",
  "product": "商城APP", "version": "v2.1.0", "os": "Android 14", "order_id": "2026112012345678",
  "error_message": "E1024", "occurred_at": "2026-11-20T14:28:00+08:00", "frequency": "persistent",
  "attempted": ["已重启手机", "重新登录账号"], "impact": "single",
  "crm": {"queue": 3, "flags": [true, null]}
})";
}  // namespace

TEST(Ticket, ReadsEveryFieldOfTheSpec) {
  auto t = parse_ticket(kFull);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->id, "T-1");
  EXPECT_EQ(t->channel, Channel::app);
  EXPECT_EQ(t->created_at->offset_minutes, 480);
  ASSERT_TRUE(t->customer);
  EXPECT_EQ(t->customer->tier, Tier::vip);
  EXPECT_EQ(t->customer->tenure, Tenure::returning);
  EXPECT_EQ(t->customer->phone, "13800138000");
  EXPECT_EQ(t->text, "APP登录后“我的订单”页面无响应");
  EXPECT_EQ(t->module, "APP订单中心");
  EXPECT_EQ(t->os, "Android 14");
  EXPECT_EQ(t->frequency, Frequency::persistent);
  EXPECT_EQ(t->impact, Impact::single);
  ASSERT_TRUE(t->attempted);
  EXPECT_EQ(t->attempted->size(), 2u);
}

TEST(Ticket, RoundTripsLosslesslyIncludingUnknownFields) {
  auto t = parse_ticket(kFull);
  ASSERT_TRUE(t);
  const json::object out = to_json(*t);
  EXPECT_EQ(out.at("crm"), json::parse(R"({"queue": 3, "flags": [true, null]})"));
  EXPECT_EQ(out.at("customer").at("level"), json::value(7));
  auto again = ticket_from_json(out);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *t);
  // Every key of the input comes back with the same value.
  const json::object in = json::parse(kFull).as_object();
  for (const auto& kv : in) {
    ASSERT_TRUE(out.contains(kv.key())) << kv.key();
    EXPECT_EQ(out.at(kv.key()), kv.value()) << kv.key();
  }
  EXPECT_EQ(out.size(), in.size());
}

TEST(Ticket, OnlyTextIsRequired) {
  auto t = parse_ticket(R"({"text": "hello"})");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->channel, Channel::unspecified);
  EXPECT_FALSE(t->customer);
  EXPECT_EQ(json::serialize(to_json(*t)), R"({"text":"hello"})");
  auto missing = parse_ticket(R"({"id": "x"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::field_missing);
  EXPECT_EQ(missing.error().where, "/text");
}

TEST(Ticket, AnUnknownEnumValueNamesTheFieldAndTheChoices) {
  auto t = parse_ticket(R"({"text": "x", "customer": {"tier": "gold"}})");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Errc::field_value);
  EXPECT_EQ(t.error().where, "/customer/tier");
  EXPECT_EQ(t.error().message,
            "/customer/tier: unknown value \"gold\"; expected vip|regular|enterprise");
  auto c = parse_ticket(R"({"text": "x", "channel": "fax"})");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().where, "/channel");
  EXPECT_NE(c.error().message.find("mini_program"), std::string::npos);
}

TEST(Ticket, AWrongTypeNamesTheField) {
  struct Case {
    const char* json;
    const char* where;
  } cases[] = {
      {R"({"text": 5})", "/text"},
      {R"({"text": "x", "attempted": "restart"})", "/attempted"},
      {R"({"text": "x", "attempted": ["ok", 3]})", "/attempted/1"},
      {R"({"text": "x", "customer": "vip"})", "/customer"},
      {R"({"text": "x", "customer": {"phone": 138}})", "/customer/phone"},
      {R"({"text": "x", "frequency": 2})", "/frequency"},
  };
  for (const auto& c : cases) {
    auto t = parse_ticket(c.json);
    ASSERT_FALSE(t) << c.json;
    EXPECT_EQ(t.error().code, Errc::field_type) << c.json;
    EXPECT_EQ(t.error().where, c.where) << c.json;
  }
}

TEST(Ticket, BadTimestampsAreFormatErrors) {
  auto t = parse_ticket(R"({"text": "x", "created_at": "2026-11-20 14:30"})");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Errc::field_format);
  EXPECT_EQ(t.error().where, "/created_at");
}

TEST(Ticket, MalformedJsonReportsLineAndColumn) {
  auto t = parse_ticket("{\"text\": \"x\",\n  \"id\": }");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Errc::json_syntax);
  EXPECT_EQ(t.error().line, 2u);
  EXPECT_EQ(t.error().column, 9u);
  EXPECT_FALSE(parse_ticket("[1, 2]"));
  EXPECT_EQ(parse_ticket("[1, 2]").error().code, Errc::not_an_object);
  EXPECT_EQ(parse_ticket("").error().code, Errc::json_syntax);
  EXPECT_EQ(parse_ticket(R"({"text":"x"} trailing)").error().code, Errc::json_syntax);
}

TEST(Ticket, HostileInputIsAnErrorNotACrash) {
  EXPECT_EQ(parse_ticket(std::string(100, '[') + std::string(100, ']')).error().code,
            Errc::json_too_deep);
  EXPECT_EQ(parse_ticket("{\"text\": \"\xff\xfe\"}").error().code, Errc::json_syntax);
  std::string huge = R"({"text": ")" + std::string((1 << 20) + 1, 'a') + "\"}";
  EXPECT_EQ(parse_ticket(huge).error().code, Errc::text_too_large);
  auto nul = parse_ticket(std::string("{\"text\": \"a\\u0000b\"}"));
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->text.size(), 3u);
}
