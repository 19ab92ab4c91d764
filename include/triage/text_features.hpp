// Hashed features of a ticket for the learned classifiers, read off the folded text (scripts,
// widths and case share features) without rewriting it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace triage {
inline namespace v1 {

struct Ticket;

/// The features of the discriminative model (`linear_features`):
/// Latin words and word bigrams; character 2–5-grams within Latin words, with word boundaries
/// marked as fastText does (`<wo`, `rd>`); CJK character unigrams, bigrams and trigrams; and the
/// ticket's categorical fields (channel, tier, tenure, frequency, impact). Ids are
/// `hash & (2^hash_bits - 1)`, in the order found (repeats kept: they are term frequencies).
inline constexpr std::string_view linear_feature_set =
    "folded latin words+bigrams, latin char 2-5-grams, cjk char 1-3-grams, categorical fields";

/// Appends the features of `text` to `out`.
void linear_features(std::string_view text, int hash_bits, std::vector<std::uint32_t>& out);

/// The subject, the text and the categorical fields of a ticket, into `out` (cleared first).
void linear_features(const Ticket& ticket, int hash_bits, std::vector<std::uint32_t>& out);

}  // namespace v1
}  // namespace triage
