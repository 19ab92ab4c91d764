// The dimensions a pack classifies into and the classification rules that score them.
#include <algorithm>
#include <cmath>
#include <set>

#include <boost/json.hpp>

#include "pack/readers.hpp"

namespace triage {
inline namespace v1 {
namespace detail::pack_json {
namespace json = boost::json;

namespace {
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
}  // namespace

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

Result<std::vector<Rule>> read_rules(const json::value& v, const std::vector<Dimension>& dims,
                                     Reader& reader, std::set<std::string>& ids,
                                     const PackLimits& limits) {
  std::vector<Rule> out;
  const json::array* ap;
  TRIAGE_TRY(ap, rule_array(v, "/rules", limits));
  const auto& a = *ap;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string where = child("/rules", i);
    const json::object* ro;
    TRIAGE_TRY(ro, object_at(a[i], where));
    Rule r;
    RuleHead head;
    TRIAGE_TRY(head, read_head(*ro, where, {"final", "then"}, reader, ids));
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
          auto dim =
              std::find_if(dims.begin(), dims.end(), [&](auto& d) { return d.id == dk.key(); });
          if (dim == dims.end()) {
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
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace detail::pack_json
}  // namespace v1
}  // namespace triage
