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

TEST(Batch, ASelectionKeepsOnlyItsKeysInItsOrder) {
  auto sel = parse_selection("urgency,labels,route,urgency");
  ASSERT_TRUE(sel) << sel.error().message;
  EXPECT_EQ(sel->keys, (std::vector<std::string>{"urgency", "labels", "route"}));
  const Engine& e = Engine::builtin();
  auto t = parse_ticket(R"({"id": "a", "text": "APP一直闪退"})");
  ASSERT_TRUE(t);
  std::string out;
  write_selected(e, e.diagnose(*t), *sel, out);
  const auto o = boost::json::parse(out).as_object();
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o.begin()->key(), "urgency");
  EXPECT_EQ(o.at("labels").at("problem_type").at("value"), "system_failure");
  EXPECT_TRUE(o.contains("route"));
  EXPECT_EQ(out.find("E-"), std::string::npos) << out;  // numbers as in the full diagnosis
}

TEST(Batch, AnUnknownKeyOrFormatIsNamed) {
  auto key = parse_selection("labels,urgncy");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, Errc::invalid_argument);
  EXPECT_EQ(key.error().where, "select");
  EXPECT_NE(key.error().message.find("\"urgncy\" is not a key of the diagnosis"), std::string::npos)
      << key.error().message;
  auto empty = parse_selection("labels,,route");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("\"\" is not a key"), std::string::npos);
  auto format = parse_selection("labels", "xml");
  ASSERT_FALSE(format);
  EXPECT_EQ(format.error().where, "format");
  EXPECT_NE(format.error().message.find("\"xml\" is not one of jsonl, csv, tsv"),
            std::string::npos);
}

TEST(Batch, CsvHasAHeaderRowAndQuotesAsRfc4180) {
  const Engine& e = Engine::builtin();
  auto sel = parse_selection("ticket_id,urgency,route,tags", "csv");
  ASSERT_TRUE(sel);
  EXPECT_EQ(selection_header(e, *sel), "ticket_id,urgency,primary,assisting,group,tags,error\n");
  auto t = parse_ticket(R"({"id": "T-1, \"quoted\"", "text": "APP一直闪退"})");
  ASSERT_TRUE(t);
  std::string out;
  write_selected(e, e.diagnose(*t), *sel, out);
  EXPECT_EQ(out.rfind(R"("T-1, ""quoted""",)", 0), 0u) << out;  // a comma and quotes: quoted
  EXPECT_EQ(out.back(), ',');                                   // the error column is empty
  std::string err;
  write_selected_error(e, *sel, 3, make_error(Errc::json_syntax, "1:2", "syntax error"), err);
  EXPECT_EQ(err, ",,,,,,line 3: json_syntax: 1:2: syntax error");
  // Without keys, csv selects the ticket id, the labels (value and confidence), urgency, route.
  auto plain = parse_selection("", "csv");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->keys, (std::vector<std::string>{"ticket_id", "labels", "urgency", "route"}));
  EXPECT_EQ(selection_header(e, *plain).rfind("ticket_id,problem_type,problem_type.confidence,", 0),
            0u);
}

TEST(Batch, TsvEscapesWhatItCannotQuote) {
  const Engine& e = Engine::builtin();
  auto sel = parse_selection("ticket_id,urgency", "tsv");
  ASSERT_TRUE(sel);
  EXPECT_EQ(selection_header(e, *sel), "ticket_id\turgency\terror\n");
  auto t = parse_ticket(R"({"id": "a\tb\\c", "text": "APP一直闪退"})");
  ASSERT_TRUE(t);
  std::string out;
  write_selected(e, e.diagnose(*t), *sel, out);
  EXPECT_EQ(out, "a\\tb\\\\c\thigh\t");
}
