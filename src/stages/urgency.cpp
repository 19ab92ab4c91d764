#include <algorithm>
#include <iterator>

#include "run/conditions.hpp"
#include "stages/stages.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

Urgency assess_urgency(const CompiledPack& cp, const Evaluation& ev,
                       std::vector<Explanation>* explain) {
  const auto& policy = cp.pack.urgency;
  int level = static_cast<int>(policy.default_level);
  const UrgencyRule* base = nullptr;
  int shift = 0;
  int floor = static_cast<int>(Urgency::low), cap = static_cast<int>(Urgency::critical);
  // The explanation is built only for a caller that writes it: classification alone must not
  // allocate.
  std::vector<Explanation> steps;
  for (std::uint32_t slot = 0; slot < cp.urgency_rules.size(); ++slot) {
    const auto& cr = cp.urgency_rules[slot];
    // A rule that needs a keyword of its own that the text lacks is not tested.
    if (!EngineAccess::slot_open(ev, slot) || !holds(cp, cr.root, ev)) continue;
    const UrgencyRule& r = policy.rules[cr.index];
    const int lv = static_cast<int>(r.level);
    std::string effect;
    switch (r.effect) {
      case UrgencyRule::Effect::set:
        // The highest-priority set wins; among equal priorities the most urgent one.
        if (base && (base->priority > r.priority || lv >= level)) {
          if (explain) {
            effect = "set " + std::string(to_string(r.level)) + " (overridden by " + base->id + ")";
          }
        } else {
          base = &r;
          level = lv;
          if (explain) effect = "set " + std::string(to_string(r.level));
        }
        break;
      case UrgencyRule::Effect::raise:
        shift -= r.steps;
        if (explain) effect = "raise " + std::to_string(r.steps);
        break;
      case UrgencyRule::Effect::lower:
        shift += r.steps;
        if (explain) effect = "lower " + std::to_string(r.steps);
        break;
      case UrgencyRule::Effect::at_least:
        floor = std::min(floor, lv);
        if (explain) effect = "at least " + std::string(to_string(r.level));
        break;
      case UrgencyRule::Effect::at_most:
        cap = std::max(cap, lv);
        if (explain) effect = "at most " + std::string(to_string(r.level));
        break;
    }
    if (explain) steps.push_back({"urgency", r.id, std::move(effect), r.description});
  }
  if (explain) {
    if (!base) {
      explain->push_back({"urgency", "default",
                          "set " + std::string(to_string(policy.default_level)),
                          "no urgency rule set a level"});
    }
    explain->insert(explain->end(), std::make_move_iterator(steps.begin()),
                    std::make_move_iterator(steps.end()));
  }
  level = std::clamp(level + shift, 0, static_cast<int>(urgency_count) - 1);
  level = std::min(level, floor);  // at_least: no less urgent than the floor
  level = std::max(level, cap);    // at_most: no more urgent than the cap
  return static_cast<Urgency>(level);
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
