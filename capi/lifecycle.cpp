// SLA status, workflow transitions and the engine holder.
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

int triage_workflow_next(const triage_engine* engine, const char* state, const char* event,
                         const char* facts_json, char** out_state) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!state) return null_arg("state");
    if (!event) return null_arg("event");
    if (!out_state) return null_arg("out_state");
    Facts facts;
    if (facts_json) {
      auto parsed = facts_from_json(facts_json);
      if (!parsed) return fail(parsed.error());
      facts = std::move(*parsed);
    }
    auto next = engine->engine.workflow().next(state, event, facts);
    if (!next) return fail(next.error());
    return give(*next, out_state, nullptr);
  });
}

int triage_workflow_dot(const triage_engine* engine, char** out_dot, size_t* out_len) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!out_dot) return null_arg("out_dot");
    return give(engine->engine.workflow().to_dot(), out_dot, out_len);
  });
}

int triage_holder_new(const triage_engine* engine, triage_holder** out) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!out) return null_arg("out");
    *out = std::make_unique<triage_holder>(engine->engine).release();
    return static_cast<int>(TRIAGE_OK);
  });
}

void triage_holder_free(triage_holder* holder) {
  std::unique_ptr<triage_holder>{holder};
}

int triage_holder_swap_json(triage_holder* holder, const char* pack, size_t len) {
  return guarded([&] {
    if (!holder) return null_arg("holder");
    if (!pack) return null_arg("pack");
    auto r = holder->holder.swap_json(std::string_view(pack, len));
    if (!r) return fail(r.error());
    return static_cast<int>(TRIAGE_OK);
  });
}

int triage_holder_swap(triage_holder* holder, const triage_engine* engine) {
  return guarded([&] {
    if (!holder) return null_arg("holder");
    if (!engine) return null_arg("engine");
    holder->holder.swap(engine->engine);
    return static_cast<int>(TRIAGE_OK);
  });
}

int triage_holder_acquire(const triage_holder* holder, triage_engine** out) {
  return guarded([&] {
    if (!holder) return null_arg("holder");
    if (!out) return null_arg("out");
    return triage::capi::new_engine(holder->holder.current(), out);
  });
}

}  // extern "C"
