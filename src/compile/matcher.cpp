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
  // 1. Fold every pattern into a sequence of canonical code points; number the alphabet.
  std::unordered_map<char32_t, std::uint16_t> alphabet;
  std::vector<std::vector<std::uint16_t>> seqs;
  seqs.reserve(patterns.size());
  m.patterns_.reserve(patterns.size());
  for (const auto& p : patterns) {
    std::vector<std::uint16_t> seq;
    char32_t first = 0, last = 0;
    for (std::size_t i = 0; i < p.text.size();) {
      char32_t cp;
      i += decode_utf8(p.text, i, cp);
      cp = fold(cp);
      if (seq.empty()) first = cp;
      last = cp;
      auto [it, added] = alphabet.try_emplace(cp, static_cast<std::uint16_t>(alphabet.size() + 1));
      if (added && alphabet.size() >= 0xFFFF) {
        return make_error(Errc::pack_limit, "pattern " + std::to_string(p.id),
                          "more than 65534 distinct characters in keywords");
      }
      seq.push_back(it->second);
    }
    if (seq.empty() || seq.size() > max_pattern_chars) {
      return make_error(
          Errc::pack_bad_keyword, "pattern " + std::to_string(p.id),
          seq.empty() ? "empty keyword"
                      : "keyword longer than " + std::to_string(max_pattern_chars) + " characters");
    }
    m.patterns_.push_back({p.id, static_cast<std::uint16_t>(seq.size()),
                           p.boundary_start && is_word_char(first),
                           p.boundary_end && is_word_char(last)});
    seqs.push_back(std::move(seq));
  }
  const std::size_t nsym = alphabet.size() + 1;

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

  // 3. The trie.
  std::vector<std::vector<std::pair<std::uint16_t, std::uint32_t>>> kids(1);
  std::vector<std::vector<std::uint32_t>> own(1);
  for (std::uint32_t pi = 0; pi < seqs.size(); ++pi) {
    std::uint32_t s = 0;
    for (auto sym : seqs[pi]) {
      auto& k = kids[s];
      auto it = std::find_if(k.begin(), k.end(), [&](auto& e) { return e.first == sym; });
      if (it != k.end()) {
        s = it->second;
      } else {
        const auto next = static_cast<std::uint32_t>(kids.size());
        k.emplace_back(sym, next);
        kids.emplace_back();
        own.emplace_back();
        s = next;
      }
    }
    own[s].push_back(pi);
  }
  const std::size_t n = kids.size();

  // 4. Breadth-first numbering, so that the states a scan visits most (near the root) sit
  //    together.
  std::vector<std::uint32_t> order;
  order.reserve(n);
  order.push_back(0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    auto& k = kids[order[i]];
    std::sort(k.begin(), k.end());
    for (auto& e : k) order.push_back(e.second);
  }
  std::vector<std::uint32_t> rank(n);  // old id → BFS id
  for (std::uint32_t i = 0; i < n; ++i) rank[order[i]] = i;

  m.root_row_.assign(nsym, 0);
  for (auto& e : kids[0]) m.root_row_[e.first] = rank[e.second];

  // Children by BFS id (sorted by symbol), for the failure links and the edge table.
  std::vector<std::vector<std::pair<std::uint16_t, std::uint32_t>>> go(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    for (const auto& e : kids[order[i]]) go[i].emplace_back(e.first, rank[e.second]);
  }
  auto child = [&](std::uint32_t s, std::uint16_t sym) -> std::uint32_t {  // 0: none
    if (s == 0) return m.root_row_[sym];
    const auto& g = go[s];
    auto it = std::lower_bound(g.begin(), g.end(), std::make_pair(sym, std::uint32_t{0}));
    return (it != g.end() && it->first == sym) ? it->second : 0;
  };
  // Failure links in BFS order; each state's outputs are its own plus its failure state's.
  m.fail_.assign(n, 0);
  std::vector<std::vector<std::uint32_t>> outs(n);
  for (std::uint32_t s = 0; s < n; ++s) {
    outs[s] = own[order[s]];
    if (s != 0 && m.fail_[s] != 0) {
      const auto& inherited = outs[m.fail_[s]];
      outs[s].insert(outs[s].end(), inherited.begin(), inherited.end());
    }
    for (const auto& [sym, c] : go[s]) {
      if (s == 0) continue;  // depth 1 fails to the root
      std::uint32_t t = m.fail_[s];
      for (;;) {
        if (const std::uint32_t x = child(t, sym); x != 0 || t == 0) {
          m.fail_[c] = x;
          break;
        }
        t = m.fail_[t];
      }
    }
  }

  // 5. Flatten, marking the targets that have outputs; every state's children go into the
  //    edge table.
  auto flagged = [&](std::uint32_t s) { return outs[s].empty() ? s : (s | has_output); };
  for (auto& t : m.root_row_) t = t == 0 ? 0 : flagged(t);
  m.out_begin_.assign(n + 1, 0);
  for (std::uint32_t s = 0; s < n; ++s) {
    m.out_begin_[s + 1] = m.out_begin_[s] + static_cast<std::uint32_t>(outs[s].size());
  }
  m.out_.reserve(m.out_begin_[n]);
  for (std::uint32_t s = 0; s < n; ++s) m.out_.insert(m.out_.end(), outs[s].begin(), outs[s].end());
  m.hash_edges(go, flagged);
  return m;
}

std::uint16_t Matcher::symbol(char32_t cp) const noexcept {
  if (cp < 0x80) return ascii_[cp];
  if (cp < 0x10000) return pages_[(std::size_t(page_of_[cp >> 8]) << 8) | (cp & 0xFF)];
  auto it = std::lower_bound(astral_.begin(), astral_.end(), std::make_pair(cp, std::uint16_t{0}));
  return (it != astral_.end() && it->first == cp) ? it->second : 0;
}

template <class Rows, class Flag>
void Matcher::hash_edges(const Rows& rows, const Flag& flagged) {
  std::size_t count = 0;
  for (std::size_t s = 1; s < rows.size(); ++s) count += rows[s].size();
  std::size_t size = 2;
  while (size < 2 * count) size *= 2;  // at most half full: short probe runs, also on a miss
  edges_.assign(size, Edge{});
  edge_mask_ = static_cast<std::uint32_t>(size - 1);
  for (std::uint32_t s = 1; s < rows.size(); ++s) {
    for (const auto& [sym, to] : rows[s]) {
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
