// The whole pack: its top-level keys in the order their sections may refer to each other, the
// built-in default pack, and the small types every section shares (urgency names, validity).
// Each section has its own reader (pack/read_*.cpp).
#include "triage/pack.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include <boost/json.hpp>

#include "pack/readers.hpp"
#include "triage/fold.hpp"
#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {
namespace json = boost::json;
using namespace detail::pack_json;

namespace {
constexpr unsigned char kDefaultPack[] = {
#include "default_pack.inc"
};

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
    if (kv.key() == "learned") {
      const json::object* lo;
      TRIAGE_TRY(lo, object_at(kv.value(), at));
      for (const auto& e : *lo) {
        const std::string field = child(at, e.key());
        std::string* to = e.key() == "dimension" ? &spec.learned_dimension
                          : e.key() == "value"   ? &spec.learned_value
                                                 : nullptr;
        if (!to) return unknown_key(at, e.key(), "dimension, value");
        if (!e.value().is_string()) return type_error(field, "string", e.value());
        *to = std::string(e.value().as_string());
      }
      if (spec.learned_dimension.empty() || spec.learned_value.empty())
        return invalid(at, "needs both \"dimension\" and \"value\"");
      continue;
    }
    return unknown_key(where, kv.key(), "patterns, count, since, numbers, units, learned");
  }
  if (spec.patterns.empty())
    return invalid(child(where, "patterns"), "at least one expression is required");
  return spec;
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
    TRIAGE_TRY(p.rules, read_rules(rules->value(), p.dimensions, reader, rule_ids, limits));
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
          kv.key() != "weights" && kv.key() != "min_probability") {
        return unknown_key("/model", kv.key(), "file, policy, weight, weights, min_probability");
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
    if (auto ws = m->find("weights"); ws != m->end()) {
      const json::object* w;
      TRIAGE_TRY(w, object_at(ws->value(), "/model/weights"));
      for (const auto& kv : *w) {
        const std::string at = "/model/weights/" + std::string(kv.key());
        const bool known = std::any_of(p.dimensions.begin(), p.dimensions.end(),
                                       [&](const Dimension& d) { return d.id == kv.key(); });
        if (!known) return invalid(at, "not a dimension of this pack");
        if (!kv.value().is_number() || kv.value().to_number<double>() < 0) {
          return invalid(at, "a weight of 0 or more is required");
        }
        ref.weights.emplace(std::string(kv.key()), kv.value().to_number<double>());
      }
    }
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