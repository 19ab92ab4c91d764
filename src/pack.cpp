#include "triage/pack.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <set>

#include <boost/json.hpp>

#include "json_util.hpp"
#include "triage/fold.hpp"
#include "triage/templates.hpp"
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
  /// Where the conditions being read run: classification rules see only the ticket; urgency
  /// rules also labels and tags; routing rules also the urgency; SLA rules also the route.
  enum class Stage { rules, urgency, routing, sla };
  void set_stage(Stage s) { stage_ = s; }

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
          if (c.values[i].empty()) {
            return make_error(Errc::pack_bad_regex, child(at, i), "empty expression");
          }
          if (c.values[i].size() > limits_.max_regex_bytes) {  // a size limit, like the others
            return make_error(
                Errc::pack_limit, child(at, i),
                "expression longer than " + std::to_string(limits_.max_regex_bytes) + " bytes");
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
        if (stage_ == Stage::rules) {
          return invalid(at, std::string(key) +
                                 " conditions read the classification, so they are allowed only "
                                 "in urgency, routing and SLA rules");
        }
        if (key == "tags") {
          c.kind = Condition::Kind::tags_any;
          TRIAGE_TRY(c.values, string_list(kv.value(), at, true));
        } else {
          TRIAGE_TRY(c, label_condition(kv.value(), at));
        }
      } else if (key == "urgency" || key == "multi_department") {
        const bool sla_only = key == "multi_department";
        if (stage_ < (sla_only ? Stage::sla : Stage::routing)) {
          return invalid(at, std::string(key) + " conditions are allowed only in " +
                                 (sla_only ? "SLA rules" : "routing and SLA rules"));
        }
        if (sla_only) {
          if (!kv.value().is_bool()) return type_error(at, "boolean", kv.value());
          c.kind = Condition::Kind::multi_department;
          c.exists = kv.value().get_bool();
        } else {
          c.kind = Condition::Kind::urgency_in;
          TRIAGE_TRY(c.values, string_list(kv.value(), at, true));
          for (std::size_t i = 0; i < c.values.size(); ++i) {
            if (!parse_urgency(c.values[i])) {
              return make_error(
                  Errc::pack_unknown_reference, child(at, i),
                  "unknown urgency \"" + c.values[i] + "\"; expected critical|high|medium|low");
            }
          }
        }
      } else if (key == "repeat_contact" || key == "related") {
        if (stage_ == Stage::rules) {
          return invalid(at, std::string(key) +
                                 " conditions are read after classification, so they are allowed "
                                 "only in urgency, routing and SLA rules, questions, knowledge and "
                                 "templates");
        }
        if (!kv.value().is_bool()) return type_error(at, "boolean", kv.value());
        c.kind = key == "related" ? Condition::Kind::related : Condition::Kind::repeat_contact;
        c.exists = kv.value().get_bool();
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
                             "not, tier, tenure, channel, frequency, impact, label, tags, urgency, "
                             "multi_department, repeat_contact, related");
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
  Stage stage_ = Stage::rules;
  std::size_t keywords_ = 0;
  std::size_t regexes_ = 0;
};

// [[raw, calibrated], ...]: raw strictly increasing, calibrated not decreasing, all within
// [0, 1], at most 64 knots (a map, not a table of every ticket).
Result<std::vector<CalibrationKnot>> read_calibration(const json::object& dim,
                                                      const std::string& where) {
  std::vector<CalibrationKnot> knots;
  const auto it = dim.find("calibration");
  if (it == dim.end()) return knots;
  constexpr std::size_t max_knots = 64;
  if (!it->value().is_array() || it->value().get_array().empty()) {
    return invalid(where, "a non-empty array of [raw, calibrated] pairs is required");
  }
  const auto& a = it->value().get_array();
  if (a.size() > max_knots) {
    return make_error(
        Errc::pack_limit, where,
        "at most " + std::to_string(max_knots) + " knots (found " + std::to_string(a.size()) + ")");
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string at = child(where, i);
    const auto* pair = a[i].if_array();
    if (!pair || pair->size() != 2 || !(*pair)[0].is_number() || !(*pair)[1].is_number()) {
      return invalid(at, "a [raw, calibrated] pair of numbers is required");
    }
    const CalibrationKnot k{(*pair)[0].to_number<double>(), (*pair)[1].to_number<double>()};
    if (!(k.raw >= 0 && k.raw <= 1 && k.calibrated >= 0 && k.calibrated <= 1)) {
      return invalid(at, "both numbers must be within [0, 1]");
    }
    if (!knots.empty() && k.raw <= knots.back().raw) {
      return invalid(at, "raw confidences must increase from knot to knot");
    }
    if (!knots.empty() && k.calibrated < knots.back().calibrated) {
      return invalid(at, "calibrated confidences must not decrease from knot to knot");
    }
    knots.push_back(k);
  }
  return knots;
}

