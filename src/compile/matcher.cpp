#include "triage/matcher.hpp"

#include <algorithm>
#include <unordered_map>

#include "text/fold_table.hpp"
#include "triage/fold.hpp"

namespace triage {
inline namespace v1 {

namespace {
// Word characters for boundary checks, on raw (unfolded) code points.
bool is_word_raw(char32_t cp) noexcept {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  }
  if (cp >= 0xFF10 && cp <= 0xFF5A) return is_word_char(fold(cp));
  return cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7;
}
constexpr std::size_t kRing = 128;  // > max_pattern_chars: the ring holds a match and one more
static_assert(kRing > Matcher::max_pattern_chars && (kRing & (kRing - 1)) == 0);
}  // namespace

Matcher::Matcher()
    : page_of_(256, 0), pages_(256, 0), root_row_(1, 0), edges_(1), out_begin_{0, 0} {}

Result<Matcher> Matcher::compile(gsl::span<const MatcherPattern> patterns) {
  Matcher m;
  // 1. Fold every pattern into a sequence of canonical code points; number the alphabet in
  //    order of first sight. All sequences share one array: a large pack has a million
  //    keywords, and a vector each was most of the compile's allocations.
  std::unordered_map<char32_t, std::uint16_t> alphabet;
  std::vector<std::uint16_t> sym_of(0x110000, 0);  // folded code point → symbol, 0 = unseen
  std::vector<std::uint16_t> syms;                 // every pattern's symbols, back to back
  std::vector<std::uint32_t> seq_begin{0};         // pattern i: syms[seq_begin[i], [i + 1])
  syms.reserve(patterns.size() * 8);
  seq_begin.reserve(patterns.size() + 1);
  m.patterns_.reserve(patterns.size());
  for (const auto& p : patterns) {
    const std::size_t from = syms.size();
    char32_t first = 0, last = 0;
    for (std::size_t i = 0; i < p.text.size();) {
      char32_t cp;
      i += decode_utf8(p.text, i, cp);
      cp = fold(cp);
      if (syms.size() == from) first = cp;
      last = cp;
      std::uint16_t& sym = sym_of[cp < sym_of.size() ? cp : 0xFFFD];
      if (sym == 0) {
        if (alphabet.size() + 1 >= 0xFFFF) {
          return make_error(Errc::pack_limit, "pattern " + std::to_string(p.id),
                            "more than 65534 distinct characters in keywords");
        }
        sym = static_cast<std::uint16_t>(alphabet.size() + 1);
        alphabet.emplace(cp, sym);
      }
      syms.push_back(sym);
      if (syms.size() - from > max_pattern_chars) break;  // too long: refused below
    }
    const std::size_t length = syms.size() - from;
    if (length == 0 || length > max_pattern_chars) {
      return make_error(
          Errc::pack_bad_keyword, "pattern " + std::to_string(p.id),
          length == 0 ? "empty keyword"
                      : "keyword longer than " + std::to_string(max_pattern_chars) + " characters");
    }
    m.patterns_.push_back({p.id, static_cast<std::uint16_t>(length),
                           p.boundary_start && is_word_char(first),
                           p.boundary_end && is_word_char(last)});
    seq_begin.push_back(static_cast<std::uint32_t>(syms.size()));
  }
  const std::size_t nsym = alphabet.size() + 1;
  const auto seq = [&](std::uint32_t i) {
    return gsl::span<const std::uint16_t>(syms.data() + seq_begin[i],
                                          seq_begin[i + 1] - seq_begin[i]);
  };

  // 2. Code point → symbol, for the canonical characters and everything that folds to them.
  auto set_symbol = [&](char32_t cp, std::uint16_t sym) {
    if (cp < 0x80) m.ascii_[cp] = sym;
    if (cp < 0x10000) {
      auto& page = m.page_of_[cp >> 8];
      if (page == 0) {
        page = static_cast<std::uint16_t>(m.pages_.size() / 256);
        m.pages_.resize(m.pages_.size() + 256, 0);
      }
      m.pages_[(std::size_t(page) << 8) | (cp & 0xFF)] = sym;
    } else {
      m.astral_.emplace_back(cp, sym);
    }
  };
  for (const auto& [cp, sym] : alphabet) set_symbol(cp, sym);
  for (const auto& f : detail::fold_table()) {
    if (auto it = alphabet.find(f.to); it != alphabet.end()) set_symbol(f.from, it->second);
  }
  std::sort(m.astral_.begin(), m.astral_.end());

  // 3. The trie, built from the sequences in sorted order: each pattern shares the path of
  //    its longest common prefix with the one before it and adds states for the rest, so
  //    every state's children are made in ascending symbol order and need no lookup. Equal
  //    sequences stay in pattern order (the order of a state's own outputs).
  std::vector<std::uint32_t> by_seq(patterns.size());
  for (std::uint32_t i = 0; i < by_seq.size(); ++i) by_seq[i] = i;
  std::stable_sort(by_seq.begin(), by_seq.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto x = seq(a), y = seq(b);
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
  });
  std::vector<std::uint32_t> parent{0};  // per state, in order of making (0: the root)
  std::vector<std::uint16_t> in_sym{0};  // the symbol that leads to it
  std::vector<std::uint32_t> end_of(patterns.size());  // the state each pattern ends in
  std::uint32_t path[max_pattern_chars + 1] = {0};     // the previous pattern's states
  gsl::span<const std::uint16_t> prev;
  for (const std::uint32_t pi : by_seq) {
    const auto cur = seq(pi);
    std::size_t common = 0;
    while (common < cur.size() && common < prev.size() && cur[common] == prev[common]) ++common;
    for (std::size_t d = common; d < cur.size(); ++d) {
      path[d + 1] = static_cast<std::uint32_t>(parent.size());
      parent.push_back(path[d]);
      in_sym.push_back(cur[d]);
    }
    end_of[pi] = path[cur.size()];
    prev = cur;
  }
  const std::size_t n = parent.size();

