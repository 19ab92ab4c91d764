// Fuzz target: ticket JSON. Any bytes either parse into a ticket or fail with a stable code and
// a place; a parsed ticket survives the JSON round trip and diagnoses on the built-in pack into
// evidence that points inside the ticket.
#include <string>

#include <boost/json.hpp>

#include "fuzz_check.hpp"
#include "triage/triage.hpp"

namespace {
bool spans_inside(const triage::Diagnosis& d, const triage::Ticket& t) {
  auto field_size = [&](const std::string& name) -> std::size_t {
    if (name == "text") return t.text.size();
    if (name == "subject") return t.subject ? t.subject->size() : 0;
    if (name == "error_message") return t.error_message ? t.error_message->size() : 0;
    return 0;
  };
  auto ok = [&](const triage::MatchedSpan& s) {
    return s.begin <= s.end && s.end <= field_size(s.field);
  };
  for (const auto& l : d.labels) {
    for (const auto& e : l.evidence) {
      for (const auto& s : e.spans) {
        if (!ok(s)) return false;
      }
    }
  }
  for (const auto& e : d.entities) {
    if (!ok(e.span)) return false;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json = triage::fuzz::bytes(data, size);
  auto ticket = triage::parse_ticket(json);
  if (!ticket) {
    const auto& e = ticket.error();
    TRIAGE_FUZZ_CHECK(e.code != triage::Errc::ok && e.code != triage::Errc::internal);
    TRIAGE_FUZZ_CHECK(!triage::errc_name(e.code).empty() && !e.message.empty());
    return 0;
  }
  // ticket_from_json(to_json(t)) == t for every ticket.
  const auto again = triage::ticket_from_json(triage::to_json(*ticket));
  TRIAGE_FUZZ_CHECK(again && *again == *ticket);

  triage::DiagnoseOptions opts;
  opts.now = boost::posix_time::ptime(boost::gregorian::date(2026, 11, 20));
  const triage::Diagnosis d = triage::Engine::builtin().diagnose(*ticket, opts);
  TRIAGE_FUZZ_CHECK(spans_inside(d, *ticket));
  const std::string out = boost::json::serialize(triage::to_json(d));
  TRIAGE_FUZZ_CHECK(triage::parse_json(out));  // the output is valid JSON (and UTF-8)
  return 0;
}
