#include "triage/router.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "base/json_util.hpp"
#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {

namespace {
Result<std::vector<std::string>> strings(const boost::json::object& o, std::string_view key,
                                         const std::string& where) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end()) return out;
  const std::string at = detail::child(where, key);
  if (!it->value().is_array()) return make_error(Errc::field_type, at, "expected array of strings");
  for (const auto& v : it->value().get_array()) {
    if (!v.is_string()) return make_error(Errc::field_type, at, "expected strings");
    out.emplace_back(v.get_string());
  }
  return out;
}
}  // namespace

Result<std::vector<Agent>> agents_from_json(std::string_view json) {
  auto doc = parse_json(json);
  if (!doc) return doc.error();
  if (!doc->is_array()) return make_error(Errc::field_type, "agents", "expected an array");
  std::vector<Agent> list;
  const auto& a = doc->get_array();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string where = detail::child("", i);
    if (!a[i].is_object()) return make_error(Errc::field_type, where, "expected an object");
    const auto& o = a[i].get_object();
    Agent agent;
    auto id = o.find("id");
    auto group = o.find("group");
    if (id == o.end() || !id->value().is_string()) {
      return make_error(Errc::field_missing, where + "/id", "a string id is required");
    }
    if (group == o.end() || !group->value().is_string()) {
      return make_error(Errc::field_missing, where + "/group", "a string group is required");
    }
    agent.id = std::string(id->value().get_string());
    agent.group = std::string(group->value().get_string());
    TRIAGE_TRY(agent.skills, strings(o, "skills", where));
    TRIAGE_TRY(agent.languages, strings(o, "languages", where));
    if (auto n = o.find("open_tickets"); n != o.end()) {
      if (!n->value().is_int64() || n->value().get_int64() < 0) {
        return make_error(Errc::field_type, where + "/open_tickets", "expected a count");
      }
      agent.open_tickets = static_cast<std::uint32_t>(n->value().get_int64());
    }
    if (auto v = o.find("available"); v != o.end()) {
      if (!v->value().is_bool()) {
        return make_error(Errc::field_type, where + "/available", "expected a boolean");
      }
      agent.available = v->value().get_bool();
    }
    list.push_back(std::move(agent));
  }
  return list;
}

std::string agents_to_json(const std::vector<Agent>& agents) {
  boost::json::array a;
  for (const auto& agent : agents) {
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
  return boost::json::serialize(a);
}

void Roster::set_agents(std::vector<Agent> agents) {
  std::lock_guard lock(mutex_);
  agents_ = std::move(agents);
}

void Roster::upsert(Agent agent) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(agents_.begin(), agents_.end(), [&](auto& a) { return a.id == agent.id; });
  if (it == agents_.end())
    agents_.push_back(std::move(agent));
  else
    *it = std::move(agent);
}

bool Roster::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(agents_.begin(), agents_.end(), [&](auto& a) { return a.id == id; });
  if (it == agents_.end()) return false;
  agents_.erase(it);
  return true;
}

bool Roster::set_available(std::string_view id, bool available) {
  std::lock_guard lock(mutex_);
  for (auto& a : agents_) {
    if (a.id == id) {
      a.available = available;
      return true;
    }
  }
  return false;
}

bool Roster::set_open_tickets(std::string_view id, std::uint32_t open) {
  std::lock_guard lock(mutex_);
  for (auto& a : agents_) {
    if (a.id == id) {
      a.open_tickets = open;
      return true;
    }
  }
  return false;
}

std::vector<Agent> Roster::agents() const {
  std::lock_guard lock(mutex_);
  return agents_;
}

namespace {
// The indexes of the agents a router may pick: available, in the group, speaking the ticket's
// language — or, if none does, anyone available in the group.
std::vector<std::size_t> eligible_agents(const std::vector<Agent>& agents,
                                         const RoutingRequest& request) {
  auto speaks = [&](const Agent& a) {
    return a.languages.empty() ||
           std::find(a.languages.begin(), a.languages.end(), request.language) != a.languages.end();
  };
  std::vector<std::size_t> index;
  for (bool need_language : {true, false}) {
    for (std::size_t i = 0; i < agents.size(); ++i) {
      const Agent& a = agents[i];
      if (a.available && a.group == request.group && (!need_language || speaks(a))) {
        index.push_back(i);
      }
    }
    if (!index.empty()) break;
  }
  return index;
}
}  // namespace

