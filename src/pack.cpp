#include "triage/pack.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include <boost/json.hpp>

#include "json_util.hpp"
#include "triage/fold.hpp"
#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {
namespace json = boost::json;
using detail::child;
using detail::type_error;

namespace {
constexpr unsigned char kDefaultPack[] = {
#include "default_pack.inc"
};

Error invalid(const std::string& where, std::string_view what) {
  return make_error(Errc::pack_invalid, where, what);
}

Error unknown_key(const std::string& where, std::string_view key, std::string_view allowed) {
  return invalid(child(where, key),
                 "unknown key \"" + std::string(key) + "\"; allowed: " + std::string(allowed));
}

Result<const json::object*> object_at(const json::value& v, const std::string& where) {
  if (!v.is_object()) return type_error(where, "object", v);
  return &v.get_object();
}

Result<std::string> req_string(const json::object& o, std::string_view key,
                               const std::string& where) {
  auto it = o.find(key);
  if (it == o.end()) return make_error(Errc::field_missing, child(where, key), "required");
  if (!it->value().is_string()) return type_error(child(where, key), "string", it->value());
  return std::string(it->value().get_string());
}

Result<std::string> opt_string(const json::object& o, std::string_view key,
                               const std::string& where) {
  auto it = o.find(key);
  if (it == o.end()) return std::string();
  if (!it->value().is_string()) return type_error(child(where, key), "string", it->value());
  return std::string(it->value().get_string());
}

Result<double> opt_number(const json::object& o, std::string_view key, const std::string& where,
                          double dflt) {
  auto it = o.find(key);
  if (it == o.end()) return dflt;
  if (!it->value().is_number()) return type_error(child(where, key), "number", it->value());
  const double d = it->value().to_number<double>();
  if (!std::isfinite(d)) return invalid(child(where, key), "number must be finite");
  return d;
}

Result<std::vector<std::string>> string_list(const json::value& v, const std::string& where,
                                             bool allow_single = false) {
  std::vector<std::string> out;
  if (allow_single && v.is_string()) {
    out.emplace_back(v.get_string());
    return out;
  }
  if (!v.is_array()) return type_error(where, allow_single ? "string or array" : "array", v);
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const auto& e = v.get_array()[i];
    if (!e.is_string()) return type_error(child(where, i), "string", e);
    out.emplace_back(e.get_string());
  }
  return out;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

// Enum shorthands (`tier: [...]`) become field_in conditions on the ticket's field.
struct EnumKey {
  std::string_view key, field;
  std::vector<std::string_view> allowed;
};
const std::vector<EnumKey>& enum_keys() {
  static const std::vector<EnumKey> keys = {
      {"tier", "customer.tier", {"vip", "regular", "enterprise"}},
      {"tenure", "customer.tenure", {"new", "returning"}},
      {"channel",
       "channel",
       {"phone", "chat", "email", "web", "app", "social", "wechat", "dingtalk", "mini_program",
        "other"}},
      {"frequency", "frequency", {"first", "occasional", "persistent"}},
      {"impact", "impact", {"single", "many"}},
  };
  return keys;
}

class Reader {
 public:
  explicit Reader(const PackLimits& limits) : limits_(limits) {}

