#include "triage/request_id.hpp"

#include <cstdio>

namespace triage {
inline namespace v1 {

std::string_view channel_code(Channel c) noexcept {
  switch (c) {
    case Channel::phone:
      return "TEL";
    case Channel::chat:
      return "ONL";
    case Channel::email:
      return "EML";
    case Channel::web:
      return "WEB";
    case Channel::app:
      return "APP";
    case Channel::social:
      return "SNS";
    case Channel::wechat:
      return "WCT";
    case Channel::dingtalk:
      return "DTK";
    case Channel::mini_program:
      return "MPG";
    case Channel::other:
    case Channel::unspecified:
      return "OTH";
  }
  return "OTH";
}

boost::gregorian::date desk_day(const Ticket& ticket, boost::posix_time::ptime now) {
  constexpr int kDeskOffsetMinutes = 8 * 60;
  const boost::posix_time::ptime created = ticket.created_at ? ticket.created_at->utc : now;
  return (created + boost::posix_time::minutes(kDeskOffsetMinutes)).date();
}

std::string format_request_id(boost::gregorian::date day, Channel channel, std::uint32_t serial) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d-%.*s-%03u", static_cast<int>(day.year()),
                static_cast<int>(day.month()), static_cast<int>(day.day()),
                static_cast<int>(channel_code(channel).size()), channel_code(channel).data(),
                serial);
  return buf;
}

namespace {
// Unspecified and `other` share the OTH sequence: they print the same code.
std::uint8_t sequence_of(Channel c) {
  return c == Channel::unspecified ? static_cast<std::uint8_t>(Channel::other)
                                   : static_cast<std::uint8_t>(c);
}
}  // namespace

std::string RequestIdGenerator::next(boost::gregorian::date day, Channel channel) {
  std::uint32_t serial;
  {
    std::lock_guard lock(mutex_);
    serial = ++counters_[{static_cast<std::uint32_t>(day.julian_day()), sequence_of(channel)}];
  }
  return format_request_id(day, channel, serial);
}

void RequestIdGenerator::seed(boost::gregorian::date day, Channel channel,
                              std::uint32_t last_issued) {
  std::lock_guard lock(mutex_);
  counters_[{static_cast<std::uint32_t>(day.julian_day()), sequence_of(channel)}] = last_issued;
}

std::uint32_t RequestIdGenerator::last(boost::gregorian::date day, Channel channel) const {
  std::lock_guard lock(mutex_);
  auto it = counters_.find({static_cast<std::uint32_t>(day.julian_day()), sequence_of(channel)});
  return it == counters_.end() ? 0 : it->second;
}

}  // namespace v1
}  // namespace triage
