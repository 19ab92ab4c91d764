// Internal: the diagnosis as JSON written straight into the caller's buffer — the same bytes as
// detail::write_json(to_json(d)), without building the document (tests/diagnosis_json_test.cpp
// holds the two to each other on every example ticket and on one with every field filled).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "triage/diagnosis.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

/// The diagnosis's top-level keys, in the order its JSON lists them (selectable_keys()).
enum class DiagnosisKey : std::uint8_t {
  ticket_id,
  request_id,
  pack,
  labels,
  tags,
  entities,
  language,
  urgency,
  route,
  sla,
  repeat_contact,
  related,
  questions,
  knowledge,
  template_,
  conclusion,
  explain,
};
inline constexpr std::size_t diagnosis_key_count = 17;

/// The key of that name, or nothing.
std::optional<DiagnosisKey> diagnosis_key(std::string_view name) noexcept;
/// Whether the diagnosis's JSON has the key (urgency only with an urgency section, and so on).
bool has_key(const Diagnosis& d, DiagnosisKey k) noexcept;
/// Appends the JSON value of a key the diagnosis has.
void write_value(const Diagnosis& d, DiagnosisKey k, std::string& out);
/// Appends the whole diagnosis as one JSON object.
void write_diagnosis(const Diagnosis& d, std::string& out);
/// Appends the text of a CSV/TSV cell (unquoted): the value at key[/sub[/member]] of the
/// diagnosis JSON read as a cell — a string as it is, null or absent as nothing, a list of
/// strings joined by ';' (an empty list as nothing), anything else as compact JSON.
void write_cell(const Diagnosis& d, DiagnosisKey k, std::string_view sub, std::string_view member,
                std::string& out);

}  // namespace detail
}  // namespace v1
}  // namespace triage
