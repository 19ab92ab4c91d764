// Workflow transitions and the graph, drawn for Graphviz.
#include "guard.hpp"
#include "handles.hpp"

using namespace triage;
using triage::capi::fail;
using triage::capi::give;
using triage::capi::guarded;
using triage::capi::null_arg;

extern "C" {

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

}  // extern "C"