Result<Dimension> read_dimension(const json::value& v, const std::string& where) {
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  for (const auto& kv : *o) {
    static const std::set<std::string_view> keys = {
        "id",     "title",    "values",      "min_confidence",
        "margin", "fallback", "description", "calibration"};
    if (!keys.count(kv.key())) {
      return unknown_key(
          where, kv.key(),
          "id, title, description, values, min_confidence, margin, fallback, calibration");
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
  TRIAGE_TRY(d.margin, opt_number(*o, "margin", where, 0.0));
  if (d.margin < 0 || d.margin >= 1)
    return invalid(child(where, "margin"), "must be within [0, 1)");
  TRIAGE_TRY(d.calibration, read_calibration(*o, child(where, "calibration")));
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
      for (const auto& kv : *vo) {
        if (kv.key() != "id" && kv.key() != "title" && kv.key() != "min_confidence") {
          return unknown_key(at, kv.key(), "id, title, min_confidence");
        }
      }
      TRIAGE_TRY(dv.id, req_string(*vo, "id", at));
      TRIAGE_TRY(dv.title, opt_string(*vo, "title", at));
      TRIAGE_TRY(dv.min_confidence, opt_number(*vo, "min_confidence", at, 0.0));
      if (dv.min_confidence < 0 || dv.min_confidence > 1) {
        return invalid(child(at, "min_confidence"), "must be within [0, 1]");
      }
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
    reader.set_stage(Reader::Stage::urgency);
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
    reader.set_stage(Reader::Stage::rules);
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
                         std::vector<std::string>& assisting,
                         bool* inherit = nullptr) -> std::optional<Error> {
    auto p = ro.find("primary");
    if (p == ro.end()) return make_error(Errc::field_missing, child(at, "primary"), "required");
    auto pr = department(p->value(), child(at, "primary"));
    if (!pr) return pr.error();
    primary = *pr;
    if (auto a = ro.find("assisting"); a != ro.end()) {
      if (inherit && a->value().is_string() && a->value().get_string() == "inherit") {
        *inherit = true;
        return std::nullopt;
      }
      if (!a->value().is_array()) {
        return type_error(child(at, "assisting"), inherit ? "array or \"inherit\"" : "array",
                          a->value());
      }
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
    reader.set_stage(Reader::Stage::routing);
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string at = child(child(where, "rules"), i);
      const json::object* ro;
      TRIAGE_TRY(ro, object_at((*a)[i], at));
      RuleHead head;
      TRIAGE_TRY(head, read_head(*ro, at, {"primary", "assisting"}, reader, ids));
      RouteRule rr{std::move(head.id), std::move(head.description), head.priority,
                   std::move(head.when)};
      rr.where = at;
      if (auto e = departments(*ro, at, rr.primary, rr.assisting, &rr.inherit_assisting)) return *e;
      r.rules.push_back(std::move(rr));
    }
    reader.set_stage(Reader::Stage::rules);
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

Result<SlaDuration> read_duration(const json::object& o, const std::string& where) {
  SlaDuration d;
  int forms = 0;
  std::optional<Clock> clock;
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    const std::string at = child(where, k);
    static const std::pair<std::string_view, std::int64_t> units[] = {
        {"seconds", 1}, {"minutes", 60}, {"hours", 3600}, {"days", 86400}};
    auto unit =
        std::find_if(std::begin(units), std::end(units), [&](auto& u) { return u.first == k; });
    if (unit != std::end(units)) {
      if (!kv.value().is_number() || kv.value().to_number<double>() <= 0 ||
          kv.value().to_number<double>() > 1e7) {
        return invalid(at, "a positive number is required");
      }
      d.seconds = static_cast<std::int64_t>(kv.value().to_number<double>() * unit->second);
      ++forms;
    } else if (k == "working_days") {
      if (!kv.value().is_int64() || kv.value().get_int64() < 1 || kv.value().get_int64() > 365) {
        return invalid(at, "a whole number of days from 1 to 365 is required");
      }
      d.clock = Clock::working_days;
      d.days = static_cast<int>(kv.value().get_int64());
      ++forms;
    } else if (k == "business_day") {
      if (!kv.value().is_bool() || !kv.value().get_bool()) return invalid(at, "must be true");
      d.clock = Clock::business_day;
      ++forms;
    } else if (k == "clock") {
      if (!kv.value().is_string()) return type_error(at, "string", kv.value());
      const std::string_view c = kv.value().get_string();
      if (c == "24x7")
        clock = Clock::wall;
      else if (c == "business_hours")
        clock = Clock::business_hours;
      else
        return invalid(at,
                       "unknown clock \"" + std::string(c) + "\"; expected 24x7|business_hours");
    } else if (k != "notify" && k != "notify_in_working_time") {
      return unknown_key(
          where, k,
          "seconds, minutes, hours, days, working_days, business_day, clock, notify, "
          "notify_in_working_time");
    }
  }
  if (forms != 1) {
    return invalid(where,
                   "give exactly one of seconds, minutes, hours, days, working_days, business_day");
  }
  if (clock) {
    if (d.clock != Clock::wall)
      return invalid(child(where, "clock"), "a clock applies to time amounts only");
    d.clock = *clock;
  }
  return d;
}

Result<SlaBudget> read_budget(const json::value& v, const std::string& where) {
  SlaBudget b;
  if (v.is_null()) return b;  // explicitly no deadline
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  SlaDuration d;
  TRIAGE_TRY(d, read_duration(*o, where));
  b.duration = d;
  TRIAGE_TRY(b.notify, opt_string(*o, "notify", where));
  if (auto n = o->find("notify_in_working_time"); n != o->end()) {
    if (!n->value().is_bool()) {
      return type_error(child(where, "notify_in_working_time"), "boolean", n->value());
    }
    b.notify_in_working_time = n->value().get_bool();
  }
  return b;
}

Result<std::vector<boost::gregorian::date>> read_dates(const json::value& v,
                                                       const std::string& where) {
  std::vector<std::string> list;
  TRIAGE_TRY(list, string_list(v, where));
  std::vector<boost::gregorian::date> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    int y, m, d;
    char tail;
    if (std::sscanf(list[i].c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
        list[i].size() != 10 || y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 ||
        d > boost::gregorian::gregorian_calendar::end_of_month_day(
                static_cast<unsigned short>(y), static_cast<unsigned short>(m))) {
      return make_error(Errc::field_format, child(where, i),
                        "invalid date \"" + list[i] + "\"; expected YYYY-MM-DD");
    }
    out.emplace_back(y, m, d);
  }
  return out;
}

Result<std::vector<WorkInterval>> read_hours(const json::value& v, const std::string& where) {
  std::vector<std::string> list;
  TRIAGE_TRY(list, string_list(v, where));
  std::vector<WorkInterval> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    WorkInterval w;
    TRIAGE_TRY(w, parse_work_interval(list[i], child(where, i)));
    out.push_back(w);
  }
  return out;
}

Result<std::vector<CalendarSpec>> read_calendars(const json::value& v) {
  const std::string where = "/calendars";
  if (!v.is_array()) return type_error(where, "array", v);
  std::vector<CalendarSpec> out;
  static const char* days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const std::string at = child(where, i);
    const json::object* o;
    TRIAGE_TRY(o, object_at(v.get_array()[i], at));
    for (const auto& kv : *o) {
      static const std::set<std::string_view> keys = {
          "id", "title", "time_zone", "week", "holidays", "workdays", "workday_hours"};
      if (!keys.count(kv.key())) {
        return unknown_key(at, kv.key(),
                           "id, title, time_zone, week, holidays, workdays, workday_hours");
      }
    }
    CalendarSpec c;
    c.where = at;
    TRIAGE_TRY(c.id, req_string(*o, "id", at));
    if (!valid_id(c.id)) return invalid(child(at, "id"), "ids use letters, digits, _ - .");
    if (std::any_of(out.begin(), out.end(), [&](auto& x) { return x.id == c.id; })) {
      return make_error(Errc::pack_duplicate_id, child(at, "id"),
                        "duplicate calendar \"" + c.id + "\"");
    }
    TRIAGE_TRY(c.title, opt_string(*o, "title", at));
    if (o->contains("time_zone")) {
      TRIAGE_TRY(c.time_zone, req_string(*o, "time_zone", at));
    }
    if (auto w = o->find("week"); w != o->end()) {
      const json::object* wo;
      TRIAGE_TRY(wo, object_at(w->value(), child(at, "week")));
      for (const auto& kv : *wo) {
        auto d = std::find(std::begin(days), std::end(days), std::string_view(kv.key()));
        if (d == std::end(days))
          return unknown_key(child(at, "week"), kv.key(), "mon, tue, wed, thu, fri, sat, sun");
        TRIAGE_TRY(c.week[static_cast<std::size_t>(d - std::begin(days))],
                   read_hours(kv.value(), child(child(at, "week"), kv.key())));
      }
    } else {
      c.week = CalendarSpec::standard().week;
    }
    if (auto h = o->find("holidays"); h != o->end()) {
      TRIAGE_TRY(c.holidays, read_dates(h->value(), child(at, "holidays")));
    }
    if (auto h = o->find("workdays"); h != o->end()) {
      TRIAGE_TRY(c.workdays, read_dates(h->value(), child(at, "workdays")));
    }
    if (auto h = o->find("workday_hours"); h != o->end()) {
      TRIAGE_TRY(c.workday_hours, read_hours(h->value(), child(at, "workday_hours")));
    }
    auto compiled = Calendar::compile(c);  // checks the zone and the hours now, with the pointer
    if (!compiled) return compiled.error();
    out.push_back(std::move(c));
  }
  return out;
}

