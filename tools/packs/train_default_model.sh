#!/usr/bin/env bash
# Trains packs/default/model.json, the default pack's learned model: linear, on the real-text
# corpus's training split (examples/realtext, built from the data folder) and the seed-style
# development set (tools/devset/dev.jsonl). Never on the corpus's frozen test split, nor on
# examples/labelled.jsonl (held out to check that the pack gets no worse).
# usage: tools/packs/train_default_model.sh BUILD_DIR [--data DIR]
# Then run tools/packs/calibrate.py BUILD_DIR: the calibration maps belong to the model they were
# fitted with.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(cd "$1" && pwd)"
shift
/usr/bin/python3 "$root/tools/corpus/build.py" "$@" --out "$build/realtext"
# The pack's `department` and `urgency_estimate` dimensions are learned from each ticket's
# primary department and urgency (model_labels.py).
cat "$build/realtext/train.jsonl" "$root/tools/devset/dev.jsonl" |
  /usr/bin/python3 "$root/tools/packs/model_labels.py" > "$build/realtext/default_model_train.jsonl"
"$build/triage" train --pack "$root/packs/default/pack.json" --algorithm linear --min-df 2 \
  "$build/realtext/default_model_train.jsonl" -o "$root/packs/default/model.json"
