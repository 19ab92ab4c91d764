#include "triage/batch.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

using namespace triage;

TEST(Batch, AGoodLineBecomesItsDiagnosis) {
  Evaluation ev;
  auto r = diagnose_line(Engine::builtin(), R"({"id": "a", "text": "APP闪退"})", 1, ev);
  EXPECT_FALSE(r.error);
  auto v = boost::json::parse(r.json);
  EXPECT_EQ(v.at("ticket_id"), "a");
  EXPECT_TRUE(v.at("labels").is_object());
  EXPECT_EQ(r.json.find('\n'), std::string::npos);  // one line per ticket
}

TEST(Batch, ABadLineBecomesAnErrorObjectNamingItsLine) {
  Evaluation ev;
  auto r = diagnose_line(Engine::builtin(), R"({"text": "x", "channel": "fax"})", 7, ev);
  ASSERT_TRUE(r.error);
  auto v = boost::json::parse(r.json);
  EXPECT_EQ(v.at("line"), 7);
  EXPECT_EQ(v.at("error").at("code"), "field_value");
  EXPECT_EQ(v.at("error").at("where"), "/channel");
}

TEST(Batch, NumbersAreWrittenAsPeopleReadThem) {
  Evaluation ev;
  auto r = diagnose_line(Engine::builtin(), R"({"text": "APP一直闪退"})", 1, ev);
  EXPECT_EQ(r.json.find("E-"), std::string::npos) << r.json;
  EXPECT_EQ(r.json.find("E0"), std::string::npos) << r.json;
}

TEST(Batch, BlankLines) {
  EXPECT_TRUE(is_blank(""));
  EXPECT_TRUE(is_blank(" \t\r"));
  EXPECT_FALSE(is_blank(" {}"));
}
