#include "triage/ticket.hpp"

#include <array>
#include <cmath>

#include <boost/json.hpp>

#include "base/json_util.hpp"

namespace triage {
inline namespace v1 {
namespace json = boost::json;
using detail::child;
using detail::type_error;

namespace {
constexpr std::array<std::string_view, 11> kChannel = {
    "",       "phone",  "chat",     "email",        "web",  "app",
    "social", "wechat", "dingtalk", "mini_program", "other"};
constexpr std::array<std::string_view, 4> kTier = {"", "vip", "regular", "enterprise"};
constexpr std::array<std::string_view, 3> kTenure = {"", "new", "returning"};
constexpr std::array<std::string_view, 4> kFrequency = {"", "first", "occasional", "persistent"};
constexpr std::array<std::string_view, 3> kImpact = {"", "single", "many"};
constexpr std::size_t kMaxDepth = max_json_depth;

template <class T, std::size_t N>
std::string_view name_of(T v, const std::array<std::string_view, N>& names) noexcept {
  const auto i = static_cast<std::size_t>(v);
  return i < N ? names[i] : std::string_view();
}

Result<std::optional<std::string>> opt_string(const json::object& o, std::string_view key,
                                              const std::string& parent, std::size_t max_bytes) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<std::string>();
  const std::string where = child(parent, key);
  if (!it->value().is_string()) return type_error(where, "string", it->value());
  const auto& s = it->value().get_string();
  if (s.size() > max_bytes) {
    return make_error(Errc::text_too_large, where,
                      "text of " + std::to_string(s.size()) + " bytes exceeds the limit of " +
                          std::to_string(max_bytes));
  }
  return std::optional<std::string>(std::string(s));
}

Result<std::optional<Timestamp>> opt_time(const json::object& o, std::string_view key,
                                          const std::string& parent) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<Timestamp>();
  const std::string where = child(parent, key);
  if (!it->value().is_string()) return type_error(where, "string", it->value());
  auto t = parse_timestamp(it->value().get_string(), where);
  if (!t) return t.error();
  return std::optional<Timestamp>(*t);
}

template <class E, std::size_t N>
Result<E> opt_enum(const json::object& o, std::string_view key, const std::string& parent,
                   const std::array<std::string_view, N>& names) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return E{};
  return detail::parse_enum<E>(it->value(), child(parent, key), names);
}

Result<Customer> customer_from_json(const json::value& v, const std::string& where) {
  if (!v.is_object()) return type_error(where, "object", v);
  const auto& o = v.get_object();
  Customer c;
  constexpr std::size_t kMax = max_ticket_string_bytes;
  TRIAGE_TRY(c.id, opt_string(o, "id", where, kMax));
  TRIAGE_TRY(c.name, opt_string(o, "name", where, kMax));
  TRIAGE_TRY(c.phone, opt_string(o, "phone", where, kMax));
  TRIAGE_TRY(c.email, opt_string(o, "email", where, kMax));
  TRIAGE_TRY(c.tier, opt_enum<Tier>(o, "tier", where, kTier));
  TRIAGE_TRY(c.tenure, opt_enum<Tenure>(o, "tenure", where, kTenure));
  for (const auto& kv : o) {
    static constexpr std::array<std::string_view, 6> known = {"id",    "name", "phone",
                                                              "email", "tier", "tenure"};
    if (std::find(known.begin(), known.end(), kv.key()) == known.end()) {
      c.extra.emplace(kv.key(), kv.value());
    }
  }
  return c;
}

void put(json::object& o, std::string_view key, const std::optional<std::string>& v) {
  if (v) o.emplace(key, *v);
}
void put(json::object& o, std::string_view key, const std::optional<Timestamp>& v) {
  if (v) o.emplace(key, format_timestamp(*v));
}
template <class T, std::size_t N>
void put(json::object& o, std::string_view key, T v, const std::array<std::string_view, N>& names) {
  if (v != T{}) o.emplace(key, name_of(v, names));
}
}  // namespace