  Result<Condition> condition(const json::value& v, const std::string& where, std::size_t depth) {
    if (depth > limits_.max_depth) {
      return make_error(Errc::pack_limit, where,
                        "conditions nested deeper than " + std::to_string(limits_.max_depth));
    }
    const json::object* o;
    TRIAGE_TRY(o, object_at(v, where));
    Condition all;
    all.kind = Condition::Kind::all_of;
    all.where = where;
    for (const auto& kv : *o) {
      const std::string_view key = kv.key();
      const std::string at = child(where, key);
      Condition c;
      c.where = at;
      if (key == "text_any" || key == "text_all" || key == "text_none") {
        c.kind = key == "text_any"   ? Condition::Kind::text_any
                 : key == "text_all" ? Condition::Kind::text_all
                                     : Condition::Kind::text_none;
        TRIAGE_TRY(c.values, string_list(kv.value(), at));
        if (c.values.empty()) return invalid(at, "keyword list is empty");
        for (std::size_t i = 0; i < c.values.size(); ++i) {
          if (auto e = check_keyword(c.values[i], child(at, i)); e) return *e;
        }
      } else if (key == "regex") {
        c.kind = Condition::Kind::regex;
        TRIAGE_TRY(c.values, string_list(kv.value(), at, true));
        if (c.values.empty()) return invalid(at, "expression list is empty");
        for (std::size_t i = 0; i < c.values.size(); ++i) {
          if (c.values[i].empty() || c.values[i].size() > limits_.max_regex_bytes) {
            return make_error(Errc::pack_bad_regex, child(at, i),
                              c.values[i].empty()
                                  ? "empty expression"
                                  : "expression longer than " +
                                        std::to_string(limits_.max_regex_bytes) + " bytes");
          }
        }
        regexes_ += c.values.size();
      } else if (key == "has") {
        c.kind = Condition::Kind::has;
        TRIAGE_TRY(c.values, string_list(kv.value(), at));
        if (c.values.empty()) return invalid(at, "field list is empty");
      } else if (key == "fields") {
        if (!kv.value().is_array()) return type_error(at, "array", kv.value());
        c.kind = Condition::Kind::all_of;
        const auto& a = kv.value().get_array();
        for (std::size_t i = 0; i < a.size(); ++i) {
          Condition f;
          TRIAGE_TRY(f, field_condition(a[i], child(at, i)));
          c.children.push_back(std::move(f));
        }
      } else if (key == "all_of" || key == "any_of") {
        if (!kv.value().is_array()) return type_error(at, "array", kv.value());
        c.kind = key == "all_of" ? Condition::Kind::all_of : Condition::Kind::any_of;
        const auto& a = kv.value().get_array();
        if (a.empty()) return invalid(at, "empty list");
        for (std::size_t i = 0; i < a.size(); ++i) {
          Condition sub;
          TRIAGE_TRY(sub, condition(a[i], child(at, i), depth + 1));
          c.children.push_back(std::move(sub));
        }
      } else if (key == "not") {
        c.kind = Condition::Kind::not_;
        Condition sub;
        TRIAGE_TRY(sub, condition(kv.value(), at, depth + 1));
        c.children.push_back(std::move(sub));
      } else {
        auto ek = std::find_if(enum_keys().begin(), enum_keys().end(),
                               [&](const EnumKey& e) { return e.key == key; });
        if (ek == enum_keys().end()) {
          return unknown_key(where, key,
                             "text_any, text_all, text_none, regex, has, fields, all_of, any_of, "
                             "not, tier, tenure, channel, frequency, impact");
        }
        c.kind = Condition::Kind::field_in;
        c.field = std::string(ek->field);
        TRIAGE_TRY(c.values, string_list(kv.value(), at, true));
        for (std::size_t i = 0; i < c.values.size(); ++i) {
          if (std::find(ek->allowed.begin(), ek->allowed.end(), c.values[i]) == ek->allowed.end()) {
            std::string expected;
            for (auto a : ek->allowed) expected += (expected.empty() ? "" : "|") + std::string(a);
            return make_error(
                Errc::pack_unknown_reference, child(at, i),
                "unknown " + std::string(key) + " \"" + c.values[i] + "\"; expected " + expected);
          }
        }
      }
      all.children.push_back(std::move(c));
    }
    if (all.children.size() == 1) {
      Condition only = std::move(all.children.front());
      return only;
    }
    return all;
  }

  std::size_t keywords() const { return keywords_; }

 private:
  std::optional<Error> check_keyword(const std::string& kw, const std::string& where) {
    ++keywords_;
    std::string_view core = kw;
    if (!core.empty() && core.front() == '*') core.remove_prefix(1);
    if (!core.empty() && core.back() == '*') core.remove_suffix(1);
    std::size_t chars = 0;
    for (std::size_t i = 0; i < core.size();) {
      char32_t cp;
      i += decode_utf8(core, i, cp);
      ++chars;
    }
    if (chars == 0) return make_error(Errc::pack_bad_keyword, where, "empty keyword");
    if (chars > 64) {
      return make_error(Errc::pack_bad_keyword, where, "keyword longer than 64 characters");
    }
    if (keywords_ > limits_.max_keywords) {
      return make_error(Errc::pack_limit, where,
                        "more than " + std::to_string(limits_.max_keywords) + " keywords");
    }
    return std::nullopt;
  }

