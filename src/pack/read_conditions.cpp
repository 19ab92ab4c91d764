// Conditions (`when`) and the head every kind of rule shares, checked for the stage that will
// run them.
#include <algorithm>
#include <cmath>
#include <set>

#include <boost/json.hpp>

#include "pack/readers.hpp"
#include "triage/fold.hpp"

namespace triage {
inline namespace v1 {
namespace detail::pack_json {
namespace json = boost::json;

namespace {
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
}  // namespace

Result<Condition> Reader::condition(const json::value& v, const std::string& where,
                                    std::size_t depth) {
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

std::optional<Error> Reader::check_keyword(const std::string& kw, const std::string& where) {
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

Result<Condition> Reader::field_condition(const json::value& v, const std::string& where) {
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

Result<Condition> Reader::label_condition(const json::value& v, const std::string& where) {
  const json::object* o;
  TRIAGE_TRY(o, object_at(v, where));
  if (o->empty()) return invalid(where, "name at least one dimension");
  Condition all;
  all.kind = Condition::Kind::all_of;
  all.where = where;
  for (const auto& kv : *o) {
    const std::string at = child(where, kv.key());
    auto dim = std::find_if(dims_.begin(), dims_.end(), [&](auto& d) { return d.id == kv.key(); });
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

}  // namespace detail::pack_json
}  // namespace v1
}  // namespace triage
