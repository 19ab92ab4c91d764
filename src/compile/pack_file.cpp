// Compiled packs (include/triage/pack_file.hpp). The layout, all integers little-endian:
//
//   header   64 bytes: magic "TRIAGEPK", format version, byte-order mark, library version
//            (16 bytes, NUL-padded), layout hash, file size, checksum of bytes [64, size),
//            section count
//   table    per section: id, reserved, offset, size (24 bytes)
//   sections pack (the Pack, field by field), gates (the regular expressions' atoms),
//            matcher (the automaton's tables), model (the learned model, when the pack has one),
//            each starting at a multiple of 64 bytes
//
// The model is stored as the engine runs it (values in the pack's order, padded weight rows, the
// row table) and its large tables 64-byte aligned, so that a load reads them in place instead of
// rebuilding them. Nothing in the file is RE2's: expressions are kept as text and compile when a
// ticket first needs one (base/lazy_regex.hpp).
//
// The Pack is written generically over its fields (Boost.PFR), so a field added to any pack
// struct changes the layout hash: a file from a library with other structs is refused as
// compiled_pack_version rather than misread.
#include "compile/pack_file.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <typeindex>

#include <boost/pfr.hpp>
#include <gsl/span>

#include "base/json_util.hpp"
#include "compile/compiled_pack.hpp"
#include "triage/files.hpp"
#include "triage/version.h"

