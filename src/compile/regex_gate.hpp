// Internal: which literals must occur before a regular expression can match, so that the keyword
// automaton decides whether the expression is worth running.
#pragma once

#include <string>
#include <vector>

#include <re2/re2.h>

#include "triage/error.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

// A necessary condition for an expression to match, as clauses over its atoms (each clause: at
// least one of these literals occurs). RE2's FilteredRE2 knows the expression's prefilter — a
// monotone and/or formula over atoms — but answers only through AllPotentials, which allocates
// on every call. So the formula is probed once here, at compile time: a set C is a clause when
// the formula is false with every atom outside C present. Greedy shrinking gives minimal,
// disjoint clauses: one clause for (a|b|c), two for (a|b).{0,9}(c|d). No clauses means the
// expression has no usable atoms and is possible in every ticket.
struct RegexGate {
  std::vector<std::string> atoms;
  std::vector<std::vector<int>> clauses;
};

/// The gate of `pattern`: at most 32 clauses (one bit each per ticket). An expression that does
/// not compile is Errc::pack_bad_regex.
Result<RegexGate> regex_gate(const std::string& pattern, const RE2::Options& o);

}  // namespace detail
}  // namespace v1
}  // namespace triage