Result<SlaPolicy> read_sla(const json::value& v, const std::vector<CalendarSpec>& calendars,
                           Reader& reader) {
  const std::string where = "/sla";
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  for (const auto& kv : *o) {
    static const std::set<std::string_view> keys = {
        "calendar",   "calendar_rules",         "at_risk_share",
        "warn_share", "notify_in_working_time", "targets"};
    if (!keys.count(kv.key())) {
      return unknown_key(
          where, kv.key(),
          "calendar, calendar_rules, at_risk_share, warn_share, notify_in_working_time, targets");
    }
  }
  auto calendar_ref = [&](const json::value& cv, const std::string& at) -> Result<std::string> {
    if (!cv.is_string()) return type_error(at, "string", cv);
    const std::string id(cv.get_string());
    if (std::none_of(calendars.begin(), calendars.end(), [&](auto& c) { return c.id == id; })) {
      return make_error(Errc::pack_unknown_reference, at, "unknown calendar \"" + id + "\"");
    }
    return id;
  };
  SlaPolicy p;
  auto cal = o->find("calendar");
  if (cal == o->end()) return make_error(Errc::field_missing, child(where, "calendar"), "required");
  TRIAGE_TRY(p.calendar, calendar_ref(cal->value(), child(where, "calendar")));
  TRIAGE_TRY(p.at_risk_share, opt_number(*o, "at_risk_share", where, 0.25));
  TRIAGE_TRY(p.warn_share, opt_number(*o, "warn_share", where, 0.75));
  if (p.at_risk_share < 0 || p.at_risk_share > 1)
    return invalid(child(where, "at_risk_share"), "must be within [0, 1]");
  if (p.warn_share <= 0 || p.warn_share > 1)
    return invalid(child(where, "warn_share"), "must be within (0, 1]");
  if (auto n = o->find("notify_in_working_time"); n != o->end()) {
    if (!n->value().is_bool())
      return type_error(child(where, "notify_in_working_time"), "boolean", n->value());
    p.notify_in_working_time = n->value().get_bool();
  }
  reader.set_stage(Reader::Stage::sla);
  if (auto cr = o->find("calendar_rules"); cr != o->end()) {
    const std::string at = child(where, "calendar_rules");
    if (!cr->value().is_array()) return type_error(at, "array", cr->value());
    for (std::size_t i = 0; i < cr->value().get_array().size(); ++i) {
      const std::string rat = child(at, i);
      const json::object* ro;
      TRIAGE_TRY(ro, object_at(cr->value().get_array()[i], rat));
      CalendarRule r;
      r.where = rat;
      auto w = ro->find("when");
      auto c = ro->find("calendar");
      if (w == ro->end() || c == ro->end())
        return invalid(rat, "a calendar rule needs when and calendar");
      TRIAGE_TRY(r.when, reader.condition(w->value(), child(rat, "when"), 0));
      TRIAGE_TRY(r.calendar, calendar_ref(c->value(), child(rat, "calendar")));
      p.calendar_rules.push_back(std::move(r));
    }
  }
  auto ts = o->find("targets");
  if (ts == o->end() || !ts->value().is_array()) {
    return make_error(Errc::field_missing, child(where, "targets"),
                      "an array of targets is required");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < ts->value().get_array().size(); ++i) {
    const std::string at = child(child(where, "targets"), i);
    const json::object* to;
    TRIAGE_TRY(to, object_at(ts->value().get_array()[i], at));
    for (const auto& kv : *to) {
      static const std::set<std::string_view> keys = {"name",
                                                      "description",
                                                      "when",
                                                      "from",
                                                      "by",
                                                      "duration",
                                                      "durations",
                                                      "otherwise",
                                                      "completed_by",
                                                      "rearm_on_customer_reply",
                                                      "notify_in_working_time",
                                                      "calendar"};
      if (!keys.count(kv.key())) {
        return unknown_key(at, kv.key(),
                           "name, description, when, from, by, duration, durations, otherwise, "
                           "completed_by, rearm_on_customer_reply, notify_in_working_time, "
                           "calendar");
      }
    }
    SlaTargetSpec t;
    t.where = at;
    TRIAGE_TRY(t.name, req_string(*to, "name", at));
    if (!valid_id(t.name)) return invalid(child(at, "name"), "names use letters, digits, _ - .");
    if (!names.insert(t.name).second) {
      return make_error(Errc::pack_duplicate_id, child(at, "name"),
                        "duplicate target \"" + t.name + "\"");
    }
    TRIAGE_TRY(t.description, opt_string(*to, "description", at));
    TRIAGE_TRY(t.completed_by, req_string(*to, "completed_by", at));
    if (auto c = to->find("calendar"); c != to->end()) {
      TRIAGE_TRY(t.calendar, calendar_ref(c->value(), child(at, "calendar")));
    }
    if (auto w = to->find("when"); w != to->end()) {
      Condition c;
      TRIAGE_TRY(c, reader.condition(w->value(), child(at, "when"), 0));
      t.when = std::move(c);
    }
    std::string from;
    TRIAGE_TRY(from, opt_string(*to, "from", at));
    if (from == "resolved")
      t.from_resolution = true;
    else if (!from.empty() && from != "created") {
      return invalid(child(at, "from"),
                     "unknown start \"" + from + "\"; expected created|resolved");
    }
    for (const char* flag : {"rearm_on_customer_reply", "notify_in_working_time"}) {
      if (auto f = to->find(flag); f != to->end()) {
        if (!f->value().is_bool()) return type_error(child(at, flag), "boolean", f->value());
        if (std::string_view(flag) == "rearm_on_customer_reply")
          t.rearm_on_customer_reply = f->value().get_bool();
        else
          t.notify_in_working_time = f->value().get_bool();
      }
    }
    TRIAGE_TRY(t.by, opt_string(*to, "by", at));
    if (t.by.empty()) {
      auto d = to->find("duration");
      if (d == to->end())
        return make_error(Errc::field_missing, child(at, "duration"), "required without by");
      TRIAGE_TRY(t.budget, read_budget(d->value(), child(at, "duration")));
    } else {
      std::vector<std::string_view> allowed;
      if (t.by == "urgency") {
        allowed = {"critical", "high", "medium", "low"};
      } else if (t.by == "channel") {
        allowed = {"phone",  "chat",   "email",    "web",          "app",
                   "social", "wechat", "dingtalk", "mini_program", "other"};
      } else {
        return invalid(child(at, "by"), "unknown \"" + t.by + "\"; expected urgency|channel");
      }
      auto ds = to->find("durations");
      if (ds == to->end())
        return make_error(Errc::field_missing, child(at, "durations"), "required with by");
      const json::object* dso;
      TRIAGE_TRY(dso, object_at(ds->value(), child(at, "durations")));
      for (const auto& kv : *dso) {
        const std::string dat = child(child(at, "durations"), kv.key());
        if (std::find(allowed.begin(), allowed.end(), std::string_view(kv.key())) ==
            allowed.end()) {
          return make_error(Errc::pack_unknown_reference, dat,
                            "unknown " + t.by + " \"" + std::string(kv.key()) + "\"");
        }
        SlaBudget b;
        TRIAGE_TRY(b, read_budget(kv.value(), dat));
        t.budgets.emplace_back(kv.key(), std::move(b));
      }
      if (auto ow = to->find("otherwise"); ow != to->end()) {
        SlaBudget b;
        TRIAGE_TRY(b, read_budget(ow->value(), child(at, "otherwise")));
        t.otherwise = std::move(b);
      }
    }
    p.targets.push_back(std::move(t));
  }
  reader.set_stage(Reader::Stage::rules);
  return p;
}

