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
  Reader(const PackLimits& limits, const std::vector<Dimension>& dims)
      : limits_(limits), dims_(dims) {}
  /// Urgency and routing rules run after classification: they may test labels and tags.
  void set_stage2(bool on) { stage2_ = on; }

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
      } else if (key == "label" || key == "tags") {
        if (!stage2_) {
          return invalid(at, std::string(key) +
                                 " conditions read the classification, so they are allowed only "
                                 "in urgency and routing rules");
        }
        if (key == "tags") {
          c.kind = Condition::Kind::tags_any;
          TRIAGE_TRY(c.values, string_list(kv.value(), at, true));
        } else {
          TRIAGE_TRY(c, label_condition(kv.value(), at));
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
                             "not, tier, tenure, channel, frequency, impact, label, tags");
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

  Result<Condition> label_condition(const json::value& v, const std::string& where) {
    const json::object* o;
    TRIAGE_TRY(o, object_at(v, where));
    if (o->empty()) return invalid(where, "name at least one dimension");
    Condition all;
    all.kind = Condition::Kind::all_of;
    all.where = where;
    for (const auto& kv : *o) {
      const std::string at = child(where, kv.key());
      auto dim =
          std::find_if(dims_.begin(), dims_.end(), [&](auto& d) { return d.id == kv.key(); });
      if (dim == dims_.end()) {
        return make_error(Errc::pack_unknown_reference, at,
                          "unknown dimension \"" + std::string(kv.key()) + "\"");
      }
      Condition c;
      c.kind = Condition::Kind::label_in;
      c.where = at;
      c.field = dim->id;
      TRIAGE_TRY(c.values, string_list(kv.value(), at, true));
      for (std::size_t i = 0; i < c.values.size(); ++i) {
        if (std::none_of(dim->values.begin(), dim->values.end(),
                         [&](auto& x) { return x.id == c.values[i]; })) {
          return make_error(Errc::pack_unknown_reference, child(at, i),
                            "\"" + c.values[i] + "\" is not a value of dimension " + dim->id);
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

  const PackLimits& limits_;
  const std::vector<Dimension>& dims_;
  bool stage2_ = false;
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

// What every kind of rule shares: id (unique across the pack), description, priority, when.
struct RuleHead {
  std::string id, description;
  int priority = 0;
  Condition when;
};

Result<RuleHead> read_head(const json::object& o, const std::string& where,
                           std::initializer_list<std::string_view> own_keys, Reader& reader,
                           std::set<std::string>& ids) {
  std::string allowed = "id, description, priority, when";
  for (auto k : own_keys) allowed += ", " + std::string(k);
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    if (k != "id" && k != "description" && k != "priority" && k != "when" &&
        std::find(own_keys.begin(), own_keys.end(), k) == own_keys.end()) {
      return unknown_key(where, k, allowed);
    }
  }
  RuleHead h;
  TRIAGE_TRY(h.id, req_string(o, "id", where));
  if (!valid_id(h.id)) return invalid(child(where, "id"), "ids use letters, digits, _ - .");
  if (!ids.insert(h.id).second) {
    return make_error(Errc::pack_duplicate_id, child(where, "id"),
                      "duplicate rule id \"" + h.id + "\"");
  }
  TRIAGE_TRY(h.description, opt_string(o, "description", where));
  if (auto pr = o.find("priority"); pr != o.end()) {
    if (!pr->value().is_int64())
      return type_error(child(where, "priority"), "integer", pr->value());
    h.priority =
        static_cast<int>(std::clamp<std::int64_t>(pr->value().get_int64(), -1000000, 1000000));
  }
  if (auto w = o.find("when"); w != o.end()) {
    TRIAGE_TRY(h.when, reader.condition(w->value(), child(where, "when"), 0));
  } else {
    h.when.kind = Condition::Kind::all_of;  // no condition: always fires
    h.when.where = where;
  }
  return h;
}

Result<const json::array*> rule_array(const json::value& v, const std::string& where,
                                      const PackLimits& limits) {
  if (!v.is_array()) return type_error(where, "array", v);
  if (v.get_array().size() > limits.max_rules) {
    return make_error(Errc::pack_limit, where,
                      std::to_string(v.get_array().size()) + " rules exceed the limit of " +
                          std::to_string(limits.max_rules));
  }
  return &v.get_array();
}

Result<UrgencyPolicy> read_urgency(const json::value& v, Reader& reader, std::set<std::string>& ids,
                                   const PackLimits& limits) {
  const std::string where = "/urgency";
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  UrgencyPolicy u;
  for (const auto& kv : *o) {
    if (kv.key() != "default" && kv.key() != "rules") {
      return unknown_key(where, kv.key(), "default, rules");
    }
  }
  auto level = [](const json::value& lv, const std::string& at) -> Result<Urgency> {
    if (!lv.is_string()) return type_error(at, "string", lv);
    if (auto u = parse_urgency(lv.get_string())) return *u;
    return make_error(Errc::pack_unknown_reference, at,
                      "unknown urgency \"" + std::string(lv.get_string()) +
                          "\"; expected critical|high|medium|low");
  };
  if (auto d = o->find("default"); d != o->end()) {
    TRIAGE_TRY(u.default_level, level(d->value(), child(where, "default")));
  }
  if (auto rs = o->find("rules"); rs != o->end()) {
    const json::array* a;
    TRIAGE_TRY(a, rule_array(rs->value(), child(where, "rules"), limits));
    reader.set_stage2(true);
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string at = child(child(where, "rules"), i);
      const json::object* ro;
      TRIAGE_TRY(ro, object_at((*a)[i], at));
      RuleHead head;
      TRIAGE_TRY(head,
                 read_head(*ro, at, {"set", "raise", "lower", "at_least", "at_most"}, reader, ids));
      UrgencyRule r{std::move(head.id), std::move(head.description), head.priority,
                    std::move(head.when)};
      r.where = at;
      int effects = 0;
      for (const auto& [name, effect] :
           std::initializer_list<std::pair<std::string_view, UrgencyRule::Effect>>{
               {"set", UrgencyRule::Effect::set},
               {"raise", UrgencyRule::Effect::raise},
               {"lower", UrgencyRule::Effect::lower},
               {"at_least", UrgencyRule::Effect::at_least},
               {"at_most", UrgencyRule::Effect::at_most}}) {
        auto e = ro->find(name);
        if (e == ro->end()) continue;
        ++effects;
        r.effect = effect;
        const std::string eat = child(at, name);
        if (effect == UrgencyRule::Effect::raise || effect == UrgencyRule::Effect::lower) {
          if (!e->value().is_int64() || e->value().get_int64() < 1 || e->value().get_int64() > 3) {
            return invalid(eat, "steps must be an integer from 1 to 3");
          }
          r.steps = static_cast<int>(e->value().get_int64());
        } else {
          TRIAGE_TRY(r.level, level(e->value(), eat));
        }
      }
      if (effects != 1)
        return invalid(at, "give exactly one of set, raise, lower, at_least, at_most");
      u.rules.push_back(std::move(r));
    }
    reader.set_stage2(false);
  }
  return u;
}

Result<std::vector<Department>> read_departments(const json::value& v) {
  const std::string where = "/departments";
  if (!v.is_array()) return type_error(where, "array", v);
  std::vector<Department> out;
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const std::string at = child(where, i);
    const auto& e = v.get_array()[i];
    Department d;
    if (e.is_string()) {
      d.id = std::string(e.get_string());
    } else {
      const json::object* o;
      TRIAGE_TRY(o, object_at(e, at));
      TRIAGE_TRY(d.id, req_string(*o, "id", at));
      TRIAGE_TRY(d.title, opt_string(*o, "title", at));
    }
    if (!valid_id(d.id)) return invalid(at, "ids use letters, digits, _ - .");
    if (std::any_of(out.begin(), out.end(), [&](auto& x) { return x.id == d.id; })) {
      return make_error(Errc::pack_duplicate_id, at, "duplicate department \"" + d.id + "\"");
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<Routing> read_routing(const json::value& v, const std::vector<Department>& depts,
                             const std::vector<Dimension>& dims, Reader& reader,
                             std::set<std::string>& ids, const PackLimits& limits) {
  const std::string where = "/routing";
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  for (const auto& kv : *o) {
    static const std::set<std::string_view> keys = {"coordinator", "default", "rules", "groups",
                                                    "routers"};
    if (!keys.count(kv.key())) {
      return unknown_key(where, kv.key(), "coordinator, default, rules, groups, routers");
    }
  }
  auto department = [&](const json::value& dv, const std::string& at) -> Result<std::string> {
    if (!dv.is_string()) return type_error(at, "string", dv);
    const std::string id(dv.get_string());
    if (std::none_of(depts.begin(), depts.end(), [&](auto& d) { return d.id == id; })) {
      return make_error(Errc::pack_unknown_reference, at, "unknown department \"" + id + "\"");
    }
    return id;
  };
  auto departments = [&](const json::object& ro, const std::string& at, std::string& primary,
                         std::vector<std::string>& assisting) -> std::optional<Error> {
    auto p = ro.find("primary");
    if (p == ro.end()) return make_error(Errc::field_missing, child(at, "primary"), "required");
    auto pr = department(p->value(), child(at, "primary"));
    if (!pr) return pr.error();
    primary = *pr;
    if (auto a = ro.find("assisting"); a != ro.end()) {
      if (!a->value().is_array()) return type_error(child(at, "assisting"), "array", a->value());
      for (std::size_t i = 0; i < a->value().get_array().size(); ++i) {
        auto d = department(a->value().get_array()[i], child(child(at, "assisting"), i));
        if (!d) return d.error();
        if (*d == primary) {
          return invalid(child(child(at, "assisting"), i),
                         "the primary department cannot also assist");
        }
        assisting.push_back(*d);
      }
    }
    return std::nullopt;
  };
  Routing r;
  auto co = o->find("coordinator");
  if (co == o->end())
    return make_error(Errc::field_missing, child(where, "coordinator"), "required");
  TRIAGE_TRY(r.coordinator, department(co->value(), child(where, "coordinator")));
  auto df = o->find("default");
  if (df == o->end()) return make_error(Errc::field_missing, child(where, "default"), "required");
  {
    const json::object* d;
    TRIAGE_TRY(d, object_at(df->value(), child(where, "default")));
    if (auto e = departments(*d, child(where, "default"), r.default_primary, r.default_assisting)) {
      return *e;
    }
  }
  if (auto rs = o->find("rules"); rs != o->end()) {
    const json::array* a;
    TRIAGE_TRY(a, rule_array(rs->value(), child(where, "rules"), limits));
    reader.set_stage2(true);
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string at = child(child(where, "rules"), i);
      const json::object* ro;
      TRIAGE_TRY(ro, object_at((*a)[i], at));
      RuleHead head;
      TRIAGE_TRY(head, read_head(*ro, at, {"primary", "assisting"}, reader, ids));
      RouteRule rr{std::move(head.id), std::move(head.description), head.priority,
                   std::move(head.when)};
      rr.where = at;
      if (auto e = departments(*ro, at, rr.primary, rr.assisting)) return *e;
      r.rules.push_back(std::move(rr));
    }
    reader.set_stage2(false);
  }
  if (auto g = o->find("groups"); g != o->end()) {
    const std::string gat = child(where, "groups");
    const json::object* go;
    TRIAGE_TRY(go, object_at(g->value(), gat));
    TRIAGE_TRY(r.group_dimension, req_string(*go, "dimension", gat));
    TRIAGE_TRY(r.default_group, req_string(*go, "default", gat));
    auto dim =
        std::find_if(dims.begin(), dims.end(), [&](auto& d) { return d.id == r.group_dimension; });
    if (dim == dims.end()) {
      return make_error(Errc::pack_unknown_reference, child(gat, "dimension"),
                        "unknown dimension \"" + r.group_dimension + "\"");
    }
    if (auto m = go->find("map"); m != go->end()) {
      const json::object* mo;
      TRIAGE_TRY(mo, object_at(m->value(), child(gat, "map")));
      for (const auto& kv : *mo) {
        const std::string at = child(child(gat, "map"), kv.key());
        if (std::none_of(dim->values.begin(), dim->values.end(),
                         [&](auto& x) { return x.id == kv.key(); })) {
          return make_error(
              Errc::pack_unknown_reference, at,
              "\"" + std::string(kv.key()) + "\" is not a value of dimension " + dim->id);
        }
        if (!kv.value().is_string()) return type_error(at, "string", kv.value());
        r.groups.emplace_back(kv.key(), kv.value().get_string());
      }
    }
  }
  if (auto rt = o->find("routers"); rt != o->end()) {
    const json::object* ro;
    TRIAGE_TRY(ro, object_at(rt->value(), child(where, "routers")));
    for (const auto& kv : *ro) {
      const std::string at = child(child(where, "routers"), kv.key());
      if (!kv.value().is_string()) return type_error(at, "string", kv.value());
      if (kv.key() == "default") {
        r.default_router = std::string(kv.value().get_string());
      } else {
        r.group_routers.emplace_back(kv.key(), kv.value().get_string());
      }
    }
  }
  return r;
}
}  // namespace

std::string_view to_string(Urgency u) noexcept {
  constexpr std::array<std::string_view, urgency_count> names = {"critical", "high", "medium",
                                                                 "low"};
  return names[static_cast<std::size_t>(u)];
}

std::optional<Urgency> parse_urgency(std::string_view s) noexcept {
  for (std::size_t i = 0; i < urgency_count; ++i) {
    if (to_string(static_cast<Urgency>(i)) == s) return static_cast<Urgency>(i);
  }
  return std::nullopt;
}

std::string_view default_pack_json() noexcept {
  return std::string_view(reinterpret_cast<const char*>(kDefaultPack), sizeof kDefaultPack);
}

Result<Pack> pack_from_json(const json::value& doc, const PackLimits& limits) {
  if (!doc.is_object()) {
    return make_error(Errc::not_an_object, "", "a pack must be a JSON object");
  }
  const auto& o = doc.get_object();
  const std::string root;
  static const std::set<std::string_view> top = {
      "schema",     "name",  "version", "description", "settings",
      "dimensions", "rules", "urgency", "departments", "routing"};
  for (const auto& kv : o) {
    if (!top.count(kv.key())) {
      return unknown_key(root, kv.key(),
                         "schema, name, version, description, settings, dimensions, rules, "
                         "urgency, departments, routing");
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

  Reader reader(limits, p.dimensions);
  std::set<std::string> rule_ids;
  if (auto rules = o.find("rules"); rules != o.end()) {
    const json::array* ap;
    TRIAGE_TRY(ap, rule_array(rules->value(), "/rules", limits));
    const auto& a = *ap;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string where = child("/rules", i);
      const json::object* ro;
      TRIAGE_TRY(ro, object_at(a[i], where));
      Rule r;
      RuleHead head;
      TRIAGE_TRY(head, read_head(*ro, where, {"final", "then"}, reader, rule_ids));
      r.id = std::move(head.id);
      r.description = std::move(head.description);
      r.priority = head.priority;
      r.when = std::move(head.when);
      r.where = where;
      if (auto fi = ro->find("final"); fi != ro->end()) {
        if (!fi->value().is_bool()) {
          return type_error(child(where, "final"), "boolean", fi->value());
        }
        r.final = fi->value().get_bool();
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
  if (auto u = o.find("urgency"); u != o.end()) {
    TRIAGE_TRY(p.urgency, read_urgency(u->value(), reader, rule_ids, limits));
    p.has_urgency = true;
  }
  if (auto d = o.find("departments"); d != o.end()) {
    TRIAGE_TRY(p.departments, read_departments(d->value()));
  }
  if (auto r = o.find("routing"); r != o.end()) {
    TRIAGE_TRY(p.routing,
               read_routing(r->value(), p.departments, p.dimensions, reader, rule_ids, limits));
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
