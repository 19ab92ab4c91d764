// Response templates: text with {placeholders}, {placeholder|fallback} and [optional clauses]
// that are dropped whole when a value inside is missing, so a rendered response never shows a
// raw placeholder or half a sentence.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/error.hpp"

namespace triage {
inline namespace v1 {

/// A parsed template. Parsing checks brackets and that every placeholder is known.
class Template {
 public:
  /// `known(name)` says whether a placeholder name exists; `where` names the place in errors.
  static Result<Template> parse(std::string_view text,
                                const std::function<bool(std::string_view)>& known,
                                std::string_view where = "");

  /// Renders with `lookup(name)` giving a value or nothing.
  std::string render(
      const std::function<std::optional<std::string>(std::string_view)>& lookup) const;

  /// The placeholder names used, in order of appearance.
  std::vector<std::string> placeholders() const;

 private:
  struct Piece {
    enum class Kind : std::uint8_t { text, value, clause_begin, clause_end } kind;
    std::string text;  // literal text, or the placeholder name
    std::optional<std::string> fallback;
  };
  std::vector<Piece> pieces_;
};

/// The placeholder names templates may use (see README "Templates").
const std::vector<std::string_view>& template_placeholders() noexcept;

}  // namespace v1
}  // namespace triage
