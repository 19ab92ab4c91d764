// Ticket → Evaluation: one scan of every text field, the candidate rules it hits tested in
// priority order, host classifiers, then one decision per dimension.
#include "triage/engine.hpp"

#include <algorithm>

#include "compile/compiled_pack.hpp"
#include "run/conditions.hpp"
#include "run/ticket_text.hpp"

namespace triage {
inline namespace v1 {
using detail::CompiledPack;
using detail::CRule;
using detail::holds;
using detail::text_of;

void Engine::extract_entities(const Ticket& ticket, Evaluation& ev) const {
  ev.entities_.clear();  // a partial set from supplied() is redone whole, in text order
  for (std::size_t f = 0; f < text_field_count; ++f) {
    const std::string_view text = text_of(ticket, static_cast<TextField>(f));
    impl_->entities.extract(text, static_cast<std::uint8_t>(f), ev.entities_, ev.set_scratch_);
  }
  ev.entity_kinds_done_ = all_entity_kinds;
}

void Engine::extract_entity_kinds(const Ticket& ticket, std::uint32_t kinds,
                                  const Evaluation& ev) const {
  for (std::size_t f = 0; f < text_field_count; ++f) {
    const std::string_view text = text_of(ticket, static_cast<TextField>(f));
    impl_->entities.extract_kinds(text, static_cast<std::uint8_t>(f), kinds, ev.entities_);
  }
}

bool Engine::regex_matches(std::uint32_t regex, const Ticket& ticket) const {
  for (std::size_t f = 0; f < text_field_count; ++f) {
    const std::string_view text = text_of(ticket, static_cast<TextField>(f));
    if (!text.empty() && RE2::PartialMatch(text, impl_->regexes[regex]->get())) return true;
  }
  return false;
}

void Engine::evaluate(const Ticket& ticket, Evaluation& ev) const {
  evaluate(ticket, ev, false);
}

void Engine::evaluate(const Ticket& ticket, Evaluation& ev, bool all_entities) const {
  const CompiledPack& cp = *impl_;
  ev.reset(*this, ticket);
  if (all_entities) extract_entities(ticket, ev);
  auto candidate = [&](std::uint32_t r) {
    if (!ev.rule_seen_[r]) {
      ev.rule_seen_[r] = 1;
      ev.candidates_.push_back(r);
    }
  };
  auto possible = [&](std::uint32_t rx) {
    if (ev.regex_hit_[rx] != Evaluation::regex_impossible) return;
    ev.regex_hit_[rx] = Evaluation::regex_unknown;
    for (auto i = cp.regex_rules_begin[rx]; i != cp.regex_rules_begin[rx + 1]; ++i) {
      candidate(cp.regex_rules[i]);
    }
  };
  // 1. Scan every text field once.
  for (std::size_t f = 0; f < text_field_count; ++f) {
    const auto field = static_cast<TextField>(f);
    const std::string_view text = text_of(ticket, field);
    if (text.empty()) continue;
    ev.matches_.clear();
    cp.matcher.scan(text, ev.matches_);
    for (const Match& m : ev.matches_) {
      if (m.id >= cp.atom_base) {  // a literal some regular expressions need
        const std::uint32_t a = m.id - cp.atom_base;
        for (auto i = cp.atom_uses_begin[a]; i != cp.atom_uses_begin[a + 1]; ++i) {
          const detail::AtomUse& use = cp.atom_uses[i];
          std::uint32_t& met = ev.clauses_met_[use.regex];
          met |= 1u << use.clause;
          if (met == (1u << cp.regex_clause_count[use.regex]) - 1) possible(use.regex);
        }
        continue;
      }
      ev.hits_.push_back({m.id, field, m.begin, m.end});
      if (ev.term_hit_[m.id]) continue;
      ev.term_hit_[m.id] = 1;
      ev.touched_terms_.push_back(m.id);
      for (auto i = cp.term_rules_begin[m.id]; i != cp.term_rules_begin[m.id + 1]; ++i) {
        candidate(cp.term_rules[i]);
      }
      for (auto i = cp.slots_by_term_begin[m.id]; i != cp.slots_by_term_begin[m.id + 1]; ++i) {
        ev.open_slots_[cp.slots_by_term[i]] = 1;
      }
    }
  }
  for (auto rx : cp.unfiltered_regexes) possible(rx);
  for (auto r : cp.always_rules) candidate(r);
  // Otherwise entities are found lazily: only when a condition asks whether a field is
  // supplied, and only of the kinds it asks for (Evaluation::supplied).
  // 2. Test candidates in priority order; score what fires.
  std::sort(ev.candidates_.begin(), ev.candidates_.end());
  for (auto ri : ev.candidates_) {
    const CRule& r = cp.rules[ri];
    if (!holds(cp, r.root, ev)) continue;
    ev.fired_.push_back(ri);
    bool scored = false;
    for (const auto& s : r.scores) {
      if (ev.dimension_closed_[s.dimension]) continue;
      ev.add_score(s.dimension, s.value, s.weight, static_cast<std::int32_t>(ri), 0);
      scored = true;
    }
    if (scored && cp.pack.rules[r.pack_index].final) {
      for (const auto& s : r.scores) ev.dimension_closed_[s.dimension] = 1;
    }
  }
  // 3. Host classifiers.
  for (std::size_t i = 0; i < cp.classifiers.size(); ++i) {
    ev.current_source_ = static_cast<std::uint16_t>(i + 1);
    cp.classifiers[i]->classify(ticket, ev);
  }
  ev.current_source_ = 0;
  // 4. Decide every dimension once: later steps (urgency, routing, the diagnosis) read this.
  for (std::size_t d = 0; d < cp.pack.dimensions.size(); ++d) {
    const auto best = decide(ev, d, &ev.confidence_[d]);
    ev.decided_[d] = best ? *best : -1;
  }
}

namespace {
// The dimension's calibration map at `raw` (see Dimension::calibration).
double calibrate(const std::vector<CalibrationKnot>& knots, double raw) noexcept {
  if (knots.empty()) return raw;
  if (raw <= knots.front().raw) return knots.front().calibrated;
  if (raw >= knots.back().raw) return knots.back().calibrated;
  const auto hi = std::upper_bound(knots.begin(), knots.end(), raw,
                                   [](double r, const CalibrationKnot& k) { return r < k.raw; });
  const auto lo = hi - 1;
  const double t = (raw - lo->raw) / (hi->raw - lo->raw);
  return lo->calibrated + t * (hi->calibrated - lo->calibrated);
}
}  // namespace

std::optional<std::uint16_t> Engine::decide(const Evaluation& ev, std::size_t dimension,
                                            double* confidence) const {
  const auto& dim = impl_->pack.dimensions[dimension];
  const auto scores = ev.scores(dimension);
  double top = 0, second = 0, positive = 0;
  std::optional<std::uint16_t> best;
  for (std::size_t v = 0; v < scores.size(); ++v) {
    if (scores[v] <= 0) continue;
    positive += scores[v];
    if (!best || scores[v] > top) {
      second = top;
      top = scores[v];
      best = static_cast<std::uint16_t>(v);
    } else if (scores[v] > second) {
      second = scores[v];
    }
  }
  // Calibrated probabilities need no smoothing: they already say how sure they are.
  const double smoothing = ev.calibrated(dimension) ? 0.0 : impl_->pack.settings.smoothing;
  const double conf = best ? calibrate(dim.calibration, top / (positive + smoothing)) : 0.0;
  if (confidence) *confidence = detail::round3(conf);
  if (!best) return std::nullopt;
  // A tie, a close runner-up or too little evidence: say so rather than guess.
  if (second >= top || conf < dim.min_confidence || (top - second) / top < dim.margin) {
    return std::nullopt;
  }
  if (conf < dim.values[*best].min_confidence) {
    // Not sure enough for this value: the fallback stands in, as when nothing scored.
    for (std::size_t v = 0; dim.fallback && v < dim.values.size(); ++v) {
      if (dim.values[v].id != *dim.fallback) continue;
      if (confidence) *confidence = 0;
      return static_cast<std::uint16_t>(v);
    }
    return std::nullopt;
  }
  return best;
}

}  // namespace v1
}  // namespace triage
