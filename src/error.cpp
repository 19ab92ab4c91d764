#include "triage/error.hpp"

#include "triage/version.hpp"

namespace triage {
inline namespace v1 {

const char* version() noexcept {
  return TRIAGE_VERSION_STRING;
}

std::string_view errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::ok:
      return "ok";
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::json_syntax:
      return "json_syntax";
    case Errc::json_too_deep:
      return "json_too_deep";
    case Errc::not_an_object:
      return "not_an_object";
    case Errc::field_type:
      return "field_type";
    case Errc::field_value:
      return "field_value";
    case Errc::field_missing:
      return "field_missing";
    case Errc::field_format:
      return "field_format";
    case Errc::text_too_large:
      return "text_too_large";
    case Errc::pack_schema:
      return "pack_schema";
    case Errc::pack_invalid:
      return "pack_invalid";
    case Errc::pack_duplicate_id:
      return "pack_duplicate_id";
    case Errc::pack_unknown_reference:
      return "pack_unknown_reference";
    case Errc::pack_bad_regex:
      return "pack_bad_regex";
    case Errc::pack_bad_keyword:
      return "pack_bad_keyword";
    case Errc::pack_limit:
      return "pack_limit";
    case Errc::workflow_invalid:
      return "workflow_invalid";
    case Errc::transition_refused:
      return "transition_refused";
    case Errc::transition_unknown:
      return "transition_unknown";
    case Errc::not_found:
      return "not_found";
    case Errc::callback:
      return "callback";
    case Errc::io:
      return "io";
    case Errc::internal:
      return "internal";
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
