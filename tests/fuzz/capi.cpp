// Fuzz target: the C ABI entry points, as a host in any language calls them. The first byte
// picks the entry point; the rest is its input (fields split at \x01 where it takes several).
// Every call returns a known status, never throws or crashes, sets its outputs only on success
// (with the length it reports), and always leaves a readable error message.
#include <cstring>
#include <string>

#include "fuzz_check.hpp"
#include "triage.h"

namespace {
const triage_engine* engine() {
  static triage_engine* e = [] {
    triage_engine* out = nullptr;
    TRIAGE_FUZZ_CHECK(triage_engine_new_default(&out) == TRIAGE_OK);
    return out;
  }();
  return e;
}

// A documented status, and never the one that means a bug in triage.
bool known_status(int rc) {
  return rc != TRIAGE_ERR_INTERNAL &&
         (rc == TRIAGE_OK || std::strcmp(triage_status_name(rc), "unknown") != 0);
}

// A library string and its reported length: set only on success, NUL-terminated, the same size.
void check_string(int rc, char* out, std::size_t len) {
  TRIAGE_FUZZ_CHECK(known_status(rc));
  if (rc == TRIAGE_OK) {
    TRIAGE_FUZZ_CHECK(out != nullptr && std::strlen(out) == len);
  } else {
    TRIAGE_FUZZ_CHECK(out == nullptr);
    TRIAGE_FUZZ_CHECK(triage_last_error_message() != nullptr);
    TRIAGE_FUZZ_CHECK(triage_last_error_message()[0] != '\0');
  }
  triage_string_free(out);
}

// Runs one call that returns a library string, then checks what it left behind. (The call
// comes first: reading `out` in the same argument list as the call would be unsequenced.)
template <class Call>
void returns_string(Call call) {
  char* out = nullptr;
  std::size_t len = 0;
  const int rc = call(&out, &len);
  check_string(rc, out, len);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned op = (data[0] & 0x7F) % 9;
  const bool variant = (data[0] & 0x80) != 0;  // the entry point's other form, or a NULL option
  std::string_view in = triage::fuzz::bytes(data + 1, size - 1);
  using Out = char**;
  using Len = std::size_t*;
  switch (op) {
    case 0:
      returns_string([&](Out out, Len len) {
        return triage_diagnose_json(engine(), in.data(), in.size(), out, len);
      });
      break;
    case 1:
      returns_string([&](Out out, Len len) {
        return triage_diagnose_jsonl(engine(), in.data(), in.size(), out, len);
      });
      break;
    case 2: {
      triage_result* r = nullptr;
      const int rc = variant ? triage_classify_text(engine(), in.data(), in.size(), &r)
                             : triage_classify_json(engine(), in.data(), in.size(), &r);
      TRIAGE_FUZZ_CHECK(known_status(rc) && (rc == TRIAGE_OK) == (r != nullptr));
      for (std::size_t i = 0; i < triage_result_label_count(r); ++i) {
        const char *dim = nullptr, *value = nullptr;
        double confidence = -1;
        TRIAGE_FUZZ_CHECK(triage_result_label(r, i, &dim, &value, &confidence) == TRIAGE_OK);
        TRIAGE_FUZZ_CHECK(dim && confidence >= 0 && confidence <= 1);
      }
      if (r) returns_string([&](Out out, Len len) { return triage_result_json(r, out, len); });
      triage_result_free(r);
      break;
    }
    case 3: {
      triage_engine* e = nullptr;
      const int rc = triage_engine_new_from_json(in.data(), in.size(), &e);
      TRIAGE_FUZZ_CHECK(known_status(rc) && (rc == TRIAGE_OK) == (e != nullptr));
      triage_engine_free(e);
      break;
    }
    case 4: {
      triage_roster* roster = nullptr;
      TRIAGE_FUZZ_CHECK(triage_roster_new(&roster) == TRIAGE_OK);
      const std::string_view agents = triage::fuzz::take_until(in, '\x01');
      TRIAGE_FUZZ_CHECK(known_status(triage_roster_set_json(roster, agents.data(), agents.size())));
      returns_string([&](Out out, Len len) {
        return triage_diagnose_json_routed(engine(), roster, in.data(), in.size(), out, len);
      });
      returns_string([&](Out out, Len len) { return triage_roster_json(roster, out, len); });
      triage_roster_free(roster);
      break;
    }
    case 5: {
      const std::string_view ticket = triage::fuzz::take_until(in, '\x01');
      const std::string_view events = triage::fuzz::take_until(in, '\x01');
      const std::string now(in);  // NUL-terminated, as the ABI wants it
      returns_string([&](Out out, Len len) {
        return triage_sla_status_json(engine(), ticket.data(), ticket.size(), events.data(),
                                      events.size(), variant ? nullptr : now.c_str(), out, len);
      });
      break;
    }
    case 6: {
      const std::string state(triage::fuzz::take_until(in, '\x01'));
      const std::string event(triage::fuzz::take_until(in, '\x01'));
      const std::string facts(in);
      returns_string([&](Out out, Len len) {
        const int rc = triage_workflow_next(engine(), state.c_str(), event.c_str(),
                                            variant ? nullptr : facts.c_str(), out);
        *len = *out ? std::strlen(*out) : 0;  // this one reports no length
        return rc;
      });
      break;
    }
    case 7: {
      triage_holder* h = nullptr;
      TRIAGE_FUZZ_CHECK(triage_holder_new(engine(), &h) == TRIAGE_OK);
      const int rc = triage_holder_swap_json(h, in.data(), in.size());
      TRIAGE_FUZZ_CHECK(known_status(rc));
      triage_engine* now = nullptr;
      TRIAGE_FUZZ_CHECK(triage_holder_acquire(h, &now) == TRIAGE_OK);
      // A failed swap leaves the running engine in place.
      if (rc != TRIAGE_OK) TRIAGE_FUZZ_CHECK(std::strstr(triage_engine_pack(now), "default"));
      triage_engine_free(now);
      triage_holder_free(h);
      break;
    }
    case 8:
      returns_string([&](Out out, Len len) {
        return triage_diagnose_jsonl_threads(engine(), in.data(), in.size(), 2, out, len);
      });
      break;
  }
  return 0;
}