  // 4. Breadth-first numbering, so that the states a scan visits most (near the root) sit
  //    together. A state's children (made in symbol order) get consecutive ids.
  std::vector<std::uint32_t> kid_begin(n + 1, 0), kids(n > 0 ? n - 1 : 0);
  for (std::size_t s = 1; s < n; ++s) ++kid_begin[parent[s] + 1];
  for (std::size_t s = 0; s < n; ++s) kid_begin[s + 1] += kid_begin[s];
  {
    std::vector<std::uint32_t> fill(kid_begin.begin(), kid_begin.end() - 1);
    for (std::uint32_t s = 1; s < n; ++s) kids[fill[parent[s]]++] = s;
  }
  std::vector<std::uint32_t> order;  // BFS id → state
  order.reserve(n);
  order.push_back(0);
  std::vector<std::uint32_t> first_kid(n + 1), sym_at(n);  // by BFS id
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::uint32_t s = order[i];
    first_kid[i] = static_cast<std::uint32_t>(order.size());
    for (std::uint32_t k = kid_begin[s]; k != kid_begin[s + 1]; ++k) {
      sym_at[order.size()] = in_sym[kids[k]];
      order.push_back(kids[k]);
    }
  }
  first_kid[n] = static_cast<std::uint32_t>(n);
  std::vector<std::uint32_t> rank(n);  // state → BFS id
  for (std::uint32_t i = 0; i < n; ++i) rank[order[i]] = i;
  kids = {};
  kid_begin = {};

  m.root_row_.assign(nsym, 0);
  for (std::uint32_t c = first_kid[0]; c != first_kid[1]; ++c) m.root_row_[sym_at[c]] = c;
  auto child = [&](std::uint32_t s, std::uint16_t sym) -> std::uint32_t {  // 0: none
    if (s == 0) return m.root_row_[sym];
    const auto* begin = sym_at.data() + first_kid[s];
    const auto* end = sym_at.data() + first_kid[s + 1];
    const auto* it = std::lower_bound(begin, end, std::uint32_t{sym});
    return (it != end && *it == sym) ? static_cast<std::uint32_t>(it - sym_at.data()) : 0;
  };
  // Failure links in BFS order.
  m.fail_.assign(n, 0);
  for (std::uint32_t s = 1; s < n; ++s) {
    for (std::uint32_t c = first_kid[s]; c != first_kid[s + 1]; ++c) {
      std::uint32_t t = m.fail_[s];
      for (;;) {
        if (const std::uint32_t x = child(t, static_cast<std::uint16_t>(sym_at[c]));
            x != 0 || t == 0) {
          m.fail_[c] = x;
          break;
        }
        t = m.fail_[t];
      }
    }
  }

  // 5. Outputs: each state's own (in pattern order) and then its failure state's, which
  //    comes earlier in BFS order and so is complete already.
  std::vector<std::uint32_t> own_begin(n + 1, 0), own(patterns.size());
  for (std::uint32_t pi = 0; pi < end_of.size(); ++pi) ++own_begin[rank[end_of[pi]] + 1];
  for (std::size_t s = 0; s < n; ++s) own_begin[s + 1] += own_begin[s];
  {
    std::vector<std::uint32_t> fill(own_begin.begin(), own_begin.end() - 1);
    for (std::uint32_t pi = 0; pi < end_of.size(); ++pi) own[fill[rank[end_of[pi]]]++] = pi;
  }
  m.out_begin_.assign(n + 1, 0);
  for (std::uint32_t s = 0; s < n; ++s) {
    const std::uint32_t inherited =
        s == 0 ? 0 : m.out_begin_[m.fail_[s] + 1] - m.out_begin_[m.fail_[s]];
    m.out_begin_[s + 1] = m.out_begin_[s] + (own_begin[s + 1] - own_begin[s]) + inherited;
  }
  m.out_.resize(m.out_begin_[n]);
  for (std::uint32_t s = 0; s < n; ++s) {
    auto at = m.out_.begin() + m.out_begin_[s];
    at = std::copy(own.begin() + own_begin[s], own.begin() + own_begin[s + 1], at);
    if (s != 0) {
      const std::uint32_t f = m.fail_[s];
      std::copy(m.out_.begin() + m.out_begin_[f], m.out_.begin() + m.out_begin_[f + 1], at);
    }
  }

  // 6. Flatten, marking the targets that have outputs; every state's children go into the
  //    edge table.
  auto flagged = [&](std::uint32_t s) {
    return m.out_begin_[s] == m.out_begin_[s + 1] ? s : (s | has_output);
  };
  for (auto& t : m.root_row_) t = t == 0 ? 0 : flagged(t);
  m.hash_edges(first_kid, sym_at, flagged);
  return m;
}

