// The bad-input matrix: for each class of hostile or broken input, the stable error code a host
// gets — through the C++ API and through the C ABI — with no crash, no hang and no leak (the
// sanitizer builds run this file too). Where an input class is legal, the defined behaviour is
// asserted instead. README "Limits and bad input" is the same table in prose.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "triage.h"
#include "triage/triage.hpp"

using namespace triage;

namespace {
// The hang guard: generous, so that it only ever catches a hang, never a slow machine.
constexpr auto kHangGuard = std::chrono::seconds(60);

template <class F>
void within_hang_guard(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kHangGuard);
}

const triage_engine* c_engine() {
  static triage_engine* e = [] {
    triage_engine* out = nullptr;
    EXPECT_EQ(triage_engine_new_default(&out), TRIAGE_OK);
    return out;
  }();
  return e;
}

// One bad ticket, and what every way of handing it to triage must answer.
struct TicketCase {
  const char* input_class;
  std::string json;
  Errc code;
  std::string where;  // the JSON pointer, or "" for errors that name a line:column
};

std::vector<std::string> lines_of(const char* text, std::size_t len) {
  std::vector<std::string> out;
  std::string_view rest(text, len);
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    out.emplace_back(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  return out;
}

// The C++ parser, the C ABI's single and typed calls, and the C ABI's batch call (where the bad
// ticket sits between two good ones) all reject it with the same code and place.
void expect_rejected_everywhere(const TicketCase& c) {
  SCOPED_TRACE(c.input_class);
  const auto ticket = parse_ticket(c.json);
  ASSERT_FALSE(ticket);
  EXPECT_EQ(ticket.error().code, c.code) << ticket.error().message;
  if (!c.where.empty()) {
    EXPECT_EQ(ticket.error().where, c.where);
  }
  EXPECT_FALSE(ticket.error().message.empty());

  char* out = nullptr;
  EXPECT_EQ(triage_diagnose_json(c_engine(), c.json.data(), c.json.size(), &out, nullptr),
            static_cast<int>(c.code));
  EXPECT_EQ(out, nullptr) << "outputs are set only on success";
  EXPECT_STRNE(triage_last_error_message(), "");
  if (!c.where.empty()) {
    EXPECT_EQ(std::string(triage_last_error_where()), c.where);
  }

  triage_result* r = nullptr;
  EXPECT_EQ(triage_classify_json(c_engine(), c.json.data(), c.json.size(), &r),
            static_cast<int>(c.code));
  EXPECT_EQ(r, nullptr);

  if (c.json.find('\n') != std::string::npos) return;  // one JSONL line holds one ticket
  const bool blank = is_blank(c.json);  // a blank line is skipped, by the JSONL contract
  const std::string batch = R"({"id":"before","text":"闪退"})"
                            "\n" +
                            c.json + "\n" + R"({"id":"after","text":"refund"})";
  std::size_t len = 0;
  ASSERT_EQ(triage_diagnose_jsonl(c_engine(), batch.data(), batch.size(), &out, &len), TRIAGE_OK);
  const auto lines = lines_of(out, len);
  triage_string_free(out);
  ASSERT_EQ(lines.size(), blank ? 2u : 3u) << "one output line per non-blank input line";
  EXPECT_NE(lines.front().find("\"ticket_id\":\"before\""), std::string::npos);
  EXPECT_NE(lines.back().find("\"ticket_id\":\"after\""), std::string::npos);
  if (blank) return;
  const auto error_line = boost::json::parse(lines[1]);
  EXPECT_EQ(error_line.at("error").at("code").as_string(), errc_name(c.code));
  EXPECT_EQ(error_line.at("line").as_int64(), 2);
}

std::string pack_with(const std::string& rules, const std::string& more = "") {
  return R"({"schema":1,"name":"t","version":"1","dimensions":[{"id":"d","values":["a","b"]}],)"
         R"("rules":)" +
         rules + more + "}";
}

// A pack both loaders refuse with the same code: Engine::from_json and the C ABI.
void expect_pack_rejected(const std::string& pack, Errc code, const std::string& where = "",
                          const EngineOptions& options = {}) {
  const auto e = Engine::from_json(pack, options);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, code) << e.error().message;
  if (!where.empty()) {
    EXPECT_EQ(e.error().where, where);
  }
  const bool default_limits = options.limits.max_rules == PackLimits{}.max_rules &&
                              options.limits.max_pack_bytes == PackLimits{}.max_pack_bytes &&
                              options.limits.max_keywords == PackLimits{}.max_keywords;
  if (!default_limits) return;  // the C ABI always uses the default limits
  triage_engine* out = nullptr;
  EXPECT_EQ(triage_engine_new_from_json(pack.data(), pack.size(), &out), static_cast<int>(code));
  EXPECT_EQ(out, nullptr);
}
}  // namespace

