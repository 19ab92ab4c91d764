// Reading the JSON documents the reports render, and the header both reports share.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace triage::cli::report_util {

inline const boost::json::value* at(const boost::json::object& o, std::string_view key) {
  return o.if_contains(key);
}
inline const boost::json::object& obj(const boost::json::value* v) {
  static const boost::json::object empty;
  return v && v->is_object() ? v->get_object() : empty;
}
inline const boost::json::array& arr(const boost::json::value* v) {
  static const boost::json::array empty;
  return v && v->is_array() ? v->get_array() : empty;
}
inline std::string text(const boost::json::value* v) {
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
inline std::optional<double> number(const boost::json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}

/// The header's description of the pack ("pack_info") and the data file ("input"), as a <dl>.
std::string source_html(const boost::json::object& doc);

}  // namespace triage::cli::report_util
