#include <iterator>

#include "conditions.hpp"
#include "stage2.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

Route route_ticket(const CompiledPack& cp, const Evaluation& ev,
                   std::vector<Explanation>& explain) {
  const Routing& routing = *cp.pack.routing;
  Route r;
  r.rule = "default";
  r.primary = routing.default_primary;
  r.assisting = routing.default_assisting;
  std::string why = "no routing row matched";
  for (auto it = cp.route_rules.begin(); it != cp.route_rules.end(); ++it) {
    if (!holds(cp, it->root, ev)) continue;
    const RouteRule& row = routing.rules[it->index];
    r.rule = row.id;
    r.primary = row.primary;
    r.assisting = row.assisting;
    why = row.description;
    if (row.inherit_assisting) {
      r.assisting.clear();
      for (auto below = std::next(it); below != cp.route_rules.end(); ++below) {
        const RouteRule& other = routing.rules[below->index];
        if (other.inherit_assisting || other.primary != row.primary) continue;
        if (!holds(cp, below->root, ev)) continue;
        r.assisting = other.assisting;
        break;
      }
      if (r.assisting.empty() && routing.default_primary == row.primary) {
        r.assisting = routing.default_assisting;
      }
    }
    break;
  }
  // Several departments: one owns the ticket and the coordinator keeps them together.
  if (!r.assisting.empty()) r.coordinator = routing.coordinator;
  std::string effect = "primary " + r.primary;
  if (!r.assisting.empty()) {
    effect += ", assisting";
    for (const auto& a : r.assisting) effect += " " + a;
  }
  explain.push_back({"route", r.rule, std::move(effect), std::move(why)});

  r.group = routing.default_group;
  if (cp.group_dimension >= 0) {
    const std::int32_t v = ev.decided(static_cast<std::size_t>(cp.group_dimension));
    if (v >= 0 && cp.group_of_value[static_cast<std::size_t>(v)] >= 0) {
      r.group = cp.groups[static_cast<std::size_t>(cp.group_of_value[static_cast<std::size_t>(v)])];
    }
  }
  r.router = routing.default_router;
  for (const auto& [group, router] : routing.group_routers) {
    if (group == r.group) r.router = router;
  }
  return r;
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
