#include "run/conditions.hpp"

#include <algorithm>
#include <cstdlib>

#include "triage/ticket.hpp"

namespace triage {
inline namespace v1 {
namespace detail {

namespace {
// A field's value as a condition sees it: absent, a string, or a number.
struct FieldValue {
  bool present = false;
  std::string_view str;
  bool is_number = false;
  double number = 0;
};

FieldValue from_opt(const std::optional<std::string>& s) {
  return s ? FieldValue{true, *s} : FieldValue{};
}
template <class E>
FieldValue from_enum(E e) {
  return e == E{} ? FieldValue{} : FieldValue{true, to_string(e)};
}
FieldValue from_json(const boost::json::object& obj, const std::vector<std::string>& path) {
  const boost::json::value* v = nullptr;
  const boost::json::object* o = &obj;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (!o) return {};
    auto it = o->find(path[i]);
    if (it == o->end()) return {};
    v = &it->value();
    o = v->if_object();
  }
  if (!v || v->is_null()) return {};
  FieldValue f;
  f.present = true;
  if (v->is_string()) f.str = v->get_string();
  if (v->is_number()) {
    f.is_number = true;
    f.number = v->to_number<double>();
  } else if (v->is_bool()) {
    f.str = v->get_bool() ? "true" : "false";
  }
  return f;
}

FieldValue field_value(const Ticket& t, const FieldRef& f) {
  using K = FieldRef::Known;
  switch (f.known) {
    case K::id:
      return from_opt(t.id);
    case K::channel:
      return from_enum(t.channel);
    case K::created_at:
      return t.created_at ? FieldValue{true, "set"} : FieldValue{};
    case K::text:
      return {true, t.text};
    case K::subject:
      return from_opt(t.subject);
    case K::module:
      return from_opt(t.module);
    case K::product:
      return from_opt(t.product);
    case K::version:
      return from_opt(t.version);
    case K::os:
      return from_opt(t.os);
    case K::order_id:
      return from_opt(t.order_id);
    case K::error_message:
      return from_opt(t.error_message);
    case K::occurred_at:
      return t.occurred_at ? FieldValue{true, "set"} : FieldValue{};
    case K::frequency:
      return from_enum(t.frequency);
    case K::impact:
      return from_enum(t.impact);
    case K::attempted:
      return t.attempted && !t.attempted->empty() ? FieldValue{true, "set"} : FieldValue{};
    case K::customer_id:
      return t.customer ? from_opt(t.customer->id) : FieldValue{};
    case K::customer_name:
      return t.customer ? from_opt(t.customer->name) : FieldValue{};
    case K::customer_tier:
      return t.customer ? from_enum(t.customer->tier) : FieldValue{};
    case K::customer_tenure:
      return t.customer ? from_enum(t.customer->tenure) : FieldValue{};
    case K::customer_phone:
      return t.customer ? from_opt(t.customer->phone) : FieldValue{};
    case K::customer_email:
      return t.customer ? from_opt(t.customer->email) : FieldValue{};
    case K::customer_extra:
      return t.customer ? from_json(t.customer->extra, f.path) : FieldValue{};
    case K::extra:
      return from_json(t.extra, f.path);
  }
  return {};
}

bool compare(double a, const std::string& op, double b) {
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  if (op == ">=") return a >= b;
  if (op == "==") return a == b;
  return a != b;
}

}  // namespace

bool holds(const CompiledPack& cp, std::uint32_t n, const Evaluation& ev) {
  const CNode& c = cp.nodes[n];
  switch (c.kind) {
    case Condition::Kind::all_of:
      for (auto k : c.items) {
        if (!holds(cp, k, ev)) return false;
      }
      return true;
    case Condition::Kind::any_of:
      for (auto k : c.items) {
        if (holds(cp, k, ev)) return true;
      }
      return false;
    case Condition::Kind::not_:
      return !holds(cp, c.items.front(), ev);
    case Condition::Kind::text_any:
      for (auto t : c.items) {
        if (ev.term_hit(t)) return true;
      }
      return false;
    case Condition::Kind::text_all:
      for (auto t : c.items) {
        if (!ev.term_hit(t)) return false;
      }
      return true;
    case Condition::Kind::text_none:
      for (auto t : c.items) {
        if (ev.term_hit(t)) return false;
      }
      return true;
    case Condition::Kind::regex:
      for (auto r : c.items) {
        if (!ev.regex_hit(r)) return false;
      }
      return true;
    case Condition::Kind::has:
      for (const auto& f : c.values) {
        if (!ev.supplied(f)) return false;
      }
      return true;
    case Condition::Kind::field_in: {
      const FieldValue v = field_value(*ev.ticket(), c.field);
      if (!v.present) return false;
      for (const auto& want : c.values) {
        if (v.is_number ? (std::strtod(want.c_str(), nullptr) == v.number) : (want == v.str)) {
          return true;
        }
      }
      return false;
    }
    case Condition::Kind::field_exists:
      return field_value(*ev.ticket(), c.field).present == c.exists;
    case Condition::Kind::field_compare: {
      const FieldValue v = field_value(*ev.ticket(), c.field);
      if (!v.present) return false;
      double x = v.number;
      if (!v.is_number) {
        char* end = nullptr;
        const std::string s(v.str);
        x = std::strtod(s.c_str(), &end);
        if (end == s.c_str()) return false;
      }
      return compare(x, c.op, c.number);
    }
    case Condition::Kind::label_in: {
      const std::int32_t v = ev.decided(c.dimension);
      return v >= 0 && std::find(c.items.begin(), c.items.end(), static_cast<std::uint32_t>(v)) !=
                           c.items.end();
    }
    case Condition::Kind::urgency_in:
      return ev.urgency() >= 0 &&
             std::find(c.items.begin(), c.items.end(), static_cast<std::uint32_t>(ev.urgency())) !=
                 c.items.end();
    case Condition::Kind::multi_department:
      return (ev.assisting_count() > 0) == c.exists;
    case Condition::Kind::repeat_contact:
      return ev.repeat_contact() == c.exists;
    case Condition::Kind::related:
      return (ev.related_count() > 0) == c.exists;
    case Condition::Kind::tags_any:
      for (auto ri : ev.fired_rules()) {
        for (const auto& t : cp.pack.rules[cp.rules[ri].pack_index].tags) {
          if (std::find(c.values.begin(), c.values.end(), t) != c.values.end()) return true;
        }
      }
      return false;
  }
  return false;
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
