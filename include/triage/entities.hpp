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

std::string_view to_string(EntityKind k) noexcept;
/// The ticket field an entity supplies ("order_id", "error_message", "version", "customer.phone",
/// "customer.email", "os").
std::string_view supplied_field(EntityKind k) noexcept;

struct EntitySpan {
  EntityKind kind;
  std::uint8_t field;  ///< which text field (see TextField)
  std::uint32_t begin, end;
};

/// Compiled entity patterns (RE2, linear time). Immutable and shareable.
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

 private:
  struct Impl;
  std::unique_ptr<const Impl> impl_;
};

}  // namespace v1
}  // namespace triage
