#include "base/json_util.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

std::string pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string_view kind_name(boost::json::kind k) noexcept {
  switch (k) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "number";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::object:
      return "object";
  }
  return "value";
}

Error type_error(const std::string& where, std::string_view expected, const boost::json::value& v) {
  return make_error(
      Errc::field_type, where,
      "expected " + std::string(expected) + ", got " + std::string(kind_name(v.kind())));
}

void line_column(std::string_view text, std::size_t offset, std::uint32_t& line,
                 std::uint32_t& column) {
  line = 1;
  column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // columns count characters, not bytes
    }
  }
}

}  // namespace detail
}  // namespace v1
}  // namespace triage

namespace triage {
inline namespace v1 {
namespace detail {
namespace {
// A forgiving scanner over text already known to be valid JSON.
struct Scanner {
  std::string_view s;
  std::size_t i = 0;
  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  }
  std::string string() {  // at '"'; decodes the simple escapes (enough to compare keys)
    std::string out;
    ++i;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) {
        ++i;
        switch (s[i]) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'u':
            out += '?';
            i += 4;
            break;
          default:
            out += s[i];
        }
        ++i;
      } else {
        out += s[i++];
      }
    }
    ++i;
    return out;
  }
  void skip() {  // skips one value
    ws();
    if (i >= s.size()) return;
    const char c = s[i];
    if (c == '"') {
      string();
    } else if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i;
      ws();
      while (i < s.size() && s[i] != close) {
        if (c == '{') {
          ws();
          string();
          ws();
          ++i;  // ':'
        }
        skip();
        ws();
        if (i < s.size() && s[i] == ',') ++i;
        ws();
      }
      ++i;
    } else {
      while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' &&
             s[i] != '\n' && s[i] != '\r' && s[i] != '\t') {
        ++i;
      }
    }
  }
};
std::string unescape_token(std::string_view t) {
  std::string out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '~' && i + 1 < t.size()) {
      out += t[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += t[i];
    }
  }
  return out;
}
}  // namespace

std::size_t locate_pointer(std::string_view json, std::string_view pointer) noexcept {
  try {
    Scanner sc{json};
    sc.ws();
    std::size_t pos = 0;
    while (!pointer.empty() && pointer[0] == '/') {
      pointer.remove_prefix(1);
      const auto slash = pointer.find('/');
      const std::string token = unescape_token(pointer.substr(0, slash));
      pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(slash);
      sc.ws();
      pos = sc.i;
      if (sc.i >= json.size()) return pos;
      bool found = false;
      if (json[sc.i] == '{') {
        ++sc.i;
        while (true) {
          sc.ws();
          if (sc.i >= json.size() || json[sc.i] != '"') break;
          const std::string key = sc.string();
          sc.ws();
          ++sc.i;
          sc.ws();
          if (key == token) {
            found = true;
            break;
          }
          sc.skip();
          sc.ws();
          if (sc.i < json.size() && json[sc.i] == ',') ++sc.i;
        }
      } else if (json[sc.i] == '[') {
        ++sc.i;
        std::size_t want = 0;
        for (char c : token) want = want * 10 + static_cast<std::size_t>(c - '0');
        for (std::size_t k = 0;; ++k) {
          sc.ws();
          if (sc.i >= json.size() || json[sc.i] == ']') break;
          if (k == want) {
            found = true;
            break;
          }
          sc.skip();
          sc.ws();
          if (sc.i < json.size() && json[sc.i] == ',') ++sc.i;
        }
      }
      if (!found) return pos;
    }
    sc.ws();
    return sc.i;
  } catch (...) {
    return 0;
  }
}