TEST(BadInput, MalformedJsonIsAJsonSyntaxErrorWithLineAndColumn) {
  for (const char* json : {"{\"text\": ", "not json", "{\"text\":\"x\",}", "{\"text\":\"x\"} {}",
                           "", "   ", "{'text': 'x'}", "{\"text\": \"x\" trailing"}) {
    expect_rejected_everywhere({"malformed JSON", json, Errc::json_syntax, ""});
  }
  const auto t = parse_ticket("{\n  \"text\": x}");
  EXPECT_EQ(t.error().line, 2u);
  EXPECT_EQ(t.error().column, 11u);
  expect_pack_rejected("{\"schema\": 1,", Errc::json_syntax);
  triage_roster* roster = nullptr;
  ASSERT_EQ(triage_roster_new(&roster), TRIAGE_OK);
  EXPECT_EQ(triage_roster_set_json(roster, "[{", 2), TRIAGE_ERR_JSON_SYNTAX);
  char* out = nullptr;
  EXPECT_EQ(
      triage_sla_status_json(c_engine(), "{\"text\":\"x\"}", 12, "[", 1, nullptr, &out, nullptr),
      TRIAGE_ERR_JSON_SYNTAX);
  EXPECT_EQ(triage_workflow_next(c_engine(), "new", "acknowledge", "{", &out),
            TRIAGE_ERR_JSON_SYNTAX);
  triage_roster_free(roster);
}

TEST(BadInput, AWrongTypeIsAFieldTypeErrorNamingTheField) {
  expect_rejected_everywhere({"wrong type", R"({"text": 5})", Errc::field_type, "/text"});
  expect_rejected_everywhere(
      {"wrong type", R"({"text": "x", "customer": "vip"})", Errc::field_type, "/customer"});
  expect_rejected_everywhere(
      {"wrong type", R"({"text": "x", "attempted": ["ok", 3]})", Errc::field_type, "/attempted/1"});
  expect_rejected_everywhere(
      {"wrong type", R"({"text": "x", "created_at": 20261120})", Errc::field_type, "/created_at"});
  expect_rejected_everywhere({"not an object", R"(["text", "x"])", Errc::not_an_object, ""});
  expect_rejected_everywhere({"not an object", "null", Errc::not_an_object, ""});
  expect_rejected_everywhere({"missing text", R"({"id": "T-1"})", Errc::field_missing, "/text"});
  expect_rejected_everywhere({"bad format", R"({"text": "x", "created_at": "yesterday"})",
                              Errc::field_format, "/created_at"});
  expect_pack_rejected(pack_with(R"({"id": "r"})"), Errc::pack_invalid, "/rules");
  expect_pack_rejected(R"({"schema": 2, "name": "t", "version": "1", "dimensions": []})",
                       Errc::pack_schema);
}

TEST(BadInput, DeepNestingHitsTheDepthLimit) {
  const std::string deep =
      "{\"text\": \"x\", \"extra\": " + std::string(100, '[') + std::string(100, ']') + "}";
  expect_rejected_everywhere({"deep nesting", deep, Errc::json_too_deep, ""});
  // 64 levels are fine; the 65th is one too many.
  const auto nested = [](int levels) {
    return "{\"text\":\"x\",\"e\":" + std::string(levels - 1, '[') + std::string(levels - 1, ']') +
           "}";
  };
  EXPECT_TRUE(parse_ticket(nested(64)));
  EXPECT_EQ(parse_ticket(nested(65)).error().code, Errc::json_too_deep);
  // A pack document nests no deeper either, and its conditions no deeper than 32.
  expect_pack_rejected(std::string(200, '[') + std::string(200, ']'), Errc::json_too_deep);
  std::string when = R"({"text_any": ["x"]})";
  for (int i = 0; i < 33; ++i) when = R"({"not": )" + when + "}";
  expect_pack_rejected(pack_with(R"([{"id": "r", "when": )" + when + R"(, "then": {}}])"),
                       Errc::pack_limit);
}

TEST(BadInput, ANumberBeyondTheRangeOfADoubleIsRefusedAtItsPlace) {
  const std::string huge = R"({"text": "x", "extra": [1, 1e400]})";
  expect_rejected_everywhere({"number beyond a double", huge, Errc::json_syntax, ""});
  const auto e = parse_ticket(huge).error();
  EXPECT_EQ(e.line, 1u);
  EXPECT_EQ(e.column, huge.find("1e400") + 1);
  EXPECT_NE(e.message.find("/extra/1"), std::string::npos) << e.message;
  // Four hundred digits overflow a double just as well as an exponent does.
  expect_rejected_everywhere({"number beyond a double",
                              R"({"text": "x", "n": 1)" + std::string(400, '0') + "}",
                              Errc::json_syntax, ""});
  expect_pack_rejected(pack_with(R"([{"id": "r", "when": {"text_any": ["x"]}, "then": {},
                                     "weight": -1e999}])"),
                       Errc::json_syntax);
}