  Result<Condition> field_condition(const json::value& v, const std::string& where) {
    const json::object* o;
    TRIAGE_TRY(o, object_at(v, where));
    Condition c;
    c.where = where;
    TRIAGE_TRY(c.field, req_string(*o, "field", where));
    if (c.field.empty()) return invalid(child(where, "field"), "empty field name");
    int forms = 0;
    for (const auto& kv : *o) {
      const std::string_view k = kv.key();
      const std::string at = child(where, k);
      if (k == "field") continue;
      if (k == "equals" || k == "in") {
        ++forms;
        c.kind = Condition::Kind::field_in;
        if (k == "equals") {
          if (kv.value().is_string())
            c.values.emplace_back(kv.value().get_string());
          else if (kv.value().is_number() || kv.value().is_bool())
            c.values.push_back(json::serialize(kv.value()));
          else
            return type_error(at, "string, number or boolean", kv.value());
        } else {
          TRIAGE_TRY(c.values, string_list(kv.value(), at));
        }
      } else if (k == "exists") {
        ++forms;
        if (!kv.value().is_bool()) return type_error(at, "boolean", kv.value());
        c.kind = Condition::Kind::field_exists;
        c.exists = kv.value().get_bool();
      } else if (k == "op") {
        ++forms;
        c.kind = Condition::Kind::field_compare;
        TRIAGE_TRY(c.op, req_string(*o, "op", where));
        static const std::set<std::string> ops = {"<", "<=", ">", ">=", "==", "!="};
        if (!ops.count(c.op))
          return invalid(at, "unknown operator \"" + c.op + "\"; expected < <= > >= == !=");
        auto val = o->find("value");
        if (val == o->end() || !val->value().is_number()) {
          return make_error(Errc::field_missing, child(where, "value"),
                            "a number is required with op");
        }
        c.number = val->value().to_number<double>();
      } else if (k == "value") {
        continue;
      } else {
        return unknown_key(where, k, "field, equals, in, exists, op, value");
      }
    }
    if (forms != 1) return invalid(where, "give exactly one of equals, in, exists, op");
    return c;
  }

  const PackLimits& limits_;
  std::size_t keywords_ = 0;
  std::size_t regexes_ = 0;
};

Result<Dimension> read_dimension(const json::value& v, const std::string& where) {
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  for (const auto& kv : *o) {
    static const std::set<std::string_view> keys = {
        "id", "title", "values", "min_confidence", "fallback", "description"};
    if (!keys.count(kv.key())) {
      return unknown_key(where, kv.key(),
                         "id, title, description, values, min_confidence, fallback");
    }
  }
  Dimension d;
  d.where = where;
  TRIAGE_TRY(d.id, req_string(*o, "id", where));
  if (!valid_id(d.id)) return invalid(child(where, "id"), "ids use letters, digits, _ - .");
  TRIAGE_TRY(d.title, opt_string(*o, "title", where));
  TRIAGE_TRY(d.min_confidence, opt_number(*o, "min_confidence", where, 0.3));
  if (d.min_confidence < 0 || d.min_confidence > 1) {
    return invalid(child(where, "min_confidence"), "must be within [0, 1]");
  }
  auto vals = o->find("values");
  if (vals == o->end()) return make_error(Errc::field_missing, child(where, "values"), "required");
  if (!vals->value().is_array() || vals->value().get_array().empty()) {
    return invalid(child(where, "values"), "a non-empty array of values is required");
  }
  const auto& a = vals->value().get_array();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string at = child(child(where, "values"), i);
    DimensionValue dv;
    if (a[i].is_string()) {
      dv.id = std::string(a[i].get_string());
    } else {
      const json::object* vo;
      TRIAGE_TRY(vo, object_at(a[i], at));
      TRIAGE_TRY(dv.id, req_string(*vo, "id", at));
      TRIAGE_TRY(dv.title, opt_string(*vo, "title", at));
    }
    if (!valid_id(dv.id)) return invalid(at, "ids use letters, digits, _ - .");
    for (const auto& prev : d.values) {
      if (prev.id == dv.id) {
        return make_error(Errc::pack_duplicate_id, at, "duplicate value \"" + dv.id + "\"");
      }
    }
    d.values.push_back(std::move(dv));
  }
  if (auto fb = o->find("fallback"); fb != o->end() && !fb->value().is_null()) {
    if (!fb->value().is_string())
      return type_error(child(where, "fallback"), "string", fb->value());
    const std::string f(fb->value().get_string());
    if (std::none_of(d.values.begin(), d.values.end(), [&](auto& x) { return x.id == f; })) {
      return make_error(Errc::pack_unknown_reference, child(where, "fallback"),
                        "\"" + f + "\" is not a value of dimension " + d.id);
    }
    d.fallback = f;
  }
  return d;
}
}  // namespace

