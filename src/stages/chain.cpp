#include "triage/chain.hpp"

#include <algorithm>

namespace triage {
inline namespace v1 {
namespace pt = boost::posix_time;

Result<ChainReport> chain_status(const ChainSpec& chain, const Calendar& cal,
                                 gsl::span<const std::pair<std::string, pt::ptime>> entered,
                                 pt::ptime now) {
  ChainReport r;
  r.chain = chain.id;
  std::vector<std::pair<std::size_t, pt::ptime>> seen;  // (step index, entered)
  for (const auto& step_entered : entered) {
    // Not a structured binding: clang before 16 cannot capture one in the lambda below.
    const std::string& id = step_entered.first;
    const pt::ptime at = step_entered.second;
    auto it =
        std::find_if(chain.steps.begin(), chain.steps.end(), [&](auto& s) { return s.id == id; });
    if (it == chain.steps.end()) {
      return make_error(Errc::field_value, id,
                        "step \"" + id + "\" is not part of chain " + chain.id);
    }
    seen.emplace_back(static_cast<std::size_t>(it - chain.steps.begin()), at);
  }
  if (seen.empty()) return make_error(Errc::field_missing, chain.id, "no step has been entered");
  std::sort(seen.begin(), seen.end(), [](auto& a, auto& b) { return a.second < b.second; });
  for (std::size_t i = 1; i < seen.size(); ++i) {
    if (seen[i].first <= seen[i - 1].first) {
      return make_error(Errc::field_value, chain.steps[seen[i].first].id,
                        "step \"" + chain.steps[seen[i].first].id + "\" entered out of order");
    }
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const ChainStep& step = chain.steps[seen[i].first];
    StepTiming t;
    t.step = step.id;
    t.entered = seen[i].second;
    t.left = i + 1 < seen.size() ? seen[i + 1].second : pt::ptime(pt::not_a_date_time);
    t.due = step.expected ? sla_deadline(cal, t.entered, *step.expected)
                          : pt::ptime(pt::not_a_date_time);
    const pt::ptime end = t.left.is_not_a_date_time() ? now : t.left;
    if (!t.due.is_not_a_date_time() && end > t.due) {
      t.overdue = true;
      t.overdue_by = end - t.due;
    }
    r.steps.push_back(t);
  }
  const StepTiming& last = r.steps.back();
  r.current = last.step;
  r.complete = seen.back().first + 1 == chain.steps.size();
  r.in_step = now - last.entered;
  r.stuck = !r.complete && last.overdue;
  if (r.stuck) r.stuck_for = last.overdue_by;
  return r;
}

}  // namespace v1
}  // namespace triage
