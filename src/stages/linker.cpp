#include "triage/linker.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "triage/fold.hpp"

namespace triage {
inline namespace v1 {
namespace pt = boost::posix_time;

namespace {
constexpr std::size_t kSketch = 64;  // hashed trigrams kept per text (the smallest hashes)
constexpr std::size_t kBands = 8;    // similarity buckets per text
constexpr std::size_t kRows = 4;     // min-hashes per bucket key
constexpr std::size_t kBucket = 32;  // tickets a bucket keeps (the latest)

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser: a fixed, well-spread permutation
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

struct Features {
  std::vector<std::uint32_t> sketch;  // sorted, unique
  std::size_t chars = 0;              // letters, digits and ideographs in the text
};

// Folded text reduced to letters, digits and ideographs with single spaces between runs, then
// hashed character trigrams; the kSketch smallest hashes stand for a long text (a bottom-k
// sketch, so two texts' sketches still share the hashes their common trigrams give).
Features features(std::string_view text) {
  std::u32string cps;
  Features f;
  bool gap = false;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp;
    i += decode_utf8(text, i, cp);
    const char32_t c = fold(cp);
    if (is_han(c) || is_word_char(c)) {
      if (gap && !cps.empty()) cps.push_back(U' ');
      gap = false;
      cps.push_back(c);
      ++f.chars;
    } else {
      gap = true;
    }
  }
  std::vector<std::uint32_t> h;
  if (cps.size() < 3) {
    if (!cps.empty())
      h.push_back(static_cast<std::uint32_t>(mix(cps.front() + (cps.size() << 21))));
  }
  for (std::size_t i = 0; i + 3 <= cps.size(); ++i) {
    const std::uint64_t k =
        (std::uint64_t(cps[i]) << 42) ^ (std::uint64_t(cps[i + 1]) << 21) ^ cps[i + 2];
    h.push_back(static_cast<std::uint32_t>(mix(k)));
  }
  std::sort(h.begin(), h.end());
  h.erase(std::unique(h.begin(), h.end()), h.end());
  if (h.size() > kSketch) h.resize(kSketch);
  f.sketch = std::move(h);
  return f;
}

double cosine(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  if (a.empty() || b.empty()) return 0;
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) /
         std::sqrt(static_cast<double>(a.size()) * static_cast<double>(b.size()));
}

// Locality-sensitive bucket keys: texts whose trigram sets are alike share a key with high
// probability, unrelated texts almost never, so a query compares only a handful of texts.
std::array<std::uint64_t, kBands> bands(const std::vector<std::uint32_t>& sketch) {
  std::array<std::uint64_t, kBands> out{};
  for (std::size_t b = 0; b < kBands; ++b) {
    std::uint64_t key = 0x9e3779b97f4a7c15ull * (b + 1);
    for (std::size_t r = 0; r < kRows; ++r) {
      const std::uint64_t seed = mix(b * kRows + r + 1);
      std::uint64_t m = ~0ull;
      for (auto h : sketch) m = std::min(m, mix(h ^ seed));
      key = mix(key ^ m);
    }
    out[b] = key;
  }
  return out;
}

double round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}

struct Identity {
  std::string customer_id, phone, email;  // normalised; empty when the ticket has none
};

Identity identity_of(const Ticket& t) {
  Identity id;
  if (!t.customer) return id;
  if (t.customer->id) id.customer_id = *t.customer->id;
  if (t.customer->phone) id.phone = normalize_phone(*t.customer->phone);
  if (t.customer->email) id.email = normalize_email(*t.customer->email);
  return id;
}

// Two tickets whose customers are known to be different people are never one case, however
// alike their words (two customers reporting the same outage are two cases).
bool known_different(const Identity& a, const Identity& b) {
  auto differ = [](const std::string& x, const std::string& y) {
    return !x.empty() && !y.empty() && x != y;
  };
  return differ(a.customer_id, b.customer_id) || differ(a.phone, b.phone) ||
         differ(a.email, b.email);
}
}  // namespace

std::string normalize_phone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (digits.size() < 7) return {};
  return digits.size() > 10 ? digits.substr(digits.size() - 10) : digits;
}

