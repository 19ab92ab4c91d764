#!/usr/bin/env bash
# Installs the Debian packages triage needs to build, test and benchmark.
# Idempotent: when everything is present it only checks (well under a second).
set -euo pipefail
pkgs=(
  build-essential cmake ninja-build pkg-config git
  libboost-json1.81-dev libboost-graph1.81-dev libboost-date-time1.81-dev
  libmsgsl-dev libgtest-dev libgmock-dev libbenchmark-dev
  libre2-dev libopencc-dev opencc libutf8proc-dev libcli11-dev libfmt-dev liblinear-dev
  python3 python3-venv python3-dask python3-distributed python3-pandas abigail-tools graphviz
  clang libclang-rt-14-dev  # the fuzz preset: clang with libFuzzer and its sanitizer runtimes
  chromium fonts-noto-cjk   # the report screenshots test: a real browser, and CJK glyphs
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
