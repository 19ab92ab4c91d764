// The diagnosis: a plain value, and its JSON form (the stable output of CLI, C ABI and Python).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <gsl/span>

#include "triage/calendar.hpp"
#include "triage/sla.hpp"
#include "triage/timestamp.hpp"

namespace triage {
inline namespace v1 {

struct MatchedSpan {
  std::string field;                 ///< "text", "subject" or "error_message"
  std::uint32_t begin = 0, end = 0;  ///< byte offsets in that field
  std::string text;                  ///< the bytes matched, as the customer wrote them
};

struct Evidence {
  std::string source;  ///< the rule id, or the name of the classifier
  bool from_rule = true;
  double weight = 0;
  std::vector<MatchedSpan> spans;
};

struct Candidate {
  std::string value;
  double score = 0;
};

struct Label {
  std::string dimension;
  std::optional<std::string> value;  ///< empty when the evidence is too weak to decide
  double confidence = 0;
  std::vector<Evidence> evidence;     ///< for the chosen value (all values when undecided)
  std::vector<Candidate> candidates;  ///< every value that scored, best first
};

struct FoundEntity {
  std::string type;  ///< order_id, error_code, version, phone, email, os
  std::string value;
  MatchedSpan span;
};

/// One step of reasoning the diagnosis took beyond scoring (urgency, routing).
struct Explanation {
  std::string step;    ///< "urgency" or "route"
  std::string rule;    ///< the rule id, or "default"
  std::string effect;  ///< what it did: "set high", "raise 1", "primary finance"
  std::string why;     ///< the rule's description
};

struct Route {
  std::string primary;                     ///< the department that owns the ticket
  std::vector<std::string> assisting;      ///< departments that help
  std::optional<std::string> coordinator;  ///< coordinates when several departments are involved
  std::string group;                       ///< handling group inside the help desk
  std::string rule;                        ///< the routing row that decided, or "default"
  std::optional<std::string> agent;        ///< set when the host passed a roster
  std::string router;                      ///< the router that picked (or would pick) the agent
};

/// The deadlines of one ticket, with the calendar they were computed on (for local times).
struct SlaReport {
  SlaPlan plan;
  std::optional<Calendar> calendar;
  boost::posix_time::ptime start;  ///< when the clocks started (created_at, or now)
};

/// Something the help desk should ask the customer.
struct Question {
  std::string id;
  std::string field;      ///< the missing field it asks for (empty for clarifications)
  std::string dimension;  ///< for clarifications: the dimension that is unsure
  std::string text;       ///< in the ticket's language
};

struct KnownIssueMatch {
  std::string id, title;
  double score = 0;
  std::vector<std::string> matched;  ///< the ranking keywords found in the text
  std::string cause;
  std::vector<std::string> immediate;
  std::string long_term;
  std::string owner;
};

/// The customer says this is not the first contact about the matter: the phrases that say so,
/// and, when the text states them, how many contacts and how long since the first.
struct RepeatContact {
  bool found = false;
  std::vector<MatchedSpan> evidence;  ///< in text order
  std::optional<int> count;           ///< "都来第8次了" → 8, "third time" → 3
  std::optional<int> days_since;  ///< "一个星期" → 7, "10多天" → 10, "two weeks" → 14
  /// Found by the learned model (the pack's `repeat_contact.learned`) where no expression
  /// matched: its confidence. Such a finding has no evidence spans.
  std::optional<double> learned;
};

/// An open ticket the host's linker relates to this one (see linker.hpp).
struct RelatedTicket {
  std::string ticket_id;
  std::string channel;  ///< as in the ticket ("" when it had none)
  std::string reason;   ///< customer_id, phone, email or similar_text
  double score = 0;     ///< 1 for an identity match; the text similarity otherwise
  Timestamp created;    ///< as the ticket gave it (or the instant it was diagnosed at)
};

struct RenderedTemplate {
  std::string id, kind, language, text;
};

/// The help-desk lead's summary: what is probably wrong, who acts, what happens next.
struct Conclusion {
  std::string status;  ///< known_issue, new_problem or needs_information
  std::optional<std::string> root_cause;
  std::optional<std::string> known_issue;
  std::string owner;  ///< the department that acts first
  std::vector<std::string> departments;
  std::vector<std::string> immediate_actions;
  std::optional<std::string> long_term_action;
  boost::posix_time::ptime expected_completion;  ///< from the SLA (not_a_date_time if none)
  boost::posix_time::ptime next_contact;
  bool follow_up_visit = false;
  std::vector<std::string> missing;  ///< fields asked for
  std::vector<std::string> unsure;   ///< dimensions without a decision
};

struct Diagnosis {
  std::optional<std::string> ticket_id;
  std::string request_id;
  std::string pack_name, pack_version;
  std::vector<Label> labels;  ///< in the pack's dimension order
  std::vector<std::string> tags;
  std::vector<FoundEntity> entities;
  /// The instant the diagnosis is for: the ticket's created_at, or the `now` it was given.
  /// Validity windows are judged at it (not serialised: created_at is in the ticket).
  boost::posix_time::ptime instant;
  std::string language;                ///< zh-Hans, zh-Hant or en
  std::optional<std::string> urgency;  ///< set when the pack has an urgency section
  std::optional<Route> route;          ///< set when the pack has a routing section
  std::optional<SlaReport> sla;        ///< set when the pack has an SLA section
  std::vector<Explanation> explain;
  std::optional<RepeatContact> repeat_contact;  ///< set when the pack has a repeat_contact section
  std::optional<std::vector<RelatedTicket>> related;      ///< set when the host passed a linker
  std::optional<std::vector<Question>> questions;         ///< when the pack asks questions
  std::optional<std::vector<KnownIssueMatch>> knowledge;  ///< when the pack has known issues
  std::optional<RenderedTemplate> response;               ///< JSON key "template"
  std::optional<Conclusion> conclusion;

  const Label* label(std::string_view dimension) const noexcept;
};

boost::json::object to_json(const Diagnosis& d);
/// SLA statuses (Engine::sla_status) as JSON, one object per target: name, state, due and
/// completed (on the target's own calendar, null when unset), margin_seconds, paused_seconds and
/// cycle.
boost::json::array sla_status_json(const SlaReport& report, gsl::span<const TargetStatus> statuses);

}  // namespace v1
}  // namespace triage
