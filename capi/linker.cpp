// The C face of the Linker: one handle, shared by any number of threads.
#include "guard.hpp"
#include "handles.hpp"
#include "run/answer_line.hpp"

using namespace triage;
using triage::capi::fail;
using triage::capi::give;
using triage::capi::guarded;
using triage::capi::null_arg;

extern "C" {

int triage_linker_new(int64_t window_seconds, size_t max_tickets, triage_linker** out) {
  return guarded([&]() -> int {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (window_seconds < 0)
      return fail(TRIAGE_ERR_INVALID_ARGUMENT, "window_seconds: must be >= 0");
    LinkerOptions o;
    if (window_seconds) o.window_seconds = window_seconds;
    if (max_tickets) o.max_tickets = max_tickets;
    *out = new triage_linker{Linker(o)};
    return TRIAGE_OK;
  });
}

void triage_linker_free(triage_linker* linker) {
  delete linker;
}

int triage_diagnose_json_linked(const triage_engine* engine, triage_linker* linker,
                                const char* ticket, size_t len, char** out_json, size_t* out_len) {
  return guarded([&]() -> int {
    if (!engine) return null_arg("engine");
    if (!linker) return null_arg("linker");
    if (!ticket) return null_arg("ticket");
    if (!out_json) return null_arg("out_json");
    DiagnoseOptions opts;
    opts.linker = &linker->linker;
    std::string out;
    auto error =
        detail::answer_line(engine->engine, parse_ticket(std::string_view(ticket, len)), 1,
                            triage::capi::ThreadEvaluation(), opts, {}, out,
                            [&](const Ticket& t, const Diagnosis& d) { linker->linker.add(t, d); });
    if (error) return fail(*error);
    return give(out, out_json, out_len);
  });
}

int triage_linker_close(triage_linker* linker, const char* ticket_id, size_t len, int* found) {
  return guarded([&]() -> int {
    if (!linker) return null_arg("linker");
    if (!ticket_id && len) return null_arg("ticket_id");
    const bool known = linker->linker.close(std::string_view(ticket_id ? ticket_id : "", len));
    if (found) *found = known ? 1 : 0;
    return TRIAGE_OK;
  });
}

int triage_linker_stats(const triage_linker* linker, size_t* tickets, size_t* memory_bytes) {
  return guarded([&]() -> int {
    if (!linker) return null_arg("linker");
    const LinkerStats s = linker->linker.stats();
    if (tickets) *tickets = s.tickets;
    if (memory_bytes) *memory_bytes = s.memory_bytes;
    return TRIAGE_OK;
  });
}

}  // extern "C"
