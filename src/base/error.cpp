#include "triage/error.hpp"

#include "triage/version.hpp"

namespace triage {
inline namespace v1 {

const char* version() noexcept {
  return TRIAGE_VERSION_STRING;
}

std::string_view errc_name(Errc code) noexcept {
  switch (code) {
#define TRIAGE_ERRC_NAME(constant, value, name) \
  case Errc::name:                              \
    return #name;
    TRIAGE_STATUS_LIST(TRIAGE_ERRC_NAME)
#undef TRIAGE_ERRC_NAME
  }
  return "unknown";
}

Error make_error(Errc code, std::string where, std::string_view what) {
  Error e;
  e.code = code;
  e.message = where.empty() ? std::string(what) : where + ": " + std::string(what);
  e.where = std::move(where);
  return e;
}

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw Exception(e);
}

}  // namespace v1
}  // namespace triage
