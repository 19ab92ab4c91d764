// The diagnosis JSON without a document: each key written as to_json (diagnosis.cpp) builds it,
// in the same order, with the same numbers and escapes. Nothing here allocates once `out` has
// room: numbers and instants are formatted on the stack.
#include "run/diagnosis_json.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

#include "base/json_util.hpp"
#include "base/timestamp_format.hpp"

namespace triage {
inline namespace v1 {
namespace detail {
namespace {
namespace pt = boost::posix_time;

constexpr std::string_view kNames[diagnosis_key_count] = {
    "ticket_id", "request_id", "pack",     "labels",     "tags",           "entities",
    "language",  "urgency",    "route",    "sla",        "repeat_contact", "related",
    "questions", "knowledge",  "template", "conclusion", "explain"};

// One JSON text being appended to `out`; `comma` is set after each member or element so that the
// next one is preceded by ','.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void open_object() {
    out_ += '{';
    comma_ = false;
  }
  void close_object() {
    out_ += '}';
    comma_ = true;
  }
  void open_array() {
    out_ += '[';
    comma_ = false;
  }
  void close_array() {
    out_ += ']';
    comma_ = true;
  }
  // A member's key; `key` is a literal that needs no escaping.
  void key(std::string_view key) {
    // `,"key":` in one append: a line has a couple of hundred keys.
    char buf[64];
    std::size_t n = 0;
    if (key.size() + 4 > sizeof buf) {
      separate();
      out_ += '"';
      out_ += key;
      out_ += "\":";
    } else {
      if (comma_) buf[n++] = ',';
      buf[n++] = '"';
      std::memcpy(buf + n, key.data(), key.size());
      n += key.size();
      buf[n++] = '"';
      buf[n++] = ':';
      out_.append(buf, n);
    }
    comma_ = false;
  }
  // A member's key from data (a pack's dimension id): escaped.
  void key_escaped(std::string_view key) {
    separate();
    append_json_string(key, out_);
    out_ += ':';
    comma_ = false;
  }
  // An array element's separator.
  void element() { separate(); }

  void string(std::string_view s) {
    append_json_string(s, out_);
    comma_ = true;
  }
  void nullable(const std::optional<std::string>& s) {
    if (s)
      string(*s);
    else
      null();
  }
  void null() {
    out_ += "null";
    comma_ = true;
  }
  void boolean(bool b) {
    out_ += b ? "true" : "false";
    comma_ = true;
  }
  // As detail::write_json writes a double: shortest round-trip form, null when not finite.
  void number(double d) {
    if (!std::isfinite(d)) return null();
    char buf[32];
    out_.append(buf, shortest_double(buf, d));
    comma_ = true;
  }
  template <class Int>
  void integer(Int i) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, i);
    out_.append(buf, r.ptr);
    comma_ = true;
  }
  // An instant in a zone, as Calendar::format and format_timestamp write it.
  void instant(pt::ptime utc, int offset_minutes) {
    char buf[64];
    string(std::string_view(buf, format_timestamp_to(buf, utc, offset_minutes)));
  }
  // On a calendar; null when not set (to_json's `instant` lambdas).
  void instant_or_null(pt::ptime utc, const Calendar* cal) {
    if (utc.is_not_a_date_time() || !cal) return null();
    instant(utc, cal->offset_minutes(utc));
  }
  void strings(const std::vector<std::string>& v) {
    open_array();
    for (const auto& s : v) {
      element();
      string(s);
    }
    close_array();
  }

 private:
  void separate() {
    if (comma_) out_ += ',';
  }
  std::string& out_;
  bool comma_ = false;
};

void span(Writer& w, const MatchedSpan& s, bool with_text) {
  w.open_object();
  w.key("field");
  w.string(s.field);
  w.key("start");
  w.integer(s.begin);
  w.key("end");
  w.integer(s.end);
  if (with_text) {
    w.key("text");
    w.string(s.text);
  }
}

