// Internal helpers for reading JSON with errors that name their JSON pointer.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "triage/error.hpp"

#define TRIAGE_CAT2(a, b) a##b
#define TRIAGE_CAT(a, b) TRIAGE_CAT2(a, b)
/// Assigns the value of a Result to `lhs`, or returns its error from the enclosing function.
#define TRIAGE_TRY(lhs, expr)                                                 \
  auto TRIAGE_CAT(try_, __LINE__) = (expr);                                   \
  if (!TRIAGE_CAT(try_, __LINE__)) return TRIAGE_CAT(try_, __LINE__).error(); \
  lhs = std::move(*TRIAGE_CAT(try_, __LINE__))

namespace triage {
inline namespace v1 {
namespace detail {

/// Escapes one JSON-pointer token ("~" → "~0", "/" → "~1").
std::string pointer_token(std::string_view key);
inline std::string child(std::string_view parent, std::string_view key) {
  return std::string(parent) + "/" + pointer_token(key);
}
inline std::string child(std::string_view parent, std::size_t index) {
  return std::string(parent) + "/" + std::to_string(index);
}

std::string_view kind_name(boost::json::kind k) noexcept;

Error type_error(const std::string& where, std::string_view expected, const boost::json::value& v);

/// 1-based line and column of a byte offset.
void line_column(std::string_view text, std::size_t offset, std::uint32_t& line,
                 std::uint32_t& column);

template <class E, std::size_t N>
Result<E> parse_enum(const boost::json::value& v, const std::string& where,
                     const std::array<std::string_view, N>& names) {
  // names[0] is the unspecified value and never accepted from input.
  if (!v.is_string()) return type_error(where, "string", v);
  const std::string_view s = v.get_string();
  for (std::size_t i = 1; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  std::string expected;
  for (std::size_t i = 1; i < N; ++i) {
    if (i > 1) expected += '|';
    expected += names[i];
  }
  return make_error(Errc::field_value, where,
                    "unknown value \"" + std::string(s.substr(0, 64)) + "\"; expected " + expected);
}

}  // namespace detail
}  // namespace v1
}  // namespace triage

namespace triage {
inline namespace v1 {
namespace detail {
/// Byte offset of the value a JSON pointer names inside JSON text (for line/column in error
/// messages); the offset of the nearest existing ancestor when the pointer goes further.
std::size_t locate_pointer(std::string_view json, std::string_view pointer) noexcept;
/// Fills in e.line / e.column from e.where (a JSON pointer) and appends them to the message.
void add_position(Error& e, std::string_view json) noexcept;
}  // namespace detail
}  // namespace v1
}  // namespace triage

namespace triage {
inline namespace v1 {
namespace detail {
/// Serialises like boost::json::serialize, but writes numbers the way people read them
/// (0.75, 3) instead of Boost 1.81's exponent form (7.5E-1, 3E0).
std::string write_json(const boost::json::value& v);
void write_json(const boost::json::value& v, std::string& out);
// The same for an object, without the copy that making it a value would take.
std::string write_json(const boost::json::object& o);
void write_json(const boost::json::object& o, std::string& out);
/// `s` as a JSON string, quoted and escaped, appended to `out`.
void append_json_string(std::string_view s, std::string& out);
/// Writes a finite `d` into `buf` (32 bytes) as std::to_chars writes it — the shortest form that
/// reads back as `d` — and returns the end; quicker for numbers given to three decimals.
char* shortest_double(char* buf, double d) noexcept;
}  // namespace detail
}  // namespace v1
}  // namespace triage
