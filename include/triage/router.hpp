// Picking an agent inside a handling group. Rosters are host state that changes while engines
// run; routers are small pluggable strategies over a roster. Neither lives in the immutable
// Engine.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/error.hpp"

namespace triage {
inline namespace v1 {

struct Agent {
  std::string id;
  std::string group;                   ///< handling group (tech_support, customer_service, …)
  std::vector<std::string> skills;     ///< matched against the ticket's labels and tags
  std::vector<std::string> languages;  ///< "zh-Hans", "zh-Hant", "en"; empty = any
  std::uint32_t open_tickets = 0;      ///< current load
  bool available = true;
};

/// Reads agents from a JSON array: `[{"id", "group", "skills": [...], "languages": [...],
/// "open_tickets": n, "available": b}, ...]`; id and group are required. A mistake is a field
/// error naming its place ("/0/id").
Result<std::vector<Agent>> agents_from_json(std::string_view json);
/// The agents as that JSON array, every field written.
std::string agents_to_json(const std::vector<Agent>& agents);

/// What a router knows about the ticket it places.
struct RoutingRequest {
  std::string group;
  std::vector<std::string> needs;  ///< label values and tags, e.g. "payment_refund", "crash"
  std::string language;
};

/// The host's agents. Every member function is thread-safe: readers take a consistent snapshot,
/// writers replace or update under a lock, and a built-in router's assignment (pick + load
/// update) is atomic; a host router picks from a snapshot (see Router::chooses_under_lock).
class Roster {
 public:
  void set_agents(std::vector<Agent> agents);
  /// Adds or replaces one agent (by id).
  void upsert(Agent agent);
  bool remove(std::string_view agent_id);
  bool set_available(std::string_view agent_id, bool available);
  bool set_open_tickets(std::string_view agent_id, std::uint32_t open);
  /// A copy of the current agents.
  std::vector<Agent> agents() const;

 private:
  friend class Router;
  mutable std::mutex mutex_;
  std::vector<Agent> agents_;
  std::map<std::string, std::uint64_t, std::less<>> cursors_;  // round-robin position per group
};

/// A strategy. `choose` sees the eligible agents of the group (available, speaking the
/// language when any agent does) and returns an index into them, or nothing.
class Router {
 public:
  virtual ~Router() = default;
  virtual std::string_view name() const noexcept = 0;
  /// Picks and records the assignment (the chosen agent's open_tickets grows by one).
  std::optional<std::string> assign(Roster& roster, const RoutingRequest& request) const;

 protected:
  /// False for a router that runs host code (a C callback): `choose` then runs on a copy of the
  /// eligible agents with the roster unlocked, so that it may call the roster — and anything
  /// else — without deadlocking. The pick is recorded afterwards under the lock, for the agent
  /// with the chosen id if it is still in the group; the per-group cursor is not advanced.
  /// The built-in routers keep the default: pick and record in one locked step.
  virtual bool chooses_under_lock() const noexcept { return true; }
  struct Context {
    const RoutingRequest& request;
    std::uint64_t& cursor;  ///< per-group counter the router may advance
  };
  virtual std::optional<std::size_t> choose(const std::vector<const Agent*>& eligible,
                                            Context& ctx) const = 0;
};

/// Takes turns through the group's agents.
class RoundRobinRouter final : public Router {
 public:
  std::string_view name() const noexcept override { return "round_robin"; }

 protected:
  std::optional<std::size_t> choose(const std::vector<const Agent*>& eligible,
                                    Context& ctx) const override;
};

/// The agent with the fewest open tickets (ties: roster order).
class LeastLoadedRouter final : public Router {
 public:
  std::string_view name() const noexcept override { return "least_loaded"; }

 protected:
  std::optional<std::size_t> choose(const std::vector<const Agent*>& eligible,
                                    Context& ctx) const override;
};

/// The agent whose skills cover most of the ticket's needs (ties: least loaded); when nobody
/// has any of the skills, falls back to the least-loaded agent of the group.
class SkillsRouter final : public Router {
 public:
  std::string_view name() const noexcept override { return "skills"; }

 protected:
  std::optional<std::size_t> choose(const std::vector<const Agent*>& eligible,
                                    Context& ctx) const override;
};

/// Routers by name: the three built-ins, plus whatever the host registers.
class RouterRegistry {
 public:
  RouterRegistry();  ///< with round_robin, least_loaded and skills
  /// Registers (or replaces) a router under its name().
  void add(std::shared_ptr<const Router> router);
  std::shared_ptr<const Router> find(std::string_view name) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Router>, std::less<>> routers_;
};

}  // namespace v1
}  // namespace triage
