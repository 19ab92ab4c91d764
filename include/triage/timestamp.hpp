// ISO-8601 instants with their UTC offset. Arithmetic happens in UTC; the offset is kept so an
// instant prints back in the zone it came from.
#pragma once

#include <string>
#include <string_view>

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "triage/error.hpp"

namespace triage {
inline namespace v1 {

struct Timestamp {
  boost::posix_time::ptime utc;  ///< the instant, in UTC
  int offset_minutes = 0;        ///< the offset it was written with (+08:00 → 480)

  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM|±HHMM)`; a space may stand for `T`.
/// A timestamp without an offset is rejected: an SLA clock cannot guess the zone. Years run from
/// 1900 to 9000.
Result<Timestamp> parse_timestamp(std::string_view text, std::string_view where = "");

/// Formats as `YYYY-MM-DDTHH:MM:SS±HH:MM` (fractions only when non-zero; `Z` never used).
std::string format_timestamp(const Timestamp& t);
std::string format_timestamp(boost::posix_time::ptime utc, int offset_minutes);

}  // namespace v1
}  // namespace triage
