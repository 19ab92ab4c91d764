#include "triage/validate.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "base/json_util.hpp"
#include "triage/fold.hpp"
#include "triage/matcher.hpp"

namespace triage {
inline namespace v1 {

std::string_view to_string(Finding::Severity s) noexcept {
  switch (s) {
    case Finding::Severity::error:
      return "error";
    case Finding::Severity::warning:
      return "warning";
    case Finding::Severity::info:
      return "info";
  }
  return "";
}

boost::json::object to_json(const Finding& f) {
  boost::json::array rules;
  for (const auto& r : f.rules) rules.emplace_back(r);
  boost::json::object o{{"severity", to_string(f.severity)},
                        {"code", f.code},
                        {"message", f.message},
                        {"where", f.where},
                        {"rules", std::move(rules)}};
  if (f.line) {
    o["line"] = f.line;
    o["column"] = f.column;
  }
  return o;
}

namespace {
std::string core(std::string_view kw) {  // the folded keyword without its * markers
  if (!kw.empty() && kw.front() == '*') kw.remove_prefix(1);
  if (!kw.empty() && kw.back() == '*') kw.remove_suffix(1);
  return fold(kw);
}

// The keywords of the top-level keys of a `when` (composites are not looked into: the lints
// below only judge what they can prove).
struct Keys {
  std::set<std::string> any, all, none;
  bool only_text_any = true;  // `when` is a plain text_any
};
Keys keys_of(const Condition& c) {
  Keys k;
  auto take = [&](const Condition& x) {
    for (const auto& v : x.values) {
      if (x.kind == Condition::Kind::text_any) k.any.insert(core(v));
      if (x.kind == Condition::Kind::text_all) k.all.insert(core(v));
      if (x.kind == Condition::Kind::text_none) k.none.insert(core(v));
    }
    if (x.kind != Condition::Kind::text_any) k.only_text_any = false;
  };
  if (c.kind == Condition::Kind::all_of) {
    for (const auto& ch : c.children) take(ch);
    if (c.children.empty()) k.only_text_any = false;
  } else {
    take(c);
  }
  return k;
}

// The value a rule pushes hardest in each dimension it scores.
std::map<std::string, std::string> strongest(const Rule& r) {
  std::map<std::string, std::pair<std::string, double>> best;
  for (const auto& s : r.scores) {
    auto it = best.find(s.dimension);
    if (s.weight > 0 && (it == best.end() || s.weight > it->second.second)) {
      best[s.dimension] = {s.value, s.weight};
    }
  }
  std::map<std::string, std::string> out;
  for (const auto& [d, v] : best) out[d] = v.first;
  return out;
}

void add(std::vector<Finding>& out, Finding::Severity sev, std::string code, std::string where,
         std::string message, std::vector<std::string> rules) {
  out.push_back(
      {sev, std::move(code), where + ": " + message, std::move(where), 0, 0, std::move(rules)});
}
}  // namespace

std::vector<Finding> validate_pack(std::string_view text, const EngineOptions& options,
                                   const ValidateOptions& validate) {
  std::vector<Finding> out;
  auto pack = parse_pack(text, options.limits);
  auto load_error = [&](const Error& e) {
    out.push_back({Finding::Severity::error,
                   std::string(errc_name(e.code)),
                   e.message,
                   e.where,
                   e.line,
                   e.column,
                   {}});
    return out;
  };
  if (!pack) return load_error(pack.error());
  auto engine = Engine::compile(*pack, options);
  if (!engine) {
    Error e = engine.error();
    detail::add_position(e, text);
    return load_error(e);
  }
  const Pack& p = *pack;

  // 1. Rules that can never fire: a required keyword that the rule's own text_none excludes.
  for (const auto& r : p.rules) {
    const Keys k = keys_of(r.when);
    for (const auto& kw : k.all) {
      if (k.none.count(kw)) {
        add(out, Finding::Severity::error, "never_fires", r.where + "/when",
            "rule " + r.id + " requires \"" + kw + "\" and excludes it", {r.id});
      }
    }
    if (!k.any.empty() && std::all_of(k.any.begin(), k.any.end(), [&](const std::string& kw) {
          return std::any_of(k.none.begin(), k.none.end(), [&](const std::string& n) {
            return kw.find(n) != std::string::npos;  // every keyword contains an excluded one
          });
        })) {
      add(out, Finding::Severity::error, "never_fires", r.where + "/when",
          "rule " + r.id + ": every keyword of text_any contains an excluded keyword", {r.id});
    }
  }

  // 2. Rules shadowed by a higher-priority final rule with the same or broader keywords.
  for (const auto& a : p.rules) {
    if (!a.final) continue;
    const Keys ka = keys_of(a.when);
    if (!ka.only_text_any || ka.any.empty()) continue;
    const auto da = strongest(a);
    for (const auto& b : p.rules) {
      if (&a == &b || b.priority >= a.priority) continue;
      const Keys kb = keys_of(b.when);
      if (!kb.only_text_any || kb.any.empty()) continue;
      const auto db = strongest(b);
      const bool dims_covered = !db.empty() && std::all_of(db.begin(), db.end(), [&](auto& d) {
        return da.count(d.first) > 0;
      });
      const bool broader =
          std::includes(ka.any.begin(), ka.any.end(), kb.any.begin(), kb.any.end());
      if (dims_covered && broader) {
        add(out, Finding::Severity::warning, "shadowed_rule", b.where,
            "rule " + b.id + " is shadowed by final rule " + a.id +
                " (higher priority, same or broader keywords, same dimensions)",
            {b.id, a.id});
      }
    }
  }

  // 3. Keywords of competing rules that contain each other: wherever the longer one occurs,
  //    the shorter one fires too, for another value of the same dimension.
  {
    struct Use {
      std::size_t rule;
      std::string dimension, value;
    };
    std::map<std::string, std::vector<Use>> uses;  // folded keyword → rules
    for (std::size_t i = 0; i < p.rules.size(); ++i) {
      const auto best = strongest(p.rules[i]);
      const Keys k = keys_of(p.rules[i].when);
      for (const auto& kw : k.any) {
        for (const auto& [d, v] : best) uses[kw].push_back({i, d, v});
      }
    }
    std::vector<std::string> words;
    std::vector<MatcherPattern> patterns;
    for (const auto& [kw, u] : uses) {
      patterns.push_back({kw, static_cast<std::uint32_t>(words.size()), false, false});
      words.push_back(kw);
    }
    auto matcher = Matcher::compile(patterns);
    std::set<std::pair<std::size_t, std::size_t>> reported;
    if (matcher) {
      std::vector<Match> hits;
      for (std::size_t w = 0; w < words.size(); ++w) {
        hits.clear();
        matcher->scan(words[w], hits);
        for (const auto& h : hits) {
          if (h.id == w) continue;  // itself
          for (const auto& outer : uses[words[w]]) {
            for (const auto& inner : uses[words[h.id]]) {
              if (outer.dimension != inner.dimension || outer.value == inner.value) continue;
              if (!reported.insert({inner.rule, outer.rule}).second) continue;
              const Rule& ri = p.rules[inner.rule];
              const Rule& ro = p.rules[outer.rule];
              add(out, Finding::Severity::info, "overlapping_keywords", ro.where + "/when",
                  "\"" + words[w] + "\" (rule " + ro.id + ", " + outer.dimension + "=" +
                      outer.value + ") contains \"" + words[h.id] + "\" (rule " + ri.id + ", " +
                      inner.dimension + "=" + inner.value + ")",
                  {ro.id, ri.id});
            }
          }
        }
      }
    }
  }

  // 4. Values no rule produces (and that are not the fallback).
  for (const auto& d : p.dimensions) {
    for (const auto& v : d.values) {
      const bool produced = std::any_of(p.rules.begin(), p.rules.end(), [&](const Rule& r) {
        return std::any_of(r.scores.begin(), r.scores.end(), [&](const Score& s) {
          return s.dimension == d.id && s.value == v.id && s.weight > 0;
        });
      });
      if (!produced && d.fallback != v.id) {
        // A pack with a learned model may leave a dimension to it (the default pack's
        // department): then it is worth knowing, not a mistake.
        add(out, p.model ? Finding::Severity::info : Finding::Severity::warning, "unproduced_value",
            d.where,
            "no rule scores " + d.id + "=" + v.id + (p.model ? ": only the learned model can" : ""),
            {});
      }
    }
  }

  // 5. Routing: rows that repeat another row's condition, and values without a handling group.
  if (p.routing) {
    const auto& rows = p.routing->rules;
    std::map<std::string, const RouteRule*> seen;
    const auto doc = boost::json::parse(text);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto* when = doc.at("routing").at("rules").at(i).as_object().if_contains("when");
      const std::string key = when ? boost::json::serialize(*when) : "{}";
      auto [it, added] = seen.emplace(key, &rows[i]);
      if (!added) {
        add(out, Finding::Severity::warning, "routing_overlap", rows[i].where,
            "routing row " + rows[i].id + " has the same condition as " + it->second->id +
                (it->second->priority >= rows[i].priority ? ", which always wins" : ""),
            {rows[i].id, it->second->id});
      }
    }
    if (!p.routing->group_dimension.empty()) {
      for (const auto& d : p.dimensions) {
        if (d.id != p.routing->group_dimension) continue;
        for (const auto& v : d.values) {
          const bool mapped = std::any_of(p.routing->groups.begin(), p.routing->groups.end(),
                                          [&](auto& g) { return g.first == v.id; });
          if (!mapped) {
            add(out, Finding::Severity::info, "routing_gap", "/routing/groups/map",
                d.id + "=" + v.id + " has no handling group; the default (" +
                    p.routing->default_group + ") is used",
                {});
          }
        }
      }
    }
  }
  // 7. Answers past their date, or about to be, at the instant asked about.
  if (validate.at) {
    namespace pt = boost::posix_time;
    const pt::ptime at = *validate.at;
    const pt::ptime soon = at + pt::hours(24) * validate.expiring_days;
    auto judge = [&](const Validity& v, const std::string& what, const std::string& id,
                     const std::string& where) {
      if (!v.valid_until) return;
      const std::string until = format_timestamp(*v.valid_until);
      if (v.valid_until->utc <= at) {
        add(out, Finding::Severity::warning, "expired", where + "/valid_until",
            what + " " + id + " expired at " + until + "; it is never chosen", {id});
      } else if (v.valid_until->utc <= soon) {
        add(out, Finding::Severity::warning, "expiring_soon", where + "/valid_until",
            what + " " + id + " expires at " + until + ", within " +
                std::to_string(validate.expiring_days) + " days",
            {id});
      }
    };
    for (const auto& t : p.templates) judge(t.validity, "template", t.id, t.where);
    for (const auto& k : p.knowledge) judge(k.validity, "knowledge entry", k.id, k.where);
  }
  for (auto& f : out) {
    if (f.line == 0 && !f.where.empty() && f.where[0] == '/') {
      detail::line_column(text, detail::locate_pointer(text, f.where), f.line, f.column);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Finding& a, const Finding& b) { return a.severity < b.severity; });
  return out;
}

}  // namespace v1
}  // namespace triage