std::string_view to_string(Channel v) noexcept {
  return name_of(v, kChannel);
}
std::string_view to_string(Tier v) noexcept {
  return name_of(v, kTier);
}
std::string_view to_string(Tenure v) noexcept {
  return name_of(v, kTenure);
}
std::string_view to_string(Frequency v) noexcept {
  return name_of(v, kFrequency);
}
std::string_view to_string(Impact v) noexcept {
  return name_of(v, kImpact);
}

namespace {
// Boost.JSON 1.81 reads `0e400` as NaN (zero times an overflowed power of ten) and a number past
// the range of a double (`1e400`, 400 digits) as infinity; written back, neither is JSON. The
// first is exactly zero. The second has no double: the document is refused, like any other input
// we cannot represent, at the number's place. On the way back up from such a number, `pointer`
// gathers its JSON pointer (only then: the walk allocates nothing).
bool has_infinity(json::value& v, std::string& pointer) {
  auto found_in = [&pointer](std::string segment) {
    pointer.insert(0, segment);
    return true;
  };
  switch (v.kind()) {
    case json::kind::double_:
      if (std::isnan(v.get_double())) v = 0.0;
      return std::isinf(v.get_double());
    case json::kind::array: {
      auto& a = v.get_array();
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (has_infinity(a[i], pointer)) return found_in(child("", i));
      }
      return false;
    }
    case json::kind::object:
      for (auto& kv : v.get_object()) {
        if (kv.value().is_primitive() && !kv.value().is_double()) continue;
        if (has_infinity(kv.value(), pointer)) return found_in(child("", kv.key()));
      }
      return false;
    default:
      return false;
  }
}

Error json_error(Errc code, std::string_view text, std::size_t at, std::string_view where,
                 std::string message) {
  std::uint32_t line, column;
  detail::line_column(text, std::min(at, text.size()), line, column);
  std::string place = std::string(where);
  if (!place.empty()) place += ":";
  place += std::to_string(line) + ":" + std::to_string(column);
  Error e = make_error(code, place, std::move(message));
  e.line = line;
  e.column = column;
  return e;
}
}  // namespace

Result<json::value> parse_json(std::string_view text, std::string_view where) {
  json::parse_options opts;
  opts.max_depth = kMaxDepth;
  json::parser p(json::storage_ptr(), opts);
  boost::system::error_code ec;
  const std::size_t n = p.write(text.data(), text.size(), ec);
  if (ec) {
    const bool deep = ec == json::error::too_deep;
    return json_error(deep ? Errc::json_too_deep : Errc::json_syntax, text, n, where,
                      deep ? "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels"
                           : "malformed JSON: " + ec.message());
  }
  json::value v = p.release();
  if (std::string pointer; has_infinity(v, pointer)) {
    return json_error(Errc::json_syntax, text, detail::locate_pointer(text, pointer), where,
                      "the number at " + (pointer.empty() ? std::string("the root") : pointer) +
                          " is beyond the range of a double");
  }
  return v;
}

