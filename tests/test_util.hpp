// Helpers shared by the tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "triage/engine.hpp"
#include "triage/timestamp.hpp"

namespace triage::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The UTC instant of an ISO-8601 literal (tests only: the literal is known to be valid).
inline boost::posix_time::ptime at(const char* iso) {
  return triage::parse_timestamp(iso)->utc;
}

inline std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) lines.push_back(l);
  }
  return lines;
}

/// The mini test pack (tests/data/mini_pack.json) plus a request_kind dimension, a small urgency
/// section and the calendars and SLA section of the shipped default pack: SLA behaviour on
/// classification the tests control.
inline boost::json::object mini_pack_with_default_sla() {
  auto pack = boost::json::parse(read_file(TRIAGE_TEST_DATA "/mini_pack.json")).as_object();
  pack["dimensions"].as_array().push_back(boost::json::parse(
      R"({"id": "request_kind", "values": ["fault", "complaint", "custom_requirement"]})"));
  pack["rules"].as_array().push_back(boost::json::parse(
      R"({"id": "rk.complaint", "when": {"text_any": ["投诉"]}, "then": {"score": {"request_kind": {"complaint": 3}}}})"));
  pack["rules"].as_array().push_back(boost::json::parse(
      R"({"id": "rk.custom", "when": {"text_any": ["定制"]}, "then": {"score": {"request_kind": {"custom_requirement": 3}}}})"));
  pack["urgency"] = boost::json::parse(R"({"default": "medium", "rules": [
      {"id": "u.crash", "when": {"text_any": ["闪退"]}, "set": "high"},
      {"id": "u.down", "when": {"text_any": ["宕机"]}, "set": "critical"},
      {"id": "u.low", "when": {"text_any": ["建议"]}, "set": "low"}]})");
  const auto shipped = boost::json::parse(triage::default_pack_json()).as_object();
  for (const char* key : {"calendars", "sla"}) pack[key] = shipped.at(key);
  return pack;
}

}  // namespace triage::test