std::string normalize_email(std::string_view email) {
  while (!email.empty() && (email.front() == ' ' || email.front() == '\t')) email.remove_prefix(1);
  while (!email.empty() && (email.back() == ' ' || email.back() == '\t')) email.remove_suffix(1);
  std::string out(email);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

double text_similarity(std::string_view a, std::string_view b) {
  return round3(cosine(features(a).sketch, features(b).sketch));
}

struct Linker::Impl {
  struct Entry {
    std::uint64_t serial = 0;
    std::string id;
    Timestamp created;
    Identity who;
    std::vector<std::uint32_t> sketch;  // its bucket keys are recomputed on eviction
    Channel channel = Channel::unspecified;
    bool similar_ok = false;  // long enough to link by text
    bool open = true;
  };
  LinkerOptions options;
  mutable std::shared_mutex mutex;
  std::deque<Entry> entries;  // in the order added; serial = first_serial + index
  std::uint64_t first_serial = 0, next_serial = 0;
  pt::ptime newest;
  // Index lists are short (one customer's tickets; texts alike), and most buckets hold one
  // ticket: a vector per key, and a multimap for the buckets, cost least.
  std::unordered_map<std::string, std::vector<std::uint64_t>> by_key;  // "i:…", "p:…", "e:…"
  std::unordered_multimap<std::uint64_t, std::uint64_t> by_band;
  std::unordered_map<std::string, std::uint64_t> by_id;
  std::size_t open_count = 0, bytes = 0;
  std::uint64_t added = 0, evicted = 0;

  static std::vector<std::string> keys_of(const Identity& w) {
    std::vector<std::string> k;
    if (!w.customer_id.empty()) k.push_back("i:" + w.customer_id);
    if (!w.phone.empty()) k.push_back("p:" + w.phone);
    if (!w.email.empty()) k.push_back("e:" + w.email);
    return k;
  }
  static std::size_t heap(const std::string& s) {  // beyond the small-string buffer
    return s.capacity() > 15 ? s.capacity() + 1 : 0;
  }
  static std::size_t size_of(const Entry& e) {
    const std::size_t keys =
        !e.who.customer_id.empty() + !e.who.phone.empty() + !e.who.email.empty();
    return sizeof(Entry) + heap(e.id) + heap(e.who.customer_id) + heap(e.who.phone) +
           heap(e.who.email) + e.sketch.capacity() * sizeof(std::uint32_t) +
           // the indexes: a map node with its list per identity, an id → serial node, and a
           // multimap node per bucket (allocator overhead included)
           keys * 96 + 64 + (e.similar_ok ? kBands * 32 : 0);
  }
  const Entry* find(std::uint64_t serial) const {
    if (serial < first_serial || serial >= next_serial) return nullptr;
    return &entries[static_cast<std::size_t>(serial - first_serial)];
  }
  Entry* find(std::uint64_t serial) {
    return const_cast<Entry*>(std::as_const(*this).find(serial));
  }
  void evict_front() {
    Entry& e = entries.front();
    for (const auto& k : keys_of(e.who)) {
      auto it = by_key.find(k);
      if (it == by_key.end()) continue;
      auto& list = it->second;  // serials enter in increasing order and leave in the same order
      list.erase(std::remove(list.begin(), list.end(), e.serial), list.end());
      if (list.empty()) by_key.erase(it);
    }
    if (e.similar_ok) {
      for (auto b : bands(e.sketch)) {
        auto [first, last] = by_band.equal_range(b);
        for (auto it = first; it != last; ++it) {
          if (it->second == e.serial) {
            by_band.erase(it);
            break;
          }
        }
      }
    }
    if (auto it = by_id.find(e.id); it != by_id.end() && it->second == e.serial) by_id.erase(it);
    if (e.open) --open_count;
    bytes -= size_of(e);
    entries.pop_front();
    ++first_serial;
    ++evicted;
  }
};

Linker::Linker(LinkerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}
Linker::~Linker() = default;
Linker::Linker(Linker&&) noexcept = default;
Linker& Linker::operator=(Linker&&) noexcept = default;

const LinkerOptions& Linker::options() const noexcept {
  return impl_->options;
}

std::vector<RelatedTicket> Linker::related(const Ticket& ticket, pt::ptime at) const {
  const Impl& im = *impl_;
  const pt::ptime when = ticket.created_at ? ticket.created_at->utc : at;
  const Identity who = identity_of(ticket);
  const Features f = features(ticket.text);
  const std::string self = ticket.id.value_or(std::string());
  const pt::time_duration window = pt::seconds(im.options.window_seconds);
  std::shared_lock lock(im.mutex);
  std::unordered_map<std::uint64_t, RelatedTicket> found;
  auto usable = [&](const Impl::Entry& e) {
    if (!e.open || (!self.empty() && e.id == self)) return false;
    const pt::time_duration gap =
        e.created.utc > when ? e.created.utc - when : when - e.created.utc;
    return gap <= window;
  };
  auto relate = [&](const Impl::Entry& e, std::string reason, double score) {
    const std::string channel =
        e.channel == Channel::unspecified ? std::string() : std::string(to_string(e.channel));
    found.emplace(e.serial, RelatedTicket{e.id, channel, std::move(reason), score, e.created});
  };
  const std::pair<const char*, const std::string*> ids[] = {
      {"customer_id", &who.customer_id}, {"phone", &who.phone}, {"email", &who.email}};
  for (const auto& [reason, value] : ids) {
    if (value->empty()) continue;
    const std::string key = std::string(1, reason[0] == 'c' ? 'i' : reason[0]) + ":" + *value;
    auto it = im.by_key.find(key);
    if (it == im.by_key.end()) continue;
    for (auto serial : it->second) {
      const Impl::Entry* e = im.find(serial);
      if (e && usable(*e) && !found.count(serial)) relate(*e, reason, 1.0);
    }
  }
  if (f.chars >= im.options.min_text_chars) {
    std::unordered_set<std::uint64_t> seen;
    for (auto b : bands(f.sketch)) {
      auto [first, last] = im.by_band.equal_range(b);
      for (auto it = first; it != last; ++it) {
        const std::uint64_t serial = it->second;
        if (found.count(serial) || !seen.insert(serial).second) continue;
        const Impl::Entry* e = im.find(serial);
        if (!e || !usable(*e) || known_different(who, e->who)) continue;
        const double s = round3(cosine(f.sketch, e->sketch));
        if (s >= im.options.min_similarity) relate(*e, "similar_text", s);
      }
    }
  }
  lock.unlock();
  std::vector<RelatedTicket> out;
  out.reserve(found.size());
  for (auto& [serial, r] : found) out.push_back(std::move(r));
  std::sort(out.begin(), out.end(), [](const RelatedTicket& a, const RelatedTicket& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.created.utc != b.created.utc) return a.created.utc > b.created.utc;  // latest first
    return a.ticket_id < b.ticket_id;
  });
  if (out.size() > im.options.max_related) out.resize(im.options.max_related);
  return out;
}

