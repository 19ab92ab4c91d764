#include "triage/calendar.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include <boost/date_time/local_time/local_time.hpp>

#include "triage/timestamp.hpp"

namespace triage {
inline namespace v1 {
namespace pt = boost::posix_time;
namespace gr = boost::gregorian;
namespace lt = boost::local_time;

namespace {
// IANA names → Boost POSIX zone strings (offsets east-positive; the DST part is the adjustment).
// Current rules only: deadlines are computed for now and the near future, not for history.
const std::map<std::string, std::string, std::less<>>& zone_table() {
  static const std::map<std::string, std::string, std::less<>> t = {
      {"UTC", "UTC+00"},
      {"Etc/UTC", "UTC+00"},
      {"Asia/Shanghai", "CST+08"},
      {"Asia/Chongqing", "CST+08"},
      {"Asia/Hong_Kong", "HKT+08"},
      {"Asia/Macau", "CST+08"},
      {"Asia/Taipei", "CST+08"},
      {"Asia/Singapore", "SGT+08"},
      {"Asia/Kuala_Lumpur", "MYT+08"},
      {"Asia/Manila", "PST+08"},
      {"Asia/Tokyo", "JST+09"},
      {"Asia/Seoul", "KST+09"},
      {"Asia/Bangkok", "ICT+07"},
      {"Asia/Jakarta", "WIB+07"},
      {"Asia/Ho_Chi_Minh", "ICT+07"},
      {"Asia/Kolkata", "IST+05:30"},
      {"Asia/Dubai", "GST+04"},
      {"Europe/London", "GMT+00BST+01,M3.5.0/01:00,M10.5.0/02:00"},
      {"Europe/Dublin", "GMT+00IST+01,M3.5.0/01:00,M10.5.0/02:00"},
      {"Europe/Berlin", "CET+01CEST+01,M3.5.0/02:00,M10.5.0/03:00"},
      {"Europe/Paris", "CET+01CEST+01,M3.5.0/02:00,M10.5.0/03:00"},
      {"Europe/Madrid", "CET+01CEST+01,M3.5.0/02:00,M10.5.0/03:00"},
      {"Europe/Rome", "CET+01CEST+01,M3.5.0/02:00,M10.5.0/03:00"},
      {"Europe/Amsterdam", "CET+01CEST+01,M3.5.0/02:00,M10.5.0/03:00"},
      {"Europe/Moscow", "MSK+03"},
      {"America/New_York", "EST-05EDT+01,M3.2.0/02:00,M11.1.0/02:00"},
      {"America/Chicago", "CST-06CDT+01,M3.2.0/02:00,M11.1.0/02:00"},
      {"America/Denver", "MST-07MDT+01,M3.2.0/02:00,M11.1.0/02:00"},
      {"America/Los_Angeles", "PST-08PDT+01,M3.2.0/02:00,M11.1.0/02:00"},
      {"America/Toronto", "EST-05EDT+01,M3.2.0/02:00,M11.1.0/02:00"},
      {"America/Sao_Paulo", "BRT-03"},
      {"Australia/Sydney", "AEST+10AEDT+01,M10.1.0/02:00,M4.1.0/03:00"},
  };
  return t;
}

std::optional<std::string> zone_string(std::string_view name) {
  if (auto it = zone_table().find(name); it != zone_table().end()) return it->second;
  if (name.size() >= 4 && name.substr(0, 3) == "UTC" && (name[3] == '+' || name[3] == '-')) {
    return "UTC" + std::string(name.substr(3));
  }
  if (!name.empty() && name.find_first_of("+-") != std::string_view::npos) {
    return std::string(name);  // a Boost POSIX string
  }
  return std::nullopt;
}

int weekday_index(gr::date d) {  // Monday = 0
  // The date is its Julian day number, and day 0 was a Monday: no calendar arithmetic (the
  // working intervals of every SLA deadline ask for it day by day).
  return static_cast<int>(d.day_number() % 7);
}
}  // namespace

struct Calendar::Impl {
  CalendarSpec spec;
  lt::time_zone_ptr zone;
  std::vector<gr::date> holidays;  // sorted
  std::vector<gr::date> workdays;  // sorted
  std::vector<WorkInterval> none;
  // A zone without daylight saving is one offset all year: local time is UTC plus it, without
  // asking Boost's zone arithmetic each time (deadlines convert every working interval).
  bool fixed_offset = false;
  pt::time_duration offset;
};

CalendarSpec CalendarSpec::standard(std::string id) {
  CalendarSpec s;
  s.id = std::move(id);
  for (int d = 0; d < 5; ++d) s.week[static_cast<std::size_t>(d)] = {{9 * 60, 18 * 60}};
  return s;
}

Result<WorkInterval> parse_work_interval(std::string_view text, std::string_view where) {
  int h1, m1, h2, m2;
  char tail;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) != 4 ||
      s.size() != 11 || h1 < 0 || h1 > 23 || m1 < 0 || m1 > 59 || h2 < 0 || h2 > 24 || m2 < 0 ||
      m2 > 59 || (h2 == 24 && m2 != 0)) {
    return make_error(Errc::field_format, std::string(where),
                      "invalid working hours \"" + s + "\"; expected HH:MM-HH:MM");
  }
  WorkInterval w{h1 * 60 + m1, h2 * 60 + m2};
  if (w.end <= w.start) {
    return make_error(Errc::field_format, std::string(where),
                      "working hours \"" + s + "\" end before they start");
  }
  return w;
}

