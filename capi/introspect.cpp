// Since 0.2: the library's version as a number, the pack's name and version, and the limits.
// Reads of constants and of an immutable engine: nothing here allocates or can fail.
#include "handles.hpp"
#include "triage.h"
#include "triage/pack.hpp"
#include "triage/ticket.hpp"

using namespace triage;

extern "C" {

int triage_version_number(void) {
  return TRIAGE_VERSION_NUMBER;
}

const char* triage_engine_pack_name(const triage_engine* engine) {
  return engine ? engine->engine.pack().name.c_str() : "";
}

const char* triage_engine_pack_version(const triage_engine* engine) {
  return engine ? engine->engine.pack().version.c_str() : "";
}

size_t triage_limit(int id) {
  static const TicketLimits ticket;
  static const PackLimits pack;
  switch (id) {
    case TRIAGE_LIMIT_TICKET_BYTES:
      return ticket.max_ticket_bytes;
    case TRIAGE_LIMIT_TEXT_BYTES:
      return ticket.max_text_bytes;
    case TRIAGE_LIMIT_STRING_BYTES:
      return max_ticket_string_bytes;
    case TRIAGE_LIMIT_JSON_DEPTH:
      return max_json_depth;
    case TRIAGE_LIMIT_PACK_BYTES:
      return pack.max_pack_bytes;
    case TRIAGE_LIMIT_PACK_RULES:
      return pack.max_rules;
    case TRIAGE_LIMIT_PACK_KEYWORDS:
      return pack.max_keywords;
    case TRIAGE_LIMIT_REGEX_BYTES:
      return pack.max_regex_bytes;
    case TRIAGE_LIMIT_CONDITION_DEPTH:
      return pack.max_depth;
    default:
      return 0;
  }
}

}  // extern "C"
