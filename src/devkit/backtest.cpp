#include "triage/backtest.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

#include "base/json_util.hpp"
#include "compile/compiled_pack.hpp"
#include "triage/text_table.hpp"

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
double TargetReport::accuracy_when_answering() const noexcept {
  return answered() ? static_cast<double>(correct) / static_cast<double>(answered()) : 0.0;
}
double TargetReport::expected_calibration_error() const noexcept {
  std::size_t n = 0;
  for (const auto& b : calibration) n += b.tickets;
  if (n == 0) return 0.0;
  double ece = 0;
  for (const auto& b : calibration) {
    if (b.tickets == 0) continue;
    ece += std::abs(b.accuracy() - b.mean_confidence()) * static_cast<double>(b.tickets) /
           static_cast<double>(n);
  }
  return ece;
}
double CurvePoint::coverage() const noexcept {
  return scored ? static_cast<double>(answered) / static_cast<double>(scored) : 0.0;
}
double CurvePoint::accuracy() const noexcept {
  return answered ? static_cast<double>(right) / static_cast<double>(answered) : 0.0;
}
double CalibrationBin::accuracy() const noexcept {
  return tickets ? static_cast<double>(right) / static_cast<double>(tickets) : 0.0;
}
double CalibrationBin::mean_confidence() const noexcept {
  return tickets ? confidence_sum / static_cast<double>(tickets) : 0.0;
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

// Confidences such as 0.3 come out of a division; a threshold of 3/10 must still admit them.
constexpr double kTolerance = 1e-9;

void start_confidence_figures(TargetReport& t) {
  t.has_confidence = true;
  t.curve.resize(curve_points);
  for (std::size_t i = 0; i < curve_points; ++i) {
    t.curve[i].min_confidence = static_cast<double>(i) / static_cast<double>(curve_points);
  }
  t.calibration.resize(calibration_bins);
  for (std::size_t i = 0; i < calibration_bins; ++i) {
    t.calibration[i].from = static_cast<double>(i) / static_cast<double>(calibration_bins);
    t.calibration[i].to = static_cast<double>(i + 1) / static_cast<double>(calibration_bins);
  }
}

// One answer (or abstention) of a dimension, with the confidence the engine gave it.
void add_confidence_figures(TargetReport& t, bool answered, bool right, double confidence) {
  for (auto& p : t.curve) {
    ++p.scored;
    if (!answered || confidence + kTolerance < p.min_confidence) continue;
    ++p.answered;
    p.right += right;
  }
  if (!answered) return;
  const auto bin =
      std::min(calibration_bins - 1,
               static_cast<std::size_t>(std::max(0.0, confidence * calibration_bins + kTolerance)));
  CalibrationBin& b = t.calibration[bin];
  ++b.tickets;
  b.right += right;
  b.confidence_sum += confidence;
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
      const std::string value = got(d, target);
      if (t.target.empty()) {
        t.target = target;
        if (d.label(target)) start_confidence_figures(t);
      }
      if (const Label* l = d.label(target)) {
        add_confidence_figures(t, !value.empty(), value == want, l->confidence);
      }
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
      out.push_back({tickets[i].ticket.id.value_or("#" + std::to_string(i + 1)),
                     tickets[i].ticket.text, t,
                     want == tickets[i].expected.end() ? "" : want->second, x, y});
    }
  }
  return out;
}

namespace {
double round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}

// A share whose denominator may be zero: null then, as "none answered" is not "all wrong".
boost::json::value share(std::size_t n, std::size_t of) {
  if (of == 0) return nullptr;
  return round3(static_cast<double>(n) / static_cast<double>(of));
}

