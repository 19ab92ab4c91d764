#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer, ASan + UBSan) and runs every fuzz target for a
# bounded time, then prints what each one did: executions, coverage (cov: edges, ft: features)
# and the size of the corpus it reached.
#
#   tools/fuzz.sh [seconds-per-target] [target...]     (default: 60 s, every target)
#
# New inputs go to build/fuzz/corpus/<target>/ (kept between runs, never committed); a crash or
# timeout leaves its input in build/fuzz/artifacts/<target>/ and the run fails. To keep a crash
# as a regression, copy its input to tests/fuzz/regressions/<target>/ and fix the bug: every
# build's ctest then runs it (fuzz_<target>_corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(ticket_json pack_json matcher template capi linker compiled_pack)

nice -n 5 cmake --preset fuzz >/dev/null
nice -n 5 cmake --build --preset fuzz

out=build/fuzz
failed=()
printf '%-12s %10s %8s %8s %8s  %s\n' target executions cov ft corpus result
for t in "${targets[@]}"; do
  mkdir -p "$out/corpus/$t" "$out/artifacts/$t" "$out/logs"
  log="$out/logs/$t.log"
  seeds=(tests/fuzz/corpus/"$t")
  [ -d tests/fuzz/regressions/"$t" ] && seeds+=(tests/fuzz/regressions/"$t")
  # -timeout: one input that takes longer is a hang, reported like a crash. -rss_limit_mb: the
  # 10 MB-class inputs fit; a runaway allocation does not.
  status=ok
  nice -n 5 "$out/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 \
    -timeout=30 -rss_limit_mb=3072 -dict=tests/fuzz/json.dict \
    -artifact_prefix="$out/artifacts/$t/" "$out/corpus/$t" "${seeds[@]}" >"$log" 2>&1 ||
    status=FAILED
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$done_line")
  printf '%-12s %10s %8s %8s %8s  %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
    "$status"
  if [ "$status" != ok ]; then
    failed+=("$t")
    grep -E 'ERROR|SUMMARY|invariant broken|Test unit written' "$log" | head -20 >&2 || true
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: ${failed[*]} failed; inputs in $out/artifacts/, logs in $out/logs/" >&2
  exit 1
fi
