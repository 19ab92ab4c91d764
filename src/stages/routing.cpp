#include <iterator>

#include "run/conditions.hpp"
#include "stages/stages.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

RouteChoice choose_route(const CompiledPack& cp, const Evaluation& ev) {
  const Routing& routing = *cp.pack.routing;
  RouteChoice c;
  c.primary = &routing.default_primary;
  c.assisting = &routing.default_assisting;
  // A row that needs a keyword of its own that the text lacks is not tested.
  auto row_holds = [&](std::vector<CRouteRule>::const_iterator row) {
    const auto slot = cp.route_slot_base + static_cast<std::uint32_t>(row - cp.route_rules.begin());
    return EngineAccess::slot_open(ev, slot) && holds(cp, row->root, ev);
  };
  for (auto it = cp.route_rules.begin(); it != cp.route_rules.end(); ++it) {
    if (!row_holds(it)) continue;
    const RouteRule& row = routing.rules[it->index];
    c.row = &row;
    c.primary = &row.primary;
    c.assisting = &row.assisting;
    if (row.inherit_assisting) {
      static const std::vector<std::string> none;
      c.assisting = &none;
      for (auto below = std::next(it); below != cp.route_rules.end(); ++below) {
        const RouteRule& other = routing.rules[below->index];
        if (other.inherit_assisting || other.primary != row.primary) continue;
        if (!row_holds(below)) continue;
        c.assisting = &other.assisting;
        break;
      }
      if (c.assisting->empty() && routing.default_primary == row.primary) {
        c.assisting = &routing.default_assisting;
      }
    }
    break;
  }
  c.group = &routing.default_group;
  if (cp.group_dimension >= 0) {
    const std::int32_t v = ev.decided(static_cast<std::size_t>(cp.group_dimension));
    if (v >= 0 && cp.group_of_value[static_cast<std::size_t>(v)] >= 0) {
      c.group =
          &cp.groups[static_cast<std::size_t>(cp.group_of_value[static_cast<std::size_t>(v)])];
    }
  }
  return c;
}

Route route_ticket(const CompiledPack& cp, const Evaluation& ev,
                   std::vector<Explanation>* explain) {
  const Routing& routing = *cp.pack.routing;
  const RouteChoice c = choose_route(cp, ev);
  Route r;
  r.rule = c.row ? c.row->id : "default";
  r.primary = *c.primary;
  r.assisting = *c.assisting;
  // Several departments: one owns the ticket and the coordinator keeps them together.
  if (!r.assisting.empty()) r.coordinator = routing.coordinator;
  if (explain) {
    std::string why = c.row ? c.row->description : "no routing row matched";
    std::string effect = "primary " + r.primary;
    if (!r.assisting.empty()) {
      effect += ", assisting";
      for (const auto& a : r.assisting) effect += " " + a;
    }
    explain->push_back({"route", r.rule, std::move(effect), std::move(why)});
  }

  r.group = *c.group;
  r.router = routing.default_router;
  for (const auto& [group, router] : routing.group_routers) {
    if (group == r.group) r.router = router;
  }
  return r;
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