Result<Calendar> Calendar::compile(const CalendarSpec& spec) {
  auto impl = std::make_shared<Impl>();
  impl->spec = spec;
  const auto zs = zone_string(spec.time_zone);
  if (!zs) {
    return make_error(Errc::field_value, spec.where + "/time_zone",
                      "unknown time zone \"" + spec.time_zone +
                          "\"; use an IANA name such as Asia/Shanghai, UTC+08:00, or a POSIX zone");
  }
  try {
    impl->zone = lt::time_zone_ptr(new lt::posix_time_zone(*zs));
  } catch (const std::exception& e) {
    return make_error(Errc::field_format, spec.where + "/time_zone",
                      "invalid time zone \"" + spec.time_zone + "\": " + e.what());
  }
  impl->fixed_offset = !impl->zone->has_dst();
  impl->offset = impl->zone->base_utc_offset();
  if (impl->spec.workday_hours.empty()) impl->spec.workday_hours = spec.week[0];
  bool any = !spec.workdays.empty() && !impl->spec.workday_hours.empty();
  auto check = [&](const std::vector<WorkInterval>& day,
                   const std::string& where) -> std::optional<Error> {
    for (std::size_t i = 0; i < day.size(); ++i) {
      if (day[i].start < 0 || day[i].end > 24 * 60 || day[i].end <= day[i].start) {
        return make_error(Errc::field_value, where, "working hours out of range");
      }
      if (i > 0 && day[i].start < day[i - 1].end) {
        return make_error(Errc::field_value, where,
                          "working hours must be sorted and must not overlap");
      }
    }
    return std::nullopt;
  };
  static const char* names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (std::size_t d = 0; d < 7; ++d) {
    if (auto e = check(spec.week[d], spec.where + "/week/" + names[d])) return *e;
    any |= !spec.week[d].empty();
  }
  if (auto e = check(impl->spec.workday_hours, spec.where + "/workday_hours")) return *e;
  if (!any) {
    return make_error(Errc::field_value, spec.where + "/week", "the calendar has no working hours");
  }
  impl->holidays = spec.holidays;
  impl->workdays = spec.workdays;
  std::sort(impl->holidays.begin(), impl->holidays.end());
  std::sort(impl->workdays.begin(), impl->workdays.end());
  return Calendar(std::move(impl));
}

const CalendarSpec& Calendar::spec() const noexcept {
  return impl_->spec;
}

pt::ptime Calendar::to_local(pt::ptime utc) const {
  if (impl_->fixed_offset && !utc.is_special()) return utc + impl_->offset;
  return lt::local_date_time(utc, impl_->zone).local_time();
}

int Calendar::offset_minutes(pt::ptime utc) const {
  return static_cast<int>((to_local(utc) - utc).total_seconds() / 60);
}

pt::ptime Calendar::to_utc(pt::ptime local) const {
  if (impl_->fixed_offset && !local.is_special()) return local - impl_->offset;
  const auto base = impl_->zone->base_utc_offset();
  const auto dst = impl_->zone->has_dst() ? impl_->zone->dst_offset() : pt::time_duration(0, 0, 0);
  const pt::ptime as_dst = local - base - dst;  // earlier of the two readings
  const pt::ptime as_std = local - base;
  if (dst.total_seconds() != 0 && to_local(as_dst) == local) return as_dst;
  if (to_local(as_std) == local) return as_std;
  return as_std;  // in the gap: the wall time does not exist; move forward by the gap
}