void add_position(Error& e, std::string_view json) noexcept {
  if (e.where.empty() || e.where[0] != '/') return;
  line_column(json, locate_pointer(json, e.where), e.line, e.column);
  e.message += " (line " + std::to_string(e.line) + ", column " + std::to_string(e.column) + ")";
}

}  // namespace detail
}  // namespace v1
}  // namespace triage

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace triage {
inline namespace v1 {
namespace detail {

namespace {
bool needs_escape(unsigned char c) noexcept {
  return c < 0x20 || c == '"' || c == '\\';
}

// Whether any of the eight bytes at `p` needs escaping (bytes of UTF-8 sequences are >= 0x80
// and never do): the classic "has a byte less than n / equal to c" word tricks, exact as to
// whether there is one.
bool needs_escape_in_word(const char* p) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  auto has_zero = [&](std::uint64_t v) { return (v - ones) & ~v & highs; };
  const std::uint64_t control = (w - ones * 0x20) & ~w & highs;
  return (control | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'))) != 0;
}

// The first byte at or after `i` that needs escaping, or s.size(). Most of a diagnosis line is
// strings with nothing to escape: sixteen bytes at a time where SSE2 is there, then eight.
std::size_t skip_plain(std::string_view s, std::size_t i) noexcept {
#if defined(__SSE2__)
  const __m128i control_max = _mm_set1_epi8(0x1F), quote = _mm_set1_epi8('"'),
                backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, control_max), v);  // v <= 0x1F
    const __m128i bad =
        _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    if (const int mask = _mm_movemask_epi8(bad); mask != 0) {
      return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
  }
#endif
  for (; i + 8 <= s.size() && !needs_escape_in_word(s.data() + i); i += 8) {
  }
  for (; i < s.size(); ++i) {
    if (needs_escape(static_cast<unsigned char>(s[i]))) return i;
  }
  return s.size();
}
}  // namespace

void append_json_string(std::string_view s, std::string& out) {
  // As boost::json::serialize writes a string (tested against it): quotes, backslashes and
  // control characters escaped, every other byte as it is.
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = skip_plain(s, 0); i < s.size(); i = skip_plain(s, i + 1)) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

char* shortest_double(char* buf, double d) noexcept {
  // Most numbers of a diagnosis are scores and confidences rounded to three decimals, or small
  // whole numbers. When some count k of thousandths gives `d` back exactly (k / 1000 rounds to
  // it), no shorter decimal does (any other with at most three decimals is at least 0.001
  // away, far more than a double's spacing below 1e5), so k's digits are the shortest form;
  // and below 1e5 fixed notation is never longer than scientific, the tie going to fixed as
  // to_chars breaks it. Anything else goes to std::to_chars.
  const double mag = std::fabs(d);
  if (!(mag < 1e5)) return std::to_chars(buf, buf + 32, d).ptr;
  const auto k = static_cast<std::uint64_t>(mag * 1000.0 + 0.5);
  if (static_cast<double>(k) / 1000.0 != mag) return std::to_chars(buf, buf + 32, d).ptr;
  char* p = buf;
  if (std::signbit(d)) *p++ = '-';
  p = std::to_chars(p, buf + 32, k / 1000).ptr;
  if (std::uint64_t frac = k % 1000; frac != 0) {
    char digits[3] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                      static_cast<char>('0' + frac % 10)};
    std::size_t n = 3;
    while (digits[n - 1] == '0') --n;
    *p++ = '.';
    for (std::size_t i = 0; i < n; ++i) *p++ = digits[i];
  }
  return p;
}

void write_json(const boost::json::object& o, std::string& out) {
  out += '{';
  bool first = true;
  for (const auto& kv : o) {
    if (!first) out += ',';
    first = false;
    append_json_string(kv.key(), out);
    out += ':';
    write_json(kv.value(), out);
  }
  out += '}';
}

void write_json(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      return;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::int64:
      out += std::to_string(v.get_int64());
      return;
    case boost::json::kind::uint64:
      out += std::to_string(v.get_uint64());
      return;
    case boost::json::kind::double_: {
      const double d = v.get_double();
      if (!std::isfinite(d)) {
        out += "null";  // JSON has no NaN or infinity
        return;
      }
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, r.ptr);
      return;
    }
    case boost::json::kind::string:
      append_json_string(v.get_string(), out);
      return;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write_json(e, out);
      }
      out += ']';
      return;
    }
    case boost::json::kind::object:
      write_json(v.get_object(), out);
      return;
  }
}

std::string write_json(const boost::json::object& o) {
  std::string out;
  write_json(o, out);
  return out;
}

std::string write_json(const boost::json::value& v) {
  std::string out;
  write_json(v, out);
  return out;
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