Result<Guard> read_guard(const json::value& v, const std::string& where, std::size_t depth = 0) {
  if (depth > 16) return make_error(Errc::pack_limit, where, "guard nested too deeply");
  Guard g;
  if (v.is_string()) {
    g.fact = std::string(v.get_string());
    if (!valid_id(g.fact)) return invalid(where, "a fact is an identifier");
    return g;
  }
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  if (o->size() != 1) return invalid(where, "a guard is a fact name or one of all, any, not");
  const auto& kv = *o->begin();
  const std::string at = child(where, kv.key());
  if (kv.key() == "not") {
    g.kind = Guard::Kind::not_;
    Guard c;
    TRIAGE_TRY(c, read_guard(kv.value(), at, depth + 1));
    g.children.push_back(std::move(c));
    return g;
  }
  if (kv.key() != "all" && kv.key() != "any") return unknown_key(where, kv.key(), "all, any, not");
  g.kind = kv.key() == "all" ? Guard::Kind::all : Guard::Kind::any;
  if (!kv.value().is_array() || kv.value().get_array().empty())
    return invalid(at, "a non-empty array is required");
  for (std::size_t i = 0; i < kv.value().get_array().size(); ++i) {
    Guard c;
    TRIAGE_TRY(c, read_guard(kv.value().get_array()[i], child(at, i), depth + 1));
    g.children.push_back(std::move(c));
  }
  return g;
}

