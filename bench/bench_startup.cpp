// Start-up: what a process pays before its first diagnosis. Each figure is a first call in a
// fresh process where that matters (the built-in engine, OpenCC's dictionaries), else the best
// of a few repetitions. Prints one JSON object (bench/startup.py reads it).
//
//   bench_startup [--scale S]     S: also compile and load the default pack scaled S times
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include <re2/re2.h>

#include "triage/triage.hpp"
#include "workload.hpp"

namespace {
using Steady = std::chrono::steady_clock;

double ms_since(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}
double best_ms(int reps, const std::function<void()>& f) {
  double best = 1e300;
  for (int i = 0; i < reps; ++i) {
    const auto t = Steady::now();
    f();
    best = std::min(best, ms_since(t));
  }
  return best;
}

void regexes_of(const triage::Condition& c, std::vector<std::string>& out) {
  if (c.kind == triage::Condition::Kind::regex)
    out.insert(out.end(), c.values.begin(), c.values.end());
  for (const auto& k : c.children) regexes_of(k, out);
}
}  // namespace

int main(int argc, char** argv) {
  using namespace triage;
  int scale = 0;
  if (argc == 3 && std::strcmp(argv[1], "--scale") == 0) scale = std::atoi(argv[2]);

  // 1. The built-in engine, first call in this process: what every CLI run and binding pays.
  auto t = Steady::now();
  const Engine& builtin = Engine::builtin();
  const double builtin_ms = ms_since(t);

  // 2. The same pack compiled from JSON, as before compiled packs (the first compile in the
  // process also loads OpenCC's dictionaries).
  t = Steady::now();
  auto pack = parse_pack(default_pack_json()).value();
  const double parse_ms = ms_since(t);
  t = Steady::now();
  auto model = LearnedModel::from_json(default_model_json()).value();
  const double model_json_ms = ms_since(t);
  t = Steady::now();
  auto opts = with_pack_model(pack, {}, [](const std::string&) -> Result<std::string> {
                return std::string(default_model_json());
              }).value();
  const Engine from_json = Engine::compile(pack, opts).value();
  const double compile_ms = ms_since(t) - model_json_ms;  // with_pack_model parsed it again
  EngineOptions no_variants;
  no_variants.regional_variants = false;
  const double compile_no_variants_ms =
      best_ms(3, [&] { (void)Engine::compile(pack, no_variants).value(); });

  // 3. Compiled pack: write, load a copy (best of 5), and what compiling every expression would
  // cost (a load compiles none; each compiles when a ticket first needs it).
  std::string bytes;
  const double write_ms = best_ms(1, [&] { bytes = compile_pack(pack, &model).value(); });
  const double load_ms = best_ms(5, [&] { (void)Engine::load(bytes).value(); });
  std::vector<std::string> regexes;
  for (const auto& r : pack.rules) regexes_of(r.when, regexes);
  for (const auto& r : pack.urgency.rules) regexes_of(r.when, regexes);
  if (pack.repeat_contact) {
    for (const auto* list : {&pack.repeat_contact->patterns, &pack.repeat_contact->count,
                             &pack.repeat_contact->since}) {
      regexes.insert(regexes.end(), list->begin(), list->end());
    }
  }
  const double re2_ms = best_ms(5, [&] {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(8 << 20);
    for (const auto& r : regexes) RE2 re(r, o);
  });

  std::printf(
      "{\"builtin_first_call_ms\": %.2f, \"default\": {\"parse_json_ms\": %.2f, "
      "\"model_json_ms\": %.2f, \"compile_ms\": %.2f, \"compile_without_variants_ms\": %.2f, "
      "\"write_compiled_ms\": %.2f, \"compiled_bytes\": %zu, \"load_compiled_ms\": %.2f, "
      "\"re2_recompile_ms\": %.2f, \"regexes\": %zu, \"rules\": %zu, \"states\": %zu}",
      builtin_ms, parse_ms, model_json_ms, compile_ms, compile_no_variants_ms, write_ms,
      bytes.size(), load_ms, re2_ms, regexes.size(), builtin.stats().rules,
      from_json.stats().states);
  if (scale > 0) {
    t = Steady::now();
    const std::string json = triage_bench::scaled_pack_json(scale);
    const double gen_ms = ms_since(t);
    // A 100× pack's JSON and compiled file both pass the default 64 MiB limit.
    EngineOptions roomy;
    roomy.limits.max_pack_bytes = std::size_t{1} << 30;
    auto big = parse_pack(json, roomy.limits).value();
    big.model.reset();  // the rules alone, as bench_classify compiles the scaled packs
    std::string big_bytes;
    t = Steady::now();
    big_bytes = compile_pack(big, nullptr, roomy).value();
    const double big_compile_ms = ms_since(t);
    Engine loaded = Engine::builtin();
    const double big_load_ms = best_ms(3, [&] { loaded = Engine::load(big_bytes, roomy).value(); });
    std::printf(
        ", \"scaled\": {\"scale\": %d, \"generate_ms\": %.0f, \"rules\": %zu, \"terms\": %zu, "
        "\"states\": %zu, \"compile_and_write_ms\": %.0f, \"compiled_bytes\": %zu, "
        "\"load_compiled_ms\": %.1f}",
        scale, gen_ms, loaded.stats().rules, loaded.stats().terms, loaded.stats().states,
        big_compile_ms, big_bytes.size(), big_load_ms);
  }
  std::printf("}\n");
  return 0;
}