void labels(Writer& w, const Diagnosis& d) {
  w.open_object();
  for (const auto& l : d.labels) {
    w.key_escaped(l.dimension);
    w.open_object();
    w.key("value");
    w.nullable(l.value);
    w.key("confidence");
    w.number(l.confidence);
    w.key("evidence");
    w.open_array();
    for (const auto& e : l.evidence) {
      w.element();
      w.open_object();
      w.key(e.from_rule ? "rule" : "classifier");
      w.string(e.source);
      w.key("weight");
      w.number(e.weight);
      w.key("spans");
      w.open_array();
      for (const auto& s : e.spans) {
        w.element();
        span(w, s, true);
        w.close_object();
      }
      w.close_array();
      w.close_object();
    }
    w.close_array();
    w.key("candidates");
    w.open_array();
    for (const auto& c : l.candidates) {
      w.element();
      w.open_object();
      w.key("value");
      w.string(c.value);
      w.key("score");
      w.number(c.score);
      w.close_object();
    }
    w.close_array();
    w.close_object();
  }
  w.close_object();
}

void route(Writer& w, const Route& r) {
  w.open_object();
  w.key("primary");
  w.string(r.primary);
  w.key("assisting");
  w.strings(r.assisting);
  w.key("coordinator");
  w.nullable(r.coordinator);
  w.key("group");
  w.string(r.group);
  w.key("rule");
  w.string(r.rule);
  w.key("router");
  w.string(r.router);
  if (r.agent) {
    w.key("agent");
    w.string(*r.agent);
  }
  w.close_object();
}

void sla(Writer& w, const SlaReport& report) {
  const Calendar& cal = *report.calendar;
  w.open_object();
  w.key("calendar");
  w.string(report.plan.calendar);
  w.key("start");
  w.instant_or_null(report.start, &cal);
  // Each deadline in the local time of the calendar it was computed on.
  for (const char* name : {"first_response", "resolution"}) {
    const SlaTarget* t = report.plan.find(name);
    w.key(name[0] == 'f' ? "first_response_due" : "resolution_due");
    if (t)
      w.instant_or_null(t->due, &t->calendar_or(cal));
    else
      w.null();
  }
  w.key("targets");
  w.open_array();
  for (const auto& t : report.plan.targets) {
    const Calendar& tcal = t.calendar_or(cal);
    w.element();
    w.open_object();
    w.key("name");
    w.string(t.name);
    w.key("calendar");
    w.string(tcal.id());
    w.key("due");
    w.instant_or_null(t.due, &tcal);
    w.key("clock");
    w.string(to_string(t.duration.clock));
    w.key("from");
    w.string(t.from_resolution ? "resolved" : "created");
    if (t.duration.clock == Clock::working_days) {
      w.key("working_days");
      w.integer(t.duration.days);
    } else if (t.duration.clock != Clock::business_day) {
      w.key("seconds");
      w.integer(t.duration.seconds);
    }
    w.key("warn_at");
    w.instant_or_null(t.warn_at, &tcal);
    w.key("escalate_at");
    w.instant_or_null(t.escalate_at, &tcal);
    if (!t.notify.empty()) {
      w.key("notify");
      w.string(t.notify);
    }
    w.close_object();
  }
  w.close_array();
  w.close_object();
}

