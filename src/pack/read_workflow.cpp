// The ticket workflow: states, transitions and their guards over host facts.
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
}  // namespace

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

}  // namespace detail::pack_json
}  // namespace v1
}  // namespace triage
