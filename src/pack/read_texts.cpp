// What a diagnosis says to people: translations, questions, known issues and templates.
#include <algorithm>
#include <cmath>
#include <set>

#include <boost/json.hpp>

#include "pack/readers.hpp"
#include "triage/templates.hpp"

namespace triage {
inline namespace v1 {
namespace detail::pack_json {
namespace json = boost::json;

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

namespace {
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
}  // namespace

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

}  // namespace detail::pack_json
}  // namespace v1
}  // namespace triage
