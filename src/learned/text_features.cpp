#include "triage/text_features.hpp"

#include <array>

#include "text/fold_table.hpp"
#include "triage/fold.hpp"
#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {

namespace {

// FNV-1a over 32-bit units, then a final avalanche: features are hashed from code points as
// they are read, with no string built per n-gram (no allocation once the output has room).
constexpr std::uint64_t kBasis = 1469598103934665603ull;
constexpr std::uint64_t kPrime = 1099511628211ull;

constexpr std::uint64_t step(std::uint64_t h, std::uint32_t unit) noexcept {
  return (h ^ unit) * kPrime;
}
constexpr std::uint32_t finish(std::uint64_t h) noexcept {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return static_cast<std::uint32_t>(h);
}

// Kinds of feature, so that an n-gram of one kind never shares a hash with another's.
enum Kind : std::uint32_t { word = 1, word_bigram, char_gram, han_gram, field };

// The hash of a character n-gram starts from its kind and its length.
constexpr std::array<std::uint64_t, 6> kGramSeed = {0,
                                                    0,
                                                    step(step(kBasis, char_gram), 2),
                                                    step(step(kBasis, char_gram), 3),
                                                    step(step(kBasis, char_gram), 4),
                                                    step(step(kBasis, char_gram), 5)};

constexpr char32_t kBoundary = U'\x1F';  // marks the start and end of a Latin word
constexpr std::size_t kMaxWord = 32;     // longer runs (ids, hashes) give only the word feature

constexpr bool is_space(char32_t cp) noexcept {
  return cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r';
}

// fold() of every code point below U+10000 by index: fold() searches its table, and features
// fold every character of every ticket. Made from the same table, with fold()'s ASCII rule.
class BmpFolds {
 public:
  BmpFolds() : to_(0x10000) {
    for (char32_t c = 0; c < 0x10000; ++c) to_[c] = c;
    for (char32_t c = 'A'; c <= 'Z'; ++c) to_[c] = c + 32;
    for (const auto& p : detail::fold_table()) {
      if (p.from >= 0x80 && p.from < 0x10000) to_[p.from] = p.to;
    }
  }
  char32_t operator()(char32_t cp) const noexcept { return cp < 0x10000 ? to_[cp] : fold(cp); }

 private:
  std::vector<char32_t> to_;
};

const BmpFolds& bmp_folds() {
  static const BmpFolds f;
  return f;
}

class Extractor {
 public:
  Extractor(std::uint32_t mask, std::vector<std::uint32_t>& out) : mask_(mask), out_(out) {}

  void text(std::string_view s) {
    const BmpFolds& folded = bmp_folds();
    for (std::size_t i = 0; i < s.size();) {
      char32_t cp;
      i += decode_utf8(s, i, cp);
      cp = folded(cp);
      if (is_han(cp)) {
        end_word();
        han(cp);
      } else {
        han_len_ = 0;
        if (is_word_char(cp)) {
          if (len_ < kMaxWord) word_[len_] = cp;
          ++len_;
        } else {
          end_word();
          if (!is_space(cp)) prev_word_ = 0;  // punctuation breaks bigrams; spaces do not
        }
      }
    }
    end_word();
    han_len_ = 0;
    prev_word_ = 0;
  }

  void add(std::uint64_t h) { out_.push_back(finish(h) & mask_); }

 private:
  void han(char32_t cp) {
    han_[0] = han_[1];
    han_[1] = han_[2];
    han_[2] = cp;
    if (han_len_ < 3) ++han_len_;
    for (std::size_t n = 1; n <= han_len_; ++n) {
      std::uint64_t h = step(kBasis, han_gram);
      for (std::size_t k = 3 - n; k < 3; ++k) h = step(h, han_[k]);
      add(h);
    }
  }

  void end_word() {
    if (len_ == 0) return;
    const std::size_t n = len_ < kMaxWord ? len_ : kMaxWord;
    std::uint64_t w = step(kBasis, word);
    for (std::size_t k = 0; k < n; ++k) w = step(w, word_[k]);
    w = step(w, static_cast<std::uint32_t>(len_));
    add(w);
    if (prev_word_) add(step(step(step(kBasis, word_bigram), finish(prev_word_)), finish(w)));
    prev_word_ = w;
    if (len_ <= kMaxWord) {
      // Character n-grams of "<word>", 2 to 5 long.
      std::array<char32_t, kMaxWord + 2> b{};
      b[0] = kBoundary;
      for (std::size_t k = 0; k < n; ++k) b[k + 1] = word_[k];
      b[n + 1] = kBoundary;
      const std::size_t m = n + 2;
      for (std::size_t g = 2; g <= 5; ++g) {
        if (g == m) continue;  // the whole "<word>" is the word feature already
        for (std::size_t s = 0; s + g <= m; ++s) {
          std::uint64_t h = kGramSeed[g];
          for (std::size_t k = s; k < s + g; ++k) h = step(h, b[k]);
          add(h);
        }
      }
    }
    len_ = 0;
  }

  std::uint32_t mask_;
  std::vector<std::uint32_t>& out_;
  std::array<char32_t, kMaxWord> word_{};
  std::size_t len_ = 0;
  std::uint64_t prev_word_ = 0;
  std::array<char32_t, 3> han_{};
  std::size_t han_len_ = 0;
};

std::uint32_t mask_of(int hash_bits) {
  return hash_bits >= 32 ? 0xFFFFFFFFu : (1u << hash_bits) - 1;
}

}  // namespace

void linear_features(std::string_view text, int hash_bits, std::vector<std::uint32_t>& out) {
  Extractor(mask_of(hash_bits), out).text(text);
}

void linear_features(const Ticket& ticket, int hash_bits, std::vector<std::uint32_t>& out) {
  out.clear();
  Extractor x(mask_of(hash_bits), out);
  if (ticket.subject) x.text(*ticket.subject);
  x.text(ticket.text);
  const std::array<std::uint32_t, 5> fields = {
      static_cast<std::uint32_t>(ticket.channel),
      static_cast<std::uint32_t>(ticket.customer ? ticket.customer->tier : Tier::unspecified),
      static_cast<std::uint32_t>(ticket.customer ? ticket.customer->tenure : Tenure::unspecified),
      static_cast<std::uint32_t>(ticket.frequency), static_cast<std::uint32_t>(ticket.impact)};
  for (std::uint32_t f = 0; f < fields.size(); ++f) {
    if (fields[f] != 0) x.add(step(step(step(kBasis, field), f), fields[f]));
  }
}

}  // namespace v1
}  // namespace triage
