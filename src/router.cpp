#include "triage/router.hpp"

#include <algorithm>

namespace triage {
inline namespace v1 {

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