Result<WorkflowSpec> read_workflow(const json::value& v) {
  const std::string where = "/workflow";
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  for (const auto& kv : *o) {
    static const std::set<std::string_view> keys = {"start", "states", "transitions", "facts",
                                                    "final_guard"};
    if (!keys.count(kv.key()))
      return unknown_key(where, kv.key(), "start, states, transitions, facts, final_guard");
  }
  WorkflowSpec w;
  w.where = where;
  TRIAGE_TRY(w.start, req_string(*o, "start", where));
  auto st = o->find("states");
  if (st == o->end() || !st->value().is_array()) {
    return make_error(Errc::field_missing, child(where, "states"),
                      "an array of states is required");
  }
  for (std::size_t i = 0; i < st->value().get_array().size(); ++i) {
    const std::string at = child(child(where, "states"), i);
    const json::object* so;
    TRIAGE_TRY(so, object_at(st->value().get_array()[i], at));
    StateSpec s;
    TRIAGE_TRY(s.id, req_string(*so, "id", at));
    TRIAGE_TRY(s.title, opt_string(*so, "title", at));
    if (auto t = so->find("terminal"); t != so->end()) {
      if (!t->value().is_bool()) return type_error(child(at, "terminal"), "boolean", t->value());
      s.terminal = t->value().get_bool();
    }
    w.states.push_back(std::move(s));
  }
  if (auto tr = o->find("transitions"); tr != o->end()) {
    if (!tr->value().is_array())
      return type_error(child(where, "transitions"), "array", tr->value());
    for (std::size_t i = 0; i < tr->value().get_array().size(); ++i) {
      const std::string at = child(child(where, "transitions"), i);
      const json::object* to;
      TRIAGE_TRY(to, object_at(tr->value().get_array()[i], at));
      TransitionSpec t;
      t.where = at;
      TRIAGE_TRY(t.from, req_string(*to, "from", at));
      TRIAGE_TRY(t.to, req_string(*to, "to", at));
      TRIAGE_TRY(t.event, req_string(*to, "event", at));
      if (auto g = to->find("guard"); g != to->end()) {
        Guard guard;
        TRIAGE_TRY(guard, read_guard(g->value(), child(at, "guard")));
        t.guard = std::move(guard);
      }
      w.transitions.push_back(std::move(t));
    }
  }
  if (auto f = o->find("facts"); f != o->end()) {
    TRIAGE_TRY(w.facts, string_list(f->value(), child(where, "facts")));
  }
  if (auto g = o->find("final_guard"); g != o->end()) {
    Guard guard;
    TRIAGE_TRY(guard, read_guard(g->value(), child(where, "final_guard")));
    w.final_guard = std::move(guard);
  }
  auto compiled = Workflow::compile(w);  // validates the graph and names what is wrong
  if (!compiled) return compiled.error();
  return w;
}