TEST(BadInput, ZeroWithAHugeExponentIsZero) {
  // Boost.JSON reads 0e400 as NaN, which no JSON can carry back out; it is exactly zero.
  const auto ticket = parse_ticket(R"({"text": "x", "n": 0e400, "m": [-0E+999]})");
  ASSERT_TRUE(ticket) << ticket.error().message;
  EXPECT_EQ(ticket->extra.at("n"), boost::json::value(0.0));
  EXPECT_EQ(ticket->extra.at("m").at(0), boost::json::value(0.0));
  const auto again = ticket_from_json(to_json(*ticket));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *ticket);
}

TEST(BadInput, TenMegabytesOfTextIsTooLarge) {
  const std::string text(10u << 20, 'a');
  within_hang_guard([&] {
    expect_rejected_everywhere(
        {"10 MB text", R"({"text": ")" + text + "\"}", Errc::text_too_large, ""});
    expect_rejected_everywhere(
        {"10 MB subject", R"({"text": "x", "subject": ")" + text + "\"}", Errc::text_too_large,
         ""});  // the whole document is over its limit before any field is read
    triage_result* r = nullptr;
    EXPECT_EQ(triage_classify_text(c_engine(), text.data(), text.size(), &r),
              TRIAGE_ERR_TEXT_TOO_LARGE);
    EXPECT_EQ(r, nullptr);
  });
  // Just under the limit is diagnosed, in bounded time.
  within_hang_guard([] {
    std::string words;
    while (words.size() < (1u << 20) - 64) words += "闪退 refund crash 订单 ";
    triage_result* r = nullptr;
    ASSERT_EQ(triage_classify_text(c_engine(), words.data(), words.size(), &r), TRIAGE_OK);
    EXPECT_NE(triage_result_primary(r), nullptr);
    triage_result_free(r);
  });
}

TEST(BadInput, EmptyTextIsDiagnosedWithNothingToGoOn) {
  const auto t = parse_ticket(R"({"text": ""})");
  ASSERT_TRUE(t);
  const Diagnosis d = Engine::builtin().diagnose(*t);
  for (const auto& l : d.labels) EXPECT_TRUE(l.evidence.empty()) << l.dimension;
  EXPECT_TRUE(d.entities.empty());
  triage_result* r = nullptr;
  ASSERT_EQ(triage_classify_text(c_engine(), "", 0, &r), TRIAGE_OK);
  EXPECT_EQ(triage_result_label_count(r), d.labels.size());
  triage_result_free(r);
  // An empty batch has no lines, so no output; blank lines are skipped, not answered.
  char* out = nullptr;
  std::size_t len = 99;
  ASSERT_EQ(triage_diagnose_jsonl(c_engine(), nullptr, 0, &out, &len), TRIAGE_OK);
  EXPECT_EQ(len, 0u);
  triage_string_free(out);
  ASSERT_EQ(triage_diagnose_jsonl(c_engine(), " \n\t\r\n", 5, &out, &len), TRIAGE_OK);
  EXPECT_EQ(len, 0u);
  triage_string_free(out);
}

TEST(BadInput, NulBytesAreSyntaxErrorsRawAndTextEscaped) {
  // A raw NUL is a control character JSON does not allow in a string, nor after the document.
  expect_rejected_everywhere(
      {"raw NUL", std::string("{\"text\": \"a\0b\"}", 15), Errc::json_syntax, ""});
  expect_rejected_everywhere(
      {"trailing NUL", std::string("{\"text\": \"a\"}\0", 14), Errc::json_syntax, ""});
  // Escaped, it is a character like any other, and the C ABI passes lengths, not C strings.
  const auto t = parse_ticket(R"({"text": "a\u0000闪退"})");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, std::string("a\0闪退", 8));
  EXPECT_EQ(Engine::builtin().diagnose(*t).label("problem_type")->value, "system_failure");
  const std::string text("\0闪退\0", 8);
  triage_result* r = nullptr;
  ASSERT_EQ(triage_classify_text(c_engine(), text.data(), text.size(), &r), TRIAGE_OK);
  EXPECT_STREQ(triage_result_primary(r), "engineering");
  char* json = nullptr;
  ASSERT_EQ(triage_result_json(r, &json, nullptr), TRIAGE_OK);
  EXPECT_TRUE(parse_json(json));  // the NULs come back escaped
  triage_string_free(json);
  triage_result_free(r);
}

