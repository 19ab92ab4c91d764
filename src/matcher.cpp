#include "triage/matcher.hpp"

#include <algorithm>
#include <unordered_map>

#include "fold_table.hpp"
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
    : page_of_(256, 0), pages_(256, 0), root_row_(1, 0), trans_begin_{0, 0}, out_begin_{0, 0} {}

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

  // 4. Breadth-first: failure links, then each state's transitions that differ from the root's
  //    (its own children plus those inherited from its failure state), and outputs.
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

  std::vector<std::uint32_t> fail(n, 0);
  std::vector<std::vector<std::pair<std::uint16_t, std::uint32_t>>> exc(n);  // by BFS id
  std::vector<std::vector<std::uint32_t>> outs(n);
  auto delta = [&](std::uint32_t s, std::uint16_t sym) -> std::uint32_t {  // BFS ids
    const auto& e = exc[s];
    auto it = std::lower_bound(e.begin(), e.end(), std::make_pair(sym, std::uint32_t{0}));
    if (it != e.end() && it->first == sym) return it->second;
    return m.root_row_[sym];
  };
  for (std::uint32_t old : order) {
    const std::uint32_t s = rank[old];
    if (s != 0) {
      const std::uint32_t f = fail[s];
      auto& mine = exc[s];
      for (auto& e : kids[old]) mine.emplace_back(e.first, rank[e.second]);
      if (f != 0) {
        const auto& inherited = exc[f];
        std::vector<std::pair<std::uint16_t, std::uint32_t>> merged;
        merged.reserve(mine.size() + inherited.size());
        std::size_t a = 0, b = 0;
        while (a < mine.size() || b < inherited.size()) {
          if (b == inherited.size() || (a < mine.size() && mine[a].first <= inherited[b].first)) {
            if (b < inherited.size() && mine[a].first == inherited[b].first) ++b;
            merged.push_back(mine[a++]);
          } else {
            merged.push_back(inherited[b++]);
          }
        }
        mine.swap(merged);
      }
      outs[s] = own[old];
      if (f != 0) outs[s].insert(outs[s].end(), outs[f].begin(), outs[f].end());
    } else {
      outs[0] = own[0];
    }
    for (auto& e : kids[old]) {
      const std::uint32_t c = rank[e.second];
      fail[c] = (s == 0) ? 0 : delta(fail[s], e.first);
    }
  }

  // 5. Flatten.
  m.trans_begin_.assign(n + 1, 0);
  m.out_begin_.assign(n + 1, 0);
  for (std::uint32_t s = 0; s < n; ++s) {
    m.trans_begin_[s + 1] = m.trans_begin_[s] + static_cast<std::uint32_t>(exc[s].size());
    m.out_begin_[s + 1] = m.out_begin_[s] + static_cast<std::uint32_t>(outs[s].size());
  }
  m.trans_sym_.reserve(m.trans_begin_[n]);
  m.trans_to_.reserve(m.trans_begin_[n]);
  m.out_.reserve(m.out_begin_[n]);
  for (std::uint32_t s = 0; s < n; ++s) {
    for (auto& e : exc[s]) {
      m.trans_sym_.push_back(e.first);
      m.trans_to_.push_back(e.second);
    }
    m.out_.insert(m.out_.end(), outs[s].begin(), outs[s].end());
  }
  return m;
}

std::uint16_t Matcher::symbol(char32_t cp) const noexcept {
  if (cp < 0x80) return ascii_[cp];
  if (cp < 0x10000) return pages_[(std::size_t(page_of_[cp >> 8]) << 8) | (cp & 0xFF)];
  auto it = std::lower_bound(astral_.begin(), astral_.end(), std::make_pair(cp, std::uint16_t{0}));
  return (it != astral_.end() && it->first == cp) ? it->second : 0;
}

std::uint32_t Matcher::step(std::uint32_t state, std::uint16_t sym) const noexcept {
  if (sym == 0) return 0;
  if (state != 0) {
    const std::uint32_t b = trans_begin_[state], e = trans_begin_[state + 1];
    const std::uint16_t* first = trans_sym_.data() + b;
    const std::uint16_t* last = trans_sym_.data() + e;
    if (e - b <= 8) {
      for (const std::uint16_t* p = first; p != last; ++p) {
        if (*p == sym) return trans_to_[b + (p - first)];
      }
    } else {
      const std::uint16_t* p = std::lower_bound(first, last, sym);
      if (p != last && *p == sym) return trans_to_[b + (p - first)];
    }
  }
  return root_row_[sym];
}

void Matcher::scan(std::string_view text, std::vector<Match>& out) const {
  std::uint32_t ring_pos[kRing];
  char32_t ring_cp[kRing];
  std::uint32_t state = 0;
  std::size_t k = 0;  // characters consumed
  const std::size_t n = text.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t pos = 0; pos < n;) {
    char32_t cp;
    std::size_t len;
    std::uint16_t sym;
    if (bytes[pos] < 0x80) {
      cp = bytes[pos];
      len = 1;
      sym = ascii_[cp];
    } else {
      len = decode_utf8(text, pos, cp);
      sym = symbol(cp);
    }
    ring_pos[k & (kRing - 1)] = static_cast<std::uint32_t>(pos);
    ring_cp[k & (kRing - 1)] = cp;
    state = step(state, sym);
    const std::size_t end = pos + len;
    for (std::uint32_t o = out_begin_[state]; o != out_begin_[state + 1]; ++o) {
      const PatternInfo& p = patterns_[out_[o]];
      const std::size_t start = k + 1 - p.length;
      if (p.boundary_start && start > 0 && is_word_raw(ring_cp[(start - 1) & (kRing - 1)])) {
        continue;
      }
      if (p.boundary_end && end < n) {
        char32_t next;
        decode_utf8(text, end, next);
        if (is_word_raw(next)) continue;
      }
      out.push_back({p.id, ring_pos[start & (kRing - 1)], static_cast<std::uint32_t>(end)});
    }
    pos = end;
    ++k;
  }
}

std::size_t Matcher::memory_bytes() const noexcept {
  return sizeof(*this) + page_of_.size() * 2 + pages_.size() * 2 + astral_.size() * 8 +
         root_row_.size() * 4 + trans_begin_.size() * 4 + trans_sym_.size() * 2 +
         trans_to_.size() * 4 + out_begin_.size() * 4 + out_.size() * 4 +
         patterns_.size() * sizeof(PatternInfo);
}

}  // namespace v1
}  // namespace triage