std::uint16_t Matcher::symbol(char32_t cp) const noexcept {
  if (cp < 0x80) return ascii_[cp];
  if (cp < 0x10000) return pages_[(std::size_t(page_of_[cp >> 8]) << 8) | (cp & 0xFF)];
  auto it = std::lower_bound(astral_.begin(), astral_.end(), std::make_pair(cp, std::uint16_t{0}));
  return (it != astral_.end() && it->first == cp) ? it->second : 0;
}

template <class Flag>
void Matcher::hash_edges(const std::vector<std::uint32_t>& first_kid,
                         const std::vector<std::uint32_t>& sym_at, const Flag& flagged) {
  // The root's children are in its dense row; every other state's are edges.
  const std::size_t n = first_kid.size() - 1;
  const std::size_t count = n > 0 ? n - 1 - (first_kid[1] - first_kid[0]) : 0;
  std::size_t size = 2;
  while (size < 2 * count) size *= 2;  // at most half full: short probe runs, also on a miss
  edges_.assign(size, Edge{});
  edge_mask_ = static_cast<std::uint32_t>(size - 1);
  for (std::uint32_t s = 1; s < n; ++s) {
    for (std::uint32_t to = first_kid[s]; to != first_kid[s + 1]; ++to) {
      const auto sym = static_cast<std::uint16_t>(sym_at[to]);
      std::uint32_t h = edge_hash(s, sym) & edge_mask_;
      while (edges_[h].from != no_state) h = (h + 1) & edge_mask_;
      edges_[h] = {s, flagged(to), sym};
    }
  }
}

std::uint32_t Matcher::step(std::uint32_t state, std::uint16_t sym) const noexcept {
  if (sym == 0) return 0;
  state &= ~has_output;
  // Follow failure links until a state has a child on `sym`: amortised one link per character,
  // since each link taken goes up the trie at least one level.
  while (state != 0) {
    for (std::uint32_t h = edge_hash(state, sym) & edge_mask_;; h = (h + 1) & edge_mask_) {
      const Edge& e = edges_[h];
      if (e.from == state && e.sym == sym) return e.to;
      if (e.from == no_state) break;
    }
    state = fail_[state];
  }
  return root_row_[sym];
}

void Matcher::scan(std::string_view text, std::vector<Match>& out) const {
  std::uint32_t ring_pos[kRing];  // byte offset of the last kRing characters
  std::uint32_t state = 0;
  std::size_t k = 0;  // characters consumed
  const std::size_t n = text.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t pos = 0; pos < n;) {
    std::size_t len;
    std::uint16_t sym;
    if (bytes[pos] < 0x80) {
      len = 1;
      sym = ascii_[bytes[pos]];
    } else {
      char32_t cp;
      len = decode_utf8(text, pos, cp);
      sym = symbol(cp);
    }
    ring_pos[k & (kRing - 1)] = static_cast<std::uint32_t>(pos);
    state = step(state, sym);
    const std::size_t end = pos + len;
    if (state & has_output) {
      const std::uint32_t s = state & ~has_output;
      for (std::uint32_t o = out_begin_[s]; o != out_begin_[s + 1]; ++o) {
        const PatternInfo& p = patterns_[out_[o]];
        const std::size_t start = k + 1 - p.length;
        if (p.boundary_start && start > 0) {
          char32_t before;
          decode_utf8(text, ring_pos[(start - 1) & (kRing - 1)], before);
          if (is_word_raw(before)) continue;
        }
        if (p.boundary_end && end < n) {
          char32_t next;
          decode_utf8(text, end, next);
          if (is_word_raw(next)) continue;
        }
        out.push_back({p.id, ring_pos[start & (kRing - 1)], static_cast<std::uint32_t>(end)});
      }
    }
    pos = end;
    ++k;
  }
}

std::size_t Matcher::memory_bytes() const noexcept {
  return sizeof(*this) + page_of_.size() * 2 + pages_.size() * 2 + astral_.size() * 8 +
         root_row_.size() * 4 + fail_.size() * 4 + edges_.size() * sizeof(Edge) +
         out_begin_.size() * 4 + out_.size() * 4 + patterns_.size() * sizeof(PatternInfo);
}

}  // namespace v1
}  // namespace triage
