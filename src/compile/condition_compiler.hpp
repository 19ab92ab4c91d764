// Internal: compiles the conditions of a pack into the flat nodes of a CompiledPack, collecting
// the keywords (terms of the one automaton) and the regular expressions as it goes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compile/compiled_pack.hpp"
#include "compile/term_index.hpp"
#include "triage/engine.hpp"
#include "triage/matcher.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

/// Where a dotted field path of a pack reads from.
FieldRef resolve_field(const std::string& path);

class ConditionCompiler {
 public:
  /// `checked`: the expressions were compiled and checked when the pack was compiled (it comes
  /// from a compiled pack file), so they are left to compile on first use.
  ConditionCompiler(CompiledPack& cp, const EngineOptions& opts, bool checked = false)
      : cp_(cp), opts_(opts), checked_(checked) {}

  /// Appends the nodes of `c` to the pack and returns the index of its root; the terms and
  /// expressions that make the rule a candidate are added to `terms` and `regexes`.
  Result<std::uint32_t> node(const Condition& c, std::vector<std::uint32_t>& terms,
                             std::vector<std::uint32_t>& regexes);

  /// The keyword patterns, each followed by its regional phrasings (looked up for all keywords
  /// at once: see detail::regional_variants).
  std::vector<MatcherPattern> take_patterns();

  /// Room for `n` distinct keywords (a compiled pack file says how many it holds).
  void reserve_terms(std::size_t n);

 private:
  // Whether testing the node may run a regular expression over the text.
  bool costly(std::uint32_t id) const;
  std::uint32_t term(const std::string& kw);
  Result<std::uint32_t> regex(const std::string& re, const std::string& where);

  CompiledPack& cp_;
  const EngineOptions& opts_;
  bool checked_ = false;
  // A pack has thousands of keywords (a 100× pack a million), and loading a compiled pack
  // interns them all; the index keeps ids and reads the keywords from cp_.terms.
  TermIndex term_ids_;
  std::map<std::string, std::uint32_t> regex_ids_;
  std::vector<MatcherPattern> patterns_;
};

}  // namespace detail
}  // namespace v1
}  // namespace triage
