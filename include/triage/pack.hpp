// A rule pack as plain data: what the JSON document says, checked for structure and
// references, with the JSON pointer of every element kept for error messages. Compiling a
// Pack into an Engine is engine.hpp's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "triage/error.hpp"
#include "triage/version.hpp"

namespace triage {
inline namespace v1 {

struct PackLimits {
  std::size_t max_pack_bytes = 64u << 20;
  std::size_t max_rules = 200000;
  std::size_t max_keywords = 2000000;
  std::size_t max_regex_bytes = 4096;     ///< per expression
  std::size_t max_regex_program = 20000;  ///< RE2 program size per expression
  std::size_t max_depth = 32;             ///< condition nesting
};

struct DimensionValue {
  std::string id;
  std::string title;
};

struct Dimension {
  std::string id;
  std::string title;
  std::vector<DimensionValue> values;
  double min_confidence = 0.3;
  std::optional<std::string> fallback;
  std::string where;  ///< JSON pointer
};

/// One node of a rule's condition tree.
struct Condition {
  enum class Kind : std::uint8_t {
    all_of,     ///< every child holds (a `when` object with several keys)
    any_of,     ///< some child holds
    not_,       ///< the single child does not hold
    text_any,   ///< some keyword occurs
    text_all,   ///< every keyword occurs
    text_none,  ///< no keyword occurs
    regex,      ///< every expression matches
    field_in,   ///< the field's value (string form) is one of `values`
    field_exists,
    field_compare,  ///< numeric comparison `field op number`
    has,            ///< every field is supplied by the ticket or by an entity
  };
  Kind kind = Kind::all_of;
  std::vector<Condition> children;
  std::vector<std::string> values;  ///< keywords, expressions, accepted values or field names
  std::string field;                ///< dotted path for field conditions
  std::string op;                   ///< <, <=, >, >=, ==, != for field_compare
  double number = 0;
  bool exists = true;
  std::string where;  ///< JSON pointer
};

struct Score {
  std::string dimension;
  std::string value;
  double weight = 1;
};

struct Rule {
  std::string id;
  std::string description;
  int priority = 0;
  bool final = false;
  Condition when;
  std::vector<Score> scores;
  std::vector<std::string> tags;
  std::string where;  ///< JSON pointer
};

struct PackSettings {
  double smoothing = 1.0;  ///< added to the denominator of confidences: weak evidence stays weak
};

struct Pack {
  int schema = TRIAGE_PACK_SCHEMA_VERSION;
  std::string name;
  std::string version;
  std::string description;
  PackSettings settings;
  std::vector<Dimension> dimensions;
  std::vector<Rule> rules;
};

/// Parses and checks a pack document (structure, ids, references); the first error wins.
Result<Pack> parse_pack(std::string_view json, const PackLimits& limits = {});
Result<Pack> pack_from_json(const boost::json::value& doc, const PackLimits& limits = {});

/// The default pack's JSON text, as compiled into the library.
std::string_view default_pack_json() noexcept;

}  // namespace v1
}  // namespace triage
