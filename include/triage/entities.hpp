// Entities found in the customer's words: order numbers, error codes, versions, phone numbers,
// emails and operating systems. A found entity counts as a supplied field.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace triage {
inline namespace v1 {

enum class EntityKind : std::uint8_t { order_id, error_code, version, phone, email, os, amount };
inline constexpr std::size_t entity_kind_count = 7;
inline constexpr std::uint32_t all_entity_kinds = (1u << entity_kind_count) - 1;
constexpr std::uint32_t entity_bit(EntityKind k) noexcept {
  return 1u << static_cast<unsigned>(k);
}
/// `kinds` plus the kinds that must be looked for with them: an error code may be an order
/// number in disguise, and the order number wins, so error codes come with order numbers.
constexpr std::uint32_t with_rivals(std::uint32_t kinds) noexcept {
  return (kinds & entity_bit(EntityKind::error_code)) ? kinds | entity_bit(EntityKind::order_id)
                                                      : kinds;
}

std::string_view to_string(EntityKind k) noexcept;
/// The ticket field an entity supplies ("order_id", "error_message", "version", "customer.phone",
/// "customer.email", "os").
std::string_view supplied_field(EntityKind k) noexcept;

struct EntitySpan {
  EntityKind kind;
  std::uint8_t field;  ///< which text field (see TextField)
  std::uint32_t begin, end;
};

/// Compiled entity patterns (RE2, linear time). Immutable and shareable; the patterns are the
/// library's own, compiled once per process on first use and shared by every extractor.
class EntityExtractor {
 public:
  EntityExtractor();
  ~EntityExtractor();
  EntityExtractor(EntityExtractor&&) noexcept;
  EntityExtractor& operator=(EntityExtractor&&) noexcept;

  /// Appends the entities in `text` (tagged with `field`) to `out`, de-duplicated, in order.
  /// `scratch` is reused between calls so that a warm caller does not allocate.
  void extract(std::string_view text, std::uint8_t field, std::vector<EntitySpan>& out,
               std::vector<int>& scratch) const;

  /// Only the entities of the kinds in `kinds` (bit i = EntityKind i): what a rule asking
  /// "is an error code supplied?" needs, without running every pattern. Kinds whose patterns
  /// cannot match (no digit in the text, no '@') cost one pass over the bytes.
  void extract_kinds(std::string_view text, std::uint8_t field, std::uint32_t kinds,
                     std::vector<EntitySpan>& out) const;

 private:
  void find_all(std::size_t pattern, std::string_view text, std::uint8_t field, std::size_t first,
                std::vector<EntitySpan>& out) const;
  struct Impl;
  static const Impl& impl();
};

}  // namespace v1
}  // namespace triage