Result<std::vector<ChainSpec>> read_chains(const json::value& v,
                                           const std::vector<CalendarSpec>& calendars) {
  const std::string where = "/chains";
  if (!v.is_array()) return type_error(where, "array", v);
  std::vector<ChainSpec> out;
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const std::string at = child(where, i);
    const json::object* o;
    TRIAGE_TRY(o, object_at(v.get_array()[i], at));
    ChainSpec c;
    c.where = at;
    TRIAGE_TRY(c.id, req_string(*o, "id", at));
    TRIAGE_TRY(c.title, opt_string(*o, "title", at));
    TRIAGE_TRY(c.calendar, req_string(*o, "calendar", at));
    if (std::none_of(calendars.begin(), calendars.end(),
                     [&](auto& x) { return x.id == c.calendar; })) {
      return make_error(Errc::pack_unknown_reference, child(at, "calendar"),
                        "unknown calendar \"" + c.calendar + "\"");
    }
    auto steps = o->find("steps");
    if (steps == o->end() || !steps->value().is_array() || steps->value().get_array().size() < 2) {
      return invalid(child(at, "steps"), "a chain needs at least two steps");
    }
    for (std::size_t k = 0; k < steps->value().get_array().size(); ++k) {
      const std::string sat = child(child(at, "steps"), k);
      const json::object* so;
      TRIAGE_TRY(so, object_at(steps->value().get_array()[k], sat));
      ChainStep s;
      TRIAGE_TRY(s.id, req_string(*so, "id", sat));
      TRIAGE_TRY(s.title, opt_string(*so, "title", sat));
      if (auto e = so->find("expected"); e != so->end()) {
        const json::object* eo;
        TRIAGE_TRY(eo, object_at(e->value(), child(sat, "expected")));
        SlaDuration d;
        TRIAGE_TRY(d, read_duration(*eo, child(sat, "expected")));
        s.expected = d;
      }
      c.steps.push_back(std::move(s));
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<Localized> read_localized(const json::value& v, const std::string& where) {
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  Localized out;
  for (const auto& kv : *o) {
    if (std::find(languages.begin(), languages.end(), std::string_view(kv.key())) ==
        languages.end()) {
      return unknown_key(where, kv.key(), "zh-Hans, zh-Hant, en");
    }
    if (!kv.value().is_string()) return type_error(child(where, kv.key()), "string", kv.value());
    out.emplace(kv.key(), kv.value().get_string());
  }
  for (auto lang : languages) {
    if (!out.count(lang)) {
      return make_error(Errc::field_missing, child(where, lang), "every language is required");
    }
  }
  return out;
}

Result<I18n> read_i18n(const json::value& v) {
  const std::string where = "/i18n";
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  I18n out;
  for (const auto& kv : *o) {
    std::map<std::string, Localized, std::less<>>* table = kv.key() == "values" ? &out.values
                                                           : kv.key() == "departments"
                                                               ? &out.departments
                                                           : kv.key() == "urgency"  ? &out.urgency
                                                           : kv.key() == "fields"   ? &out.fields
                                                           : kv.key() == "channels" ? &out.channels
                                                                                    : nullptr;
    if (!table) {
      return unknown_key(where, kv.key(), "values, departments, urgency, fields, channels");
    }
    const json::object* to;
    TRIAGE_TRY(to, object_at(kv.value(), child(where, kv.key())));
    for (const auto& e : *to) {
      Localized l;
      TRIAGE_TRY(l, read_localized(e.value(), child(child(where, kv.key()), e.key())));
      table->emplace(e.key(), std::move(l));
    }
  }
  return out;
}

const std::set<std::string_view>& question_fields() {
  static const std::set<std::string_view> f = {
      "order_id",       "error_message",  "version",     "os",           "occurred_at", "amount",
      "customer.phone", "customer.email", "module",      "attempted",    "product",     "subject",
      "frequency",      "impact",         "customer.id", "customer.name"};
  return f;
}

Result<std::optional<Condition>> opt_when(const json::object& o, const std::string& where,
                                          Reader& reader) {
  auto w = o.find("when");
  if (w == o.end()) return std::optional<Condition>();
  Condition c;
  TRIAGE_TRY(c, reader.condition(w->value(), child(where, "when"), 0));
  return std::optional<Condition>(std::move(c));
}

// valid_from / valid_until of a template or knowledge entry: instants with offsets, the window
// non-empty.
Result<Validity> read_validity(const json::object& o, const std::string& where) {
  Validity v;
  for (auto [key, dest] :
       {std::pair<const char*, std::optional<Timestamp>*>{"valid_from", &v.valid_from},
        {"valid_until", &v.valid_until}}) {
    auto f = o.find(key);
    if (f == o.end()) continue;
    const std::string at = child(where, key);
    if (!f->value().is_string()) return type_error(at, "string", f->value());
    Timestamp t;
    TRIAGE_TRY(t, parse_timestamp(f->value().get_string(), at));
    *dest = t;
  }
  if (v.valid_from && v.valid_until && v.valid_until->utc <= v.valid_from->utc) {
    return invalid(child(where, "valid_until"), "must be later than valid_from");
  }
  return v;
}

Result<RepeatContactSpec> read_repeat_contact(const json::value& v, const PackLimits& limits) {
  const std::string where = "/repeat_contact";
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  RepeatContactSpec spec;
  spec.where = where;
  for (const auto& kv : *o) {
    const std::string at = child(where, kv.key());
    std::vector<std::string>* list = kv.key() == "patterns" ? &spec.patterns
                                     : kv.key() == "count"  ? &spec.count
                                     : kv.key() == "since"  ? &spec.since
                                                            : nullptr;
    if (list) {
      TRIAGE_TRY(*list, string_list(kv.value(), at));
      for (std::size_t i = 0; i < list->size(); ++i) {
        if ((*list)[i].empty())
          return make_error(Errc::pack_bad_regex, child(at, i), "empty expression");
        if ((*list)[i].size() > limits.max_regex_bytes) {
          return make_error(
              Errc::pack_limit, child(at, i),
              "expression longer than " + std::to_string(limits.max_regex_bytes) + " bytes");
        }
      }
      continue;
    }
    if (kv.key() == "numbers" || kv.key() == "units") {
      auto& table = kv.key() == "numbers" ? spec.numbers : spec.units;
      const json::object* to;
      TRIAGE_TRY(to, object_at(kv.value(), at));
      for (const auto& e : *to) {
        if (!e.value().is_number()) return type_error(child(at, e.key()), "number", e.value());
        const double n = e.value().to_number<double>();
        if (!std::isfinite(n) || n < 0) return invalid(child(at, e.key()), "must be a number >= 0");
        table.emplace(fold(e.key()), n);
      }
      continue;
    }
    return unknown_key(where, kv.key(), "patterns, count, since, numbers, units");
  }
  if (spec.patterns.empty())
    return invalid(child(where, "patterns"), "at least one expression is required");
  return spec;
}

Result<std::vector<QuestionSpec>> read_questions(const json::value& v, Reader& reader) {
  const std::string where = "/questions";
  if (!v.is_array()) return type_error(where, "array", v);
  std::vector<QuestionSpec> out;
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const std::string at = child(where, i);
    const json::object* o;
    TRIAGE_TRY(o, object_at(v.get_array()[i], at));
    for (const auto& kv : *o) {
      if (kv.key() != "id" && kv.key() != "field" && kv.key() != "when" && kv.key() != "ask") {
        return unknown_key(at, kv.key(), "id, field, when, ask");
      }
    }
    QuestionSpec q;
    q.where = at;
    TRIAGE_TRY(q.id, req_string(*o, "id", at));
    if (std::any_of(out.begin(), out.end(), [&](auto& x) { return x.id == q.id; })) {
      return make_error(Errc::pack_duplicate_id, child(at, "id"),
                        "duplicate question \"" + q.id + "\"");
    }
    TRIAGE_TRY(q.field, req_string(*o, "field", at));
    if (!question_fields().count(q.field)) {
      return make_error(Errc::pack_unknown_reference, child(at, "field"),
                        "the engine cannot tell whether \"" + q.field + "\" is supplied");
    }
    TRIAGE_TRY(q.when, opt_when(*o, at, reader));
    auto ask = o->find("ask");
    if (ask == o->end()) return make_error(Errc::field_missing, child(at, "ask"), "required");
    TRIAGE_TRY(q.ask, read_localized(ask->value(), child(at, "ask")));
    out.push_back(std::move(q));
  }
  return out;
}

Result<std::vector<KnowledgeEntry>> read_knowledge(const json::value& v, Reader& reader,
                                                   const std::vector<Department>& depts) {
  const std::string where = "/knowledge";
  if (!v.is_array()) return type_error(where, "array", v);
  std::vector<KnowledgeEntry> out;
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const std::string at = child(where, i);
    const json::object* o;
    TRIAGE_TRY(o, object_at(v.get_array()[i], at));
    for (const auto& kv : *o) {
      static const std::set<std::string_view> keys = {
          "id",        "title",     "when",  "keywords",   "cause",
          "immediate", "long_term", "owner", "valid_from", "valid_until"};
      if (!keys.count(kv.key())) {
        return unknown_key(at, kv.key(),
                           "id, title, when, keywords, cause, immediate, long_term, owner, "
                           "valid_from, valid_until");
      }
    }
    KnowledgeEntry k;
    k.where = at;
    TRIAGE_TRY(k.id, req_string(*o, "id", at));
    if (std::any_of(out.begin(), out.end(), [&](auto& x) { return x.id == k.id; })) {
      return make_error(Errc::pack_duplicate_id, child(at, "id"),
                        "duplicate known issue \"" + k.id + "\"");
    }
    for (auto [key, dest] : {std::pair<const char*, Localized*>{"title", &k.title},
                             {"cause", &k.cause},
                             {"long_term", &k.long_term}}) {
      auto f = o->find(key);
      if (f == o->end()) return make_error(Errc::field_missing, child(at, key), "required");
      TRIAGE_TRY(*dest, read_localized(f->value(), child(at, key)));
    }
    auto w = o->find("when");
    if (w == o->end()) return make_error(Errc::field_missing, child(at, "when"), "required");
    TRIAGE_TRY(k.when, reader.condition(w->value(), child(at, "when"), 0));
    if (auto kw = o->find("keywords"); kw != o->end()) {
      TRIAGE_TRY(k.keywords, string_list(kw->value(), child(at, "keywords")));
      // Ranking keywords go through the same automaton: check them like rule keywords.
      Condition probe;
      TRIAGE_TRY(probe, reader.condition(json::object{{"text_any", kw->value()}},
                                         child(at, "keywords"), 0));
    }
    auto im = o->find("immediate");
    if (im == o->end()) return make_error(Errc::field_missing, child(at, "immediate"), "required");
    const json::object* imo;
    TRIAGE_TRY(imo, object_at(im->value(), child(at, "immediate")));
    for (auto lang : languages) {
      auto l = imo->find(lang);
      if (l == imo->end())
        return make_error(Errc::field_missing, child(child(at, "immediate"), lang),
                          "every language is required");
      std::vector<std::string> steps;
      TRIAGE_TRY(steps, string_list(l->value(), child(child(at, "immediate"), lang)));
      k.immediate.emplace(lang, std::move(steps));
    }
    TRIAGE_TRY(k.validity, read_validity(*o, at));
    TRIAGE_TRY(k.owner, req_string(*o, "owner", at));
    if (std::none_of(depts.begin(), depts.end(), [&](auto& d) { return d.id == k.owner; })) {
      return make_error(Errc::pack_unknown_reference, child(at, "owner"),
                        "unknown department \"" + k.owner + "\"");
    }
    out.push_back(std::move(k));
  }
  return out;
}