TEST(BadInput, InvalidUtf8IsRefusedAtTheDoor) {
  for (const char* bytes : {"\xff", "\xc3\x28", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf",
                            "\xf4\x90\x80\x80", "\xf0\x9f\x98"}) {
    expect_rejected_everywhere(
        {"invalid UTF-8", std::string("{\"text\": \"ok ") + bytes + "\"}", Errc::json_syntax, ""});
    const std::string text = std::string("ok ") + bytes;
    triage_result* r = nullptr;
    EXPECT_EQ(triage_classify_text(c_engine(), text.data(), text.size(), &r),
              TRIAGE_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(r, nullptr);
  }
  // An escaped lone surrogate is not a character either.
  expect_rejected_everywhere({"lone surrogate", R"({"text": "\ud800"})", Errc::json_syntax, ""});
  expect_pack_rejected(pack_with("[]").insert(40, "\xff"), Errc::json_syntax);
  // A C++ host may hand the engine raw bytes: they scan as U+FFFD, nothing is read outside.
  Ticket raw;
  raw.text = "\xff\xfe 闪退 \xc3";
  EXPECT_EQ(Engine::builtin().diagnose(raw).label("problem_type")->value, "system_failure");
}

TEST(BadInput, UnknownEnumValuesNameTheFieldAndTheChoices) {
  expect_rejected_everywhere(
      {"unknown channel", R"({"text": "x", "channel": "fax"})", Errc::field_value, "/channel"});
  expect_rejected_everywhere({"unknown tier", R"({"text": "x", "customer": {"tier": "gold"}})",
                              Errc::field_value, "/customer/tier"});
  expect_rejected_everywhere({"unknown frequency", R"({"text": "x", "frequency": "always"})",
                              Errc::field_value, "/frequency"});
  expect_rejected_everywhere(
      {"unknown impact", R"({"text": "x", "impact": "everyone"})", Errc::field_value, "/impact"});
  EXPECT_NE(parse_ticket(R"({"text": "x", "channel": "fax"})").error().message.find("phone|chat"),
            std::string::npos);
  // In a pack: an enum value a rule tests for, and an urgency level.
  expect_pack_rejected(pack_with(R"([{"id": "r", "when": {"tier": ["gold"]}, "then": {}}])"),
                       Errc::pack_unknown_reference, "/rules/0/when/tier/0");
  expect_pack_rejected(pack_with("[]", R"(,"urgency": {"default": "urgent"})"),
                       Errc::pack_unknown_reference, "/urgency/default");
  // A status this library does not have has a name too.
  EXPECT_STREQ(triage_status_name(12345), "unknown");
  EXPECT_STREQ(triage_status_name(-1), "unknown");
}

// Every C entry point refuses a NULL where it needs a pointer, names the argument, and returns
// TRIAGE_ERR_INVALID_ARGUMENT; every free function and accessor accepts NULL.
TEST(BadInput, NullPointersAtTheCAbiAreInvalidArguments) {
  const triage_engine* e = c_engine();
  triage_engine* eo = nullptr;
  triage_engine_builder* b = nullptr;
  ASSERT_EQ(triage_engine_builder_new(&b), TRIAGE_OK);
  triage_roster* r = nullptr;
  ASSERT_EQ(triage_roster_new(&r), TRIAGE_OK);
  triage_holder* h = nullptr;
  ASSERT_EQ(triage_holder_new(e, &h), TRIAGE_OK);
  triage_result* res = nullptr;
  ASSERT_EQ(triage_classify_text(e, "x", 1, &res), TRIAGE_OK);
  char* out = nullptr;
  std::size_t len = 0;
  const char* t = R"({"text":"x"})";
  const std::size_t n = std::strlen(t);
  auto classifier = [](void*, const char*, size_t, triage_scores*) { return 0; };
  auto router = [](void*, const char*, const char* const*, size_t, const char*, size_t*) {
    return 0;
  };
  struct Call {
    const char* what;
    int status;
    const char* names;  // the argument the message must name
  };
  const Call calls[] = {
      {"engine_new_default", triage_engine_new_default(nullptr), "out"},
      {"engine_new_from_json", triage_engine_new_from_json(nullptr, 3, &eo), "pack"},
      {"engine_new_from_json", triage_engine_new_from_json("{}", 2, nullptr), "out"},
      {"engine_new_from_file", triage_engine_new_from_file(nullptr, &eo), "path"},
      {"engine_new_from_file", triage_engine_new_from_file("x", nullptr), "out"},
      {"scores_add", triage_scores_add(nullptr, "d", "v", 1), "scores"},
      {"builder_new", triage_engine_builder_new(nullptr), "out"},
      {"builder_set_pack_json", triage_engine_builder_set_pack_json(nullptr, "{}", 2), "builder"},
      {"builder_set_pack_json", triage_engine_builder_set_pack_json(b, nullptr, 2), "pack"},
      {"builder_add_classifier",
       triage_engine_builder_add_classifier(nullptr, "c", classifier, nullptr), "builder"},
      {"builder_add_classifier", triage_engine_builder_add_classifier(b, nullptr, classifier, 0),
       "name"},
      {"builder_add_classifier", triage_engine_builder_add_classifier(b, "c", nullptr, nullptr),
       "fn"},
      {"builder_build", triage_engine_builder_build(nullptr, &eo), "builder"},
      {"builder_build", triage_engine_builder_build(b, nullptr), "out"},
      {"diagnose_json", triage_diagnose_json(nullptr, t, n, &out, &len), "engine"},
      {"diagnose_json", triage_diagnose_json(e, nullptr, n, &out, &len), "ticket"},
      {"diagnose_json", triage_diagnose_json(e, t, n, nullptr, &len), "out_json"},
      {"diagnose_jsonl", triage_diagnose_jsonl(nullptr, t, n, &out, &len), "engine"},
      {"diagnose_jsonl", triage_diagnose_jsonl(e, nullptr, n, &out, &len), "tickets"},
      {"diagnose_jsonl", triage_diagnose_jsonl(e, t, n, nullptr, &len), "out_jsonl"},
      {"diagnose_jsonl_threads", triage_diagnose_jsonl_threads(nullptr, t, n, 2, &out, &len),
       "engine"},
      {"diagnose_jsonl_threads", triage_diagnose_jsonl_threads(e, nullptr, n, 2, &out, &len),
       "tickets"},
      {"diagnose_jsonl_threads", triage_diagnose_jsonl_threads(e, t, n, 2, nullptr, &len),
       "out_jsonl"},
      {"classify_json", triage_classify_json(nullptr, t, n, &res), "engine"},
      {"classify_json", triage_classify_json(e, nullptr, n, &res), "ticket"},
      {"classify_json", triage_classify_json(e, t, n, nullptr), "out"},
      {"classify_text", triage_classify_text(nullptr, "x", 1, &res), "engine"},
      {"classify_text", triage_classify_text(e, nullptr, 1, &res), "text"},
      {"classify_text", triage_classify_text(e, "x", 1, nullptr), "out"},
      {"result_label", triage_result_label(nullptr, 0, nullptr, nullptr, nullptr), "result"},
      {"result_json", triage_result_json(nullptr, &out, &len), "result"},
      {"result_json", triage_result_json(res, nullptr, &len), "out_json"},
      {"roster_new", triage_roster_new(nullptr), "out"},
      {"roster_set_json", triage_roster_set_json(nullptr, "[]", 2), "roster"},
      {"roster_set_json", triage_roster_set_json(r, nullptr, 2), "agents"},
      {"roster_set_available", triage_roster_set_available(nullptr, "a", 1), "roster"},
      {"roster_set_available", triage_roster_set_available(r, nullptr, 1), "agent_id"},
      {"roster_set_open_tickets", triage_roster_set_open_tickets(nullptr, "a", 1), "roster"},
      {"roster_set_open_tickets", triage_roster_set_open_tickets(r, nullptr, 1), "agent_id"},
      {"roster_json", triage_roster_json(nullptr, &out, &len), "roster"},
      {"roster_json", triage_roster_json(r, nullptr, &len), "out_json"},
      {"roster_set_router", triage_roster_set_router(nullptr, "x", router, nullptr), "roster"},
      {"roster_set_router", triage_roster_set_router(r, nullptr, router, nullptr), "name"},
      {"roster_set_router", triage_roster_set_router(r, "x", nullptr, nullptr), "fn"},
      {"diagnose_json_routed", triage_diagnose_json_routed(nullptr, r, t, n, &out, &len), "engine"},
      {"diagnose_json_routed", triage_diagnose_json_routed(e, nullptr, t, n, &out, &len), "roster"},
      {"diagnose_json_routed", triage_diagnose_json_routed(e, r, nullptr, n, &out, &len), "ticket"},
      {"diagnose_json_routed", triage_diagnose_json_routed(e, r, t, n, nullptr, &len), "out_json"},
      {"sla_status_json", triage_sla_status_json(nullptr, t, n, "[]", 2, nullptr, &out, &len),
       "engine"},
      {"sla_status_json", triage_sla_status_json(e, nullptr, n, "[]", 2, nullptr, &out, &len),
       "ticket"},
      {"sla_status_json", triage_sla_status_json(e, t, n, nullptr, 2, nullptr, &out, &len),
       "events"},
      {"sla_status_json", triage_sla_status_json(e, t, n, "[]", 2, nullptr, nullptr, &len),
       "out_json"},
      {"workflow_next", triage_workflow_next(nullptr, "new", "acknowledge", nullptr, &out),
       "engine"},
      {"workflow_next", triage_workflow_next(e, nullptr, "assign", nullptr, &out), "state"},
      {"workflow_next", triage_workflow_next(e, "new", nullptr, nullptr, &out), "event"},
      {"workflow_next", triage_workflow_next(e, "new", "acknowledge", nullptr, nullptr),
       "out_state"},
      {"workflow_dot", triage_workflow_dot(nullptr, &out, &len), "engine"},
      {"workflow_dot", triage_workflow_dot(e, nullptr, &len), "out_dot"},
      {"holder_new", triage_holder_new(nullptr, &h), "engine"},
      {"holder_new", triage_holder_new(e, nullptr), "out"},
      {"holder_swap_json", triage_holder_swap_json(nullptr, "{}", 2), "holder"},
      {"holder_swap_json", triage_holder_swap_json(h, nullptr, 2), "pack"},
      {"holder_swap", triage_holder_swap(nullptr, e), "holder"},
      {"holder_swap", triage_holder_swap(h, nullptr), "engine"},
      {"holder_acquire", triage_holder_acquire(nullptr, &eo), "holder"},
      {"holder_acquire", triage_holder_acquire(h, nullptr), "out"},
  };
  for (const auto& c : calls) {
    EXPECT_EQ(c.status, TRIAGE_ERR_INVALID_ARGUMENT) << "triage_" << c.what << " / " << c.names;
  }
  // The message names the argument (checked on the last call of each kind, as a host would).
  EXPECT_EQ(triage_holder_acquire(h, nullptr), TRIAGE_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(triage_last_error_message(), "out: must not be NULL");
  EXPECT_EQ(triage_diagnose_json(e, nullptr, 0, &out, nullptr), TRIAGE_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(triage_last_error_message(), "ticket: must not be NULL");
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(eo, nullptr);
  // NULL where a pointer is optional: no length wanted, no facts, no "now", empty batch.
  ASSERT_EQ(triage_workflow_next(e, "new", "acknowledge", nullptr, &out), TRIAGE_OK);
  triage_string_free(out);
  ASSERT_EQ(triage_diagnose_json(e, t, n, &out, nullptr), TRIAGE_OK);
  triage_string_free(out);
  // Free functions and accessors take NULL.
  triage_engine_free(nullptr);
  triage_engine_builder_free(nullptr);
  triage_result_free(nullptr);
  triage_roster_free(nullptr);
  triage_holder_free(nullptr);
  triage_string_free(nullptr);
  EXPECT_STREQ(triage_engine_pack(nullptr), "");
  EXPECT_EQ(triage_result_label_count(nullptr), 0u);
  EXPECT_EQ(triage_result_urgency(nullptr), nullptr);
  EXPECT_EQ(triage_result_primary(nullptr), nullptr);
  EXPECT_EQ(triage_result_group(nullptr), nullptr);
  EXPECT_EQ(triage_result_request_id(nullptr), nullptr);
  triage_result_free(res);
  triage_holder_free(h);
  triage_roster_free(r);
  triage_engine_builder_free(b);
}

TEST(BadInput, FilesThatCannotBeReadAreIoErrors) {
  const std::string missing = "/nonexistent/triage/pack.json";
  auto e = engine_from_file(missing);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::io);
  EXPECT_EQ(e.error().where, missing);
  triage_engine* out = nullptr;
  EXPECT_EQ(triage_engine_new_from_file(missing.c_str(), &out), TRIAGE_ERR_IO);
  EXPECT_NE(std::string(triage_last_error_message()).find(missing), std::string::npos);
  // A folder is not a pack file.
  EXPECT_EQ(engine_from_file(TRIAGE_TEST_DATA).error().code, Errc::io);
  EXPECT_EQ(triage_engine_new_from_file(TRIAGE_TEST_DATA, &out), TRIAGE_ERR_IO);
  // A file that never ends is read no further than the pack limit.
  within_hang_guard([&] {
    EngineOptions small;
    small.limits.max_pack_bytes = 1 << 20;
    EXPECT_EQ(engine_from_file("/dev/zero", small).error().code, Errc::pack_limit);
    EXPECT_EQ(triage_engine_new_from_file("/dev/zero", &out), TRIAGE_ERR_PACK_LIMIT);
  });
  EXPECT_EQ(out, nullptr);
  // A pack that names a model file that is not there.
  const auto dir = std::filesystem::path(::testing::TempDir()) / "bad_input_model";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "pack.json")
        << pack_with("[]", R"(,"model": {"file": "missing.json", "policy": "blend"})");
  }
  EXPECT_EQ(engine_from_file((dir / "pack.json").string()).error().code, Errc::io);
}

