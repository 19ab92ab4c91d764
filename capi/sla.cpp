// The SLA status of a diagnosed ticket, judged by the engine's pack at an instant.
#include <boost/date_time/posix_time/posix_time.hpp>
#include <boost/json.hpp>

#include "guard.hpp"
#include "handles.hpp"

using namespace triage;
using triage::capi::fail;
using triage::capi::give;
using triage::capi::guarded;
using triage::capi::null_arg;
namespace pt = boost::posix_time;

extern "C" {

int triage_sla_status_json(const triage_engine* engine, const char* ticket, size_t len,
                           const char* events, size_t events_len, const char* now, char** out_json,
                           size_t* out_len) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!ticket) return null_arg("ticket");
    if (!events) return null_arg("events");
    if (!out_json) return null_arg("out_json");
    auto t = parse_ticket(std::string_view(ticket, len));
    if (!t) return fail(t.error());
    auto ev_doc = parse_json(std::string_view(events, events_len), "events");
    if (!ev_doc) return fail(ev_doc.error());
    auto evs = events_from_json(*ev_doc, "/events");
    if (!evs) return fail(evs.error());
    pt::ptime at = pt::second_clock::universal_time();
    if (now) {
      auto n = parse_timestamp(now, "now");
      if (!n) return fail(n.error());
      at = n->utc;
    }
    DiagnoseOptions opts;
    opts.now = at;
    const Diagnosis d = engine->engine.diagnose(*t, triage::capi::ThreadEvaluation(), opts);
    if (!d.sla) return fail(TRIAGE_ERR_NOT_FOUND, "the engine's pack has no sla section");
    const auto states = engine->engine.sla_status(d, *evs, at);
    return give(boost::json::serialize(sla_status_json(*d.sla, states)), out_json, out_len);
  });
}

}  // extern "C"
