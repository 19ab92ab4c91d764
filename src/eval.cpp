#include "triage/eval.hpp"

#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

#include "compiled_pack.hpp"
#include "json_util.hpp"

namespace triage {
inline namespace v1 {

Result<LabelledTicket> labelled_from_json(const boost::json::value& v) {
  if (!v.is_object())
    return make_error(Errc::not_an_object, "", "a labelled ticket must be an object");
  boost::json::object o = v.get_object();
  LabelledTicket lt;
  if (auto l = o.find("labels"); l != o.end()) {
    if (!l->value().is_object()) return detail::type_error("/labels", "object", l->value());
    for (const auto& kv : l->value().get_object()) {
      if (!kv.value().is_string()) {
        return detail::type_error(detail::child("/labels", kv.key()), "string", kv.value());
      }
      lt.expected.emplace(kv.key(), kv.value().get_string());
    }
    o.erase(l);
  }
  o.erase("events");
  o.erase("satisfaction");
  auto t = ticket_from_json(o);
  if (!t) return t.error();
  lt.ticket = std::move(*t);
  return lt;
}

double ValueStats::precision() const noexcept {
  return tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0.0;
}
double ValueStats::recall() const noexcept {
  return tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0.0;
}
double ValueStats::f1() const noexcept {
  const double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}
double TargetReport::accuracy() const noexcept {
  return scored ? static_cast<double>(correct) / static_cast<double>(scored) : 0.0;
}
double TargetReport::coverage() const noexcept {
  return scored ? 1.0 - static_cast<double>(abstained) / static_cast<double>(scored) : 0.0;
}

namespace {
// What the diagnosis says for a target ("" = nothing).
std::string got(const Diagnosis& d, const std::string& target) {
  if (target == "urgency") return d.urgency.value_or("");
  if (target == "primary") return d.route ? d.route->primary : "";
  const Label* l = d.label(target);
  return l && l->value ? *l->value : "";
}

bool is_target(const Engine& engine, const std::string& t) {
  return t == "urgency" || t == "primary" || engine.dimension_index(t).has_value();
}
}  // namespace

EvalReport evaluate_pack(const Engine& engine, gsl::span<const LabelledTicket> tickets) {
  const Pack& pack = engine.pack();
  EvalReport r;
  r.pack = pack.name + " " + pack.version;
  std::map<std::string, TargetReport> targets;
  std::vector<RuleReport> rules(pack.rules.size());
  for (std::size_t i = 0; i < pack.rules.size(); ++i) rules[i].rule = pack.rules[i].id;
  const auto& cp = EngineAccess::impl(engine);
  Evaluation ev;
  for (const auto& lt : tickets) {
    ++r.tickets;
    DiagnoseOptions opts;
    opts.now =
        boost::posix_time::ptime(boost::gregorian::date(2026, 1, 1));  // no clock in a backtest
    const Diagnosis d = engine.diagnose(lt.ticket, ev, opts);
    for (const auto& [target, want] : lt.expected) {
      if (!is_target(engine, target)) continue;
      TargetReport& t = targets[target];
      t.target = target;
      const std::string value = got(d, target);
      ++t.scored;
      t.correct += value == want;
      t.abstained += value.empty();
      ++t.confusion[want][value.empty() ? "(none)" : value];
      if (value == want) {
        ++t.values[want].tp;
      } else {
        ++t.values[want].fn;
        if (!value.empty()) ++t.values[value].fp;
      }
    }
    // Rules: fired, and right when their strongest value matches the label of that dimension.
    for (auto ri : ev.fired_rules()) {
      const std::uint32_t pi = cp.rules[ri].pack_index;
      RuleReport& rr = rules[pi];
      ++rr.fired;
      const Rule& rule = pack.rules[pi];
      bool judged = false, right = true;
      std::map<std::string, const Score*> strongest;
      for (const auto& s : rule.scores) {
        auto& best = strongest[s.dimension];
        if (!best || s.weight > best->weight) best = &s;
      }
      for (const auto& [dim, s] : strongest) {
        auto want = lt.expected.find(dim);
        if (want == lt.expected.end() || s->weight <= 0) continue;
        judged = true;
        right = right && s->value == want->second;
      }
      rr.judged += judged;
      rr.right += judged && right;
    }
  }
  for (auto& [name, t] : targets) r.targets.push_back(std::move(t));
  r.rules = std::move(rules);
  return r;
}

std::vector<Change> compare_packs(const Engine& before, const Engine& after,
                                  gsl::span<const LabelledTicket> tickets) {
  std::vector<Change> out;
  Evaluation ea, eb;
  DiagnoseOptions opts;
  opts.now = boost::posix_time::ptime(boost::gregorian::date(2026, 1, 1));
  std::vector<std::string> targets = {"urgency", "primary"};
  for (const auto& d : after.pack().dimensions) targets.insert(targets.begin(), d.id);
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    const Diagnosis a = before.diagnose(tickets[i].ticket, ea, opts);
    const Diagnosis b = after.diagnose(tickets[i].ticket, eb, opts);
    for (const auto& t : targets) {
      const std::string x = got(a, t), y = got(b, t);
      if (x == y) continue;
      auto want = tickets[i].expected.find(t);
      out.push_back({tickets[i].ticket.id.value_or("#" + std::to_string(i + 1)), t,
                     want == tickets[i].expected.end() ? "" : want->second, x, y});
    }
  }
  return out;
}

namespace {
double round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}
}  // namespace

