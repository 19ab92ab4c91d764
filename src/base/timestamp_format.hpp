// Internal: an instant formatted into the caller's buffer, for writers that must not allocate.
#pragma once

#include <cstddef>

#include <boost/date_time/posix_time/posix_time_types.hpp>

namespace triage {
inline namespace v1 {
namespace detail {
/// Writes what format_timestamp returns into `buf` and returns its length (0 for a special
/// instant, as format_timestamp returns "").
std::size_t format_timestamp_to(char (&buf)[64], boost::posix_time::ptime utc, int offset_minutes);
}  // namespace detail
}  // namespace v1
}  // namespace triage
