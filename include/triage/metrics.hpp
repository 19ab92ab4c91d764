// Service metrics over closed tickets and their event histories: first-contact resolution,
// handling time, CSAT, SLA compliance per target, reopen rate and counts per dimension value,
// overall and per handling group. Pure functions: the host hands in the histories.
// Provided by the triage_devkit library (CMake target triage::devkit), not by libtriage.so.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <gsl/span>

#include "triage/engine.hpp"
#include "triage/sla.hpp"
#include "triage/ticket.hpp"
#include "triage/timestamp.hpp"

namespace triage {
inline namespace v1 {

enum class Satisfaction : std::uint8_t { satisfied, neutral, unsatisfied };

struct TicketHistory {
  Ticket ticket;
  std::vector<TicketEvent> events;  ///< sorted by time
  std::optional<Satisfaction> satisfaction;
};

/// Reads one history line: a ticket plus "events" and an optional "satisfaction".
Result<TicketHistory> history_from_json(const boost::json::value& v);

struct SlaCompliance {
  std::size_t met = 0, breached = 0;
  double rate() const noexcept {
    return met + breached ? static_cast<double>(met) / static_cast<double>(met + breached) : 0.0;
  }
};

struct MetricsReport {
  std::size_t tickets = 0;  ///< histories read
  std::size_t closed = 0;   ///< with a "closed" event; the rates below are over these
  std::size_t first_contact_resolved = 0;
  std::size_t reopened = 0;
  std::size_t repeat_contacts = 0;     ///< tickets whose text says they are not the first contact
  std::vector<double> handling_hours;  ///< creation → last resolution, per resolved ticket
  std::size_t satisfied = 0, neutral = 0, unsatisfied = 0, unrated = 0;
  std::map<std::string, SlaCompliance> sla;                          ///< per target name
  std::map<std::string, std::map<std::string, std::size_t>> counts;  ///< dimension → value → n

  double fcr_rate() const noexcept;
  double reopen_rate() const noexcept;
  double average_handling_hours() const noexcept;
  double p90_handling_hours() const noexcept;
  double csat() const noexcept;              ///< satisfied share of the rated tickets
  SlaCompliance sla_total() const noexcept;  ///< every target together
};

/// One SLA target a ticket missed.
struct Breach {
  std::string ticket_id;  ///< the ticket's id, or "#N" (its place among the histories)
  std::string group;      ///< handling group from the diagnosis
  std::string target;
  Timestamp due;                          ///< with the offset the ticket was created in
  std::optional<Timestamp> completed;     ///< when done late; none when not done by the last event
  boost::posix_time::time_duration late;  ///< completion (or the last event) past the deadline
};

struct Metrics {
  MetricsReport overall;
  std::map<std::string, MetricsReport> by_group;  ///< handling group from the diagnosis
  /// Per week of creation (ISO weeks, named by their Monday, YYYY-MM-DD, in the ticket's offset).
  std::map<std::string, MetricsReport> by_week;
  std::vector<Breach> breaches;  ///< in input order
};

/// Diagnoses every history with `engine` (for labels, group and SLA plan) and aggregates.
/// Definitions: a ticket is resolved at first contact when it was closed, never reopened or
/// escalated, and got at most one response before its first resolution. SLA targets count at the
/// ticket's last event: met, or breached (by completion after the deadline or none by then).
Metrics compute_metrics(const Engine& engine, gsl::span<const TicketHistory> histories);

boost::json::object to_json(const Metrics& m);
/// Aligned terminal tables (display width: long and CJK group names keep their columns).
std::string to_table(const Metrics& m);

}  // namespace v1
}  // namespace triage