namespace triage {
inline namespace v1 {

namespace {
static_assert(
    std::endian::native == std::endian::little,
    "compiled packs are written in the host's byte order, which is assumed little-endian");

constexpr char kMagic[8] = {'T', 'R', 'I', 'A', 'G', 'E', 'P', 'K'};
constexpr std::uint32_t kByteOrder = 0x01020304u;
constexpr std::size_t kHeader = 64;
constexpr std::size_t kEntry = 24;
// Sections and the tables read in place start at multiples of this (a cache line).
constexpr std::size_t kAlign = 64;

enum Section : std::uint32_t { pack_section = 1, gates_section, matcher_section, model_section };
constexpr std::array<std::string_view, 5> kSectionNames = {"", "pack", "gates", "matcher", "model"};

std::string_view section_name(std::uint32_t id) {
  return id < kSectionNames.size() ? kSectionNames[id] : std::string_view("unknown");
}

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_map : std::false_type {};
template <class K, class V, class C, class A>
struct is_map<std::map<K, V, C, A>> : std::true_type {};
template <class T>
struct is_pair : std::false_type {};
template <class A, class B>
struct is_pair<std::pair<A, B>> : std::true_type {};
template <class T>
struct is_array : std::false_type {};
template <class T, std::size_t N>
struct is_array<std::array<T, N>> : std::true_type {};

// The largest value of each enum a pack holds: a file's enum bytes are checked against it.
template <class E>
constexpr int enum_max() {
  if constexpr (std::is_same_v<E, Condition::Kind>)
    return int(Condition::Kind::related);
  else if constexpr (std::is_same_v<E, Urgency>)
    return int(Urgency::low);
  else if constexpr (std::is_same_v<E, UrgencyRule::Effect>)
    return int(UrgencyRule::Effect::at_most);
  else if constexpr (std::is_same_v<E, Clock>)
    return int(Clock::business_day);
  else if constexpr (std::is_same_v<E, Guard::Kind>)
    return int(Guard::Kind::not_);
  else if constexpr (std::is_same_v<E, Algorithm>)
    return int(Algorithm::automatic);
  else
    static_assert(sizeof(E) == 0, "an enum of the pack without a known range");
}

// Boost.PFR cannot count CalendarSpec's fields (GCC 12 fails inside its std::array of vectors),
// so its fields are listed here; the mirror's size catches a field added without this list.
template <class C, class F>
void calendar_fields(C& c, F&& f) {
  f(c.id);
  f(c.title);
  f(c.time_zone);
  f(c.week);
  f(c.holidays);
  f(c.workdays);
  f(c.workday_hours);
  f(c.where);
}
struct CalendarSpecMirror {
  std::string id, title, time_zone;
  std::array<std::vector<WorkInterval>, 7> week;
  std::vector<boost::gregorian::date> holidays, workdays;
  std::vector<WorkInterval> workday_hours;
  std::string where;
};
static_assert(sizeof(CalendarSpecMirror) == sizeof(CalendarSpec),
              "CalendarSpec changed: update calendar_fields (and pack_file_format)");

// ---- layout hash: the shape of every type written generically --------------------------------
template <class T>
void signature(std::string& s, std::set<std::type_index>& seen);

template <class T, std::size_t... I>
void field_signatures(std::string& s, std::set<std::type_index>& seen, std::index_sequence<I...>) {
  (signature<boost::pfr::tuple_element_t<I, T>>(s, seen), ...);
}

template <class T>
void signature(std::string& s, std::set<std::type_index>& seen) {
  if constexpr (std::is_same_v<T, std::string>) {
    s += 's';
  } else if constexpr (std::is_same_v<T, bool>) {
    s += 'b';
  } else if constexpr (std::is_enum_v<T>) {
    s += 'e' + std::to_string(sizeof(T)) + ':' + std::to_string(enum_max<T>());
  } else if constexpr (std::is_arithmetic_v<T>) {
    s += (std::is_floating_point_v<T> ? 'f' : std::is_signed_v<T> ? 'i' : 'u');
    s += std::to_string(sizeof(T));
  } else if constexpr (std::is_same_v<T, boost::gregorian::date>) {
    s += 'D';
  } else if constexpr (std::is_same_v<T, boost::posix_time::ptime>) {
    s += 'T';
  } else if constexpr (is_vector<T>::value || is_optional<T>::value) {
    s += is_vector<T>::value ? "v<" : "o<";
    signature<typename T::value_type>(s, seen);
    s += '>';
  } else if constexpr (is_map<T>::value || is_pair<T>::value) {
    s += is_map<T>::value ? "m<" : "p<";
    if constexpr (is_map<T>::value) {
      signature<typename T::key_type>(s, seen);
      signature<typename T::mapped_type>(s, seen);
    } else {
      signature<typename T::first_type>(s, seen);
      signature<typename T::second_type>(s, seen);
    }
    s += '>';
  } else if constexpr (is_array<T>::value) {
    s += "a" + std::to_string(std::tuple_size_v<T>) + "<";
    signature<typename T::value_type>(s, seen);
    s += '>';
  } else if constexpr (std::is_same_v<T, CalendarSpec>) {
    s += "C{";
    const CalendarSpec spec{};  // only the fields' types are read
    calendar_fields(spec, [&](const auto& f) { signature<std::decay_t<decltype(f)>>(s, seen); });
    s += '}';
  } else {
    static_assert(std::is_aggregate_v<T>, "a pack type the compiled form cannot write");
    if (!seen.insert(typeid(T)).second) {
      s += 'r';  // recursion (a condition's children)
      return;
    }
    s += '{';
    field_signatures<T>(s, seen, std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
    s += '}';
  }
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::uint64_t layout_hash() {
  static const std::uint64_t hash = [] {
    std::string s;
    std::set<std::type_index> seen;
    signature<Pack>(s, seen);
    return fnv1a(s);
  }();
  return hash;
}

// ---- checksum: xxHash64's round over 32-byte stripes, fast enough to check megabytes at load --
constexpr std::uint64_t P1 = 11400714785074694791ull, P2 = 14029467366897019727ull,
                        P3 = 1609587929392839161ull, P5 = 2870177450012600261ull;
inline std::uint64_t rotl(std::uint64_t x, int r) {
  return (x << r) | (x >> (64 - r));
}
inline std::uint64_t round64(std::uint64_t acc, std::uint64_t in) {
  return rotl(acc + in * P2, 31) * P1;
}
inline std::uint64_t load64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

std::uint64_t checksum(std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();
  std::uint64_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0 - P1;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    v1 = round64(v1, load64(p + i));
    v2 = round64(v2, load64(p + i + 8));
    v3 = round64(v3, load64(p + i + 16));
    v4 = round64(v4, load64(p + i + 24));
  }
  std::uint64_t h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18) + n;
  for (; i < n; ++i) h = rotl(h ^ (p[i] * P5), 11) * P1;
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

// ---- writing ----------------------------------------------------------------------------------
class Writer {
 public:
  std::string out;

  template <class T>
  void raw(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void u8(std::uint8_t v) { raw(v); }
  void u32(std::uint32_t v) { raw(v); }
  void u64(std::uint64_t v) { raw(v); }
  void str(std::string_view s) {
    u64(s.size());
    out.append(s);
  }
  template <class T>
  void pod_vector(const std::vector<T>& v) {
    u64(v.size());
    if (!v.empty()) out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  /// A table that loads in place: its count, then zeros up to a multiple of kAlign bytes from
  /// the start of the section (sections start at such a multiple), then the elements.
  template <class T>
  void aligned_table(gsl::span<const T> v) {
    u64(v.size());
    out.resize((out.size() + kAlign - 1) / kAlign * kAlign, '\0');
    if (!v.empty()) out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }

  template <class T>
  void value(const T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
      str(v);
    } else if constexpr (std::is_same_v<T, bool>) {
      u8(v ? 1 : 0);
    } else if constexpr (std::is_enum_v<T>) {
      u8(static_cast<std::uint8_t>(v));
      static_assert(sizeof(T) == 1);
    } else if constexpr (std::is_arithmetic_v<T>) {
      raw(v);
    } else if constexpr (std::is_same_v<T, boost::gregorian::date>) {
      date(v);
    } else if constexpr (std::is_same_v<T, boost::posix_time::ptime>) {
      u8(v.is_special() ? 0 : 1);
      if (!v.is_special()) {
        date(v.date());
        raw(static_cast<std::int64_t>(v.time_of_day().total_microseconds()));
      }
    } else if constexpr (is_vector<T>::value) {
      if constexpr (std::is_arithmetic_v<typename T::value_type> &&
                    !std::is_same_v<typename T::value_type, bool>) {
        pod_vector(v);
      } else {
        u64(v.size());
        for (const auto& x : v) value(x);
      }
    } else if constexpr (is_optional<T>::value) {
      u8(v ? 1 : 0);
      if (v) value(*v);
    } else if constexpr (is_map<T>::value) {
      u64(v.size());
      for (const auto& [k, x] : v) {
        value(k);
        value(x);
      }
    } else if constexpr (is_pair<T>::value) {
      value(v.first);
      value(v.second);
    } else if constexpr (is_array<T>::value) {
      for (const auto& x : v) value(x);
    } else if constexpr (std::is_same_v<T, CalendarSpec>) {
      calendar_fields(v, [&](const auto& f) { value(f); });
    } else {
      boost::pfr::for_each_field(v, [&](const auto& f) { value(f); });
    }
  }

 private:
  void date(const boost::gregorian::date& d) {
    if (d.is_special()) {
      u32(0);
      return;
    }
    const auto ymd = d.year_month_day();
    u32(static_cast<std::uint32_t>(ymd.year) * 10000u + ymd.month * 100u + ymd.day);
  }
};

// ---- reading ----------------------------------------------------------------------------------
// Every read is bounded by the section: a count is checked against the bytes left before
// anything is allocated, so a damaged length cannot ask for gigabytes.
class Reader {
 public:
  Reader(std::string_view data, std::size_t base, std::string_view section)
      : data_(data), base_(base), section_(section) {}

  bool ok() const noexcept { return !failed_; }
  bool at_end() const noexcept { return pos_ == data_.size(); }
  std::size_t left() const noexcept { return data_.size() - pos_; }
  Error error() const { return error_; }

  void fail(std::string_view what) {
    if (failed_) return;
    failed_ = true;
    error_ = make_error(
        Errc::compiled_pack_corrupt,
        "byte " + std::to_string(base_ + pos_) + ", section " + std::string(section_), what);
  }

  template <class T>
  T raw() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v{};
    if (failed_) return v;
    if (left() < sizeof v) {
      fail("the section ends inside a value");
      return v;
    }
    std::memcpy(&v, data_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::uint8_t u8() { return raw<std::uint8_t>(); }
  std::uint32_t u32() { return raw<std::uint32_t>(); }
  std::uint64_t u64() { return raw<std::uint64_t>(); }

  /// A count of elements of at least `min_bytes` each.
  std::size_t count(std::size_t min_bytes) {
    const std::uint64_t n = u64();
    if (failed_) return 0;
    if (min_bytes > 0 && n > left() / min_bytes) {
      fail("a count larger than the section");
      return 0;
    }
    return static_cast<std::size_t>(n);
  }
  std::string str() {
    const std::size_t n = count(1);
    if (failed_) return {};
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  template <class T>
  void pod_vector(std::vector<T>& v) {
    const std::size_t n = count(sizeof(T));
    if (failed_) return;
    v.resize(n);
    if (n) std::memcpy(v.data(), data_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
  }
  /// Writer::aligned_table, read in place: a view into the section's bytes, aligned as far as
  /// the bytes are (their address agrees with their offset in the file modulo kAlign).
  template <class T>
  gsl::span<const T> aligned_table() {
    const std::size_t n = count(sizeof(T));
    const std::size_t pad = (kAlign - (base_ + pos_) % kAlign) % kAlign;
    if (failed_) return {};
    if (left() < pad || n > (left() - pad) / sizeof(T)) {
      fail("a table larger than the section");
      return {};
    }
    pos_ += pad;
    const auto* p = reinterpret_cast<const T*>(data_.data() + pos_);
    pos_ += n * sizeof(T);
    return {p, n};
  }

  template <class T>
  void value(T& v) {
    if (failed_) return;
    if constexpr (std::is_same_v<T, std::string>) {
      v = str();
    } else if constexpr (std::is_same_v<T, bool>) {
      const auto b = u8();
      if (b > 1) fail("a flag other than 0 or 1");
      v = b == 1;
    } else if constexpr (std::is_enum_v<T>) {
      const auto b = u8();
      if (b > enum_max<T>()) fail("an enumeration value out of range");
      v = static_cast<T>(b);
    } else if constexpr (std::is_arithmetic_v<T>) {
      v = raw<T>();
    } else if constexpr (std::is_same_v<T, boost::gregorian::date>) {
      v = date();
    } else if constexpr (std::is_same_v<T, boost::posix_time::ptime>) {
      const auto kind = u8();
      if (kind > 1) return fail("a time flag other than 0 or 1");
      if (kind == 0) {
        v = boost::posix_time::ptime();
        return;
      }
      const auto d = date();
      const auto us = raw<std::int64_t>();
      if (us < 0 || us >= std::int64_t{86400} * 1000000) return fail("a time of day out of range");
      if (ok()) v = boost::posix_time::ptime(d, boost::posix_time::microseconds(us));
    } else if constexpr (is_vector<T>::value) {
      using U = typename T::value_type;
      if constexpr (std::is_arithmetic_v<U> && !std::is_same_v<U, bool>) {
        pod_vector(v);
      } else {
        const std::size_t n = count(1);
        v.clear();
        v.reserve(n);
        for (std::size_t i = 0; i < n && ok(); ++i) {
          if (++depth_ > kMaxDepth) return fail("nesting deeper than any pack allows");
          value(v.emplace_back());
          --depth_;
        }
      }
    } else if constexpr (is_optional<T>::value) {
      const auto has = u8();
      if (has > 1) return fail("a presence flag other than 0 or 1");
      if (has == 0) {
        v.reset();
      } else {
        value(v.emplace());
      }
    } else if constexpr (is_map<T>::value) {
      const std::size_t n = count(1);
      v.clear();
      for (std::size_t i = 0; i < n && ok(); ++i) {
        std::remove_const_t<typename T::key_type> k{};
        typename T::mapped_type x{};
        value(k);
        value(x);
        v.emplace_hint(v.end(), std::move(k), std::move(x));
      }
    } else if constexpr (is_pair<T>::value) {
      value(v.first);
      value(v.second);
    } else if constexpr (is_array<T>::value) {
      for (auto& x : v) value(x);
    } else if constexpr (std::is_same_v<T, CalendarSpec>) {
      calendar_fields(v, [&](auto& f) { value(f); });
    } else {
      boost::pfr::for_each_field(v, [&](auto& f) { value(f); });
    }
  }

 private:
  static constexpr int kMaxDepth = 256;
  boost::gregorian::date date() {
    const auto packed = u32();
    if (failed_ || packed == 0) return {};
    try {
      return boost::gregorian::date(static_cast<unsigned short>(packed / 10000),
                                    static_cast<unsigned short>(packed / 100 % 100),
                                    static_cast<unsigned short>(packed % 100));
    } catch (const std::exception&) {
      fail("an invalid date");
      return {};
    }
  }

  std::string_view data_;
  std::size_t base_;
  std::string_view section_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  Error error_;
};

}  // namespace

// The tables of the automaton and the model, which their classes keep private.
struct PackFileAccess {
  static void write(Writer& w, const Matcher& m) {
    for (auto s : m.ascii_) w.raw(s);
    w.pod_vector(m.page_of_);
    w.pod_vector(m.pages_);
    w.u64(m.astral_.size());
    for (const auto& [cp, sym] : m.astral_) {
      w.raw(static_cast<std::uint32_t>(cp));
      w.raw(sym);
    }
    w.pod_vector(m.root_row_);
    w.pod_vector(m.fail_);
    w.u64(m.edges_.size());
    for (const auto& e : m.edges_) {
      w.u32(e.from);
      w.u32(e.to);
      w.raw(e.sym);
    }
    w.u32(m.edge_mask_);
    w.pod_vector(m.out_begin_);
    w.pod_vector(m.out_);
    w.u64(m.patterns_.size());
    for (const auto& p : m.patterns_) {
      w.u32(p.id);
      w.raw(p.length);
      w.u8(p.boundary_start);
      w.u8(p.boundary_end);
    }
  }

  /// Reads the automaton and checks every index in it, and that every failure chain and every
  /// probe sequence ends: a damaged table must not send the scan out of bounds or round a loop.
  /// Pattern ids must be below `id_bound`.
  static Matcher read_matcher(Reader& r, std::uint32_t id_bound) {
    Matcher m;
    for (auto& s : m.ascii_) s = r.raw<std::uint16_t>();
    r.pod_vector(m.page_of_);
    r.pod_vector(m.pages_);
    const std::size_t astral = r.count(6);
    m.astral_.resize(astral);
    for (auto& [cp, sym] : m.astral_) {
      cp = static_cast<char32_t>(r.u32());
      sym = r.raw<std::uint16_t>();
    }
    r.pod_vector(m.root_row_);
    r.pod_vector(m.fail_);
    const std::size_t edges = r.count(10);
    m.edges_.resize(edges);
    for (auto& e : m.edges_) {
      e.from = r.u32();
      e.to = r.u32();
      e.sym = r.raw<std::uint16_t>();
    }
    m.edge_mask_ = r.u32();
    r.pod_vector(m.out_begin_);
    r.pod_vector(m.out_);
    const std::size_t patterns = r.count(8);
    m.patterns_.resize(patterns);
    for (auto& p : m.patterns_) {
      p.id = r.u32();
      p.length = r.raw<std::uint16_t>();
      const auto bs = r.u8(), be = r.u8();
      if (bs > 1 || be > 1) r.fail("a boundary flag other than 0 or 1");
      p.boundary_start = bs == 1;
      p.boundary_end = be == 1;
      if (p.id >= id_bound) r.fail("a keyword id beyond the pack's keywords");
      if (p.length == 0 || p.length > Matcher::max_pattern_chars)
        r.fail("a keyword length out of range");
    }
    if (!r.ok()) return m;
    const std::size_t symbols = m.root_row_.size();
    const std::size_t pages = m.pages_.size() / 256;
    if (m.page_of_.size() != 256 || pages == 0 || m.pages_.size() % 256 != 0 || symbols == 0) {
      r.fail("the alphabet's tables have the wrong sizes");
      return m;
    }
    auto bad_symbol = [&](std::uint16_t s) { return s >= symbols; };
    if (std::any_of(std::begin(m.ascii_), std::end(m.ascii_), bad_symbol) ||
        std::any_of(m.pages_.begin(), m.pages_.end(), bad_symbol) ||
        std::any_of(m.page_of_.begin(), m.page_of_.end(),
                    [&](std::uint16_t p) { return p >= pages; }) ||
        std::any_of(m.astral_.begin(), m.astral_.end(),
                    [&](const auto& a) { return bad_symbol(a.second); }) ||
        !std::is_sorted(m.astral_.begin(), m.astral_.end())) {
      r.fail("a character maps to no symbol of the automaton");
      return m;
    }
    if (m.out_begin_.size() < 2 || m.fail_.size() != m.out_begin_.size() - 1) {
      r.fail("the automaton's state tables have the wrong sizes");
      return m;
    }
    const std::size_t states = m.fail_.size();
    auto bad_state = [&](std::uint32_t s) { return (s & ~Matcher::has_output) >= states; };
    if (std::any_of(m.root_row_.begin(), m.root_row_.end(), bad_state) ||
        std::any_of(m.fail_.begin(), m.fail_.end(), [&](std::uint32_t s) { return s >= states; })) {
      r.fail("a transition to no state");
      return m;
    }
    if (m.edges_.empty() || (m.edges_.size() & (m.edges_.size() - 1)) != 0 ||
        m.edge_mask_ != m.edges_.size() - 1) {
      r.fail("the transition table's size is not a power of two");
      return m;
    }
    bool free_slot = false;
    for (const auto& e : m.edges_) {
      if (e.from == Matcher::no_state) {
        free_slot = true;
      } else if (e.from >= states || bad_state(e.to) || bad_symbol(e.sym)) {
        r.fail("a transition to no state");
        return m;
      }
    }
    if (!free_slot) {
      r.fail("the transition table has no free slot (a look-up would never end)");
      return m;
    }
    // Failure chains end at the root: colour each state once (0 new, 1 on the current chain,
    // 2 known to end).
    std::vector<std::uint8_t> colour(states, 0);
    colour[0] = 2;
    std::vector<std::uint32_t> chain;
    for (std::uint32_t s = 1; s < states; ++s) {
      chain.clear();
      std::uint32_t t = s;
      while (colour[t] == 0) {
        colour[t] = 1;
        chain.push_back(t);
        t = m.fail_[t];
      }
      if (colour[t] == 1) {
        r.fail("a failure chain that loops");
        return m;
      }
      for (auto c : chain) colour[c] = 2;
    }
    if (m.out_begin_.front() != 0 || m.out_begin_.back() != m.out_.size() ||
        !std::is_sorted(m.out_begin_.begin(), m.out_begin_.end()) ||
        std::any_of(m.out_.begin(), m.out_.end(),
                    [&](std::uint32_t o) { return o >= m.patterns_.size(); })) {
      r.fail("a state's outputs name no keyword");
    }
    return m;
  }

  // A linear model is stored as it runs: padded rows and the row table, read in place at load
  // (a view into the compiled pack's bytes, which the engine keeps). Dimensions trained on the
  // same tickets share their rows and row table: a later one names the earlier one instead.
  static void write(Writer& w, const LinearModel& l, std::vector<const LinearModel*>& written) {
    w.u64(l.classes_);
    w.pod_vector(l.bias_);
    w.raw(l.temperature_);
    w.u64(l.stride_);
    w.aligned_table(l.weights_);
    std::uint32_t same = kOwnRows;
    for (std::uint32_t i = 0; i < written.size(); ++i) {
      if (written[i]->same_rows(l)) same = i;
    }
    w.u32(same);
    if (same == kOwnRows) {
      w.pod_vector(l.ids_);
      w.pod_vector(l.idf_);
      w.aligned_table(l.table_);
    }
    written.push_back(&l);
  }
  // `trusted`: the library's own embedded bytes, which this build wrote; the row tables'
  // entry-by-entry check (a read of every slot, a sixth of loading the built-in pack) is for
  // files.
  static void read(Reader& r, LinearModel& l, std::size_t classes,
                   const std::shared_ptr<const void>& bytes,
                   std::vector<const LinearModel*>& read_so_far, bool trusted) {
    l.classes_ = r.u64();
    r.pod_vector(l.bias_);
    l.temperature_ = r.raw<double>();
    l.stride_ = r.u64();
    l.weights_ = r.aligned_table<float>();
    const std::uint32_t same = r.u32();
    if (!r.ok()) return;
    if (same == kOwnRows) {
      r.pod_vector(l.ids_);
      r.pod_vector(l.idf_);
      l.table_ = r.aligned_table<std::uint64_t>();
      l.table_keep_ = bytes;
    } else if (same < read_so_far.size()) {
      const LinearModel& earlier = *read_so_far[same];
      l.ids_ = earlier.ids_;
      l.idf_ = earlier.idf_;
      l.table_ = earlier.table_;
      l.table_keep_ = earlier.table_keep_;
    } else {
      return r.fail("a linear model shares the rows of no earlier dimension");
    }
    l.weights_keep_ = bytes;
    if (!r.ok()) return;
    const std::size_t rows = l.ids_.size();
    if (l.classes_ != classes || l.classes_ == 0 || l.idf_.size() != rows ||
        l.bias_.size() != l.classes_ || !(l.temperature_ > 0) ||
        l.stride_ != (l.classes_ + 7) / 8 * 8 || l.weights_.size() / l.stride_ != rows ||
        l.weights_.size() % l.stride_ != 0) {
      return r.fail("a linear model's tables do not fit together");
    }
    if (same == kOwnRows) {
      // The row table must answer every id with its own row and leave a free slot, so that a
      // look-up ends and never reads past the weights.
      const auto& t = l.table_;
      if (t.size() < 16 || (t.size() & (t.size() - 1)) != 0 || t.size() <= rows) {
        return r.fail("a linear model's row table has the wrong size");
      }
      std::size_t used = 0;
      for (const std::uint64_t e : trusted ? gsl::span<const std::uint64_t>() : t) {
        if (e == ~std::uint64_t{0}) continue;
        if (++used > rows) return r.fail("a linear model's row table has no free slot");
        const std::uint64_t row = e & 0xFFFFFFFFu;
        if (row >= rows || l.ids_[row] != (e >> 32)) {
          return r.fail("a linear model's row table names no row of its features");
        }
      }
    }
    read_so_far.push_back(&l);
  }

  static constexpr std::uint32_t kOwnRows = 0xFFFFFFFFu;

  static void write(Writer& w, const LearnedModel& m) {
    w.raw(static_cast<std::int32_t>(m.bits_));
    w.raw(static_cast<std::int32_t>(m.linear_bits_));
    w.str(m.fingerprint_);
    w.u64(m.trained_on_);
    w.u64(m.dims_.size());
    std::vector<const LinearModel*> written;
    for (const auto& [name, d] : m.dims_) {
      w.str(name);
      w.value(d.algorithm);
      w.value(d.values);
      w.pod_vector(d.docs);
      w.value(d.counts);
      w.pod_vector(d.totals);
      if (d.algorithm == Algorithm::linear) write(w, d.linear, written);
    }
  }
  /// `bytes` keeps alive the bytes the linear models' tables are read in place from.
  static LearnedModel read_model(Reader& r, const std::shared_ptr<const void>& bytes,
                                 bool trusted) {
    LearnedModel m;
    m.bits_ = r.raw<std::int32_t>();
    m.linear_bits_ = r.raw<std::int32_t>();
    if (m.bits_ < 8 || m.bits_ > 24 || m.linear_bits_ < 8 || m.linear_bits_ > 24) {
      r.fail("hash bits out of range");
    }
    m.fingerprint_ = r.str();
    m.trained_on_ = r.u64();
    const std::size_t dims = r.count(1);
    std::vector<const LinearModel*> read_so_far;
    for (std::size_t i = 0; i < dims && r.ok(); ++i) {
      auto [it, added] = m.dims_.try_emplace(r.str());
      if (!added) r.fail("a dimension named twice");
      if (!r.ok()) break;
      LearnedModel::Dim& d = it->second;  // read in place: later dimensions point at its rows
      r.value(d.algorithm);
      r.value(d.values);
      r.pod_vector(d.docs);
      r.value(d.counts);
      r.pod_vector(d.totals);
      if (d.algorithm == Algorithm::linear) {
        read(r, d.linear, d.values.size(), bytes, read_so_far, trusted);
      } else if (r.ok() &&
                 (d.docs.size() != d.values.size() || d.counts.size() != d.values.size() ||
                  d.totals.size() != d.values.size())) {
        r.fail("a naive Bayes dimension's tables do not fit its values");
      }
    }
    return m;
  }
};

namespace {

struct SectionRef {
  std::uint32_t id;
  std::size_t offset, size;
};

// `place`: "header", "section table" or "section <name>".
Error corrupt(std::size_t offset, std::string_view place, std::string_view what) {
  return make_error(Errc::compiled_pack_corrupt,
                    "byte " + std::to_string(offset) + ", " + std::string(place), what);
}

}  // namespace

bool is_compiled_pack(std::string_view bytes) noexcept {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

Result<std::string> compile_pack(const Pack& pack, const LearnedModel* model,
                                 const EngineOptions& options) {
  if (pack.model && !model) {
    return make_error(Errc::invalid_argument, "/model/file",
                      "the pack names a learned model: compile it with the model");
  }
  if (model && !pack.model) {
    return make_error(Errc::invalid_argument, "model", "the pack names no learned model");
  }
  if (model) {
    if (auto wrong = model->check_against(pack, "/model/file")) return *wrong;
  }
  EngineOptions plain;  // host classifiers are the host's; the tables do not depend on them
  plain.limits = options.limits;
  plain.regional_variants = options.regional_variants;
  TRIAGE_TRY(const Engine engine, Engine::compile(pack, plain));
  const auto& cp = EngineAccess::impl(engine);

  std::vector<std::pair<std::uint32_t, std::string>> sections;
  {
    Writer w;
    w.value(pack);
    sections.emplace_back(pack_section, std::move(w.out));
  }
  {
    Writer w;
    w.u32(cp.atom_base);
    w.pod_vector(cp.atom_uses_begin);
    w.u64(cp.atom_uses.size());
    for (const auto& u : cp.atom_uses) {
      w.u32(u.regex);
      w.u8(u.clause);
    }
    w.pod_vector(cp.regex_clause_count);
    w.pod_vector(cp.unfiltered_regexes);
    sections.emplace_back(gates_section, std::move(w.out));
  }
  {
    Writer w;
    PackFileAccess::write(w, cp.matcher);
    sections.emplace_back(matcher_section, std::move(w.out));
  }
  if (model) {
    // Stored in the pack's order of values, as the engine runs it: aligning at load is then
    // nothing to do.
    LearnedModel aligned = *model;
    aligned.align(pack);
    Writer w;
    PackFileAccess::write(w, aligned);
    sections.emplace_back(model_section, std::move(w.out));
  }

  Writer file;
  file.out.append(kMagic, sizeof kMagic);
  file.u32(pack_file_format);
  file.u32(kByteOrder);
  char version[16] = {};
  std::memcpy(version, TRIAGE_VERSION_STRING,
              std::min(sizeof version, sizeof TRIAGE_VERSION_STRING));
  file.out.append(version, sizeof version);
  file.u64(layout_hash());
  const std::size_t size_at = file.out.size();
  file.u64(0);  // file size, patched below
  file.u64(0);  // checksum, patched below
  file.u32(static_cast<std::uint32_t>(sections.size()));
  file.u32(0);
  std::size_t offset = kHeader + kEntry * sections.size();
  for (const auto& [id, body] : sections) {
    offset = (offset + kAlign - 1) / kAlign * kAlign;
    file.u32(id);
    file.u32(0);
    file.u64(offset);
    file.u64(body.size());
    offset += body.size();
  }
  for (const auto& [id, body] : sections) {
    file.out.resize((file.out.size() + kAlign - 1) / kAlign * kAlign, '\0');
    file.out += body;
  }
  std::string& out = file.out;
  const std::uint64_t size = out.size();
  std::memcpy(out.data() + size_at, &size, 8);
  const std::uint64_t sum = checksum(std::string_view(out).substr(kHeader));
  std::memcpy(out.data() + size_at + 8, &sum, 8);
  return std::move(out);
}

Result<Engine> Engine::load(std::string_view bytes, const EngineOptions& options) {
  return detail::load_compiled_pack(bytes, options, detail::PackBytes::caller);
}

Result<Engine> detail::load_compiled_pack(std::string_view bytes, const EngineOptions& options,
                                          PackBytes whose) {
  if (!is_compiled_pack(bytes)) {
    return make_error(Errc::compiled_pack_foreign, "byte 0",
                      "not a compiled pack (no TRIAGEPK magic): compile pack JSON with "
                      "`triage compile`");
  }
  if (bytes.size() < kHeader) {
    return corrupt(bytes.size(), "header", "the file ends inside the header");
  }
  auto at = [&](std::size_t off, auto v) {
    std::memcpy(&v, bytes.data() + off, sizeof v);
    return v;
  };
  if (const auto format = at(8, std::uint32_t{}); format != pack_file_format) {
    return make_error(Errc::compiled_pack_version, "byte 8, header",
                      "compiled pack format " + std::to_string(format) + "; this library reads " +
                          std::to_string(pack_file_format) + ": compile the pack again");
  }
  if (at(12, std::uint32_t{}) != kByteOrder) {
    return make_error(Errc::compiled_pack_version, "byte 12, header",
                      "compiled on a machine of the other byte order: compile the pack again");
  }
  const std::string version(bytes.data() + 16, strnlen(bytes.data() + 16, 16));
  if (version != TRIAGE_VERSION_STRING) {
    return make_error(Errc::compiled_pack_version, "byte 16, header",
                      "compiled by triage " + version +
                          "; this is " TRIAGE_VERSION_STRING ": compile the pack again");
  }
  if (at(32, std::uint64_t{}) != layout_hash()) {
    return make_error(Errc::compiled_pack_version, "byte 32, header",
                      "compiled by a build of triage " + version +
                          " with other pack structures: compile the pack again");
  }
  const std::uint64_t size = at(40, std::uint64_t{});
  const std::uint32_t count = at(56, std::uint32_t{});
  if (size > options.limits.max_pack_bytes) {
    return make_error(Errc::pack_limit, "byte 40, header",
                      "compiled pack of " + std::to_string(size) + " bytes exceeds the limit of " +
                          std::to_string(options.limits.max_pack_bytes));
  }
  if (count == 0 || count > 16) return corrupt(56, "header", "a section count out of range");
  if (bytes.size() < kHeader + kEntry * count) {
    return corrupt(bytes.size(), "section table", "the file ends inside the section table");
  }
  std::vector<SectionRef> sections;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t e = kHeader + kEntry * i;
    sections.push_back({at(e, std::uint32_t{}),
                        static_cast<std::size_t>(at(e + 8, std::uint64_t{})),
                        static_cast<std::size_t>(at(e + 16, std::uint64_t{}))});
  }
  if (bytes.size() != size) {
    // Name the section the file ends in, when the table can say.
    std::string where = "end of file";
    for (const auto& s : sections) {
      if (bytes.size() >= s.offset && bytes.size() - s.offset < s.size) {
        where = "section " + std::string(section_name(s.id));
      }
    }
    return corrupt(bytes.size(), where,
                   bytes.size() < size
                       ? "the file is truncated: " + std::to_string(size) + " bytes expected, " +
                             std::to_string(bytes.size()) + " read"
                       : "the file has " + std::to_string(bytes.size() - size) +
                             " bytes more than its header says");
  }
  if (whose == PackBytes::caller && checksum(bytes.substr(kHeader)) != at(48, std::uint64_t{})) {
    return corrupt(48, "header", "the checksum does not match: the file is damaged");
  }
  std::array<std::optional<SectionRef>, kSectionNames.size()> by_id;
  std::size_t end_of_previous = kHeader + kEntry * count;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto& s = sections[i];
    if (s.id == 0 || s.id >= by_id.size() || by_id[s.id]) {
      return corrupt(kHeader + kEntry * i, "section table", "an unknown or repeated section");
    }
    if (s.offset < end_of_previous || s.offset > size || s.size > size - s.offset) {
      return corrupt(kHeader + kEntry * i + 8, "section table",
                     "section " + std::string(section_name(s.id)) + " lies outside the file");
    }
    end_of_previous = s.offset + s.size;
    by_id[s.id] = s;
  }
  for (auto id : {pack_section, gates_section, matcher_section}) {
    if (!by_id[id]) {
      return corrupt(kHeader, "section table",
                     "section " + std::string(section_name(id)) + " is missing");
    }
  }
  auto reader = [&](Section id) {
    return Reader(bytes.substr(by_id[id]->offset, by_id[id]->size), by_id[id]->offset,
                  section_name(id));
  };
  auto finish = [](Reader& r) -> std::optional<Error> {
    if (r.ok() && !r.at_end()) r.fail("bytes left over at the end of the section");
    if (!r.ok()) return r.error();
    return std::nullopt;
  };

  Pack pack;
  {
    Reader r = reader(pack_section);
    r.value(pack);
    if (auto e = finish(r)) return *e;
  }
  detail::Precompiled pre;
  {
    Reader r = reader(gates_section);
    pre.atom_base = r.u32();
    r.pod_vector(pre.atom_uses_begin);
    const std::size_t uses = r.count(5);
    pre.atom_uses.resize(uses);
    for (auto& u : pre.atom_uses) {
      u.regex = r.u32();
      u.clause = r.u8();
    }
    r.pod_vector(pre.regex_clause_count);
    r.pod_vector(pre.unfiltered_regexes);
    if (r.ok() && (pre.atom_uses_begin.empty() || pre.atom_uses_begin.front() != 0 ||
                   pre.atom_uses_begin.back() != pre.atom_uses.size() ||
                   !std::is_sorted(pre.atom_uses_begin.begin(), pre.atom_uses_begin.end()))) {
      r.fail("the atoms' index does not fit their uses");
    }
    if (auto e = finish(r)) return *e;
  }
  {
    Reader r = reader(matcher_section);
    const std::uint64_t atoms = pre.atom_uses_begin.size() - 1;
    const std::uint64_t bound = std::uint64_t{pre.atom_base} + atoms;
    pre.matcher = PackFileAccess::read_matcher(
        r, static_cast<std::uint32_t>(std::min<std::uint64_t>(bound, 0xFFFFFFFFu)));
    if (auto e = finish(r)) return *e;
  }
  EngineOptions opts;
  opts.limits = options.limits;
  opts.classifiers = options.classifiers;
  if (pack.model.has_value() != by_id[model_section].has_value()) {
    return corrupt(kHeader, "section table",
                   pack.model ? "the pack names a learned model and the file has none"
                              : "a model section in a pack that names no model");
  }
  if (by_id[model_section]) {
    // The model's tables are read in place: in `bytes` when they outlive the engine (the pack
    // embedded in the library), else in one copy of the section, placed so that its tables are
    // as aligned as their offsets in the file.
    const SectionRef& s = *by_id[model_section];
    std::shared_ptr<const void> keep;
    std::string_view section = bytes.substr(s.offset, s.size);
    if (whose == PackBytes::caller) {
      const std::size_t skew = s.offset % kAlign;
      auto* raw = static_cast<char*>(::operator new (skew + s.size, std::align_val_t{kAlign}));
      keep = std::shared_ptr<const void>(raw, [](const void* p) {
        ::operator delete (const_cast<void*>(p), std::align_val_t{kAlign});
      });
      std::memcpy(raw + skew, section.data(), s.size);
      section = std::string_view(raw + skew, s.size);
    }
    Reader r(section, s.offset, section_name(model_section));
    LearnedModel model = PackFileAccess::read_model(r, keep, whose == PackBytes::library);
    if (auto e = finish(r)) return *e;
    if (auto wrong = model.check_against(pack, "section model")) {
      wrong->code = Errc::compiled_pack_corrupt;
      return *wrong;
    }
    model.align(pack);
    opts.classifiers.push_back(make_learned_classifier(
        std::move(model),
        pack.model->policy == "blend" ? CombinePolicy::blend : CombinePolicy::rules_first,
        pack.model->weight, pack.model->weights, pack.model->min_probability));
  }
  return EngineAccess::compile(std::move(pack), opts, &pre);
}

Result<std::string> compile_pack_file(const std::string& path, const EngineOptions& options) {
  auto in_file = [&](Error e) {
    e.message = path + ": " + e.message;
    return e;
  };
  TRIAGE_TRY(const std::string text, read_text_file(path, options.limits.max_pack_bytes));
  auto pack = parse_pack(text, options.limits);
  if (!pack) return in_file(pack.error());
  std::optional<LearnedModel> model;
  if (pack->model) {
    const auto file = (std::filesystem::path(path).parent_path() / pack->model->file).string();
    auto model_text = read_text_file(file, options.limits.max_pack_bytes);
    if (!model_text) return in_file(model_text.error());
    auto m = LearnedModel::from_json(*model_text);
    if (!m) {
      Error e = m.error();
      e.message = pack->model->file + ": " + e.message;
      return in_file(std::move(e));
    }
    model = std::move(*m);
  }
  auto bytes = compile_pack(*pack, model ? &*model : nullptr, options);
  if (!bytes) return in_file(bytes.error());
  return bytes;
}

Result<Engine> load_compiled_file(const std::string& path, const EngineOptions& options) {
  auto bytes = read_text_file(path, options.limits.max_pack_bytes);
  if (!bytes) return bytes.error();
  auto engine = Engine::load(*bytes, options);
  if (!engine) {
    Error e = engine.error();
    e.message = path + ": " + e.message;
    return e;
  }
  return engine;
}

namespace detail {
void reseal_compiled_pack(std::string& bytes) {
  if (bytes.size() < kHeader) return;
  const std::uint64_t sum = checksum(std::string_view(bytes).substr(kHeader));
  std::memcpy(bytes.data() + 48, &sum, 8);
}
}  // namespace detail

}  // namespace v1
}  // namespace triage
