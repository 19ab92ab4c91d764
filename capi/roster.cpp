// Agents, host routers and routed diagnosis.
#include <boost/json.hpp>

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

std::vector<std::string> strings(const boost::json::object& o, std::string_view key,
                                 const std::string& where) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end()) return out;
  if (!it->value().is_array()) {
    throw Exception(
        make_error(Errc::field_type, where + "/" + std::string(key), "expected array of strings"));
  }
  for (const auto& v : it->value().get_array()) {
    if (!v.is_string()) {
      throw Exception(
          make_error(Errc::field_type, where + "/" + std::string(key), "expected strings"));
    }
    out.emplace_back(v.get_string());
  }
  return out;
}
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
    auto doc = parse_json(std::string_view(agents, len));
    if (!doc) return fail(doc.error());
    if (!doc->is_array()) return fail(TRIAGE_ERR_FIELD_TYPE, "agents: expected an array");
    std::vector<Agent> list;
    const auto& a = doc->get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string where = "/" + std::to_string(i);
      if (!a[i].is_object()) return fail(TRIAGE_ERR_FIELD_TYPE, where + ": expected an object");
      const auto& o = a[i].get_object();
      Agent agent;
      auto id = o.find("id");
      auto group = o.find("group");
      if (id == o.end() || !id->value().is_string()) {
        return fail(TRIAGE_ERR_FIELD_MISSING, where + "/id: a string id is required");
      }
      if (group == o.end() || !group->value().is_string()) {
        return fail(TRIAGE_ERR_FIELD_MISSING, where + "/group: a string group is required");
      }
      agent.id = std::string(id->value().get_string());
      agent.group = std::string(group->value().get_string());
      agent.skills = strings(o, "skills", where);
      agent.languages = strings(o, "languages", where);
      if (auto n = o.find("open_tickets"); n != o.end()) {
        if (!n->value().is_int64() || n->value().get_int64() < 0) {
          return fail(TRIAGE_ERR_FIELD_TYPE, where + "/open_tickets: expected a count");
        }
        agent.open_tickets = static_cast<std::uint32_t>(n->value().get_int64());
      }
      if (auto v = o.find("available"); v != o.end()) {
        if (!v->value().is_bool())
          return fail(TRIAGE_ERR_FIELD_TYPE, where + "/available: expected a boolean");
        agent.available = v->value().get_bool();
      }
      list.push_back(std::move(agent));
    }
    roster->roster.set_agents(std::move(list));
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
    boost::json::array a;
    for (const auto& agent : roster->roster.agents()) {
      boost::json::array skills, languages;
      for (const auto& s : agent.skills) skills.emplace_back(s);
      for (const auto& l : agent.languages) languages.emplace_back(l);
      a.push_back({{"id", agent.id},
                   {"group", agent.group},
                   {"skills", std::move(skills)},
                   {"languages", std::move(languages)},
                   {"open_tickets", agent.open_tickets},
                   {"available", agent.available}});
    }
    return give(boost::json::serialize(a), out_json, out_len);
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
