#include "triage/workflow.hpp"

#include "triage/ticket.hpp"

#include <algorithm>
#include <array>
#include <set>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/json.hpp>

namespace triage {
inline namespace v1 {

namespace {
constexpr std::array<std::string_view, 4> kBuiltinFacts = {
    "customer_confirmed", "confirmation_window_expired", "follow_up_required", "follow_up_done"};

// Bundled properties: plain structs as vertex and edge payloads.
struct StateNode {
  std::string id;
};
struct Edge {
  std::size_t transition;  // index into spec.transitions
};
using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, StateNode, Edge>;

bool eval(const Guard& g, const Facts& facts) {
  switch (g.kind) {
    case Guard::Kind::fact: {
      auto it = facts.find(g.fact);
      return it != facts.end() && it->second;
    }
    case Guard::Kind::all:
      return std::all_of(g.children.begin(), g.children.end(),
                         [&](auto& c) { return eval(c, facts); });
    case Guard::Kind::any:
      return std::any_of(g.children.begin(), g.children.end(),
                         [&](auto& c) { return eval(c, facts); });
    case Guard::Kind::not_:
      return !eval(g.children.front(), facts);
  }
  return false;
}

void collect_facts(const Guard& g, std::vector<std::string>& out) {
  if (g.kind == Guard::Kind::fact) out.push_back(g.fact);
  for (const auto& c : g.children) collect_facts(c, out);
}

template <class G>
std::vector<bool> reachable(const G& g, std::size_t from) {
  std::vector<bool> seen(boost::num_vertices(g), false);
  struct Visitor : boost::default_bfs_visitor {
    std::vector<bool>* seen;
    void discover_vertex(typename boost::graph_traits<G>::vertex_descriptor v, const G&) const {
      (*seen)[v] = true;
    }
  } vis;
  vis.seen = &seen;
  boost::breadth_first_search(g, boost::vertex(from, g), boost::visitor(vis));
  return seen;
}
}  // namespace

std::string to_string(const Guard& g) {
  switch (g.kind) {
    case Guard::Kind::fact:
      return g.fact;
    case Guard::Kind::not_:
      return "!" + to_string(g.children.front());
    case Guard::Kind::all:
    case Guard::Kind::any: {
      std::string out;
      for (const auto& c : g.children) {
        if (!out.empty()) out += g.kind == Guard::Kind::all ? " && " : " || ";
        out += c.children.empty() ? to_string(c) : "(" + to_string(c) + ")";
      }
      return out;
    }
  }
  return "";
}

gsl::span<const std::string_view> builtin_facts() noexcept {
  return kBuiltinFacts;
}

WorkflowSpec WorkflowSpec::standard() {
  WorkflowSpec s;
  s.start = "new";
  s.states = {
      {"new", "新建"},         {"acknowledged", "已受理"}, {"triaged", "已分类"},
      {"assigned", "已分派"},  {"in_progress", "处理中"},  {"waiting_customer", "待客户回复"},
      {"escalated", "已升级"}, {"resolved", "已解决"},     {"closed", "已关闭", true},
      {"reopened", "已重开"},  {"follow_up", "回访中"}};
  auto fact = [](std::string f) { return Guard{Guard::Kind::fact, std::move(f), {}}; };
  const Guard confirmed{
      Guard::Kind::any, "", {fact("customer_confirmed"), fact("confirmation_window_expired")}};
  s.transitions = {
      {"new", "acknowledged", "acknowledge"},
      {"acknowledged", "triaged", "triage"},
      {"triaged", "assigned", "assign"},
      {"assigned", "in_progress", "start"},
      {"in_progress", "waiting_customer", "wait_customer"},
      {"waiting_customer", "in_progress", "customer_replied"},
      {"in_progress", "escalated", "escalate"},
      {"escalated", "in_progress", "de_escalate"},
      {"in_progress", "resolved", "resolve"},
      {"resolved", "in_progress", "not_fixed"},
      {"resolved", "closed", "close", confirmed},
      {"closed", "reopened", "reopen"},
      {"reopened", "in_progress", "start"},
      {"closed", "follow_up", "follow_up"},
      {"follow_up", "closed", "complete_follow_up", fact("follow_up_done")},
  };
  // Complaints need their follow-up visit before the lifecycle is over.
  s.final_guard =
      Guard{Guard::Kind::any,
            "",
            {Guard{Guard::Kind::not_, "", {fact("follow_up_required")}}, fact("follow_up_done")}};
  return s;
}

struct Workflow::Impl {
  WorkflowSpec spec;
  Graph graph;
  std::map<std::string, std::size_t, std::less<>> index;
};

Result<Workflow> Workflow::compile(const WorkflowSpec& spec) {
  auto impl = std::make_shared<Impl>();
  impl->spec = spec;
  const std::string& w = spec.where;
  auto fail = [&](std::string where, std::string what) {
    return make_error(Errc::workflow_invalid, std::move(where), what);
  };
  if (spec.states.empty()) return fail(w + "/states", "a workflow needs states");
  for (std::size_t i = 0; i < spec.states.size(); ++i) {
    const auto& st = spec.states[i];
    if (st.id.empty()) return fail(w + "/states/" + std::to_string(i), "a state needs an id");
    if (!impl->index.emplace(st.id, i).second) {
      return fail(w + "/states/" + std::to_string(i), "duplicate state \"" + st.id + "\"");
    }
    boost::add_vertex(StateNode{st.id}, impl->graph);
  }
  if (!impl->index.count(spec.start)) {
    return fail(w + "/start", "start state \"" + spec.start + "\" is not defined");
  }
  std::set<std::string, std::less<>> facts(kBuiltinFacts.begin(), kBuiltinFacts.end());
  facts.insert(spec.facts.begin(), spec.facts.end());
  auto check_guard = [&](const Guard& g, const std::string& where) -> std::optional<Error> {
    std::vector<std::string> used;
    collect_facts(g, used);
    for (const auto& f : used) {
      if (!facts.count(f)) {
        return fail(where, "guard names unknown fact \"" + f + "\" (declare it in facts)");
      }
    }
    return std::nullopt;
  };
  for (std::size_t i = 0; i < spec.transitions.size(); ++i) {
    const auto& t = spec.transitions[i];
    const std::string at = t.where.empty() ? w + "/transitions/" + std::to_string(i) : t.where;
    auto from = impl->index.find(t.from);
    auto to = impl->index.find(t.to);
    if (from == impl->index.end())
      return fail(at, "transition from undefined state \"" + t.from + "\"");
    if (to == impl->index.end()) return fail(at, "transition to undefined state \"" + t.to + "\"");
    if (t.event.empty()) return fail(at, "a transition needs an event name");
    for (std::size_t k = 0; k < i; ++k) {
      if (spec.transitions[k].from == t.from && spec.transitions[k].event == t.event) {
        return fail(at, "event \"" + t.event + "\" leaves state \"" + t.from + "\" twice");
      }
    }
    if (t.guard) {
      if (auto e = check_guard(*t.guard, at + "/guard")) return *e;
    }
    boost::add_edge(from->second, to->second, Edge{i}, impl->graph);
  }
  if (spec.final_guard) {
    if (auto e = check_guard(*spec.final_guard, w + "/final_guard")) return *e;
  }
  // Every state reachable from the start.
  const auto forward = reachable(impl->graph, impl->index.at(spec.start));
  for (std::size_t v = 0; v < spec.states.size(); ++v) {
    if (!forward[v]) {
      return fail(w + "/states/" + std::to_string(v),
                  "state \"" + spec.states[v].id + "\" is unreachable from \"" + spec.start + "\"");
    }
  }
  // A terminal state reachable from every state: search backwards from the terminal states.
  std::vector<bool> can_end(spec.states.size(), false);
  bool any_terminal = false;
  const boost::reverse_graph<Graph> back(impl->graph);
  for (std::size_t v = 0; v < spec.states.size(); ++v) {
    if (!spec.states[v].terminal) continue;
    any_terminal = true;
    const auto r = reachable(back, v);
    for (std::size_t k = 0; k < r.size(); ++k) can_end[k] = can_end[k] || r[k];
  }
  if (!any_terminal) return fail(w + "/states", "no terminal state: a ticket could never finish");
  for (std::size_t v = 0; v < spec.states.size(); ++v) {
    if (!can_end[v]) {
      return fail(w + "/states/" + std::to_string(v),
                  "no terminal state can be reached from \"" + spec.states[v].id + "\"");
    }
  }
  return Workflow(std::move(impl));
}

const Workflow& Workflow::standard() {
  static const Workflow w = *compile(WorkflowSpec::standard());
  return w;
}

const WorkflowSpec& Workflow::spec() const noexcept {
  return impl_->spec;
}

bool Workflow::has_state(std::string_view id) const noexcept {
  return impl_->index.count(id) > 0;
}

std::vector<std::string> Workflow::events_from(std::string_view state) const {
  std::vector<std::string> out;
  auto it = impl_->index.find(state);
  if (it == impl_->index.end()) return out;
  for (auto [e, end] = boost::out_edges(it->second, impl_->graph); e != end; ++e) {
    out.push_back(impl_->spec.transitions[impl_->graph[*e].transition].event);
  }
  return out;
}

Result<std::string> Workflow::next(std::string_view from, std::string_view event,
                                   const Facts& facts) const {
  auto it = impl_->index.find(from);
  if (it == impl_->index.end()) {
    return make_error(Errc::transition_unknown, std::string(from), "no such state");
  }
  for (auto [e, end] = boost::out_edges(it->second, impl_->graph); e != end; ++e) {
    const auto& t = impl_->spec.transitions[impl_->graph[*e].transition];
    if (t.event != event) continue;
    if (t.guard && !eval(*t.guard, facts)) {
      return make_error(Errc::transition_refused,
                        std::string(from) + " --" + std::string(event) + "-->",
                        "refused: requires " + to_string(*t.guard));
    }
    return impl_->graph[boost::target(*e, impl_->graph)].id;
  }
  std::string allowed;
  for (const auto& ev : events_from(from)) allowed += (allowed.empty() ? "" : ", ") + ev;
  return make_error(
      Errc::transition_unknown, std::string(from),
      "event \"" + std::string(event) + "\" does not apply here; allowed: " + allowed);
}

std::string Workflow::to_dot() const {
  auto quote = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '\n') {
        out += "\\n";  // a line break inside a DOT label
        continue;
      }
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  const auto& spec = impl_->spec;
  std::string dot =
      "digraph workflow {\n  rankdir=LR;\n  node [shape=box, style=rounded, "
      "fontname=\"Helvetica\"];\n";
  dot += "  __start [shape=point];\n  __start -> " + quote(spec.start) + ";\n";
  for (const auto& s : spec.states) {
    dot += "  " + quote(s.id) + " [label=" + quote(s.title.empty() ? s.id : s.id + "\n" + s.title);
    if (s.terminal) dot += ", peripheries=2";
    dot += "];\n";
  }
  for (auto [e, end] = boost::edges(impl_->graph); e != end; ++e) {
    const auto& t = spec.transitions[impl_->graph[*e].transition];
    std::string label = t.event;
    if (t.guard) label += "\n[" + to_string(*t.guard) + "]";
    dot += "  " + quote(t.from) + " -> " + quote(t.to) + " [label=" + quote(label) +
           ", fontsize=10];\n";
  }
  return dot + "}\n";
}

boost::json::object Workflow::to_json() const {
  const auto& spec = impl_->spec;
  boost::json::array states, transitions;
  for (const auto& s : spec.states) {
    states.push_back({{"id", s.id}, {"title", s.title}, {"terminal", s.terminal}});
  }
  for (const auto& t : spec.transitions) {
    boost::json::object o{{"from", t.from}, {"to", t.to}, {"event", t.event}};
    if (t.guard) o["guard"] = to_string(*t.guard);
    transitions.push_back(std::move(o));
  }
  boost::json::object out{{"start", spec.start},
                          {"states", std::move(states)},
                          {"transitions", std::move(transitions)}};
  if (spec.final_guard) out["final_guard"] = to_string(*spec.final_guard);
  return out;
}

WorkflowRun::WorkflowRun(Workflow workflow) : workflow_(std::move(workflow)) {
  state_ = workflow_.spec().start;
}

bool WorkflowRun::finished() const {
  const auto& spec = workflow_.spec();
  const auto& st = spec.states[workflow_.impl_->index.at(state_)];
  return st.terminal && (!spec.final_guard || eval(*spec.final_guard, facts_));
}

Result<std::string> WorkflowRun::apply(std::string_view event, const Facts& facts,
                                       boost::posix_time::ptime at) {
  Facts merged = facts_;
  for (const auto& [k, v] : facts) merged[k] = v;
  auto next = workflow_.next(state_, event, merged);
  if (!next) return next.error();
  history_.push_back({at, std::string(event), facts, state_, *next});
  facts_ = std::move(merged);
  state_ = *next;
  return state_;
}

Result<WorkflowRun> WorkflowRun::replay(Workflow workflow, gsl::span<const WorkflowEvent> history) {
  WorkflowRun run(std::move(workflow));
  for (std::size_t i = 0; i < history.size(); ++i) {
    auto r = run.apply(history[i].event, history[i].facts, history[i].at);
    if (!r) {
      Error e = r.error();
      e.message = "history event " + std::to_string(i) + ": " + e.message;
      return e;
    }
  }
  return run;
}

Result<Facts> facts_from_json(std::string_view json) {
  auto doc = parse_json(json, "facts");
  if (!doc) return doc.error();
  if (!doc->is_object()) return make_error(Errc::field_type, "facts", "expected an object");
  Facts facts;
  for (const auto& kv : doc->get_object()) {
    if (!kv.value().is_bool()) {
      return make_error(Errc::field_type, "facts/" + std::string(kv.key()), "expected a boolean");
    }
    facts[std::string(kv.key())] = kv.value().get_bool();
  }
  return facts;
}

}  // namespace v1
}  // namespace triage
