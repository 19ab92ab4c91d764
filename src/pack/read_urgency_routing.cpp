// Urgency rules, departments and routing rows.
#include <algorithm>
#include <cmath>
#include <set>

#include <boost/json.hpp>

#include "pack/readers.hpp"

namespace triage {
inline namespace v1 {
namespace detail::pack_json {
namespace json = boost::json;

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

}  // namespace detail::pack_json
}  // namespace v1
}  // namespace triage
