// Evaluation → Classification or Diagnosis: the labels decided, then each later stage (repeat
// contact, related tickets, urgency, route, SLA, response) reading only what came before.
#include "triage/engine.hpp"

#include <algorithm>

#include <boost/date_time/posix_time/posix_time.hpp>

#include "compile/compiled_pack.hpp"
#include "run/diagnosis_json.hpp"
#include "run/ticket_text.hpp"
#include "stages/stages.hpp"
#include "triage/language.hpp"

namespace triage {
inline namespace v1 {
using detail::CompiledPack;
using detail::CRule;
using detail::round3;
using detail::text_of;

namespace {
// What a dimension that decided nothing reports: its fallback, but only when nothing scored at
// all (a close call or weak evidence stays unanswered). Null: no value.
const std::string* silent_fallback(const Dimension& dim, gsl::span<const double> scores) {
  if (!dim.fallback || std::any_of(scores.begin(), scores.end(), [](double s) { return s > 0; }))
    return nullptr;
  return &*dim.fallback;
}
}  // namespace

std::optional<SlaPlan> Engine::what_if(const Ticket& ticket, const Calendar& changed,
                                       const DiagnoseOptions& opts) const {
  if (!impl_->pack.sla) return std::nullopt;
  Evaluation ev;
  const Diagnosis d = diagnose(ticket, ev, opts);  // labels, urgency and route as usual
  return detail::plan_sla(*impl_, ev, ticket, d.sla->start, changed);
}

Diagnosis Engine::diagnose(const Ticket& ticket, const DiagnoseOptions& opts) const {
  Evaluation ev;
  return diagnose(ticket, ev, opts);
}

namespace {
// Which repeat-contact patterns the keyword scan left possible (they follow the conditions'
// expressions in the gated numbering; see CompiledPack::gated_count).
gsl::span<const std::uint8_t> repeat_patterns_possible(const CompiledPack& cp,
                                                       const std::vector<std::uint8_t>& hit) {
  return gsl::span<const std::uint8_t>(hit).subspan(cp.regexes.size());
}

// Whether the learned model calls the ticket a repeat contact (the pack's
// repeat_contact.learned): that dimension's decided value is the one that means it.
bool learned_repeat(const CompiledPack& cp, const Evaluation& ev) {
  const std::int32_t d = cp.repeat_contact->learned_dimension();
  return d >= 0 && ev.decided(static_cast<std::size_t>(d)) == cp.repeat_contact->learned_value();
}
}  // namespace

bool Engine::repeat_contact_occurs(const Ticket& ticket, const Evaluation& ev,
                                   std::string& scratch) const {
  return impl_->repeat_contact &&
         (impl_->repeat_contact->occurs(ticket, scratch,
                                        repeat_patterns_possible(*impl_, ev.regex_hit_)) ||
          learned_repeat(*impl_, ev));
}

void Engine::classify(const Ticket& ticket, Evaluation& ev, Classification& out) const {
  const CompiledPack& cp = *impl_;
  evaluate(ticket, ev);
  out.labels.clear();
  for (std::size_t di = 0; di < cp.pack.dimensions.size(); ++di) {
    const auto& dim = cp.pack.dimensions[di];
    Classification::Label l{&dim.id, nullptr, ev.confidence_[di]};
    // The same value diagnose() reports: the decision, else the fallback when nothing scored.
    if (const std::int32_t best = ev.decided(di); best >= 0) {
      l.value = &dim.values[static_cast<std::size_t>(best)].id;
    } else if (const std::string* fallback = silent_fallback(dim, ev.scores(di))) {
      l.value = fallback;
      l.confidence = 0;
    }
    out.labels.push_back(l);
  }
  // Urgency and routing rules that ask whether this is a repeat contact look it up then
  // (Evaluation::repeat_contact); there is no linker here.
  out.urgency.reset();
  if (cp.pack.has_urgency) {
    const Urgency u = detail::assess_urgency(cp, ev, nullptr);
    ev.urgency_ = static_cast<std::int32_t>(u);
    out.urgency = u;
  }
  out.primary = nullptr;
  out.assisting = {};
  out.group = nullptr;
  if (cp.pack.routing) {
    const detail::RouteChoice c = detail::choose_route(cp, ev);
    ev.assisting_ = c.assisting->size();
    out.primary = c.primary;
    out.assisting = *c.assisting;
    out.group = c.group;
  }
}

Diagnosis Engine::diagnose(const Ticket& ticket, Evaluation& ev,
                           const DiagnoseOptions& opts) const {
  return diagnose_keys(ticket, ev, opts, ~std::uint32_t{0});
}

Diagnosis Engine::diagnose_keys(const Ticket& ticket, Evaluation& ev, const DiagnoseOptions& opts,
                                std::uint32_t keys) const {
  namespace pt = boost::posix_time;
  using Key = detail::DiagnosisKey;
  auto wants = [&](Key k) { return (keys >> static_cast<unsigned>(k)) & 1u; };
  // The response (questions, knowledge, template, conclusion) reads nearly every part before
  // it: asked for, it gets the whole diagnosis. Without it, a part nobody writes is skipped
  // when skipping it changes nothing else: urgency and routing conditions that ask for entities
  // or the repeat contact look them up themselves (Evaluation::supplied, ::repeat_contact), as
  // classify() does.
  if (wants(Key::questions) || wants(Key::knowledge) || wants(Key::template_) ||
      wants(Key::conclusion)) {
    keys = ~std::uint32_t{0};
  }
  const CompiledPack& cp = *impl_;
  evaluate(ticket, ev, wants(Key::entities));  // the diagnosis reports every entity
  Diagnosis d;
  d.ticket_id = ticket.id;
  d.pack_name = cp.pack.name;
  d.pack_version = cp.pack.version;
  const pt::ptime now = opts.now ? *opts.now : pt::second_clock::universal_time();
  const pt::ptime created = ticket.created_at ? ticket.created_at->utc : now;
  const auto day = desk_day(ticket, now);
  d.request_id = opts.request_id    ? *opts.request_id
                 : opts.request_ids ? opts.request_ids->next(day, ticket.channel)
                                    : format_request_id(day, ticket.channel, 1);

  auto span_of = [&](TextField f, std::uint32_t b, std::uint32_t e) {
    const std::string_view text = text_of(ticket, f);
    return MatchedSpan{std::string(to_string(f)), b, e, std::string(text.substr(b, e - b))};
  };
  // An expression's matches, field by field, read once per ticket however many contributions
  // cite its rule, and not at all when the scan or a condition already showed it cannot match.
  std::vector<std::pair<std::uint32_t, std::vector<MatchedSpan>>> regex_spans;
  auto regex_spans_of = [&](std::uint32_t ri) -> const std::vector<MatchedSpan>& {
    for (const auto& [regex, spans] : regex_spans) {
      if (regex == ri) return spans;
    }
    std::vector<MatchedSpan> spans;
    const auto state = ev.regex_hit_[ri];
    for (std::size_t f = 0; f < text_field_count && state != Evaluation::regex_impossible &&
                            state != Evaluation::regex_unmatched;
         ++f) {
      const std::string_view text = text_of(ticket, static_cast<TextField>(f));
      re2::StringPiece m;
      if (!text.empty() &&
          cp.regexes[ri]->get().Match(text, 0, text.size(), RE2::UNANCHORED, &m, 1)) {
        const auto b = static_cast<std::uint32_t>(m.data() - text.data());
        spans.push_back(
            span_of(static_cast<TextField>(f), b, b + static_cast<std::uint32_t>(m.size())));
      }
    }
    regex_spans.emplace_back(ri, std::move(spans));
    return regex_spans.back().second;
  };
  auto evidence_of = [&](const Contribution& c) {
    Evidence e;
    e.weight = c.weight;
    if (c.rule < 0) {
      e.source = std::string(cp.classifiers[c.source - 1u]->name());
      e.from_rule = false;
      return e;
    }
    const CRule& r = cp.rules[static_cast<std::size_t>(c.rule)];
    e.source = cp.pack.rules[r.pack_index].id;
    // A rule's keywords are numbered together as the pack lists them: a hit outside their range
    // is passed over without a search.
    for (const Hit& h : r.terms.empty() ? gsl::span<const Hit>() : ev.hits()) {
      if (h.term >= r.terms.front() && h.term <= r.terms.back() &&
          std::binary_search(r.terms.begin(), r.terms.end(), h.term)) {
        e.spans.push_back(span_of(h.field, h.begin, h.end));
      }
    }
    for (auto ri : r.regexes) {
      const auto& spans = regex_spans_of(ri);
      e.spans.insert(e.spans.end(), spans.begin(), spans.end());
    }
    return e;
  };

  d.labels.reserve(cp.pack.dimensions.size());
  for (std::size_t di = 0; di < cp.pack.dimensions.size(); ++di) {
    const auto& dim = cp.pack.dimensions[di];
    Label l;
    l.dimension = dim.id;
    // evaluate() decided every dimension already; the diagnosis reads its answer.
    // The decided value's index, or -1 (an index rather than an optional: GCC at -O1, as in the
    // tsan preset, took the optional for maybe-uninitialized).
    const std::int32_t best = ev.decided(di);
    l.confidence = ev.confidence_[di];
    const auto scores = ev.scores(di);
    l.candidates.reserve(static_cast<std::size_t>(
        std::count_if(scores.begin(), scores.end(), [](double s) { return s > 0; })));
    for (std::size_t v = 0; v < scores.size(); ++v) {
      if (scores[v] > 0) l.candidates.push_back({dim.values[v].id, round3(scores[v])});
    }
    // Best first, ties in the pack's order: an insertion sort, stable like std::stable_sort
    // without the buffer it allocates (a dimension has a handful of values).
    for (std::size_t i = 1; i < l.candidates.size(); ++i) {
      for (std::size_t j = i; j > 0 && l.candidates[j - 1].score < l.candidates[j].score; --j) {
        std::swap(l.candidates[j - 1], l.candidates[j]);
      }
    }
    if (best >= 0) {
      l.value = dim.values[static_cast<std::size_t>(best)].id;
    } else if (const std::string* fallback = silent_fallback(dim, scores)) {
      l.value = *fallback;
      l.confidence = 0;
    }
    for (const auto& c : ev.contributions()) {
      if (!wants(Key::labels))
        break;  // the evidence is read again from the text: only when written
      if (c.dimension != di) continue;
      if (best >= 0 && c.value != static_cast<std::uint16_t>(best)) continue;
      l.evidence.push_back(evidence_of(c));
    }
    d.labels.push_back(std::move(l));
  }
  for (auto ri : ev.fired_rules()) {
    for (const auto& t : cp.pack.rules[cp.rules[ri].pack_index].tags) {
      if (std::find(d.tags.begin(), d.tags.end(), t) == d.tags.end()) d.tags.push_back(t);
    }
  }
  for (const auto& e : wants(Key::entities) ? ev.entities() : gsl::span<const EntitySpan>()) {
    const auto f = static_cast<TextField>(e.field);
    auto span = span_of(f, e.begin, e.end);
    d.entities.push_back({std::string(to_string(e.kind)), span.text, std::move(span)});
  }
  // The language is written under its key, and read by the router (the agent's languages) and
  // the response.
  if (wants(Key::language) || opts.roster) d.language = std::string(detect_language(ticket.text));
  d.instant = created;
  // What the customer says about earlier contacts, and what the host's linker knows of them:
  // urgency, routing and the response may read both.
  if (cp.repeat_contact && wants(Key::repeat_contact)) {
    d.repeat_contact = cp.repeat_contact->find(ticket, repeat_patterns_possible(cp, ev.regex_hit_));
    if (!d.repeat_contact->found && learned_repeat(cp, ev)) {
      d.repeat_contact->found = true;
      d.repeat_contact->learned =
          ev.confidence_[static_cast<std::size_t>(cp.repeat_contact->learned_dimension())];
    }
    ev.repeat_contact_ = d.repeat_contact->found ? 1 : 0;
  }
  if (opts.linker) {
    d.related = opts.linker->related(ticket, created);
    ev.related_ = d.related->size();
  }
  // After classification: urgency, then who owns the ticket, then the clocks. Their
  // explanation is built only when it is written.
  std::vector<Explanation>* explain = wants(Key::explain) ? &d.explain : nullptr;
  if (cp.pack.has_urgency) {
    const Urgency u = detail::assess_urgency(cp, ev, explain);
    ev.urgency_ = static_cast<std::int32_t>(u);
    d.urgency = std::string(to_string(u));
  }
  if (cp.pack.routing) {
    Route route = detail::route_ticket(cp, ev, explain);
    ev.assisting_ = route.assisting.size();
    if (opts.roster) {
      static const RouterRegistry builtin_routers;
      const RouterRegistry& registry = opts.routers ? *opts.routers : builtin_routers;
      if (auto router = registry.find(route.router)) {
        RoutingRequest req{route.group, {}, d.language};
        for (const auto& l : d.labels) {
          if (l.value) req.needs.push_back(*l.value);
        }
        req.needs.insert(req.needs.end(), d.tags.begin(), d.tags.end());
        route.agent = router->assign(*opts.roster, req);
      }
    }
    d.route = std::move(route);
  }
  if (cp.pack.sla && wants(Key::sla)) {
    const Calendar& cal = detail::pick_calendar(cp, ev);
    SlaReport report{{}, cal, ticket.created_at ? ticket.created_at->utc : created};
    report.plan = detail::plan_sla(cp, ev, ticket, report.start, cal);
    d.sla = std::move(report);
  }
  if (wants(Key::conclusion)) detail::respond(cp, ev, ticket, d);  // all of the response, or none
  return d;
}

}  // namespace v1
}  // namespace triage
