#include "triage/evaluation.hpp"

#include <algorithm>

#include "compile/compiled_pack.hpp"
#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {

std::string_view to_string(TextField f) noexcept {
  switch (f) {
    case TextField::subject:
      return "subject";
    case TextField::text:
      return "text";
    case TextField::error_message:
      return "error_message";
  }
  return "";
}

void Evaluation::reset(const Engine& engine, const Ticket& ticket) {
  const auto& cp = EngineAccess::impl(engine);
  if (engine_ != &engine || term_hit_.size() != cp.terms.size() ||
      rule_seen_.size() != cp.rules.size()) {
    // A different engine: size everything afresh.
    term_hit_.assign(cp.terms.size(), 0);
    rule_seen_.assign(cp.rules.size(), 0);
    touched_terms_.clear();
    candidates_.clear();
  }
  engine_ = &engine;
  ticket_ = &ticket;
  current_source_ = 0;
  // Undo only what the previous ticket set: cost follows that ticket, not the pack.
  for (auto t : touched_terms_) term_hit_[t] = 0;
  for (auto r : candidates_) rule_seen_[r] = 0;
  touched_terms_.clear();
  candidates_.clear();
  open_slots_.assign(cp.slot_always_open.begin(), cp.slot_always_open.end());
  regex_hit_.assign(cp.gated_count(), regex_impossible);
  clauses_met_.assign(cp.gated_count(), 0);
  hits_.clear();
  entities_.clear();
  entity_kinds_done_ = 0;
  fired_.clear();
  contributions_.clear();
  scores_.assign(cp.value_count, 0.0);
  score_offset_.assign(cp.score_offset.begin(), cp.score_offset.end());
  dimension_closed_.assign(cp.pack.dimensions.size(), 0);
  decided_.assign(cp.pack.dimensions.size(), -1);
  urgency_ = -1;
  assisting_ = 0;
  repeat_contact_ = -1;
  related_ = 0;
  confidence_.assign(cp.pack.dimensions.size(), 0.0);
  calibrated_.assign(cp.pack.dimensions.size(), 0);
}

gsl::span<const double> Evaluation::scores(std::size_t dimension) const noexcept {
  if (dimension >= score_offset_.size()) return {};
  const std::size_t b = score_offset_[dimension];
  const std::size_t e =
      dimension + 1 < score_offset_.size() ? score_offset_[dimension + 1] : scores_.size();
  return gsl::span<const double>(scores_.data() + b, e - b);
}

void Evaluation::add_score(std::uint16_t dimension, std::uint16_t value, double weight,
                           std::int32_t rule, std::uint16_t source) {
  scores_[score_offset_[dimension] + value] += weight;
  contributions_.push_back({dimension, value, weight, rule, source});
}

bool Evaluation::add_score(std::string_view dimension, std::string_view value, double weight) {
  if (!engine_) return false;
  const auto& dims = EngineAccess::impl(*engine_).pack.dimensions;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (dims[d].id != dimension) continue;
    if (dimension_closed_[d]) return true;  // a final rule has decided it
    for (std::size_t v = 0; v < dims[d].values.size(); ++v) {
      if (dims[d].values[v].id == value) {
        add_score(static_cast<std::uint16_t>(d), static_cast<std::uint16_t>(v), weight, -1,
                  current_source_);
        return true;
      }
    }
  }
  return false;
}

void Evaluation::set_calibrated(std::string_view dimension) {
  if (!engine_) return;
  if (const auto d = engine_->dimension_index(dimension)) calibrated_[*d] = 1;
}

void Evaluation::set_calibrated(std::size_t dimension) noexcept {
  if (dimension < calibrated_.size()) calibrated_[dimension] = 1;
}

void Evaluation::add_scores(std::size_t dimension, gsl::span<const double> weights) {
  if (dimension >= dimension_closed_.size() || dimension_closed_[dimension]) return;
  const std::size_t n = scores(dimension).size();
  for (std::size_t v = 0; v < n && v < weights.size(); ++v) {
    if (weights[v] > 0) {
      add_score(static_cast<std::uint16_t>(dimension), static_cast<std::uint16_t>(v), weights[v],
                -1, current_source_);
    }
  }
}

bool Evaluation::has_score(std::string_view dimension) const {
  if (!engine_) return false;
  const auto d = engine_->dimension_index(dimension);
  if (!d) return false;
  for (double s : scores(*d)) {
    if (s > 0) return true;
  }
  return false;
}

bool Evaluation::regex_hit(std::uint32_t regex) const {
  if (regex >= regex_hit_.size()) return false;
  auto& state = regex_hit_[regex];
  if (state == regex_unknown) {
    state = engine_->regex_matches(regex, *ticket_) ? regex_matched : regex_unmatched;
  }
  return state == regex_matched;
}

bool Evaluation::has_entity(EntityKind kind) const {
  if (!(entity_kinds_done_ & entity_bit(kind))) {
    // Kinds found so far are found again with this one, so that overlapping candidates are
    // settled as a whole extraction would settle them.
    const std::uint32_t kinds = with_rivals(entity_kinds_done_ | entity_bit(kind));
    entities_.clear();
    engine_->extract_entity_kinds(*ticket_, kinds, *this);
    entity_kinds_done_ = kinds;
  }
  return std::any_of(entities_.begin(), entities_.end(),
                     [&](const EntitySpan& e) { return e.kind == kind; });
}

bool Evaluation::repeat_contact() const {
  if (repeat_contact_ < 0)
    repeat_contact_ = engine_->repeat_contact_occurs(*ticket_, *this, fold_scratch_);
  return repeat_contact_ != 0;
}

bool Evaluation::supplied(std::string_view field) const {
  if (!ticket_) return false;
  const Ticket& t = *ticket_;
  const Customer* c = t.customer ? &*t.customer : nullptr;
  if (field == "order_id") return t.order_id || has_entity(EntityKind::order_id);
  if (field == "error_message" || field == "error_code") {
    return t.error_message || has_entity(EntityKind::error_code);
  }
  if (field == "version") return t.version || has_entity(EntityKind::version);
  if (field == "os") return t.os || has_entity(EntityKind::os);
  if (field == "customer.phone" || field == "phone") {
    return (c && c->phone) || has_entity(EntityKind::phone);
  }
  if (field == "customer.email" || field == "email") {
    return (c && c->email) || has_entity(EntityKind::email);
  }
  if (field == "amount") return t.extra.contains("amount") || has_entity(EntityKind::amount);
  if (field == "subject") return t.subject.has_value();
  if (field == "module") return t.module.has_value();
  if (field == "product") return t.product.has_value();
  if (field == "occurred_at") return t.occurred_at.has_value();
  if (field == "created_at") return t.created_at.has_value();
  if (field == "frequency") return t.frequency != Frequency::unspecified;
  if (field == "impact") return t.impact != Impact::unspecified;
  if (field == "attempted") return t.attempted && !t.attempted->empty();
  if (field == "channel") return t.channel != Channel::unspecified;
  if (field == "customer.id") return c && c->id;
  if (field == "customer.name") return c && c->name;
  if (field == "customer.tier") return c && c->tier != Tier::unspecified;
  if (field == "text") return !t.text.empty();
  return t.extra.contains(field);
}

}  // namespace v1
}  // namespace triage