void value(Writer& w, const Diagnosis& d, DiagnosisKey k) {
  switch (k) {
    case DiagnosisKey::ticket_id:
      return w.nullable(d.ticket_id);
    case DiagnosisKey::request_id:
      return w.string(d.request_id);
    case DiagnosisKey::pack:
      w.open_object();
      w.key("name");
      w.string(d.pack_name);
      w.key("version");
      w.string(d.pack_version);
      return w.close_object();
    case DiagnosisKey::labels:
      return labels(w, d);
    case DiagnosisKey::tags:
      return w.strings(d.tags);
    case DiagnosisKey::entities:
      w.open_array();
      for (const auto& e : d.entities) {
        w.element();
        span(w, e.span, false);
        w.key("type");
        w.string(e.type);
        w.key("value");
        w.string(e.value);
        w.close_object();
      }
      return w.close_array();
    case DiagnosisKey::language:
      return w.string(d.language);
    case DiagnosisKey::urgency:
      return w.string(*d.urgency);
    case DiagnosisKey::route:
      return route(w, *d.route);
    case DiagnosisKey::sla:
      return sla(w, *d.sla);
    case DiagnosisKey::repeat_contact: {
      const RepeatContact& rc = *d.repeat_contact;
      w.open_object();
      w.key("found");
      w.boolean(rc.found);
      w.key("evidence");
      w.open_array();
      for (const auto& s : rc.evidence) {
        w.element();
        span(w, s, true);
        w.close_object();
      }
      w.close_array();
      w.key("count");
      if (rc.count)
        w.integer(*rc.count);
      else
        w.null();
      w.key("days_since");
      if (rc.days_since)
        w.integer(*rc.days_since);
      else
        w.null();
      w.key("learned");
      if (rc.learned)
        w.number(*rc.learned);
      else
        w.null();
      return w.close_object();
    }
    case DiagnosisKey::related:
      w.open_array();
      for (const auto& r : *d.related) {
        w.element();
        w.open_object();
        w.key("ticket_id");
        w.string(r.ticket_id);
        w.key("channel");
        w.string(r.channel);
        w.key("reason");
        w.string(r.reason);
        w.key("score");
        w.number(r.score);
        w.key("created_at");
        w.instant(r.created.utc, r.created.offset_minutes);
        w.close_object();
      }
      return w.close_array();
    case DiagnosisKey::questions:
      w.open_array();
      for (const auto& q : *d.questions) {
        w.element();
        w.open_object();
        w.key("id");
        w.string(q.id);
        w.key("text");
        w.string(q.text);
        if (!q.field.empty()) {
          w.key("field");
          w.string(q.field);
        }
        if (!q.dimension.empty()) {
          w.key("dimension");
          w.string(q.dimension);
        }
        w.close_object();
      }
      return w.close_array();
    case DiagnosisKey::knowledge:
      w.open_array();
      for (const auto& k : *d.knowledge) {
        w.element();
        w.open_object();
        w.key("id");
        w.string(k.id);
        w.key("title");
        w.string(k.title);
        w.key("score");
        w.number(k.score);
        w.key("matched");
        w.strings(k.matched);
        w.key("cause");
        w.string(k.cause);
        w.key("immediate");
        w.strings(k.immediate);
        w.key("long_term");
        w.string(k.long_term);
        w.key("owner");
        w.string(k.owner);
        w.close_object();
      }
      return w.close_array();
    case DiagnosisKey::template_: {
      const RenderedTemplate& t = *d.response;
      w.open_object();
      w.key("id");
      w.string(t.id);
      w.key("kind");
      w.string(t.kind);
      w.key("language");
      w.string(t.language);
      w.key("text");
      w.string(t.text);
      return w.close_object();
    }
    case DiagnosisKey::conclusion: {
      const Conclusion& c = *d.conclusion;
      const Calendar* cal = d.sla && d.sla->calendar ? &*d.sla->calendar : nullptr;
      w.open_object();
      w.key("status");
      w.string(c.status);
      w.key("root_cause");
      w.nullable(c.root_cause);
      w.key("known_issue");
      w.nullable(c.known_issue);
      w.key("owner");
      w.string(c.owner);
      w.key("departments");
      w.strings(c.departments);
      w.key("immediate_actions");
      w.strings(c.immediate_actions);
      w.key("long_term_action");
      w.nullable(c.long_term_action);
      w.key("expected_completion");
      w.instant_or_null(c.expected_completion, cal);
      w.key("next_contact");
      w.instant_or_null(c.next_contact, cal);
      w.key("follow_up_visit");
      w.boolean(c.follow_up_visit);
      w.key("missing");
      w.strings(c.missing);
      w.key("unsure");
      w.strings(c.unsure);
      return w.close_object();
    }
    case DiagnosisKey::explain:
      w.open_array();
      for (const auto& e : d.explain) {
        w.element();
        w.open_object();
        w.key("step");
        w.string(e.step);
        w.key("rule");
        w.string(e.rule);
        w.key("effect");
        w.string(e.effect);
        w.key("why");
        w.string(e.why);
        w.close_object();
      }
      return w.close_array();
  }
}
}  // namespace

std::optional<DiagnosisKey> diagnosis_key(std::string_view name) noexcept {
  for (std::size_t i = 0; i < diagnosis_key_count; ++i) {
    if (kNames[i] == name) return static_cast<DiagnosisKey>(i);
  }
  return std::nullopt;
}