void Linker::add(const Ticket& ticket, const Diagnosis& diagnosis) {
  Impl::Entry e;
  e.id = ticket.id ? *ticket.id : diagnosis.request_id;
  e.channel = ticket.channel;
  e.created = ticket.created_at ? *ticket.created_at : Timestamp{diagnosis.instant, 0};
  if (e.created.utc.is_not_a_date_time()) e.created.utc = pt::second_clock::universal_time();
  e.who = identity_of(ticket);
  Features f = features(ticket.text);
  e.similar_ok = f.chars >= impl_->options.min_text_chars;
  e.sketch = std::move(f.sketch);
  e.sketch.shrink_to_fit();
  std::array<std::uint64_t, kBands> band_keys{};
  if (e.similar_ok) band_keys = bands(e.sketch);
  const auto keys = Impl::keys_of(e.who);

  Impl& im = *impl_;
  std::unique_lock lock(im.mutex);
  if (auto it = im.by_id.find(e.id); it != im.by_id.end()) {
    if (Impl::Entry* old = im.find(it->second); old && old->open) {
      old->open = false;  // replaced by this one
      --im.open_count;
    }
  }
  e.serial = im.next_serial++;
  for (const auto& k : keys) im.by_key[k].push_back(e.serial);
  if (e.similar_ok) {
    for (auto b : band_keys) {
      // A bucket keeps its kBucket latest tickets: a text repeated by thousands (an outage) still
      // costs a bounded scan, and the latest are the ones a new ticket is most likely part of.
      auto [first, last] = im.by_band.equal_range(b);
      std::size_t n = 0;
      auto oldest = last;
      for (auto it = first; it != last; ++it, ++n) {
        if (oldest == last || it->second < oldest->second) oldest = it;
      }
      if (n >= kBucket) im.by_band.erase(oldest);
      im.by_band.emplace(b, e.serial);
    }
  }
  im.by_id[e.id] = e.serial;
  if (im.newest.is_not_a_date_time() || e.created.utc > im.newest) im.newest = e.created.utc;
  im.bytes += Impl::size_of(e);
  im.entries.push_back(std::move(e));
  ++im.open_count;
  ++im.added;
  const pt::ptime horizon = im.newest - pt::seconds(im.options.window_seconds);
  while (!im.entries.empty() &&
         (im.entries.size() > im.options.max_tickets || im.entries.front().created.utc < horizon)) {
    im.evict_front();
  }
}

bool Linker::close(std::string_view ticket_id) {
  Impl& im = *impl_;
  std::unique_lock lock(im.mutex);
  auto it = im.by_id.find(std::string(ticket_id));
  if (it == im.by_id.end()) return false;
  Impl::Entry* e = im.find(it->second);
  if (!e) return false;
  if (e->open) {
    e->open = false;
    --im.open_count;
  }
  return true;
}

LinkerStats Linker::stats() const {
  const Impl& im = *impl_;
  std::shared_lock lock(im.mutex);
  LinkerStats s;
  s.tickets = im.entries.size();
  s.open = im.open_count;
  s.keys = im.by_key.size();
  s.buckets = im.by_band.size();
  s.memory_bytes = im.bytes + sizeof(Impl);
  s.added = im.added;
  s.evicted = im.evicted;
  return s;
}

}  // namespace v1
}  // namespace triage
