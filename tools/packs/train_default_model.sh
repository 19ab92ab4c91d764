#!/usr/bin/env bash
# Trains packs/default/model.json, the default pack's learned model: linear, on the real-text
# corpus's training split (examples/realtext, built from the data folder) and the seed-style
# development set (tools/devset/dev.jsonl). Never on the corpus's frozen test split, nor on
# examples/labelled.jsonl (held out to check that the pack gets no worse).
# usage: tools/packs/train_default_model.sh BUILD_DIR [--data DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(cd "$1" && pwd)"
shift
/usr/bin/python3 "$root/tools/corpus/build.py" "$@" --out "$build/realtext"
# The pack's `department` and `urgency_estimate` dimensions are learned from each ticket's
# primary department and urgency.
cat "$build/realtext/train.jsonl" "$root/tools/devset/dev.jsonl" | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    t = json.loads(line)
    if "primary" in t["labels"]:
        t["labels"]["department"] = t["labels"]["primary"]
    if "urgency" in t["labels"]:
        t["labels"]["urgency_estimate"] = t["labels"]["urgency"]
    print(json.dumps(t, ensure_ascii=False))
' > "$build/realtext/default_model_train.jsonl"
"$build/triage" train --pack "$root/packs/default/pack.json" --algorithm linear --min-df 2 \
  "$build/realtext/default_model_train.jsonl" -o "$root/packs/default/model.json"
