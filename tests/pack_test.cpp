#include "triage/pack.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

using namespace triage;

namespace {
Error fails(const std::string& json) {
  auto p = parse_pack(json);
  EXPECT_FALSE(p) << json;
  return p ? Error{} : p.error();
}
const std::string kDims =
    R"("dimensions": [{"id": "problem_type", "values": ["system_failure", "external"]}])";
std::string pack_with_rules(const std::string& rules) {
  return R"({"schema": 1, "name": "t", "version": "1", )" + kDims + R"(, "rules": )" + rules + "}";
}
}  // namespace

TEST(Pack, ReadsTheTestPack) {
  auto p = parse_pack(test::read_file(TRIAGE_TEST_DATA "/mini_pack.json"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->name, "mini");
  EXPECT_EQ(p->dimensions.size(), 3u);
  EXPECT_EQ(p->dimensions[1].fallback, "other");
  EXPECT_EQ(p->rules.size(), 8u);
  EXPECT_EQ(p->rules[1].priority, 10);
  EXPECT_TRUE(p->rules[1].final);
  EXPECT_EQ(p->rules[1].where, "/rules/1");
}

TEST(Pack, TheDefaultPackIsCompiledIn) {
  auto p = parse_pack(default_pack_json());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->name, "default");
  std::vector<std::string> dims;
  for (const auto& d : p->dimensions) dims.push_back(d.id);
  EXPECT_EQ(dims, (std::vector<std::string>{"problem_type", "request_kind", "scenario", "demand",
                                            "emotion", "urgency_estimate", "department",
                                            "repeat_estimate"}));
  EXPECT_EQ(default_pack_json(), test::read_file(TRIAGE_SOURCE_DIR "/packs/default/pack.json"));
}

TEST(Pack, SchemaVersionsOutsideTheWindowAreRefused) {
  auto e = fails(R"({"schema": 2, "name": "t", "version": "1", )" + kDims + "}");
  EXPECT_EQ(e.code, Errc::pack_schema);
  EXPECT_EQ(e.where, "/schema");
  EXPECT_EQ(fails(R"({"schema": 0, "name": "t", "version": "1", )" + kDims + "}").code,
            Errc::pack_schema);
  EXPECT_EQ(fails(R"({"name": "t", "version": "1", )" + kDims + "}").code, Errc::pack_invalid);
}

TEST(Pack, ErrorsNameThePointerLineAndColumn) {
  const std::string json = "{\"schema\": 1, \"name\": \"t\", \"version\": \"1\",\n" + kDims +
                           ",\n \"rules\": [\n  {\"id\": \"a\", \"then\": {\"score\": "
                           "{\"problem_type\": {\"nonsense\": 1}}}}\n ]}";
  auto e = fails(json);
  EXPECT_EQ(e.code, Errc::pack_unknown_reference);
  EXPECT_EQ(e.where, "/rules/0/then/score/problem_type/nonsense");
  EXPECT_EQ(e.line, 4u);
  EXPECT_GT(e.column, 40u);
  EXPECT_NE(e.message.find("(line 4, column"), std::string::npos) << e.message;
}

TEST(Pack, EachStructuralMistakeHasItsOwnCode) {
  struct Case {
    std::string rules;
    Errc code;
    std::string where;
  } cases[] = {
      {R"([{"id": "a", "then": {}}, {"id": "a", "then": {}}])", Errc::pack_duplicate_id,
       "/rules/1/id"},
      {R"([{"id": "a", "then": {"score": {"urgency": {"high": 1}}}}])",
       Errc::pack_unknown_reference, "/rules/0/then/score/urgency"},
      {R"([{"id": "a", "when": {"text_any": [""]}, "then": {}}])", Errc::pack_bad_keyword,
       "/rules/0/when/text_any/0"},
      {R"([{"id": "a", "when": {"text_any": ["*"]}, "then": {}}])", Errc::pack_bad_keyword,
       "/rules/0/when/text_any/0"},
      {R"([{"id": "a", "when": {"text_any": []}, "then": {}}])", Errc::pack_invalid,
       "/rules/0/when/text_any"},
      {R"([{"id": "a", "when": {"text_anyy": ["x"]}, "then": {}}])", Errc::pack_invalid,
       "/rules/0/when/text_anyy"},
      {R"([{"id": "a", "when": {"tier": ["gold"]}, "then": {}}])", Errc::pack_unknown_reference,
       "/rules/0/when/tier/0"},
      {R"([{"id": "a", "when": {"text_any": "x"}, "then": {}}])", Errc::pack_invalid,
       "/rules/0/when/text_any"},
      {R"([{"id": "a", "when": {"regex": ""}, "then": {}}])", Errc::pack_bad_regex,
       "/rules/0/when/regex/0"},
      {R"([{"id": "a", "when": {"fields": [{"field": "x", "op": "~", "value": 1}]}, "then": {}}])",
       Errc::pack_invalid, "/rules/0/when/fields/0/op"},
      {R"([{"id": "a", "when": {}}])", Errc::pack_invalid, "/rules/0/then"},
      {R"([{"id": "bad id!", "then": {}}])", Errc::pack_invalid, "/rules/0/id"},
      {R"([{"id": "a", "then": {"score": {"problem_type": {"external": "high"}}}}])",
       Errc::pack_invalid, "/rules/0/then/score/problem_type/external"},
  };
  for (const auto& c : cases) {
    auto e = fails(pack_with_rules(c.rules));
    EXPECT_EQ(e.code, c.code) << c.rules << " → " << e.message;
    EXPECT_EQ(e.where, c.where) << c.rules << " → " << e.message;
  }
}

