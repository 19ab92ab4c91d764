#include "compile/regex_gate.hpp"

#include <re2/filtered_re2.h>

namespace triage {
inline namespace v1 {
namespace detail {

Result<RegexGate> regex_gate(const std::string& pattern, const RE2::Options& o) {
  constexpr std::size_t kMaxClauses = 32;  // one bit each per ticket
  RegexGate g;
  // Atoms of three bytes and more first (a CJK character, a short word): a one-letter atom such
  // as the "i" of \b(i|I)\b occurs in nearly every English text. Only when that leaves no atoms
  // are single bytes ("?" in [?？]) taken as well.
  for (int min_len : {3, 1}) {
    re2::FilteredRE2 f(min_len);
    int id = 0;
    if (f.Add(pattern, o, &id) != RE2::NoError) {
      return make_error(Errc::pack_bad_regex, "/rules",
                        "regular expression \"" + pattern + "\" does not compile");
    }
    g.atoms.clear();
    f.Compile(&g.atoms);
    const std::size_t k = g.atoms.size();
    std::vector<int> present, passed;
    auto holds_without = [&](const std::vector<char>& absent) {
      present.clear();
      for (std::size_t a = 0; a < k; ++a) {
        if (!absent[a]) present.push_back(static_cast<int>(a));
      }
      passed.clear();
      f.AllPotentials(present, &passed);
      return !passed.empty();
    };
    std::vector<char> taken(k, 0);  // in some clause already
    while (k > 0 && g.clauses.size() < kMaxClauses) {
      std::vector<char> clause(k, 0);
      for (std::size_t a = 0; a < k; ++a) clause[a] = !taken[a];
      if (holds_without(clause)) break;  // the clauses found say all there is
      for (std::size_t a = 0; a < k; ++a) {
        if (!clause[a]) continue;
        clause[a] = 0;
        if (holds_without(clause)) clause[a] = 1;  // without it the formula can hold: needed
      }
      std::vector<int> members;
      for (std::size_t a = 0; a < k; ++a) {
        if (clause[a]) {
          members.push_back(static_cast<int>(a));
          taken[a] = 1;
        }
      }
      if (members.empty()) break;
      g.clauses.push_back(std::move(members));
    }
    if (!g.clauses.empty()) break;
  }
  return g;
}
}  // namespace detail
}  // namespace v1
}  // namespace triage
