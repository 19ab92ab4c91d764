// Classification alone into caller-owned, reusable storage: the hot path for hosts that need
// labels, urgency and route at the engine's speed (no diagnosis, no JSON, no result per call).
#include <algorithm>
#include <optional>

#include "guard.hpp"
#include "handles.hpp"
#include "triage/triage.hpp"

using triage::capi::fail;
using triage::capi::guarded;
using triage::capi::null_arg;

struct triage_classification {
  // A handle on the engine last used: the views in `result` point into its pack, so they stay
  // valid even if the host frees its own engine handle first.
  std::optional<triage::Engine> engine;
  triage::Ticket ticket;
  triage::Evaluation ev;
  triage::Classification result;
  bool valid = false;         // false until a call succeeds, and after a call fails
  bool ticket_dirty = false;  // a JSON ticket left fields that a text-only ticket must not keep
};

namespace {
int run(const triage_engine* engine, triage_classification* c) {
  // Keep the engine alive for the views; a copy only when it changes (a copy is an atomic
  // reference count, which threads sharing one engine would contend on).
  if (!c->engine || &c->engine->pack() != &engine->engine.pack()) c->engine = engine->engine;
  c->engine->classify(c->ticket, c->ev, c->result);
  c->valid = true;
  return TRIAGE_OK;
}
}  // namespace

extern "C" {

int triage_classification_new(triage_classification** out) {
  return guarded([&] {
    if (!out) return null_arg("out");
    *out = std::make_unique<triage_classification>().release();
    return static_cast<int>(TRIAGE_OK);
  });
}

void triage_classification_free(triage_classification* c) {
  std::unique_ptr<triage_classification>{c};
}

int triage_classify_text_into(const triage_engine* engine, const char* text, size_t len,
                              triage_classification* result) {
  return guarded([&] {
    if (!result) return null_arg("result");
    result->valid = false;
    if (!engine) return null_arg("engine");
    if (!text) return null_arg("text");
    const std::string_view t(text, len);
    if (!triage::is_valid_utf8(t)) return fail(TRIAGE_ERR_INVALID_ARGUMENT, "text: invalid UTF-8");
    if (len > triage::TicketLimits{}.max_text_bytes) {
      return fail(TRIAGE_ERR_TEXT_TOO_LARGE, "text: exceeds the limit of 1 MiB");
    }
    if (result->ticket_dirty) {
      result->ticket = triage::Ticket{};
      result->ticket_dirty = false;
    }
    result->ticket.text.assign(t);  // reuses the buffer: no allocation once warm
    return run(engine, result);
  });
}

int triage_classify_json_into(const triage_engine* engine, const char* ticket, size_t len,
                              triage_classification* result) {
  return guarded([&] {
    if (!result) return null_arg("result");
    result->valid = false;
    if (!engine) return null_arg("engine");
    if (!ticket) return null_arg("ticket");
    auto parsed = triage::parse_ticket(std::string_view(ticket, len));
    if (!parsed) return fail(parsed.error());
    result->ticket = std::move(*parsed);
    result->ticket_dirty = true;
    return run(engine, result);
  });
}

size_t triage_classification_label_count(const triage_classification* c) {
  return c && c->valid ? c->result.labels.size() : 0;
}

int triage_classification_label(const triage_classification* c, size_t index,
                                const char** dimension, const char** value, double* confidence) {
  return guarded([&] {
    if (!c) return null_arg("result");
    if (index >= triage_classification_label_count(c)) {
      return fail(TRIAGE_ERR_NOT_FOUND, "index " + std::to_string(index) + ": no such dimension");
    }
    const auto& l = c->result.labels[index];
    if (dimension) *dimension = l.dimension->c_str();
    if (value) *value = l.value ? l.value->c_str() : nullptr;
    if (confidence) *confidence = l.confidence;
    return static_cast<int>(TRIAGE_OK);
  });
}

size_t triage_classification_values(const triage_classification* c, const char** values,
                                    double* confidences, size_t capacity) {
  const std::size_t n = triage_classification_label_count(c);
  for (std::size_t i = 0; i < std::min(n, capacity); ++i) {
    const auto& l = c->result.labels[i];
    if (values) values[i] = l.value ? l.value->c_str() : nullptr;
    if (confidences) confidences[i] = l.confidence;
  }
  return n;
}

const char* triage_classification_urgency(const triage_classification* c) {
  // to_string(Urgency) views a string literal: NUL-terminated.
  return c && c->valid && c->result.urgency ? triage::to_string(*c->result.urgency).data()
                                            : nullptr;
}

const char* triage_classification_primary(const triage_classification* c) {
  return c && c->valid && c->result.primary ? c->result.primary->c_str() : nullptr;
}

size_t triage_classification_assisting_count(const triage_classification* c) {
  return c && c->valid ? c->result.assisting.size() : 0;
}

const char* triage_classification_assisting(const triage_classification* c, size_t index) {
  return index < triage_classification_assisting_count(c) ? c->result.assisting[index].c_str()
                                                          : nullptr;
}

const char* triage_classification_group(const triage_classification* c) {
  return c && c->valid && c->result.group ? c->result.group->c_str() : nullptr;
}

size_t triage_classification_route(const triage_classification* c, const char** urgency,
                                   const char** primary, const char** group, const char** assisting,
                                   size_t capacity) {
  if (urgency) *urgency = triage_classification_urgency(c);
  if (primary) *primary = triage_classification_primary(c);
  if (group) *group = triage_classification_group(c);
  const std::size_t n = triage_classification_assisting_count(c);
  for (std::size_t i = 0; assisting && i < std::min(n, capacity); ++i) {
    assisting[i] = c->result.assisting[i].c_str();
  }
  return n;
}

}  // extern "C"
