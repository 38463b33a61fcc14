#!/usr/bin/env bash
# Quick start: installs the system packages, builds AIGC (release) and runs the main job on the embedded
# defaults (Fixtures/ and Vocab/), printing what it did. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh
swift build -c release --product aigc 2>&1 | tail -1
bin=$(swift build -c release --show-bin-path)/aigc
out=${AIGC_QUICKSTART_OUT:-/tmp/aigc-quickstart}
mkdir -p "$out"
echo "== aigc normalize --form nfkc --newlines --remove-control --remove-format --stats Fixtures/multilingual.txt"
"$bin" normalize --form nfkc --newlines --remove-control --remove-format --stats \
  --output "$out/multilingual.nfkc.txt" Fixtures/multilingual.txt
echo "normalized text: $out/multilingual.nfkc.txt"
