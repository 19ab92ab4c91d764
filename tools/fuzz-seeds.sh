#!/usr/bin/env bash
# Writes the compiled_pack fuzz target's seeds (tests/fuzz/corpus/compiled_pack/) with the
# triage CLI of a build. A compiled pack is tied to the library's version and pack structures,
# so seeds from another build are refused at the header and fuzz nothing behind it: run this
# after a version bump or a change to a pack struct (PackFile.FuzzSeedsLoadInThisBuild says so).
#
#   tools/fuzz-seeds.sh [BUILD_DIR]        (default: build/dev)
set -euo pipefail
cd "$(dirname "$0")/.."
cli="${1:-build/dev}/triage"
out=tests/fuzz/corpus/compiled_pack
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$cli" compile tests/data/mini_pack.json -o "$out/mini_pack.tpk"
"$cli" compile tests/fuzz/corpus/pack_json/all_sections.json -o "$out/all_sections.tpk"
# A pack with a small naive-Bayes model, so that the model section is fuzzed too.
"$cli" train --pack tests/data/mini_pack.json -o "$tmp/model.json" tests/data/labelled_small.jsonl
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
pack = json.load(open("tests/data/mini_pack.json", encoding="utf-8"))
pack["model"] = {"file": "model.json"}
json.dump(pack, open(f"{tmp}/pack.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
"$cli" compile "$tmp/pack.json" -o "$out/mini_pack_with_model.tpk"
# One cut inside the pack section: the truncation checks from a valid header.
head -c 2000 "$out/mini_pack.tpk" >"$out/mini_pack_truncated.tpk"
ls -l "$out"