boost::json::object to_json(const EvalReport& r) {
  boost::json::array targets;
  for (const auto& t : r.targets) {
    boost::json::object values, confusion;
    for (const auto& [v, s] : t.values) {
      values[v] = {{"precision", round3(s.precision())},
                   {"recall", round3(s.recall())},
                   {"f1", round3(s.f1())},
                   {"support", s.tp + s.fn}};
    }
    for (const auto& [want, row] : t.confusion) {
      boost::json::object ro;
      for (const auto& [g, n] : row) ro[g] = n;
      confusion[want] = std::move(ro);
    }
    targets.push_back({{"target", t.target},
                       {"scored", t.scored},
                       {"accuracy", round3(t.accuracy())},
                       {"coverage", round3(t.coverage())},
                       {"abstained", t.abstained},
                       {"values", std::move(values)},
                       {"confusion", std::move(confusion)}});
  }
  boost::json::array rules;
  for (const auto& rr : r.rules) {
    rules.push_back(
        {{"rule", rr.rule}, {"fired", rr.fired}, {"judged", rr.judged}, {"right", rr.right}});
  }
  return {{"pack", r.pack},
          {"tickets", r.tickets},
          {"targets", std::move(targets)},
          {"rules", std::move(rules)}};
}

std::string to_table(const EvalReport& r) {
  std::string out = "pack " + r.pack + ", " + std::to_string(r.tickets) + " tickets\n\n";
  char line[256];
  out += "target           scored  accuracy  coverage\n";
  for (const auto& t : r.targets) {
    std::snprintf(line, sizeof line, "%-16s %6zu  %7.1f%%  %7.1f%%\n", t.target.c_str(), t.scored,
                  100 * t.accuracy(), 100 * t.coverage());
    out += line;
  }
  for (const auto& t : r.targets) {
    out += "\n" + t.target + "\n  value                 precision  recall     F1  support\n";
    for (const auto& [v, s] : t.values) {
      std::snprintf(line, sizeof line, "  %-20s %9.3f %7.3f %6.3f %8zu\n", v.c_str(), s.precision(),
                    s.recall(), s.f1(), s.tp + s.fn);
      out += line;
    }
    out += "  confusion (expected → got):\n";
    for (const auto& [want, row] : t.confusion) {
      out += "    " + want + " →";
      for (const auto& [g, n] : row) out += " " + g + ":" + std::to_string(n);
      out += "\n";
    }
  }
  out += "\nrule                                         fired  judged  right\n";
  for (const auto& rr : r.rules) {
    std::snprintf(line, sizeof line, "%-44s %6zu %7zu %6zu\n", rr.rule.c_str(), rr.fired, rr.judged,
                  rr.right);
    out += line;
  }
  return out;
}

}  // namespace v1
}  // namespace triage