Result<std::vector<TemplateSpec>> read_templates(const json::value& v, Reader& reader) {
  const std::string where = "/templates";
  if (!v.is_array()) return type_error(where, "array", v);
  std::vector<TemplateSpec> out;
  auto known = [](std::string_view name) {
    const auto& names = template_placeholders();
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const std::string at = child(where, i);
    const json::object* o;
    TRIAGE_TRY(o, object_at(v.get_array()[i], at));
    for (const auto& kv : *o) {
      static const std::set<std::string_view> keys = {"id",   "kind",       "when",
                                                      "text", "valid_from", "valid_until"};
      if (!keys.count(kv.key())) {
        return unknown_key(at, kv.key(), "id, kind, when, text, valid_from, valid_until");
      }
    }
    TemplateSpec t;
    t.where = at;
    TRIAGE_TRY(t.id, req_string(*o, "id", at));
    if (std::any_of(out.begin(), out.end(), [&](auto& x) { return x.id == t.id; })) {
      return make_error(Errc::pack_duplicate_id, child(at, "id"),
                        "duplicate template \"" + t.id + "\"");
    }
    TRIAGE_TRY(t.kind, req_string(*o, "kind", at));
    if (std::find(template_kinds.begin(), template_kinds.end(), std::string_view(t.kind)) ==
        template_kinds.end()) {
      return make_error(Errc::pack_unknown_reference, child(at, "kind"),
                        "unknown kind \"" + t.kind +
                            "\"; expected opening|clarification|apology_solution|"
                            "resolved_confirmation|follow_up_visit");
    }
    TRIAGE_TRY(t.when, opt_when(*o, at, reader));
    TRIAGE_TRY(t.validity, read_validity(*o, at));
    auto text = o->find("text");
    if (text == o->end()) return make_error(Errc::field_missing, child(at, "text"), "required");
    TRIAGE_TRY(t.text, read_localized(text->value(), child(at, "text")));
    for (const auto& [lang, body] : t.text) {
      auto parsed = Template::parse(body, known, child(child(at, "text"), lang));
      if (!parsed) return parsed.error();
    }
    out.push_back(std::move(t));
  }
  return out;
}
}  // namespace

