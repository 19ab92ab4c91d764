// The keyword automaton: every keyword of every rule, with all its folds and regional variants,
// compiled into one Aho–Corasick machine over folded code points. Scanning costs one table
// step per character of text, whatever the number of keywords.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <gsl/span>

#include "triage/error.hpp"

namespace triage {
inline namespace v1 {

struct MatcherPattern {
  std::string text;            ///< as written (UTF-8); folded by the compiler
  std::uint32_t id = 0;        ///< reported back on a match
  bool boundary_start = true;  ///< a Latin/digit first character must start a word
  bool boundary_end = true;    ///< a Latin/digit last character must end a word
};

struct Match {
  std::uint32_t id;     ///< MatcherPattern::id
  std::uint32_t begin;  ///< byte offsets into the scanned text
  std::uint32_t end;
};

class Matcher {
 public:
  static constexpr std::size_t max_pattern_chars = 64;

  Matcher();
  /// Compiles the patterns; fails on an empty or too long pattern (naming its id).
  static Result<Matcher> compile(gsl::span<const MatcherPattern> patterns);

  /// Appends every match in `text` to `out` in order of end offset. Allocates only when `out`
  /// must grow: callers reuse one vector per thread.
  void scan(std::string_view text, std::vector<Match>& out) const;

  std::size_t state_count() const noexcept { return out_begin_.size() ? out_begin_.size() - 1 : 0; }
  std::size_t pattern_count() const noexcept { return patterns_.size(); }
  std::size_t symbol_count() const noexcept { return root_row_.size(); }
  /// Bytes held by the compiled tables.
  std::size_t memory_bytes() const noexcept;

 private:
  friend struct PackFileAccess;  // compiled packs store and validate the tables
  struct PatternInfo {
    std::uint32_t id;
    std::uint16_t length;  // in code points
    bool boundary_start, boundary_end;
  };
  std::uint16_t symbol(char32_t cp) const noexcept;
  std::uint32_t step(std::uint32_t state, std::uint16_t sym) const noexcept;
  template <class Flag>
  void hash_edges(const std::vector<std::uint32_t>& first_kid,
                  const std::vector<std::uint32_t>& sym_at, const Flag& flagged);

  // Code point → symbol (0 = a character no keyword contains). ASCII, then BMP pages, then
  // a sorted list for the rare astral characters.
  std::uint16_t ascii_[128] = {};
  std::vector<std::uint16_t> page_of_;  // 256 entries: page index for cp >> 8 (0 = empty page)
  std::vector<std::uint16_t> pages_;    // 256 symbols per page
  std::vector<std::pair<char32_t, std::uint16_t>> astral_;
  // Transitions: the root's are dense; every other state keeps the few that differ from the
  // root's (its children and those inherited along its failure chain), sorted by symbol.
  // A state id carries `has_output` in its top bit, so that the scan looks up outputs only for
  // the few states that have any. Children live in one open-addressing hash table keyed by
  // (state, symbol), at most half full: state s on symbol c goes to that edge's target, and
  // otherwise along fail_[s] — about one probe per state tried, however many children a state
  // has, and a build in time proportional to the edges, whatever the alphabet. The root's row
  // is dense.
  static constexpr std::uint32_t has_output = 0x80000000u;
  static constexpr std::uint32_t no_state = 0xFFFFFFFFu;
  struct Edge {
    std::uint32_t from = no_state;
    std::uint32_t to = 0;
    std::uint16_t sym = 0;
  };
  static std::uint32_t edge_hash(std::uint32_t state, std::uint16_t sym) noexcept {
    std::uint32_t h = state * 0x9E3779B1u ^ (std::uint32_t{sym} * 0x85EBCA77u);
    return h ^ (h >> 15);
  }
  std::vector<std::uint32_t> root_row_;
  std::vector<std::uint32_t> fail_;
  std::vector<Edge> edges_;  // size a power of two
  std::uint32_t edge_mask_ = 0;
  // Outputs per state (own and inherited through failure links).
  std::vector<std::uint32_t> out_begin_;
  std::vector<std::uint32_t> out_;  // indexes into patterns_
  std::vector<PatternInfo> patterns_;
};

}  // namespace v1
}  // namespace triage
