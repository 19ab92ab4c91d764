#include "triage/timestamp.hpp"

#include "base/timestamp_format.hpp"

#include <algorithm>

#include <boost/date_time/gregorian/gregorian_types.hpp>

namespace triage {
inline namespace v1 {
namespace pt = boost::posix_time;
namespace gr = boost::gregorian;

namespace {
constexpr int kMinYear = 1900, kMaxYear = 9000;

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}
}  // namespace

Result<Timestamp> parse_timestamp(std::string_view s, std::string_view where) {
  auto fail = [&](std::string_view why) {
    return make_error(Errc::field_format, std::string(where),
                      std::string("invalid timestamp \"") + std::string(s.substr(0, 64)) +
                          "\": " + std::string(why) + "; expected YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM)");
  };
  int y, mo, d, h, mi, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 16 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi)) {
    return fail("not ISO-8601");
  }
  std::size_t p = 16;
  long long frac_us = 0;
  if (p < s.size() && s[p] == ':') {
    if (!digits(s, p + 1, 2, sec)) return fail("bad seconds");
    p += 3;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      std::size_t n = 0;
      long long scale = 100000;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
        if (n < 6) frac_us += (s[p] - '0') * scale, scale /= 10;
        ++p, ++n;
      }
      if (n == 0) return fail("empty fraction");
    }
  }
  int offset = 0;
  if (p >= s.size()) return fail("missing UTC offset (Z or +HH:MM)");
  if (s[p] == 'Z' || s[p] == 'z') {
    ++p;
  } else if (s[p] == '+' || s[p] == '-') {
    int oh, om;
    const int sign = s[p] == '-' ? -1 : 1;
    if (!digits(s, p + 1, 2, oh)) return fail("bad UTC offset");
    std::size_t q = p + 3;
    if (q < s.size() && s[q] == ':') ++q;
    if (!digits(s, q, 2, om)) return fail("bad UTC offset");
    p = q + 2;
    if (oh > 18 || om > 59) return fail("UTC offset out of range");
    offset = sign * (oh * 60 + om);
  } else {
    return fail("missing UTC offset (Z or +HH:MM)");
  }
  if (p != s.size()) return fail("trailing characters");
  // Years 1900–9000: with any offset and any SLA budget added, every instant stays inside the
  // calendar Boost can represent (1400–9999), so no later step can fail on a date.
  if (y < kMinYear || y > kMaxYear) return fail("year out of range (1900-9000)");
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 60) return fail("field out of range");
  if (sec == 60) sec = 59;  // a leap second is kept inside its minute
  if (d < 1 || d > gr::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(y),
                                                            static_cast<unsigned short>(mo))) {
    return fail("no such day");
  }
  pt::ptime local(gr::date(static_cast<unsigned short>(y), static_cast<unsigned short>(mo),
                           static_cast<unsigned short>(d)),
                  pt::hours(h) + pt::minutes(mi) + pt::seconds(sec) + pt::microseconds(frac_us));
  return Timestamp{local - pt::minutes(offset), offset};
}

std::size_t detail::format_timestamp_to(char (&buf)[64], pt::ptime utc, int offset_minutes) {
  // Digits by hand: snprintf was most of what writing a diagnosis cost (a score of instants).
  if (utc.is_special()) return 0;
  const pt::ptime local = utc + pt::minutes(offset_minutes);
  const auto date = local.date();
  const auto tod = local.time_of_day();
  char* p = buf;
  auto digits = [&p](long long v, int width) {  // v >= 0, zero-padded to `width`, as %0Nd
    int length = 1;
    for (long long rest = v; rest >= 10; rest /= 10) ++length;
    char* end = p + std::max(width, length);
    for (char* q = end; q != p;) {
      *--q = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    p = end;
  };
  digits(static_cast<int>(date.year()), 4);
  *p++ = '-';
  digits(static_cast<int>(date.month()), 2);
  *p++ = '-';
  digits(static_cast<int>(date.day()), 2);
  *p++ = 'T';
  digits(tod.hours(), 2);
  *p++ = ':';
  digits(tod.minutes(), 2);
  *p++ = ':';
  digits(tod.seconds(), 2);
  if (const auto us = tod.total_microseconds() % 1000000; us != 0) {
    *p++ = '.';
    digits(us, 6);
  }
  const int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  *p++ = offset_minutes < 0 ? '-' : '+';
  digits(off / 60, 2);
  *p++ = ':';
  digits(off % 60, 2);
  return static_cast<std::size_t>(p - buf);
}

std::string format_timestamp(pt::ptime utc, int offset_minutes) {
  char buf[64];
  return std::string(buf, detail::format_timestamp_to(buf, utc, offset_minutes));
}

std::string format_timestamp(const Timestamp& t) {
  return format_timestamp(t.utc, t.offset_minutes);
}

}  // namespace v1
}  // namespace triage