std::string Calendar::format(pt::ptime utc) const {
  return format_timestamp(utc, offset_minutes(utc));
}

bool Calendar::is_working_day(gr::date day) const {
  return !hours(day).empty();
}

const std::vector<WorkInterval>& Calendar::hours(gr::date day) const {
  const auto& i = *impl_;
  if (std::binary_search(i.holidays.begin(), i.holidays.end(), day)) return i.none;
  if (std::binary_search(i.workdays.begin(), i.workdays.end(), day)) return i.spec.workday_hours;
  return i.spec.week[static_cast<std::size_t>(weekday_index(day))];
}

namespace {
// Walks working intervals as UTC ranges, day by day, from the local day of `from`.
template <class F>
void for_each_interval(const Calendar& cal, pt::ptime from, F&& f) {
  gr::date day = cal.to_local(from).date() - gr::days(1);  // a DST edge may start the day earlier
  for (int n = 0; n < 3700; ++n, day += gr::days(1)) {     // ten years is the horizon
    for (const auto& w : cal.hours(day)) {
      const pt::ptime s = cal.to_utc(pt::ptime(day, pt::minutes(w.start)));
      const pt::ptime e = cal.to_utc(pt::ptime(day, pt::minutes(w.end)));
      if (e <= from) continue;
      if (!f(std::max(s, from), e)) return;
    }
  }
}
}  // namespace

bool Calendar::is_working_time(pt::ptime utc) const {
  return next_working_instant(utc) == utc;
}

pt::ptime Calendar::next_working_instant(pt::ptime utc) const {
  pt::ptime out(pt::not_a_date_time);
  for_each_interval(*this, utc, [&](pt::ptime s, pt::ptime) {
    out = s;
    return false;
  });
  return out;
}

pt::ptime Calendar::add_business_time(pt::ptime utc, pt::time_duration d) const {
  if (d.total_seconds() <= 0 && d.fractional_seconds() == 0) return utc;
  pt::ptime out(pt::not_a_date_time);
  for_each_interval(*this, utc, [&](pt::ptime s, pt::ptime e) {
    if (d <= e - s) {
      out = s + d;
      return false;
    }
    d -= e - s;
    return true;
  });
  return out;
}

pt::time_duration Calendar::business_time_between(pt::ptime from, pt::ptime to) const {
  pt::time_duration sum(0, 0, 0);
  if (to <= from) return sum;
  for_each_interval(*this, from, [&](pt::ptime s, pt::ptime e) {
    if (s >= to) return false;
    sum += std::min(e, to) - s;
    return true;
  });
  return sum;
}

pt::ptime Calendar::add_working_days(pt::ptime utc, int n) const {
  const pt::ptime start = next_working_instant(utc);
  if (start.is_not_a_date_time()) return start;
  const pt::ptime local = to_local(start);
  gr::date day = local.date();
  for (int k = 0, guard = 0; k < n; ++guard) {
    if (guard > 3700) return pt::ptime(pt::not_a_date_time);  // no working day in ten years
    day += gr::days(1);
    if (is_working_day(day)) ++k;
  }
  // The same time of day, clamped into the day's working hours.
  const int minute = static_cast<int>(local.time_of_day().total_seconds() / 60);
  const auto& h = hours(day);
  int at = h.back().end;
  for (const auto& w : h) {
    if (minute < w.start) {
      at = w.start;
      break;
    }
    if (minute < w.end) {
      at = minute;
      break;
    }
  }
  const auto seconds = local.time_of_day().seconds();
  return to_utc(
      pt::ptime(day, pt::minutes(at) + (at == minute ? pt::seconds(seconds) : pt::seconds(0))));
}

pt::ptime Calendar::end_of_business_day(pt::ptime utc) const {
  const pt::ptime start = next_working_instant(utc);
  if (start.is_not_a_date_time()) return start;
  const gr::date day = to_local(start).date();
  return to_utc(pt::ptime(day, pt::minutes(hours(day).back().end)));
}

}  // namespace v1
}  // namespace triage
