// One case across channels: the host keeps a Linker beside its engine, adds every diagnosed
// ticket to it, and asks, for each new ticket, which open tickets are the same case — the same
// customer (customer id, phone or e-mail, normalised) within a time window, or a text so similar
// that it is the same report. Memory is bounded (tickets leave by age and by count), answers are
// deterministic (they depend only on what was added, never on timing), and any number of threads
// may add and ask at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "triage/diagnosis.hpp"
#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {

struct LinkerOptions {
  /// Tickets created this many seconds apart or less may be one case; older ones are forgotten
  /// (measured from the newest ticket added, so replays of history behave like live traffic).
  std::int64_t window_seconds = 7 * 24 * 3600;
  /// At most this many tickets are remembered; beyond it the earliest added leave first.
  std::size_t max_tickets = 100000;
  /// Text similarity (cosine over hashed character trigrams of the folded text) from which two
  /// tickets of customers not known to differ are one case.
  double min_similarity = 0.9;
  /// Texts with fewer letters, digits and ideographs than this never link by similarity alone.
  std::size_t min_text_chars = 12;
  /// At most this many related tickets are returned, best first.
  std::size_t max_related = 5;
};

struct LinkerStats {
  std::size_t tickets = 0;       ///< remembered now (open and closed)
  std::size_t open = 0;          ///< of which still open
  std::size_t keys = 0;          ///< distinct customer ids, phones and e-mails indexed
  std::size_t buckets = 0;       ///< entries in the text-similarity index
  std::size_t memory_bytes = 0;  ///< an estimate of what the linker holds
  std::uint64_t added = 0, evicted = 0;
};

/// A phone number as the linker compares it: its last 10 digits, so "+86 138-0013-8000",
/// "0086 13800138000" and "13800138000" agree (country prefixes and trunk zeros fall away).
/// Empty when it has fewer than 7 digits.
std::string normalize_phone(std::string_view phone);
/// An e-mail address as the linker compares it: trimmed, lower case.
std::string normalize_email(std::string_view email);
/// Text similarity in [0, 1] as the linker computes it (for tests and tuning).
double text_similarity(std::string_view a, std::string_view b);

class Linker {
 public:
  explicit Linker(LinkerOptions options = {});
  ~Linker();
  Linker(Linker&&) noexcept;
  Linker& operator=(Linker&&) noexcept;
  Linker(const Linker&) = delete;
  Linker& operator=(const Linker&) = delete;

  /// The open tickets related to `ticket`, best first: identity matches (score 1, reasons
  /// customer_id, phone, email in that order) before similar texts (score = similarity). The
  /// ticket itself (same id) is never listed. `at` is its instant when it has no created_at.
  std::vector<RelatedTicket> related(const Ticket& ticket, boost::posix_time::ptime at) const;
  /// Remembers a diagnosed ticket under its id (or, without one, its request number). Adding an
  /// id again replaces the earlier ticket.
  void add(const Ticket& ticket, const Diagnosis& diagnosis);
  /// The ticket is closed: it is no longer related to new tickets. False when it is unknown.
  bool close(std::string_view ticket_id);
  LinkerStats stats() const;
  const LinkerOptions& options() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace v1
}  // namespace triage
