// Internal: finding a repeat contact in a ticket's text with the pack's expressions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>
#include <gsl/span>

#include "base/lazy_regex.hpp"
#include "triage/diagnosis.hpp"
#include "triage/pack.hpp"
#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

class RepeatContactFinder {
 public:
  /// Compiles the section's expressions; a bad one is named by its JSON pointer.
  /// `checked`: they were compiled and checked when the pack was compiled (it comes from a
  /// compiled pack file), so each compiles on first use.
  static Result<RepeatContactFinder> compile(const RepeatContactSpec& spec,
                                             const PackLimits& limits, bool checked = false);
  /// Looks through subject, text and error message (folded; spans point into the originals).
  /// `possible`, one entry per pattern (zero: its literals are absent, so it cannot match),
  /// comes from the engine's keyword scan, which gates these patterns as it gates the
  /// conditions' expressions; only the possible ones run. Empty: every pattern runs.
  RepeatContact find(const Ticket& ticket, gsl::span<const std::uint8_t> possible = {}) const;
  /// Whether find() would report `found`, without its evidence: the folded text goes into
  /// `scratch`, so a warm caller allocates nothing (classification alone).
  bool occurs(const Ticket& ticket, std::string& scratch,
              gsl::span<const std::uint8_t> possible = {}) const;

  std::size_t pattern_count() const { return patterns_.size(); }
  const std::string& pattern(std::size_t i) const { return patterns_[i]->pattern(); }

  /// The learned signal (RepeatContactSpec::learned_dimension): the pack dimension's index and
  /// the index of its value that means a repeat contact, or -1 without one. Set by the engine,
  /// which knows the dimensions.
  void set_learned(std::int32_t dimension, std::int32_t value) {
    learned_dimension_ = dimension;
    learned_value_ = value;
  }
  std::int32_t learned_dimension() const { return learned_dimension_; }
  std::int32_t learned_value() const { return learned_value_; }

 private:
  std::vector<std::shared_ptr<const LazyRegex>> patterns_, count_, since_;
  std::map<std::string, double, std::less<>> numbers_, units_;
  std::int32_t learned_dimension_ = -1, learned_value_ = -1;
};

/// A number as customers write it, in folded text: digits ("10"), Chinese numerals ("十二",
/// "两", "二十"), or a word of `words` ("twice", "third"). Nothing for "几" or "n".
std::optional<double> parse_count(std::string_view folded,
                                  const std::map<std::string, double, std::less<>>& words);

}  // namespace detail
}  // namespace v1
}  // namespace triage
