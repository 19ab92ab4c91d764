// The per-ticket context of one run through the engine: keyword hits with spans, entities,
// the rules that fired and every score given. Later steps read what earlier steps wrote; the
// diagnosis and its explanations are read off it. Reuse one Evaluation per thread: after the
// first tickets it stops allocating.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <gsl/span>

#include "triage/entities.hpp"
#include "triage/matcher.hpp"

namespace triage {
inline namespace v1 {

class Engine;
struct Ticket;

/// The text fields that are scanned, in scan order.
enum class TextField : std::uint8_t { subject, text, error_message };
inline constexpr std::size_t text_field_count = 3;
std::string_view to_string(TextField f) noexcept;

struct Hit {
  std::uint32_t term;  ///< the keyword as the pack wrote it (index into the engine's terms)
  TextField field;
  std::uint32_t begin;  ///< byte offsets into that field
  std::uint32_t end;
};

/// One score given to a dimension value, by a rule or by another classifier.
struct Contribution {
  std::uint16_t dimension;
  std::uint16_t value;
  double weight;
  std::int32_t rule;     ///< index of the rule, or -1
  std::uint16_t source;  ///< index of the classifier that gave it (0 = rules)
};

class Evaluation {
 public:
  Evaluation() = default;

  const Ticket* ticket() const noexcept { return ticket_; }
  gsl::span<const Hit> hits() const noexcept { return hits_; }
  gsl::span<const EntitySpan> entities() const noexcept { return entities_; }
  gsl::span<const std::uint32_t> fired_rules() const noexcept { return fired_; }
  gsl::span<const Contribution> contributions() const noexcept { return contributions_; }
  /// Accumulated score of each value of `dimension`.
  gsl::span<const double> scores(std::size_t dimension) const noexcept;
  bool term_hit(std::uint32_t term) const noexcept {
    return term < term_hit_.size() && term_hit_[term] != 0;
  }
  /// Whether the expression matches some text field. Expressions whose atoms did not occur
  /// cannot match; the others run on first asking, once per ticket.
  bool regex_hit(std::uint32_t regex) const;
  /// The value decided for a dimension (after every classifier ran), or -1.
  std::int32_t decided(std::size_t dimension) const noexcept {
    return dimension < decided_.size() ? decided_[dimension] : -1;
  }
  /// The urgency index (0 = critical) once decided, or -1; assisting departments once routed.
  std::int32_t urgency() const noexcept { return urgency_; }
  std::size_t assisting_count() const noexcept { return assisting_; }
  /// Whether the text says this is a repeat contact: looked for with the pack's expressions on
  /// first asking (a cache, as entities are), so that tickets no condition asks about pay nothing.
  bool repeat_contact() const;
  /// How many related open tickets the host's linker found (0 without a linker).
  std::size_t related_count() const noexcept { return related_; }
  /// True when some earlier rule or classifier gave the dimension a positive score.
  bool has_score(std::string_view dimension) const;
  /// True when the ticket or an entity found in its text supplies the field.
  bool supplied(std::string_view field) const;

  /// Adds a score on behalf of the classifier being run. Unknown ids are ignored (and
  /// reported by `false`); a dimension closed by a final rule takes no more scores.
  bool add_score(std::string_view dimension, std::string_view value, double weight);
  void add_score(std::uint16_t dimension, std::uint16_t value, double weight, std::int32_t rule,
                 std::uint16_t source);
  /// Says that the dimension's scores are the calibrated probabilities of one classifier, each
  /// times the same weight: its confidence is then the top probability itself (no smoothing), so
  /// that `min_confidence` means for the model what it means for the rules.
  void set_calibrated(std::string_view dimension);
  void set_calibrated(std::size_t dimension) noexcept;
  /// One score per value of a dimension, in the pack's value order, on behalf of the classifier
  /// being run (a model aligned to the pack: no look-up by name).
  void add_scores(std::size_t dimension, gsl::span<const double> weights);
  bool calibrated(std::size_t dimension) const noexcept {
    return dimension < calibrated_.size() && calibrated_[dimension];
  }

 private:
  friend class Engine;
  friend struct EngineAccess;
  void reset(const Engine& engine, const Ticket& ticket);
  bool has_entity(EntityKind kind) const;

  const Engine* engine_ = nullptr;
  const Ticket* ticket_ = nullptr;
  std::uint16_t current_source_ = 0;  // the classifier being run (0 = rules)
  std::vector<Match> matches_;        // scratch for one field
  std::vector<Hit> hits_;
  // Entities are filled lazily by supplied() (a cache, hence mutable): only the kinds asked.
  mutable std::vector<EntitySpan> entities_;
  mutable std::uint32_t entity_kinds_done_ = 0;
  std::vector<std::uint8_t> term_hit_;
  std::vector<std::uint32_t> touched_terms_;
  // Per condition after classification (urgency, routing, known issues): whether it can hold,
  // given the keywords found (internal: CompiledPack::slot_always_open).
  std::vector<std::uint8_t> open_slots_;
  std::vector<std::uint8_t> rule_seen_;
  // Per expression: impossible (its atoms are absent), unknown, matched or unmatched. A cache
  // filled on asking, hence mutable.
  enum : std::uint8_t { regex_impossible, regex_unknown, regex_matched, regex_unmatched };
  mutable std::vector<std::uint8_t> regex_hit_;
  std::vector<std::uint32_t> clauses_met_;  // per expression: bit c set once clause c has an atom
  std::vector<int> set_scratch_;
  std::vector<std::uint32_t> candidates_;
  std::vector<std::uint32_t> fired_;
  std::vector<double> scores_;  // flat: per dimension, per value
  std::vector<std::uint32_t> score_offset_;
  std::vector<std::uint8_t> dimension_closed_;  // a final rule has scored it
  std::vector<Contribution> contributions_;
  std::vector<std::int32_t> decided_;
  std::int32_t urgency_ = -1;
  std::size_t assisting_ = 0;
  mutable std::int8_t repeat_contact_ = -1;  // -1: not looked for yet
  mutable std::string fold_scratch_;         // folded text for the repeat-contact expressions
  std::size_t related_ = 0;
  std::vector<double> confidence_;
  std::vector<std::uint8_t> calibrated_;
};

}  // namespace v1
}  // namespace triage
