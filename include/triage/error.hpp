// One error type for everything a user can get wrong: a stable code, a message that names
// the place, and the place itself in machine-readable form.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace triage {
inline namespace v1 {

/// Stable error codes. Values never change meaning; new codes are only appended.
enum class Errc : int {
  ok = 0,
  invalid_argument = 1,         ///< a null or out-of-range argument from the host
  json_syntax = 10,             ///< input is not well-formed JSON (or not UTF-8)
  json_too_deep = 11,           ///< nesting deeper than the limit
  not_an_object = 12,           ///< a JSON object was expected
  field_type = 20,              ///< a field has the wrong JSON type
  field_value = 21,             ///< an enum field holds an unknown value
  field_missing = 22,           ///< a required field is absent
  field_format = 23,            ///< a string field is malformed (timestamp, …)
  text_too_large = 30,          ///< the ticket text exceeds the limit
  pack_schema = 40,             ///< the pack's schema version is not supported
  pack_invalid = 41,            ///< the pack's structure is wrong
  pack_duplicate_id = 42,       ///< two rules, dimensions or values share an id
  pack_unknown_reference = 43,  ///< a rule names a dimension or value that does not exist
  pack_bad_regex = 44,          ///< a regular expression does not compile
  pack_bad_keyword = 45,        ///< a keyword is empty or too long
  pack_limit = 46,              ///< the pack exceeds a size limit
  workflow_invalid = 47,        ///< the workflow graph is broken (unreachable state, dead end, ...)
  transition_refused = 50,      ///< a guard refused the transition
  transition_unknown = 51,      ///< no such transition from the current state
  io = 60,                      ///< a file could not be read
  not_found = 61,               ///< no such agent, dimension value, ...
  callback = 70,                ///< a host callback reported a failure
  internal = 99,                ///< a bug in triage; please report it
};

/// The stable snake_case name of a code ("field_value").
std::string_view errc_name(Errc code) noexcept;

struct Error {
  Errc code = Errc::internal;
  /// Human-readable, starting with the place: "/customer/tier: unknown value \"gold\"; …".
  std::string message;
  /// The place in machine-readable form: a JSON pointer, a rule id or a file path.
  std::string where;
  /// 1-based line and column in the source document, when known (0 otherwise).
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

/// Builds an Error whose message is prefixed by its place.
Error make_error(Errc code, std::string where, std::string_view what);

/// Thrown only by the C++ convenience accessors (`.value()` on a failed Result).
class Exception : public std::runtime_error {
 public:
  explicit Exception(Error e) : std::runtime_error(e.message), error_(std::move(e)) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

/// `boost::system::result` finds this by argument-dependent lookup.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace v1
}  // namespace triage
