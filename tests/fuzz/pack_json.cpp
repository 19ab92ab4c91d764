// Fuzz target: pack JSON, parsed, linted and compiled. Any bytes either compile into an engine
// or fail with a stable pack/JSON code; an engine that compiles diagnoses a few tickets (every
// stage of its pack runs) and renders its workflow.
#include <array>
#include <string>

#include <boost/json.hpp>

#include "fuzz_check.hpp"
#include "triage/triage.hpp"

namespace {
// Smaller than the defaults so that one input cannot spend the fuzzer's time on sheer size.
triage::EngineOptions options() {
  triage::EngineOptions o;
  o.limits.max_pack_bytes = 1 << 20;
  o.limits.max_rules = 2000;
  o.limits.max_keywords = 20000;
  o.regional_variants = true;
  return o;
}

const std::array<const char*, 4> kTickets = {
    R"({"id":"T-1","channel":"app","created_at":"2026-11-20T14:30:00+08:00","text":"APP一直闪退，订单号2026112012345678","customer":{"tier":"vip","name":"王"}})",
    R"({"text":"I was charged twice, please refund. Error E1234 on iOS 17","channel":"email","impact":"many"})",
    R"({"text":"退款還沒到賬，我要投訴","channel":"phone","created_at":"2026-02-14T23:59:00+08:00","frequency":"persistent"})",
    R"({"text":"","subject":"x","crm":{"queue":4},"module":"支付中心"})"};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json = triage::fuzz::bytes(data, size);
  const auto opts = options();
  auto engine = triage::Engine::from_json(json, opts);
  if (!engine) {
    const auto code = static_cast<int>(engine.error().code);
    TRIAGE_FUZZ_CHECK(code >= 10 && code < 99);  // a user's mistake, never an internal error
    TRIAGE_FUZZ_CHECK(!engine.error().message.empty());
    return 0;
  }
  for (const auto& f : triage::validate_pack(json, opts)) {  // the lints need a pack that loads
    TRIAGE_FUZZ_CHECK(!f.code.empty() && f.severity != triage::Finding::Severity::error);
  }
  triage::DiagnoseOptions dopts;
  dopts.now = boost::posix_time::ptime(boost::gregorian::date(2026, 11, 20));
  triage::Roster roster;
  roster.set_agents(
      {{"a1", "tech_support", {"crash"}, {}, 0}, {"a2", "customer_service", {}, {"en"}, 1}});
  dopts.roster = &roster;
  triage::Evaluation ev;
  for (const char* t : kTickets) {
    auto ticket = triage::parse_ticket(t);
    TRIAGE_FUZZ_CHECK(ticket);
    const auto d = engine->diagnose(*ticket, ev, dopts);
    TRIAGE_FUZZ_CHECK(d.labels.size() == engine->pack().dimensions.size());
    TRIAGE_FUZZ_CHECK(triage::parse_json(boost::json::serialize(triage::to_json(d))));
  }
  TRIAGE_FUZZ_CHECK(!engine->workflow().to_dot().empty());
  return 0;
}
