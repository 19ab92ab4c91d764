#include <algorithm>
#include <cmath>
#include <cstdio>

#include "run/conditions.hpp"
#include "stages/stages.hpp"

namespace triage {
inline namespace v1 {
namespace detail {
namespace pt = boost::posix_time;

namespace {
bool applies(const CompiledPack& cp, std::uint32_t node, const Evaluation& ev) {
  return node == CompiledPack::npos || holds(cp, node, ev);
}

std::string pick(const Localized& text, std::string_view lang) {
  if (auto it = text.find(lang); it != text.end()) return it->second;
  if (auto it = text.find("zh-Hans"); it != text.end()) return it->second;
  return text.empty() ? std::string() : text.begin()->second;
}

// A title from an i18n table, or the id itself when the pack gives none.
std::string title(const std::map<std::string, Localized, std::less<>>& table, std::string_view key,
                  std::string_view lang, std::string_view fallback) {
  if (auto it = table.find(key); it != table.end()) return pick(it->second, lang);
  return std::string(fallback);
}

std::string join(const std::vector<std::string>& items, std::string_view lang) {
  const std::string sep = lang == "en" ? "; " : "；";
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string local_minutes(const Calendar& cal, pt::ptime t) {
  const auto l = cal.to_local(t);
  char buf[64];  // room for any int the format could be given (GCC checks at -O1)
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", static_cast<int>(l.date().year()),
                static_cast<int>(l.date().month()), static_cast<int>(l.date().day()),
                static_cast<int>(l.time_of_day().hours()),
                static_cast<int>(l.time_of_day().minutes()));
  return buf;
}

std::optional<std::string> entity_value(const Diagnosis& d, std::string_view type) {
  for (const auto& e : d.entities) {
    if (e.type == type) return e.value;
  }
  return std::nullopt;
}
}  // namespace

void respond(const CompiledPack& cp, const Evaluation& ev, const Ticket& ticket, Diagnosis& d) {
  const Pack& pack = cp.pack;
  const std::string lang = d.language;

  // 1. Questions: missing information first, then the dimensions the engine is unsure of.
  if (!pack.questions.empty() || !pack.clarify.empty()) {
    std::vector<Question> qs;
    for (std::size_t i = 0; i < pack.questions.size(); ++i) {
      const auto& q = pack.questions[i];
      if (!applies(cp, cp.question_when[i], ev) || ev.supplied(q.field)) continue;
      if (std::any_of(qs.begin(), qs.end(), [&](auto& x) { return x.field == q.field; })) continue;
      qs.push_back({q.id, q.field, "", pick(q.ask, lang)});
    }
    for (const auto& l : d.labels) {
      if (l.value || l.candidates.size() < 2) continue;
      auto c = pack.clarify.find(l.dimension);
      if (c == pack.clarify.end()) continue;
      std::string text = pick(c->second, lang);
      auto put = [&](std::string_view ph, const std::string& value) {
        const std::string key = l.dimension + "." + value;
        const std::string t = title(pack.i18n.values, key, lang, value);
        for (auto p = text.find(ph); p != std::string::npos; p = text.find(ph, p + t.size())) {
          text.replace(p, ph.size(), t);
        }
      };
      put("{first}", l.candidates[0].value);
      put("{second}", l.candidates[1].value);
      qs.push_back({"clarify." + l.dimension, "", l.dimension, std::move(text)});
    }
    d.questions = std::move(qs);
  }

  // 2. Known issues: entries whose conditions hold, ranked by their keywords in the text.
  if (!pack.knowledge.empty()) {
    std::vector<KnownIssueMatch> found;
    for (std::size_t i = 0; i < pack.knowledge.size(); ++i) {
      const KnowledgeEntry& k = pack.knowledge[i];
      // An entry whose condition needs a keyword of its own that the text lacks is not tested.
      if (!EngineAccess::slot_open(ev, cp.knowledge_slot_base + static_cast<std::uint32_t>(i)))
        continue;
      // Outside its window an answer is never given, however well it matches.
      if (!k.validity.contains(d.instant) || !holds(cp, cp.knowledge[i].when, ev)) continue;
      KnownIssueMatch m;
      m.id = k.id;
      m.title = pick(k.title, lang);
      for (auto t : cp.knowledge[i].terms) {
        if (ev.term_hit(t)) m.matched.emplace_back(cp.terms[t]);
      }
      const double hits = static_cast<double>(std::min<std::size_t>(m.matched.size(), 3));
      m.score = std::round((0.6 + 0.4 * hits / 3.0) * 1000.0) / 1000.0;
      m.cause = pick(k.cause, lang);
      if (auto it = k.immediate.find(lang); it != k.immediate.end()) m.immediate = it->second;
      m.long_term = pick(k.long_term, lang);
      m.owner = k.owner;
      found.push_back(std::move(m));
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.score > b.score; });
    if (found.size() > 3) found.resize(3);
    d.knowledge = std::move(found);
  }

  // 3. The conclusion.
  if (d.knowledge || d.questions) {
    Conclusion c;
    const KnownIssueMatch* best =
        d.knowledge && !d.knowledge->empty() ? &d.knowledge->front() : nullptr;
    for (const auto& l : d.labels) {
      if (!l.value) c.unsure.push_back(l.dimension);
    }
    if (d.questions) {
      for (const auto& q : *d.questions) {
        if (!q.field.empty()) c.missing.push_back(q.field);
      }
    }
    c.status = best                                        ? "known_issue"
               : (!c.missing.empty() || !c.unsure.empty()) ? "needs_information"
                                                           : "new_problem";
    if (best) {
      c.root_cause = best->cause;
      c.known_issue = best->id;
      c.immediate_actions = best->immediate;
      c.long_term_action = best->long_term;
    }
    if (d.route) {
      c.departments.push_back(d.route->primary);
      c.departments.insert(c.departments.end(), d.route->assisting.begin(),
                           d.route->assisting.end());
    }
    c.owner = best ? best->owner : d.route ? d.route->primary : std::string();
    c.expected_completion = c.next_contact = pt::ptime(pt::not_a_date_time);
    if (d.sla) {
      for (const char* name : {"resolution", "assessment", "plan"}) {
        if (const SlaTarget* t = d.sla->plan.find(name); t && !t->due.is_not_a_date_time()) {
          c.expected_completion = t->due;
          break;
        }
      }
      for (const char* name : {"first_response", "acknowledge"}) {
        if (const SlaTarget* t = d.sla->plan.find(name); t && !t->due.is_not_a_date_time()) {
          c.next_contact = t->due;
          break;
        }
      }
      c.follow_up_visit = d.sla->plan.find("follow_up") != nullptr;
    }
    d.conclusion = std::move(c);
  }

  // 4. The response: a template chosen by a rule, else by the state of the diagnosis.
  if (!pack.templates.empty()) {
    std::int32_t chosen = -1;
    auto valid = [&](std::size_t t) { return pack.templates[t].validity.contains(d.instant); };
    for (auto ri : ev.fired_rules()) {
      if (cp.rule_template[ri] >= 0 && valid(static_cast<std::size_t>(cp.rule_template[ri]))) {
        chosen = cp.rule_template[ri];
        break;
      }
    }
    if (chosen < 0) {
      const bool asking = d.questions && !d.questions->empty();
      const bool known = d.knowledge && !d.knowledge->empty();
      const std::string_view kind = asking  ? "clarification"
                                    : known ? "apology_solution"
                                            : "opening";
      for (std::size_t i = 0; i < pack.templates.size() && chosen < 0; ++i) {
        if (pack.templates[i].kind == kind && valid(i) && applies(cp, cp.templates[i].when, ev)) {
          chosen = static_cast<std::int32_t>(i);
        }
      }
    }
    if (chosen >= 0) {
      const TemplateSpec& spec = pack.templates[static_cast<std::size_t>(chosen)];
      const auto& compiled = cp.templates[static_cast<std::size_t>(chosen)].text;
      auto it = compiled.find(lang);
      if (it == compiled.end()) it = compiled.begin();
      const KnownIssueMatch* best =
          d.knowledge && !d.knowledge->empty() ? &d.knowledge->front() : nullptr;
      auto due = [&](const char* name) -> std::optional<std::string> {
        if (!d.sla) return std::nullopt;
        const SlaTarget* t = d.sla->plan.find(name);
        if (!t || t->due.is_not_a_date_time()) return std::nullopt;
        return local_minutes(*d.sla->calendar, t->due);
      };
      auto label = [&](std::string_view dim) -> std::optional<std::string> {
        const Label* l = d.label(dim);
        if (!l || !l->value) return std::nullopt;
        return title(pack.i18n.values, std::string(dim) + "." + *l->value, lang, *l->value);
      };
      auto lookup = [&](std::string_view name) -> std::optional<std::string> {
        const Customer* cu = ticket.customer ? &*ticket.customer : nullptr;
        if (name == "request_id") return d.request_id;
        if (name == "ticket.id") return ticket.id;
        if (name == "customer.name") return cu ? cu->name : std::nullopt;
        if (name == "product") return ticket.product;
        if (name == "module") return ticket.module;
        if (name == "order_id")
          return ticket.order_id ? ticket.order_id : entity_value(d, "order_id");
        if (name == "error_message") {
          return ticket.error_message ? ticket.error_message : entity_value(d, "error_code");
        }
        if (name == "version") return ticket.version ? ticket.version : entity_value(d, "version");
        if (name == "os") return ticket.os ? ticket.os : entity_value(d, "os");
        if (name == "problem_type" || name == "request_kind" || name == "scenario" ||
            name == "demand") {
          return label(name);
        }
        if (name == "urgency") {
          if (!d.urgency) return std::nullopt;
          return title(pack.i18n.urgency, *d.urgency, lang, *d.urgency);
        }
        if (name == "primary") {
          if (!d.route) return std::nullopt;
          return title(pack.i18n.departments, d.route->primary, lang, d.route->primary);
        }
        if (name == "assisting") {
          if (!d.route || d.route->assisting.empty()) return std::nullopt;
          std::string out;
          for (const auto& a : d.route->assisting) {
            if (!out.empty()) out += lang == "en" ? ", " : "、";
            out += title(pack.i18n.departments, a, lang, a);
          }
          return out;
        }
        if (name == "first_response_due") return due("first_response");
        if (name == "resolution_due") return due("resolution");
        if (name == "plan_due") return due("plan");
        if (name == "questions") {
          if (!d.questions || d.questions->empty()) return std::nullopt;
          const auto& qs = *d.questions;
          if (qs.size() == 1) return qs.front().text;
          std::string out;  // "1) … 2) …", written in place
          for (std::size_t i = 0; i < qs.size(); ++i) {
            if (i) out += ' ';
            out += std::to_string(i + 1);
            out += ") ";
            out += qs[i].text;
          }
          return out;
        }
        if (name == "cause") return best ? std::optional(best->cause) : std::nullopt;
        if (name == "immediate") {
          return best && !best->immediate.empty() ? std::optional(join(best->immediate, lang))
                                                  : std::nullopt;
        }
        if (name == "long_term") return best ? std::optional(best->long_term) : std::nullopt;
        if (name == "agent") return d.route ? d.route->agent : std::nullopt;
        if (name == "related_channel" || name == "related_ticket") {
          if (!d.related || d.related->empty()) return std::nullopt;
          const RelatedTicket& r = d.related->front();
          if (name == "related_ticket") return r.ticket_id;
          if (r.channel.empty()) return std::nullopt;
          return title(pack.i18n.channels, r.channel, lang, r.channel);
        }
        if (name == "repeat_count") {
          if (!d.repeat_contact || !d.repeat_contact->count) return std::nullopt;
          return std::to_string(*d.repeat_contact->count);
        }
        return std::nullopt;
      };
      d.response = RenderedTemplate{spec.id, spec.kind, it->first, it->second.render(lookup)};
    }
  }
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