Result<Ticket> ticket_from_json(const json::value& v, const TicketLimits& limits) {
  if (!v.is_object()) {
    return make_error(
        Errc::not_an_object, "",
        "a ticket must be a JSON object, got " + std::string(detail::kind_name(v.kind())));
  }
  const auto& o = v.get_object();
  const std::string root;
  Ticket t;
  auto text = o.find("text");
  if (text == o.end() || text->value().is_null()) {
    return make_error(Errc::field_missing, "/text", "required field is missing");
  }
  std::optional<std::string> s;
  TRIAGE_TRY(s, opt_string(o, "text", root, limits.max_text_bytes));
  t.text = std::move(*s);
  TRIAGE_TRY(t.id, opt_string(o, "id", root, max_ticket_string_bytes));
  TRIAGE_TRY(t.channel, opt_enum<Channel>(o, "channel", root, kChannel));
  TRIAGE_TRY(t.created_at, opt_time(o, "created_at", root));
  if (auto it = o.find("customer"); it != o.end() && !it->value().is_null()) {
    TRIAGE_TRY(t.customer, customer_from_json(it->value(), "/customer"));
  }
  TRIAGE_TRY(t.subject, opt_string(o, "subject", root, limits.max_text_bytes));
  TRIAGE_TRY(t.module, opt_string(o, "module", root, max_ticket_string_bytes));
  TRIAGE_TRY(t.product, opt_string(o, "product", root, max_ticket_string_bytes));
  TRIAGE_TRY(t.version, opt_string(o, "version", root, max_ticket_string_bytes));
  TRIAGE_TRY(t.os, opt_string(o, "os", root, max_ticket_string_bytes));
  TRIAGE_TRY(t.order_id, opt_string(o, "order_id", root, max_ticket_string_bytes));
  TRIAGE_TRY(t.error_message, opt_string(o, "error_message", root, limits.max_text_bytes));
  TRIAGE_TRY(t.occurred_at, opt_time(o, "occurred_at", root));
  TRIAGE_TRY(t.frequency, opt_enum<Frequency>(o, "frequency", root, kFrequency));
  TRIAGE_TRY(t.impact, opt_enum<Impact>(o, "impact", root, kImpact));
  if (auto it = o.find("attempted"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_array()) return type_error("/attempted", "array of strings", it->value());
    std::vector<std::string> items;
    const auto& a = it->value().get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_string()) return type_error(child("/attempted", i), "string", a[i]);
      items.emplace_back(a[i].get_string());
    }
    t.attempted = std::move(items);
  }
  static constexpr std::array<std::string_view, 17> known = {
      "text",        "id",        "channel", "created_at", "customer", "subject",
      "module",      "product",   "version", "os",         "order_id", "error_message",
      "occurred_at", "frequency", "impact",  "attempted",  ""};
  for (const auto& kv : o) {
    if (std::find(known.begin(), known.end() - 1, kv.key()) == known.end() - 1) {
      t.extra.emplace(kv.key(), kv.value());
    }
  }
  return t;
}

Result<Ticket> parse_ticket(std::string_view text, const TicketLimits& limits) {
  // Checked before parsing, so an oversized line costs no memory beyond the host's own copy.
  if (text.size() > limits.max_ticket_bytes) {
    // Readers keep only one byte past the limit of a longer line (LineReader), so the size
    // seen here is a lower bound.
    return make_error(
        Errc::text_too_large, "",
        "ticket exceeds the limit of " + std::to_string(limits.max_ticket_bytes) + " bytes");
  }
  auto v = parse_json(text);
  if (!v) return v.error();
  return ticket_from_json(*v, limits);
}

json::object to_json(const Ticket& t) {
  json::object o;
  put(o, "id", t.id);
  put(o, "channel", t.channel, kChannel);
  put(o, "created_at", t.created_at);
  if (t.customer) {
    json::object c;
    const auto& cu = *t.customer;
    put(c, "id", cu.id);
    put(c, "name", cu.name);
    put(c, "tier", cu.tier, kTier);
    put(c, "tenure", cu.tenure, kTenure);
    put(c, "phone", cu.phone);
    put(c, "email", cu.email);
    for (const auto& kv : cu.extra) c.emplace(kv.key(), kv.value());
    o.emplace("customer", std::move(c));
  }
  o.emplace("text", t.text);
  put(o, "subject", t.subject);
  put(o, "module", t.module);
  put(o, "product", t.product);
  put(o, "version", t.version);
  put(o, "os", t.os);
  put(o, "order_id", t.order_id);
  put(o, "error_message", t.error_message);
  put(o, "occurred_at", t.occurred_at);
  put(o, "frequency", t.frequency, kFrequency);
  if (t.attempted) {
    json::array a;
    for (const auto& s : *t.attempted) a.emplace_back(s);
    o.emplace("attempted", std::move(a));
  }
  put(o, "impact", t.impact, kImpact);
  for (const auto& kv : t.extra) o.emplace(kv.key(), kv.value());
  return o;
}

}  // namespace v1
}  // namespace triage
