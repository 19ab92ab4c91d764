// One error type for everything a user can get wrong: a stable code, a message that names
// the place, and the place itself in machine-readable form.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include "triage/status_list.h"

namespace triage {
inline namespace v1 {

/// Stable error codes, the same numbers as the C ABI's `triage_status` (one list for both, with
/// what each means: triage/status_list.h). Values never change meaning; new codes are only added.
enum class Errc : int {
#define TRIAGE_ERRC_ENUMERATOR(constant, value, name) name = value,
  TRIAGE_STATUS_LIST(TRIAGE_ERRC_ENUMERATOR)
#undef TRIAGE_ERRC_ENUMERATOR
};

/// The stable snake_case name of a code ("field_value"); "unknown" for values not in the list.
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