TEST(BadInput, PathologicalRegularExpressionsAreRefusedOrRunInLinearTime) {
  // Backtracking bombs compile (RE2 has no backtracking) and scan long hostile text in bounded
  // time.
  auto e = Engine::from_json(
      pack_with(R"([{"id": "r", "when": {"regex": ["(a+)+$", "(a|aa)*c", "(x+x+)+y"]},)"
                R"( "then": {"score": {"d": {"a": 1}}}}])"));
  ASSERT_TRUE(e) << e.error().message;
  Ticket t;
  t.text = std::string(200000, 'a') + "!" + std::string(100000, 'x');
  within_hang_guard([&] { EXPECT_FALSE(e->diagnose(t).label("d")->value); });
  // What RE2 cannot do in linear time is not RE2 syntax: a compile error naming the rule.
  for (const char* re : {R"((a)\\1)", "(?=a)", "(?<!a)b", "(unclosed", "a{2,1}", "a{1001}"}) {
    expect_pack_rejected(
        pack_with(std::string(R"([{"id": "r", "when": {"regex": ")") + re + R"("}, "then": {}}])"),
        Errc::pack_bad_regex, "/rules/0/when/regex/0");
  }
  // Expressions that are legal but too big: past RE2's own bounds, over the program size, or
  // over the byte limit.
  expect_pack_rejected(
      pack_with(
          R"x([{"id": "r", "when": {"regex": "((((a{100}){100}){100}){100})"}, "then": {}}])x"),
      Errc::pack_bad_regex);
  std::string big;
  for (int i = 0; i < 30; ++i) big += "[a-z]{1000}";
  expect_pack_rejected(
      pack_with(R"([{"id": "r", "when": {"regex": ")" + big + R"("}, "then": {}}])"),
      Errc::pack_limit);
  expect_pack_rejected(pack_with(R"([{"id": "r", "when": {"regex": ")" + std::string(4097, 'a') +
                                 R"("}, "then": {}}])"),
                       Errc::pack_limit, "/rules/0/when/regex/0");
}

