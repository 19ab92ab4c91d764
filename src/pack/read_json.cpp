// The JSON helpers every pack section reader uses: typed look-ups that name the place.
#include <algorithm>
#include <cmath>

#include "pack/readers.hpp"

namespace triage {
inline namespace v1 {
namespace detail::pack_json {
namespace json = boost::json;

Error invalid(const std::string& where, std::string_view what) {
  return make_error(Errc::pack_invalid, where, what);
}

Error unknown_key(const std::string& where, std::string_view key, std::string_view allowed) {
  return invalid(child(where, key),
                 "unknown key \"" + std::string(key) + "\"; allowed: " + std::string(allowed));
}

Result<const json::object*> object_at(const json::value& v, const std::string& where) {
  if (!v.is_object()) return type_error(where, "object", v);
  return &v.get_object();
}

Result<std::string> req_string(const json::object& o, std::string_view key,
                               const std::string& where) {
  auto it = o.find(key);
  if (it == o.end()) return make_error(Errc::field_missing, child(where, key), "required");
  if (!it->value().is_string()) return type_error(child(where, key), "string", it->value());
  return std::string(it->value().get_string());
}

Result<std::string> opt_string(const json::object& o, std::string_view key,
                               const std::string& where) {
  auto it = o.find(key);
  if (it == o.end()) return std::string();
  if (!it->value().is_string()) return type_error(child(where, key), "string", it->value());
  return std::string(it->value().get_string());
}

Result<double> opt_number(const json::object& o, std::string_view key, const std::string& where,
                          double dflt) {
  auto it = o.find(key);
  if (it == o.end()) return dflt;
  if (!it->value().is_number()) return type_error(child(where, key), "number", it->value());
  const double d = it->value().to_number<double>();
  if (!std::isfinite(d)) return invalid(child(where, key), "number must be finite");
  return d;
}

Result<std::vector<std::string>> string_list(const json::value& v, const std::string& where,
                                             bool allow_single) {
  std::vector<std::string> out;
  if (allow_single && v.is_string()) {
    out.emplace_back(v.get_string());
    return out;
  }
  if (!v.is_array()) return type_error(where, allow_single ? "string or array" : "array", v);
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const auto& e = v.get_array()[i];
    if (!e.is_string()) return type_error(child(where, i), "string", e);
    out.emplace_back(e.get_string());
  }
  return out;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

}  // namespace detail::pack_json
}  // namespace v1
}  // namespace triage