TEST(Pack, DimensionMistakes) {
  auto e = fails(
      R"({"schema":1,"name":"t","version":"1","dimensions":[{"id":"d","values":["a","a"]}]})");
  EXPECT_EQ(e.code, Errc::pack_duplicate_id);
  EXPECT_EQ(e.where, "/dimensions/0/values/1");
  e = fails(
      R"({"schema":1,"name":"t","version":"1","dimensions":[{"id":"d","values":["a"],"fallback":"b"}]})");
  EXPECT_EQ(e.code, Errc::pack_unknown_reference);
  e = fails(R"({"schema":1,"name":"t","version":"1","dimensions":[]})");
  EXPECT_EQ(e.code, Errc::pack_invalid);
  e = fails(
      R"({"schema":1,"name":"t","version":"1","dimensions":[{"id":"d","values":["a"]}],"extra":1})");
  EXPECT_EQ(e.code, Errc::pack_invalid);
  EXPECT_EQ(e.where, "/extra");
}

TEST(Pack, ACalibrationMapIsKnotsOfRawAndCalibratedConfidence) {
  const auto with = [](const std::string& calibration) {
    return R"({"schema":1,"name":"t","version":"1","dimensions":[{"id":"d","values":["a","b"],
      "calibration":)" +
           calibration + "}]}";
  };
  auto p = parse_pack(with("[[0, 0], [0.4, 0.55], [0.8, 0.97]]"));
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_EQ(p->dimensions[0].calibration.size(), 3u);
  EXPECT_DOUBLE_EQ(p->dimensions[0].calibration[1].raw, 0.4);
  EXPECT_DOUBLE_EQ(p->dimensions[0].calibration[1].calibrated, 0.55);
  EXPECT_TRUE(parse_pack(with("[[0.5, 0.5], [0.6, 0.5]]")));  // flat is allowed

  struct Case {
    const char* calibration;
    Errc code;
    const char* where;
  };
  const Case cases[] = {
      {"[]", Errc::pack_invalid, "/dimensions/0/calibration"},
      {R"("steep")", Errc::pack_invalid, "/dimensions/0/calibration"},
      {"[[0.2]]", Errc::pack_invalid, "/dimensions/0/calibration/0"},
      {"[[0.2, 1.5]]", Errc::pack_invalid, "/dimensions/0/calibration/0"},
      {"[[0.2, 0.3], [0.2, 0.4]]", Errc::pack_invalid, "/dimensions/0/calibration/1"},
      {"[[0.2, 0.3], [0.1, 0.4]]", Errc::pack_invalid, "/dimensions/0/calibration/1"},
      {"[[0.2, 0.5], [0.3, 0.4]]", Errc::pack_invalid, "/dimensions/0/calibration/1"},
  };
  for (const auto& c : cases) {
    const auto e = fails(with(c.calibration));
    EXPECT_EQ(e.code, c.code) << c.calibration << " → " << e.message;
    EXPECT_EQ(e.where, c.where) << c.calibration;
  }
  std::string many = "[";
  for (int i = 0; i < 65; ++i)
    many += (i ? "," : "") + std::string("[0.") + std::to_string(100 + i) + ", 0.5]";
  EXPECT_EQ(fails(with(many + "]")).code, Errc::pack_limit);
}

TEST(Pack, DeepConditionsAndHugePacksHitLimits) {
  std::string when = R"({"text_any": ["x"]})";
  for (int i = 0; i < 40; ++i) when = R"({"not": )" + when + "}";
  auto e = fails(pack_with_rules(R"([{"id": "a", "when": )" + when + R"(, "then": {}}])"));
  EXPECT_EQ(e.code, Errc::pack_limit);
  PackLimits small;
  small.max_pack_bytes = 10;
  auto p = parse_pack(pack_with_rules("[]"), small);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Errc::pack_limit);
}
