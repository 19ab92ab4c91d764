// Internal: what evaluating a ticket and diagnosing it both read — a text field of the ticket,
// and confidences as they are reported.
#pragma once

#include <cmath>
#include <string_view>

#include "triage/evaluation.hpp"
#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

/// The ticket's text in field `f`; empty when the field is absent.
inline std::string_view text_of(const Ticket& t, TextField f) {
  switch (f) {
    case TextField::subject:
      return t.subject ? std::string_view(*t.subject) : std::string_view();
    case TextField::text:
      return t.text;
    case TextField::error_message:
      return t.error_message ? std::string_view(*t.error_message) : std::string_view();
  }
  return {};
}

/// Scores and confidences are reported to three decimals.
inline double round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
