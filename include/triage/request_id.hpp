// Request numbers: "date + channel code + serial", e.g. 20261120-ONL-001.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {

/// TEL, ONL, EML, WEB, APP, SNS, WCT, DTK, MPG, OTH (unspecified channels count as OTH).
std::string_view channel_code(Channel c) noexcept;

/// Hands out serials per (day, channel). Thread-safe. It keeps no state on disk: a host that
/// persists its counters seeds them back with `seed` after a restart.
class RequestIdGenerator {
 public:
  /// The next number for that day and channel: serials start at 001 and never repeat.
  std::string next(boost::gregorian::date day, Channel channel);
  /// Makes the next serial for (day, channel) be `last_issued + 1`.
  void seed(boost::gregorian::date day, Channel channel, std::uint32_t last_issued);
  /// The last serial issued for (day, channel), 0 if none.
  std::uint32_t last(boost::gregorian::date day, Channel channel) const;

 private:
  using Key = std::pair<std::uint32_t, std::uint8_t>;
  mutable std::mutex mutex_;
  std::map<Key, std::uint32_t> counters_;
};

/// The help desk's day of a ticket (Asia/Shanghai, UTC+8): its created_at, else `now`.
boost::gregorian::date desk_day(const Ticket& ticket, boost::posix_time::ptime now);

/// Formats a request number; the serial has at least three digits.
std::string format_request_id(boost::gregorian::date day, Channel channel, std::uint32_t serial);

}  // namespace v1
}  // namespace triage
