// Linting a pack before it is deployed: load errors with their place, and the mistakes that load
// fine but make a pack quietly worse — rules that can never fire, rules shadowed by a final rule,
// keywords swallowed by other keywords of competing rules, values no rule produces, routing rows
// that repeat each other and values without a handling group.
// Provided by the triage_devkit library (CMake target triage::devkit), not by libtriage.so.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "triage/engine.hpp"

namespace triage {
inline namespace v1 {

struct Finding {
  enum class Severity : std::uint8_t { error, warning, info };
  Severity severity = Severity::warning;
  std::string code;     ///< stable: an Errc name for load errors, or a lint name
  std::string message;  ///< names the place
  std::string where;    ///< JSON pointer
  std::uint32_t line = 0, column = 0;
  std::vector<std::string> rules;  ///< the rule ids involved
};
std::string_view to_string(Finding::Severity s) noexcept;

struct ValidateOptions {
  /// With an instant, templates and knowledge entries are judged at it: `expired` (valid_until
  /// at or before it) and `expiring_soon` (within `expiring_days` after it) are warnings.
  std::optional<boost::posix_time::ptime> at;
  int expiring_days = 30;
};

/// Every finding for a pack document, errors first. An error means the pack does not load.
std::vector<Finding> validate_pack(std::string_view pack_json, const EngineOptions& options = {},
                                   const ValidateOptions& validate = {});

boost::json::object to_json(const Finding& f);

}  // namespace v1
}  // namespace triage
