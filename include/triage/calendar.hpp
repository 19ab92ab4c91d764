// Business calendars: a time zone, weekly working hours (several intervals a day), holidays and
// make-up working days (调休). Instants are UTC inside; local time appears only at the edges.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "triage/error.hpp"

namespace triage {
inline namespace v1 {

/// Working hours of a day: [start, end) in minutes after local midnight.
struct WorkInterval {
  int start = 0;
  int end = 0;
  friend bool operator==(const WorkInterval&, const WorkInterval&) = default;
};

struct CalendarSpec {
  std::string id;
  std::string title;
  /// An IANA name from the built-in table (Asia/Shanghai, America/New_York, …), a fixed offset
  /// ("UTC+08:00"), or a Boost POSIX zone string ("EST-05EDT+01,M3.2.0/02:00,M11.1.0/02:00";
  /// offsets east-positive, as Boost.Date_Time reads them).
  std::string time_zone = "Asia/Shanghai";
  std::array<std::vector<WorkInterval>, 7> week;  ///< index 0 = Monday
  std::vector<boost::gregorian::date> holidays;
  std::vector<boost::gregorian::date> workdays;  ///< weekend days worked instead (调休)
  std::vector<WorkInterval> workday_hours;       ///< hours on those days (default: Monday's)
  std::string where;                             ///< JSON pointer in the pack

  /// Mon–Fri 09:00–18:00, Asia/Shanghai, no holidays.
  static CalendarSpec standard(std::string id = "default");
};

namespace detail {
struct Zone;
}

/// A compiled calendar. Immutable and shareable.
class Calendar {
 public:
  /// Checks the zone, the intervals (sorted, not overlapping, within the day) and that some
  /// working time exists.
  static Result<Calendar> compile(const CalendarSpec& spec);

  const CalendarSpec& spec() const noexcept;
  const std::string& id() const noexcept { return spec().id; }

  /// Local wall time of a UTC instant, and the UTC offset in force then (DST aware).
  boost::posix_time::ptime to_local(boost::posix_time::ptime utc) const;
  int offset_minutes(boost::posix_time::ptime utc) const;
  /// The UTC instant of a local wall time. In a DST gap the wall time does not exist and moves
  /// forward by the gap; in a DST overlap the earlier instant is taken.
  boost::posix_time::ptime to_utc(boost::posix_time::ptime local) const;
  /// ISO-8601 with the offset in force at that instant.
  std::string format(boost::posix_time::ptime utc) const;

  bool is_working_day(boost::gregorian::date local_day) const;
  /// The working intervals of a local day (empty on holidays and days off).
  const std::vector<WorkInterval>& hours(boost::gregorian::date local_day) const;
  bool is_working_time(boost::posix_time::ptime utc) const;
  /// The instant itself when it is working time, else the start of the next working interval.
  boost::posix_time::ptime next_working_instant(boost::posix_time::ptime utc) const;
  /// Adds business time: only working intervals count.
  boost::posix_time::ptime add_business_time(boost::posix_time::ptime utc,
                                             boost::posix_time::time_duration d) const;
  /// Working time inside [from, to).
  boost::posix_time::time_duration business_time_between(boost::posix_time::ptime from,
                                                         boost::posix_time::ptime to) const;
  /// The same local time of day, `n` working days later, counted from the next working instant
  /// (a Saturday ticket starts on Monday morning); clamped into that day's working hours.
  boost::posix_time::ptime add_working_days(boost::posix_time::ptime utc, int n) const;
  /// The end of the working day that contains the instant, or of the next working day when the
  /// instant is after hours ("the same business day").
  boost::posix_time::ptime end_of_business_day(boost::posix_time::ptime utc) const;

 private:
  struct Impl;
  explicit Calendar(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

/// Parses "09:00-18:00" (24:00 allowed as an end).
Result<WorkInterval> parse_work_interval(std::string_view text, std::string_view where = "");

}  // namespace v1
}  // namespace triage
