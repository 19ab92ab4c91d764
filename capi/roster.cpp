// Agents, host routers and routed diagnosis.
#include "guard.hpp"
#include "handles.hpp"

using namespace triage;
using triage::capi::fail;
using triage::capi::give;
using triage::capi::guarded;
using triage::capi::null_arg;

namespace {
// A host router: the C callback sees the eligible agents' ids and picks one.
class CallbackRouter final : public Router {
 public:
  CallbackRouter(std::string name, triage_router_fn fn, void* user_data)
      : name_(std::move(name)), fn_(fn), user_data_(user_data) {}
  std::string_view name() const noexcept override { return name_; }

 protected:
  // Host code may call the roster (or diagnose again): never under the roster's lock.
  bool chooses_under_lock() const noexcept override { return false; }
  std::optional<std::size_t> choose(const std::vector<const Agent*>& eligible,
                                    Context& ctx) const override {
    std::vector<const char*> ids;
    for (const Agent* a : eligible) ids.push_back(a->id.c_str());
    std::size_t chosen = 0;
    if (fn_(user_data_, ctx.request.group.c_str(), ids.data(), ids.size(),
            ctx.request.language.c_str(), &chosen) != 0) {
      throw capi::CallbackFailed("router " + name_ + " reported a failure");
    }
    if (chosen >= eligible.size()) {
      throw capi::CallbackFailed("router " + name_ + " chose index " + std::to_string(chosen) +
                                 " of " + std::to_string(eligible.size()));
    }
    return chosen;
  }

 private:
  std::string name_;
  triage_router_fn fn_;
  void* user_data_;
};
}  // namespace

extern "C" {

int triage_roster_new(triage_roster** out) {
  return guarded([&] {
    if (!out) return null_arg("out");
    *out = std::make_unique<triage_roster>().release();
    return static_cast<int>(TRIAGE_OK);
  });
}

void triage_roster_free(triage_roster* roster) {
  std::unique_ptr<triage_roster>{roster};
}

int triage_roster_set_json(triage_roster* roster, const char* agents, size_t len) {
  return guarded([&] {
    if (!roster) return null_arg("roster");
    if (!agents) return null_arg("agents");
    auto list = agents_from_json(std::string_view(agents, len));
    if (!list) return fail(list.error());
    roster->roster.set_agents(std::move(*list));
    return static_cast<int>(TRIAGE_OK);
  });
}

int triage_roster_set_available(triage_roster* roster, const char* agent_id, int available) {
  return guarded([&] {
    if (!roster) return null_arg("roster");
    if (!agent_id) return null_arg("agent_id");
    if (!roster->roster.set_available(agent_id, available != 0)) {
      return fail(TRIAGE_ERR_NOT_FOUND, std::string(agent_id) + ": no such agent");
    }
    return static_cast<int>(TRIAGE_OK);
  });
}

int triage_roster_set_open_tickets(triage_roster* roster, const char* agent_id, unsigned open) {
  return guarded([&] {
    if (!roster) return null_arg("roster");
    if (!agent_id) return null_arg("agent_id");
    if (!roster->roster.set_open_tickets(agent_id, open)) {
      return fail(TRIAGE_ERR_NOT_FOUND, std::string(agent_id) + ": no such agent");
    }
    return static_cast<int>(TRIAGE_OK);
  });
}

int triage_roster_json(const triage_roster* roster, char** out_json, size_t* out_len) {
  return guarded([&] {
    if (!roster) return null_arg("roster");
    if (!out_json) return null_arg("out_json");
    return give(agents_to_json(roster->roster.agents()), out_json, out_len);
  });
}

int triage_roster_set_router(triage_roster* roster, const char* name, triage_router_fn fn,
                             void* user_data) {
  return guarded([&] {
    if (!roster) return null_arg("roster");
    if (!name) return null_arg("name");
    if (!fn) return null_arg("fn");
    roster->routers.add(std::make_shared<CallbackRouter>(name, fn, user_data));
    return static_cast<int>(TRIAGE_OK);
  });
}

int triage_diagnose_json_routed(const triage_engine* engine, triage_roster* roster,
                                const char* ticket, size_t len, char** out_json, size_t* out_len) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!roster) return null_arg("roster");
    if (!ticket) return null_arg("ticket");
    if (!out_json) return null_arg("out_json");
    DiagnoseOptions opts;
    opts.roster = &roster->roster;
    opts.routers = &roster->routers;
    auto r = diagnose_line(engine->engine, std::string_view(ticket, len), 1,
                           triage::capi::ThreadEvaluation(), opts);
    if (r.error) return fail(*r.error);
    return give(r.json, out_json, out_len);
  });
}

}  // extern "C"