std::string_view default_pack_json() noexcept {
  return std::string_view(reinterpret_cast<const char*>(kDefaultPack), sizeof kDefaultPack);
}

Result<Pack> pack_from_json(const json::value& doc, const PackLimits& limits) {
  if (!doc.is_object()) {
    return make_error(Errc::not_an_object, "", "a pack must be a JSON object");
  }
  const auto& o = doc.get_object();
  const std::string root;
  static const std::set<std::string_view> top = {"schema",   "name",       "version", "description",
                                                 "settings", "dimensions", "rules"};
  for (const auto& kv : o) {
    if (!top.count(kv.key())) {
      return unknown_key(root, kv.key(),
                         "schema, name, version, description, settings, dimensions, rules");
    }
  }
  Pack p;
  auto schema = o.find("schema");
  if (schema == o.end()) return make_error(Errc::field_missing, "/schema", "required");
  if (!schema->value().is_int64() && !schema->value().is_uint64()) {
    return type_error("/schema", "integer", schema->value());
  }
  const auto sv = schema->value().to_number<std::int64_t>();
  if (sv < TRIAGE_PACK_SCHEMA_MIN_COMPATIBLE || sv > TRIAGE_PACK_SCHEMA_VERSION) {
    return make_error(Errc::pack_schema, "/schema",
                      "schema " + std::to_string(sv) + " is not supported; this library reads " +
                          std::to_string(TRIAGE_PACK_SCHEMA_MIN_COMPATIBLE) + " to " +
                          std::to_string(TRIAGE_PACK_SCHEMA_VERSION));
  }
  p.schema = static_cast<int>(sv);
  TRIAGE_TRY(p.name, req_string(o, "name", root));
  TRIAGE_TRY(p.version, req_string(o, "version", root));
  TRIAGE_TRY(p.description, opt_string(o, "description", root));
  if (auto s = o.find("settings"); s != o.end()) {
    const json::object* so;
    TRIAGE_TRY(so, object_at(s->value(), "/settings"));
    for (const auto& kv : *so) {
      if (kv.key() != "smoothing") return unknown_key("/settings", kv.key(), "smoothing");
    }
    TRIAGE_TRY(p.settings.smoothing, opt_number(*so, "smoothing", "/settings", 1.0));
    if (p.settings.smoothing < 0) return invalid("/settings/smoothing", "must be >= 0");
  }

  auto dims = o.find("dimensions");
  if (dims == o.end()) return make_error(Errc::field_missing, "/dimensions", "required");
  if (!dims->value().is_array() || dims->value().get_array().empty()) {
    return invalid("/dimensions", "a non-empty array of dimensions is required");
  }
  for (std::size_t i = 0; i < dims->value().get_array().size(); ++i) {
    Dimension d;
    TRIAGE_TRY(d, read_dimension(dims->value().get_array()[i], child("/dimensions", i)));
    for (const auto& prev : p.dimensions) {
      if (prev.id == d.id) {
        return make_error(Errc::pack_duplicate_id, child(d.where, "id"),
                          "duplicate dimension \"" + d.id + "\"");
      }
    }
    p.dimensions.push_back(std::move(d));
  }

  Reader reader(limits);
  std::set<std::string> rule_ids;
  if (auto rules = o.find("rules"); rules != o.end()) {
    if (!rules->value().is_array()) return type_error("/rules", "array", rules->value());
    const auto& a = rules->value().get_array();
    if (a.size() > limits.max_rules) {
      return make_error(Errc::pack_limit, "/rules",
                        std::to_string(a.size()) + " rules exceed the limit of " +
                            std::to_string(limits.max_rules));
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string where = child("/rules", i);
      const json::object* ro;
      TRIAGE_TRY(ro, object_at(a[i], where));
      for (const auto& kv : *ro) {
        static const std::set<std::string_view> keys = {"id",    "description", "priority",
                                                        "final", "when",        "then"};
        if (!keys.count(kv.key())) {
          return unknown_key(where, kv.key(), "id, description, priority, final, when, then");
        }
      }
      Rule r;
      r.where = where;
      TRIAGE_TRY(r.id, req_string(*ro, "id", where));
      if (!valid_id(r.id)) return invalid(child(where, "id"), "ids use letters, digits, _ - .");
      if (!rule_ids.insert(r.id).second) {
        return make_error(Errc::pack_duplicate_id, child(where, "id"),
                          "duplicate rule id \"" + r.id + "\"");
      }
      TRIAGE_TRY(r.description, opt_string(*ro, "description", where));
      if (auto pr = ro->find("priority"); pr != ro->end()) {
        if (!pr->value().is_int64())
          return type_error(child(where, "priority"), "integer", pr->value());
        r.priority =
            static_cast<int>(std::clamp<std::int64_t>(pr->value().get_int64(), -1000000, 1000000));
      }
      if (auto fi = ro->find("final"); fi != ro->end()) {
        if (!fi->value().is_bool())
          return type_error(child(where, "final"), "boolean", fi->value());
        r.final = fi->value().get_bool();
      }
      if (auto w = ro->find("when"); w != ro->end()) {
        TRIAGE_TRY(r.when, reader.condition(w->value(), child(where, "when"), 0));
      } else {
        r.when.kind = Condition::Kind::all_of;  // no condition: always fires
        r.when.where = where;
      }
      auto th = ro->find("then");
      if (th == ro->end()) return make_error(Errc::field_missing, child(where, "then"), "required");
      const std::string then_at = child(where, "then");
      const json::object* to;
      TRIAGE_TRY(to, object_at(th->value(), then_at));
      for (const auto& kv : *to) {
        const std::string at = child(then_at, kv.key());
        if (kv.key() == "tags") {
          TRIAGE_TRY(r.tags, string_list(kv.value(), at));
        } else if (kv.key() == "score") {
          const json::object* so;
          TRIAGE_TRY(so, object_at(kv.value(), at));
          for (const auto& dk : *so) {
            const std::string dat = child(at, dk.key());
            auto dim = std::find_if(p.dimensions.begin(), p.dimensions.end(),
                                    [&](auto& d) { return d.id == dk.key(); });
            if (dim == p.dimensions.end()) {
              return make_error(
                  Errc::pack_unknown_reference, dat,
                  "unknown dimension \"" + std::string(dk.key()) + "\" in rule " + r.id);
            }
            const json::object* vo;
            TRIAGE_TRY(vo, object_at(dk.value(), dat));
            for (const auto& vk : *vo) {
              const std::string vat = child(dat, vk.key());
              if (std::none_of(dim->values.begin(), dim->values.end(),
                               [&](auto& x) { return x.id == vk.key(); })) {
                return make_error(Errc::pack_unknown_reference, vat,
                                  "\"" + std::string(vk.key()) + "\" is not a value of dimension " +
                                      dim->id + " (rule " + r.id + ")");
              }
              if (!vk.value().is_number()) return type_error(vat, "number", vk.value());
              const double w = vk.value().to_number<double>();
              if (!std::isfinite(w)) return invalid(vat, "weight must be finite");
              r.scores.push_back({dim->id, std::string(vk.key()), w});
            }
          }
        } else {
          return unknown_key(then_at, kv.key(), "score, tags");
        }
      }
      p.rules.push_back(std::move(r));
    }
  }
  return p;
}

Result<Pack> parse_pack(std::string_view text, const PackLimits& limits) {
  if (text.size() > limits.max_pack_bytes) {
    return make_error(Errc::pack_limit, "",
                      "pack of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                          std::to_string(limits.max_pack_bytes));
  }
  auto doc = parse_json(text);
  if (!doc) return doc.error();
  auto pack = pack_from_json(*doc, limits);
  if (!pack) {
    Error e = pack.error();
    detail::add_position(e, text);
    return e;
  }
  return pack;
}

}  // namespace v1
}  // namespace triage