bool Validity::contains(boost::posix_time::ptime instant) const noexcept {
  if (valid_from && instant < valid_from->utc) return false;
  return !(valid_until && instant >= valid_until->utc);
}

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

namespace {
Result<Pack> read_pack(const json::value& doc, const PackLimits& limits);
}

// Inside a pack, a field of the wrong type or missing is a pack error, not a ticket error: hosts
// tell the two apart by code range.
Result<Pack> pack_from_json(const json::value& doc, const PackLimits& limits) {
  auto p = read_pack(doc, limits);
  if (!p) {
    Error e = p.error();
    if (e.code == Errc::field_type || e.code == Errc::field_missing ||
        e.code == Errc::field_value || e.code == Errc::field_format ||
        e.code == Errc::not_an_object) {
      e.code = Errc::pack_invalid;
    }
    return e;
  }
  return p;
}

namespace {
Result<Pack> read_pack(const json::value& doc, const PackLimits& limits) {
  if (!doc.is_object()) {
    return make_error(Errc::not_an_object, "", "a pack must be a JSON object");
  }
  const auto& o = doc.get_object();
  const std::string root;
  static const std::set<std::string_view> top = {
      "schema",    "name",    "version",       "description", "settings",  "dimensions",
      "rules",     "urgency", "departments",   "routing",     "calendars", "sla",
      "workflow",  "chains",  "i18n",          "questions",   "clarify",   "knowledge",
      "templates", "model",   "repeat_contact"};
  for (const auto& kv : o) {
    if (!top.count(kv.key())) {
      return unknown_key(root, kv.key(),
                         "schema, name, version, description, settings, dimensions, rules, "
                         "urgency, departments, routing, calendars, sla, workflow, chains, i18n, "
                         "questions, clarify, knowledge, templates, model, repeat_contact");
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
        } else if (kv.key() == "template") {
          if (!kv.value().is_string()) return type_error(at, "string", kv.value());
          r.template_id = std::string(kv.value().get_string());
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
          return unknown_key(then_at, kv.key(), "score, tags, template");
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
  if (auto c = o.find("calendars"); c != o.end()) {
    TRIAGE_TRY(p.calendars, read_calendars(c->value()));
  }
  if (auto s = o.find("sla"); s != o.end()) {
    TRIAGE_TRY(p.sla, read_sla(s->value(), p.calendars, reader));
  }
  if (auto w = o.find("workflow"); w != o.end()) {
    TRIAGE_TRY(p.workflow, read_workflow(w->value()));
  }
  if (auto c = o.find("chains"); c != o.end()) {
    TRIAGE_TRY(p.chains, read_chains(c->value(), p.calendars));
  }
  if (auto mo = o.find("model"); mo != o.end()) {
    const json::object* m;
    TRIAGE_TRY(m, object_at(mo->value(), "/model"));
    for (const auto& kv : *m) {
      if (kv.key() != "file" && kv.key() != "policy" && kv.key() != "weight" &&
          kv.key() != "min_probability") {
        return unknown_key("/model", kv.key(), "file, policy, weight, min_probability");
      }
    }
    ModelRef ref;
    TRIAGE_TRY(ref.file, req_string(*m, "file", "/model"));
    std::string policy;
    TRIAGE_TRY(policy, opt_string(*m, "policy", "/model"));
    if (!policy.empty()) ref.policy = policy;
    if (ref.policy != "rules_first" && ref.policy != "blend") {
      return invalid("/model/policy",
                     "unknown policy \"" + ref.policy + "\"; expected rules_first|blend");
    }
    TRIAGE_TRY(ref.weight, opt_number(*m, "weight", "/model", 2.0));
    TRIAGE_TRY(ref.min_probability, opt_number(*m, "min_probability", "/model", 0.0));
    if (ref.min_probability < 0 || ref.min_probability > 1) {
      return invalid("/model/min_probability", "a probability from 0 to 1 is required");
    }
    p.model = std::move(ref);
  }
  if (auto rc = o.find("repeat_contact"); rc != o.end()) {
    TRIAGE_TRY(p.repeat_contact, read_repeat_contact(rc->value(), limits));
  }
  if (auto i = o.find("i18n"); i != o.end()) {
    TRIAGE_TRY(p.i18n, read_i18n(i->value()));
  }
  // Questions, known issues and templates run after everything else: they may read it all.
  reader.set_stage(Reader::Stage::sla);
  if (auto q = o.find("questions"); q != o.end()) {
    TRIAGE_TRY(p.questions, read_questions(q->value(), reader));
  }
  if (auto c = o.find("clarify"); c != o.end()) {
    const json::object* co;
    TRIAGE_TRY(co, object_at(c->value(), "/clarify"));
    for (const auto& kv : *co) {
      const std::string at = child("/clarify", kv.key());
      if (std::none_of(p.dimensions.begin(), p.dimensions.end(),
                       [&](auto& d) { return d.id == kv.key(); })) {
        return make_error(Errc::pack_unknown_reference, at,
                          "unknown dimension \"" + std::string(kv.key()) + "\"");
      }
      Localized l;
      TRIAGE_TRY(l, read_localized(kv.value(), at));
      p.clarify.emplace(kv.key(), std::move(l));
    }
  }
  if (auto k = o.find("knowledge"); k != o.end()) {
    TRIAGE_TRY(p.knowledge, read_knowledge(k->value(), reader, p.departments));
  }
  if (auto t = o.find("templates"); t != o.end()) {
    TRIAGE_TRY(p.templates, read_templates(t->value(), reader));
  }
  reader.set_stage(Reader::Stage::rules);
  return p;
}

}  // namespace

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
