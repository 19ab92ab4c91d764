#include "triage/request_id.hpp"

#include <string>
#include <string_view>

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
  // YYYYMMDD-CODE-NNN (at least three digits), written digit by digit: every diagnosis has one,
  // and printf's format parsing cost more than the rest of it.
  auto digits = [](std::string& out, std::uint32_t v, std::size_t width) {
    char buf[10];
    std::size_t n = 0;
    do {
      buf[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    for (; n < width; ++n) buf[n] = '0';
    while (n > 0) out += buf[--n];
  };
  const std::string_view code = channel_code(channel);
  std::string out;
  out.reserve(13 + code.size() + 3);
  digits(out, static_cast<std::uint32_t>(day.year()), 4);
  digits(out, static_cast<std::uint32_t>(day.month().as_number()), 2);
  digits(out, static_cast<std::uint32_t>(day.day().as_number()), 2);
  out += '-';
  out += code;
  out += '-';
  digits(out, serial, 3);
  return out;
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