bool has_key(const Diagnosis& d, DiagnosisKey k) noexcept {
  switch (k) {
    case DiagnosisKey::urgency:
      return d.urgency.has_value();
    case DiagnosisKey::route:
      return d.route.has_value();
    case DiagnosisKey::sla:
      return d.sla && d.sla->calendar;
    case DiagnosisKey::repeat_contact:
      return d.repeat_contact.has_value();
    case DiagnosisKey::related:
      return d.related.has_value();
    case DiagnosisKey::questions:
      return d.questions.has_value();
    case DiagnosisKey::knowledge:
      return d.knowledge.has_value();
    case DiagnosisKey::template_:
      return d.response.has_value();
    case DiagnosisKey::conclusion:
      return d.conclusion.has_value();
    case DiagnosisKey::explain:
      return d.urgency || d.route;
    default:
      return true;
  }
}

void write_value(const Diagnosis& d, DiagnosisKey k, std::string& out) {
  Writer w(out);
  value(w, d, k);
}

void write_diagnosis(const Diagnosis& d, std::string& out) {
  Writer w(out);
  w.open_object();
  for (std::size_t i = 0; i < diagnosis_key_count; ++i) {
    const auto k = static_cast<DiagnosisKey>(i);
    if (!has_key(d, k)) continue;
    w.key(kNames[i]);
    value(w, d, k);
  }
  w.close_object();
}

void write_cell(const Diagnosis& d, DiagnosisKey k, std::string_view sub, std::string_view member,
                std::string& out) {
  if (!has_key(d, k)) return;
  // Joined by ';' as the cell has always been: a separator only once the cell holds something
  // (["", "a"] gives "a").
  const std::size_t start = out.size();
  auto join = [&](const std::vector<std::string>& v) {
    for (const auto& s : v) {
      if (out.size() > start) out += ';';
      out += s;
    }
  };
  Writer w(out);
  switch (k) {
    case DiagnosisKey::ticket_id:
      if (d.ticket_id) out += *d.ticket_id;
      return;
    case DiagnosisKey::request_id:
      out += d.request_id;
      return;
    case DiagnosisKey::language:
      out += d.language;
      return;
    case DiagnosisKey::urgency:
      out += *d.urgency;
      return;
    case DiagnosisKey::tags:
      return join(d.tags);
    case DiagnosisKey::labels: {
      if (sub.empty()) return value(w, d, k);
      // As a JSON object keyed by dimension reads it: the last label of that dimension.
      const Label* l = nullptr;
      for (const auto& x : d.labels) {
        if (x.dimension == sub) l = &x;
      }
      if (!l || member.empty()) return;
      if (member == "value" && l->value) out += *l->value;
      if (member == "confidence") w.number(l->confidence);
      return;
    }
    case DiagnosisKey::route:
      if (sub.empty()) return value(w, d, k);
      if (sub == "primary") out += d.route->primary;
      if (sub == "assisting") join(d.route->assisting);
      if (sub == "group") out += d.route->group;
      return;
    case DiagnosisKey::sla: {
      if (sub.empty()) return value(w, d, k);
      const SlaReport& r = *d.sla;
      const SlaTarget* t = sub == "first_response_due" ? r.plan.find("first_response")
                           : sub == "resolution_due"   ? r.plan.find("resolution")
                                                       : nullptr;
      if (!t || t->due.is_not_a_date_time()) return;
      char buf[64];
      out.append(buf, format_timestamp_to(buf, t->due,
                                          t->calendar_or(*r.calendar).offset_minutes(t->due)));
      return;
    }
    case DiagnosisKey::entities:
      if (!d.entities.empty()) value(w, d, k);
      return;
    case DiagnosisKey::related:
      if (!d.related->empty()) value(w, d, k);
      return;
    case DiagnosisKey::questions:
      if (!d.questions->empty()) value(w, d, k);
      return;
    case DiagnosisKey::knowledge:
      if (!d.knowledge->empty()) value(w, d, k);
      return;
    case DiagnosisKey::explain:
      if (!d.explain.empty()) value(w, d, k);
      return;
    case DiagnosisKey::pack:
    case DiagnosisKey::repeat_contact:
    case DiagnosisKey::template_:
    case DiagnosisKey::conclusion:
      return value(w, d, k);
  }
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