TEST(BadInput, WorkflowCyclesAreLegalButDeadEndsAreNot) {
  const std::string states =
      R"("states": [{"id": "new"}, {"id": "in_progress"}, {"id": "waiting_customer"},
                    {"id": "closed", "terminal": true}])";
  // in_progress ⇄ waiting_customer is an ordinary cycle: it loads, and a ticket can go round it
  // as often as it likes and still close.
  auto e = Engine::from_json(pack_with("[]", R"(,"workflow": {"start": "new", )" + states + R"(,
      "transitions": [{"from": "new", "to": "in_progress", "event": "start"},
                      {"from": "in_progress", "to": "waiting_customer", "event": "wait"},
                      {"from": "waiting_customer", "to": "in_progress", "event": "reply"},
                      {"from": "in_progress", "to": "in_progress", "event": "note"},
                      {"from": "in_progress", "to": "closed", "event": "close"}]})"));
  ASSERT_TRUE(e) << e.error().message;
  WorkflowRun run(e->workflow());
  ASSERT_TRUE(run.apply("start"));
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(run.apply("wait"));
    ASSERT_TRUE(run.apply("reply"));
    ASSERT_TRUE(run.apply("note"));
  }
  ASSERT_TRUE(run.apply("close"));
  EXPECT_TRUE(run.finished());
  EXPECT_EQ(run.history().size(), 3002u);
  // A cycle with no way out is a dead end: no terminal state can be reached from it.
  expect_pack_rejected(pack_with("[]", R"(,"workflow": {"start": "new", )" + states + R"(,
      "transitions": [{"from": "new", "to": "in_progress", "event": "start"},
                      {"from": "in_progress", "to": "waiting_customer", "event": "wait"},
                      {"from": "waiting_customer", "to": "in_progress", "event": "reply"},
                      {"from": "new", "to": "closed", "event": "close"}]})"),
                       Errc::workflow_invalid);
  // The standard lifecycle's own cycles (waiting, escalation, reopening) are what it is made of.
  char* out = nullptr;
  ASSERT_EQ(triage_workflow_next(c_engine(), "in_progress", "wait_customer", nullptr, &out),
            TRIAGE_OK);
  EXPECT_STREQ(out, "waiting_customer");
  triage_string_free(out);
  ASSERT_EQ(triage_workflow_next(c_engine(), "waiting_customer", "customer_replied", nullptr, &out),
            TRIAGE_OK);
  EXPECT_STREQ(out, "in_progress");
  triage_string_free(out);
  out = nullptr;
  EXPECT_EQ(triage_workflow_next(c_engine(), "in_progress", "teleport", nullptr, &out),
            TRIAGE_ERR_TRANSITION_UNKNOWN);
  EXPECT_EQ(out, nullptr);
}

