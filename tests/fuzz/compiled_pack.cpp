// Fuzz target: compiled packs (triage/pack_file.hpp). Any bytes either load into an engine or
// fail with a compiled_pack_* (or pack) code naming the byte; an engine that loads diagnoses a
// ticket. Each input is tried twice: as it is, which mostly meets the header and the checksum,
// and resealed with a correct checksum, so that the structure checks behind it are fuzzed too.
#include <string>

#include "compile/pack_file.hpp"
#include "fuzz_check.hpp"
#include "triage/triage.hpp"

namespace {
void check(std::string_view bytes) {
  triage::EngineOptions opts;
  opts.limits.max_pack_bytes = 1 << 20;
  opts.limits.max_rules = 2000;
  auto engine = triage::Engine::load(bytes, opts);
  if (!engine) {
    const auto code = static_cast<int>(engine.error().code);
    TRIAGE_FUZZ_CHECK(code >= 10 && code < 99);  // never an internal error
    TRIAGE_FUZZ_CHECK(!engine.error().message.empty());
    return;
  }
  triage::DiagnoseOptions dopts;
  dopts.now = boost::posix_time::ptime(boost::gregorian::date(2026, 11, 20));
  auto ticket = triage::parse_ticket(
      R"({"text":"APP一直闪退，投诉，宕机 refund E1234","channel":"app","created_at":"2026-11-20T14:30:00+08:00"})");
  TRIAGE_FUZZ_CHECK(ticket);
  const auto d = engine->diagnose(*ticket, dopts);
  TRIAGE_FUZZ_CHECK(d.labels.size() == engine->pack().dimensions.size());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = triage::fuzz::bytes(data, size);
  check(bytes);
  std::string resealed(bytes);
  triage::detail::reseal_compiled_pack(resealed);
  check(resealed);
  return 0;
}
