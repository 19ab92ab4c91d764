// Fuzz target: the Linker. The first byte picks the options (a short or the default window, few or
// many tickets kept, how far apart the operations are in time); the rest is one operation per
// line: 'A' adds a ticket, 'Q' asks what it relates to, 'C' closes an id, 'D' diagnoses it with the
// built-in engine through the linker, then adds it. A ticket is a JSON ticket, or else
// "id|customer id|phone|email|text" so that identities are easy to reach.
// Every answer is well formed (reasons, scores, order, never the ticket itself, never a closed
// ticket), memory stays within max_tickets, and a second linker fed the same operations answers
// the same (answers depend only on what was added).
#include <map>
#include <string>
#include <vector>

#include <boost/date_time/posix_time/posix_time.hpp>

#include "fuzz_check.hpp"
#include "triage/triage.hpp"

namespace {
namespace pt = boost::posix_time;

triage::Ticket ticket_of(std::string_view line) {
  if (auto t = triage::parse_ticket(line)) return std::move(*t);
  triage::Ticket t;
  std::string_view rest = line;
  const std::string_view id = triage::fuzz::take_until(rest, '|');
  const std::string_view customer = triage::fuzz::take_until(rest, '|');
  const std::string_view phone = triage::fuzz::take_until(rest, '|');
  const std::string_view email = triage::fuzz::take_until(rest, '|');
  if (!id.empty()) t.id = std::string(id);
  if (!customer.empty() || !phone.empty() || !email.empty()) {
    auto& c = t.customer.emplace();
    if (!customer.empty()) c.id = std::string(customer);
    if (!phone.empty()) c.phone = std::string(phone);
    if (!email.empty()) c.email = std::string(email);
  }
  t.text = std::string(rest);
  return t;
}

void check_answer(const triage::Ticket& t, const std::vector<triage::RelatedTicket>& related,
                  const triage::LinkerOptions& o, const std::map<std::string, bool>& closed) {
  TRIAGE_FUZZ_CHECK(related.size() <= o.max_related);
  for (std::size_t i = 0; i < related.size(); ++i) {
    const auto& r = related[i];
    TRIAGE_FUZZ_CHECK(!t.id || r.ticket_id != *t.id);
    const auto c = closed.find(r.ticket_id);
    TRIAGE_FUZZ_CHECK(c == closed.end() || !c->second);
    TRIAGE_FUZZ_CHECK(r.score >= 0 && r.score <= 1);
    if (r.reason == "similar_text") {
      TRIAGE_FUZZ_CHECK(r.score >= o.min_similarity);
    } else {
      TRIAGE_FUZZ_CHECK(r.reason == "customer_id" || r.reason == "phone" || r.reason == "email");
      TRIAGE_FUZZ_CHECK(r.score == 1);
    }
    TRIAGE_FUZZ_CHECK(i == 0 || related[i - 1].score >= r.score);
  }
}

bool same(const std::vector<triage::RelatedTicket>& a,
          const std::vector<triage::RelatedTicket>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].ticket_id != b[i].ticket_id || a[i].reason != b[i].reason ||
        a[i].score != b[i].score || a[i].channel != b[i].channel)
      return false;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t pick = data[0];
  triage::LinkerOptions o;
  if (pick & 1) o.window_seconds = 3600;
  if (pick & 2) o.max_tickets = 1 + (pick >> 4);  // 1..16: eviction by count happens often
  o.max_related = 1 + (pick >> 5);
  // Operations are this far apart: the same minute, an hour, or a day (past a short window).
  const pt::time_duration step = (pick & 12) == 0   ? pt::time_duration(pt::seconds(0))
                                 : (pick & 12) == 4 ? pt::time_duration(pt::minutes(1))
                                 : (pick & 12) == 8 ? pt::time_duration(pt::hours(1))
                                                    : pt::time_duration(pt::hours(24));
  const pt::ptime start(boost::gregorian::date(2026, 11, 20), pt::hours(1));

  triage::Linker linker(o), twin(o);
  std::map<std::string, bool> closed;  // id → closed since it was last added
  std::string_view rest = triage::fuzz::bytes(data + 1, size - 1);
  for (std::size_t n = 0; !rest.empty() && n < 256; ++n) {
    const std::string_view line = triage::fuzz::take_until(rest, '\n');
    if (line.empty()) continue;
    const char op = line.front();
    const std::string_view arg = line.substr(1);
    const pt::ptime at = start + step * static_cast<int>(n);
    if (op == 'C') {
      const bool known = linker.close(arg);
      TRIAGE_FUZZ_CHECK(twin.close(arg) == known);
      if (auto it = closed.find(std::string(arg)); it != closed.end()) it->second = true;
      continue;
    }
    const triage::Ticket t = ticket_of(arg);
    const auto related = linker.related(t, at);
    check_answer(t, related, o, closed);
    TRIAGE_FUZZ_CHECK(same(related, twin.related(t, at)));
    if (op == 'A' || op == 'D') {
      triage::Diagnosis d;
      if (op == 'D') {
        triage::DiagnoseOptions dopts;
        dopts.now = at;
        dopts.linker = &linker;
        d = triage::Engine::builtin().diagnose(t, dopts);
        TRIAGE_FUZZ_CHECK(d.related && same(*d.related, related));
      } else {
        d.request_id = "R-" + std::to_string(n);
        d.instant = at;
      }
      linker.add(t, d);
      twin.add(t, d);
      closed[t.id ? *t.id : d.request_id] = false;
    }
    const triage::LinkerStats s = linker.stats();
    TRIAGE_FUZZ_CHECK(s.tickets <= o.max_tickets && s.open <= s.tickets);
    TRIAGE_FUZZ_CHECK(s.added - s.evicted == s.tickets);
    // Similarity is symmetric and a fraction, whatever the bytes.
    const double sim = triage::text_similarity(t.text, arg);
    TRIAGE_FUZZ_CHECK(sim >= 0 && sim <= 1 && sim == triage::text_similarity(arg, t.text));
  }
  return 0;
}