// Regression (fuzz_ticket_json, tests/fuzz/regressions/ticket_json/): an instant whose UTC fell
// outside the years Boost can represent threw from deep inside the diagnosis — in a batch, on
// the reader thread, which ended the process. Such timestamps are now refused where they are read.
TEST(BadInput, TimestampsPastTheCalendarAreRefusedWhereTheyAreRead) {
  for (const char* at : {"9999-12-31T23:59:59-18:00", "1400-01-01T00:00:00+18:00",
                         "9001-01-01T00:00:00Z", "1899-12-31T23:59:59Z"}) {
    const std::string ticket = std::string(R"({"text": "闪退", "created_at": ")") + at + "\"}";
    expect_rejected_everywhere(
        {"timestamp out of range", ticket, Errc::field_format, "/created_at"});
    char* out = nullptr;
    const char* t = R"({"text": "x"})";
    EXPECT_EQ(triage_sla_status_json(c_engine(), t, std::strlen(t), "[]", 2, at, &out, nullptr),
              TRIAGE_ERR_FIELD_FORMAT);
    const std::string events = std::string(R"([{"at": ")") + at + R"(", "type": "responded"}])";
    EXPECT_EQ(triage_sla_status_json(c_engine(), t, std::strlen(t), events.data(), events.size(),
                                     nullptr, &out, nullptr),
              TRIAGE_ERR_FIELD_FORMAT);
  }
  // The edges themselves are fine, whatever the offset, deadlines included.
  for (const char* at : {"9000-12-31T23:59:59-18:00", "1900-01-01T00:00:00+18:00"}) {
    const auto t = parse_ticket(std::string(R"({"text": "闪退", "created_at": ")") + at + "\"}");
    ASSERT_TRUE(t) << at;
    const Diagnosis d = Engine::builtin().diagnose(*t);
    ASSERT_TRUE(d.sla);
    EXPECT_FALSE(boost::json::serialize(to_json(d)).empty());
  }
}

// Every limit (README "Limits and bad input"), exceeded by one, is a clear error with a stable
// code. Pack limits are options; the tests shrink them to keep the inputs small.
TEST(BadInput, EveryLimitIsEnforced) {
  EngineOptions o;
  o.limits.max_pack_bytes = 4096;
  expect_pack_rejected(pack_with("[]", ",\"description\": \"" + std::string(4096, 'x') + "\""),
                       Errc::pack_limit, "", o);

  o = {};
  o.limits.max_rules = 2;
  const std::string rule = R"({"id": "r%", "when": {"text_any": ["k"]}, "then": {}})";
  auto rules = [&](int n) {
    std::string out = "[";
    for (int i = 0; i < n; ++i) {
      std::string r = rule;
      r.replace(r.find('%'), 1, std::to_string(i));
      out += (i ? "," : "") + r;
    }
    return out + "]";
  };
  EXPECT_TRUE(Engine::from_json(pack_with(rules(2)), o));
  expect_pack_rejected(pack_with(rules(3)), Errc::pack_limit, "/rules", o);

  o = {};
  o.limits.max_keywords = 3;
  expect_pack_rejected(
      pack_with(R"([{"id": "r", "when": {"text_any": ["a", "b", "c", "d"]}, "then": {}}])"),
      Errc::pack_limit, "", o);
  // Keywords: at most 64 characters.
  expect_pack_rejected(pack_with(R"([{"id": "r", "when": {"text_any": [")" + std::string(65, 'k') +
                                 R"("]}, "then": {}}])"),
                       Errc::pack_bad_keyword);

  // Tickets: the document, and each text field.
  expect_rejected_everywhere(
      {"ticket too large", R"({"text": "x", "attachments": ")" + std::string(9u << 20, 'a') + "\"}",
       Errc::text_too_large, ""});
  expect_rejected_everywhere(
      {"text field too large",
       R"({"text": "x", "error_message": ")" + std::string((1u << 20) + 1, 'e') + "\"}",
       Errc::text_too_large, "/error_message"});
  expect_rejected_everywhere({"short field too large",
                              R"({"text": "x", "order_id": ")" + std::string(4097, '1') + "\"}",
                              Errc::text_too_large, "/order_id"});
  TicketLimits small;
  small.max_ticket_bytes = 100;
  EXPECT_EQ(parse_ticket(R"({"text": ")" + std::string(100, 'a') + "\"}", small).error().code,
            Errc::text_too_large);
}