boost::json::object target_json(const TargetReport& t) {
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
  boost::json::object o = {{"target", t.target},
                           {"scored", t.scored},
                           {"answered", t.answered()},
                           {"accuracy", round3(t.accuracy())},
                           {"coverage", round3(t.coverage())},
                           {"accuracy_when_answering", share(t.correct, t.answered())},
                           {"abstained", t.abstained},
                           {"values", std::move(values)},
                           {"confusion", std::move(confusion)}};
  if (t.has_confidence) {
    boost::json::array curve, bins;
    for (const auto& p : t.curve) {
      curve.push_back({{"min_confidence", round3(p.min_confidence)},
                       {"answered", p.answered},
                       {"right", p.right},
                       {"coverage", share(p.answered, p.scored)},
                       {"accuracy_when_answering", share(p.right, p.answered)}});
    }
    for (const auto& b : t.calibration) {
      bins.push_back(
          {{"from", round3(b.from)},
           {"to", round3(b.to)},
           {"tickets", b.tickets},
           {"right", b.right},
           {"accuracy", share(b.right, b.tickets)},
           {"mean_confidence",
            b.tickets ? boost::json::value(round3(b.mean_confidence())) : boost::json::value()}});
    }
    o["curve"] = std::move(curve);
    o["calibration"] = std::move(bins);
    o["expected_calibration_error"] = round3(t.expected_calibration_error());
  }
  return o;
}

// The tables print the rounded figures of the JSON, so that every rendering agrees.
std::string percent(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * round3(x));
  return buf;
}
std::string fixed(double x, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, round3(x));
  return buf;
}
}  // namespace

boost::json::object to_json(const EvalReport& r) {
  boost::json::array targets;
  for (const auto& t : r.targets) targets.push_back(target_json(t));
  boost::json::array rules;
  for (const auto& rr : r.rules) {
    rules.push_back({{"rule", rr.rule},
                     {"fired", rr.fired},
                     {"judged", rr.judged},
                     {"right", rr.right},
                     {"precision", share(rr.right, rr.judged)}});
  }
  return {{"pack", r.pack},
          {"tickets", r.tickets},
          {"targets", std::move(targets)},
          {"rules", std::move(rules)}};
}

boost::json::object to_json(const Change& c) {
  return {{"ticket_id", c.ticket_id}, {"text", c.text},     {"target", c.target},
          {"expected", c.expected},   {"before", c.before}, {"after", c.after}};
}

std::string to_table(const EvalReport& r) {
  std::string out = "pack " + r.pack + ", " + std::to_string(r.tickets) + " tickets\n\n";
  TextTable summary{
      {"target", "scored", "answered", "accuracy", "coverage", "accuracy when answering", "ECE"},
      {false, true, true, true, true, true, true},
      {}};
  for (const auto& t : r.targets) {
    summary.rows.push_back({t.target, std::to_string(t.scored), std::to_string(t.answered()),
                            percent(t.accuracy()), percent(t.coverage()),
                            t.answered() ? percent(t.accuracy_when_answering()) : "-",
                            t.has_confidence ? fixed(t.expected_calibration_error(), 3) : "-"});
  }
  out += render(summary);
  out +=
      "\naccuracy when answering: right / answered. ECE: expected calibration error over answered\n"
      "tickets, 10 equal-width confidence bins.\n";
  for (const auto& t : r.targets) {
    if (!t.has_confidence) continue;
    out += "\n" + t.target + ": if min_confidence were\n";
    TextTable curve{{"min_confidence", "answered", "coverage", "accuracy when answering"},
                    {true, true, true, true},
                    {}};
    for (const auto& p : t.curve) {
      curve.rows.push_back({fixed(p.min_confidence, 1), std::to_string(p.answered),
                            percent(p.coverage()), p.answered ? percent(p.accuracy()) : "-"});
    }
    out += render(curve, "  ");
  }
  for (const auto& t : r.targets) {
    out += "\n" + t.target + "\n";
    TextTable values{
        {"value", "precision", "recall", "F1", "support"}, {false, true, true, true, true}, {}};
    for (const auto& [v, s] : t.values) {
      values.rows.push_back({v, fixed(s.precision(), 3), fixed(s.recall(), 3), fixed(s.f1(), 3),
                             std::to_string(s.tp + s.fn)});
    }
    out += render(values, "  ");
    out += "  confusion (expected → got):\n";
    for (const auto& [want, row] : t.confusion) {
      out += "    " + want + " →";
      for (const auto& [g, n] : row) out += " " + g + ":" + std::to_string(n);
      out += "\n";
    }
  }
  out += "\n";
  TextTable rules{{"rule", "fired", "judged", "right"}, {false, true, true, true}, {}};
  for (const auto& rr : r.rules) {
    rules.rows.push_back(
        {rr.rule, std::to_string(rr.fired), std::to_string(rr.judged), std::to_string(rr.right)});
  }
  out += render(rules);
  return out;
}

}  // namespace v1
}  // namespace triage