std::optional<std::string> Router::assign(Roster& roster, const RoutingRequest& request) const {
  std::unique_lock lock(roster.mutex_);
  if (!chooses_under_lock()) {
    // Host code: choose on a copy with the lock released (the host may call the roster back),
    // then record the pick by id — the roster may have changed meanwhile.
    std::vector<Agent> copy;
    for (auto i : eligible_agents(roster.agents_, request)) copy.push_back(roster.agents_[i]);
    lock.unlock();
    if (copy.empty()) return std::nullopt;
    std::vector<const Agent*> eligible;
    for (const auto& a : copy) eligible.push_back(&a);
    std::uint64_t cursor = 0;  // host routers keep their own state in user_data
    Context ctx{request, cursor};
    const auto pick = choose(eligible, ctx);
    if (!pick || *pick >= eligible.size()) return std::nullopt;
    lock.lock();
    for (auto& a : roster.agents_) {
      if (a.id == copy[*pick].id && a.group == request.group) {
        ++a.open_tickets;
        return a.id;
      }
    }
    return std::nullopt;  // removed or moved to another group while the host chose
  }
  const auto index = eligible_agents(roster.agents_, request);
  if (index.empty()) return std::nullopt;
  auto& agents = roster.agents_;
  std::vector<const Agent*> eligible;
  for (auto i : index) eligible.push_back(&agents[i]);
  Context ctx{request, roster.cursors_[request.group]};
  const auto pick = choose(eligible, ctx);
  if (!pick || *pick >= eligible.size()) return std::nullopt;
  Agent& chosen = agents[index[*pick]];
  ++chosen.open_tickets;
  return chosen.id;
}

std::optional<std::size_t> RoundRobinRouter::choose(const std::vector<const Agent*>& eligible,
                                                    Context& ctx) const {
  return static_cast<std::size_t>(ctx.cursor++ % eligible.size());
}

namespace {
std::size_t least_loaded(const std::vector<const Agent*>& eligible) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < eligible.size(); ++i) {
    if (eligible[i]->open_tickets < eligible[best]->open_tickets) best = i;
  }
  return best;
}
}  // namespace

std::optional<std::size_t> LeastLoadedRouter::choose(const std::vector<const Agent*>& eligible,
                                                     Context&) const {
  return least_loaded(eligible);
}

std::optional<std::size_t> SkillsRouter::choose(const std::vector<const Agent*>& eligible,
                                                Context& ctx) const {
  std::size_t best = 0, best_score = 0;
  for (std::size_t i = 0; i < eligible.size(); ++i) {
    std::size_t score = 0;
    for (const auto& need : ctx.request.needs) {
      const auto& skills = eligible[i]->skills;
      score += std::find(skills.begin(), skills.end(), need) != skills.end();
    }
    if (score > best_score || (score == best_score && score > 0 &&
                               eligible[i]->open_tickets < eligible[best]->open_tickets)) {
      best = i;
      best_score = score;
    }
  }
  return best_score > 0 ? best : least_loaded(eligible);
}

RouterRegistry::RouterRegistry() {
  add(std::make_shared<RoundRobinRouter>());
  add(std::make_shared<LeastLoadedRouter>());
  add(std::make_shared<SkillsRouter>());
}

void RouterRegistry::add(std::shared_ptr<const Router> router) {
  if (!router) return;
  std::lock_guard lock(mutex_);
  routers_[std::string(router->name())] = std::move(router);
}

std::shared_ptr<const Router> RouterRegistry::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto it = routers_.find(name);
  return it == routers_.end() ? nullptr : it->second;
}

}  // namespace v1
}  // namespace triage