// Nothing lost: a batch of every kind of bad line still answers each line once, in order.
TEST(BadInput, ABatchOfBadLinesAnswersEveryLineInOrder) {
  const std::vector<std::string> inputs = {R"({"id": "1", "text": "闪退"})",
                                           "not json",
                                           R"({"text": 5})",
                                           std::string(70, '['),
                                           "{\"text\": \"\xff\"}",
                                           R"({"text": "x", "channel": "fax"})",
                                           R"({"id": "7", "text": ""})",
                                           R"({"text": ")" + std::string(2u << 20, 'a') + "\"}",
                                           R"({"id": "9", "text": "refund"})"};
  std::string batch;
  for (const auto& l : inputs) batch += l + "\n";
  for (unsigned threads : {1u, 2u, 4u}) {
    char* out = nullptr;
    std::size_t len = 0;
    ASSERT_EQ(
        triage_diagnose_jsonl_threads(c_engine(), batch.data(), batch.size(), threads, &out, &len),
        TRIAGE_OK);
    const auto lines = lines_of(out, len);
    triage_string_free(out);
    ASSERT_EQ(lines.size(), inputs.size()) << threads << " threads";
    const char* codes[] = {nullptr,         "json_syntax",    "field_type",
                           "json_too_deep", "json_syntax",    "field_value",
                           nullptr,         "text_too_large", nullptr};
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const auto v = boost::json::parse(lines[i]).as_object();
      if (codes[i]) {
        EXPECT_EQ(v.at("line").as_int64(), static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(v.at("error").at("code").as_string(), codes[i]) << lines[i];
      } else {
        EXPECT_EQ(v.at("ticket_id").as_string(), std::to_string(i + 1));
      }
    }
  }
}
