#!/usr/bin/env bash
# Quick start: installs the system packages, builds AIGC (release) and runs the main job — building a training
# corpus from the bundled dialogues (Fixtures/corpus/dialogues.jsonl) with the bundled cl100k_base vocabulary
# (Vocab/) — then shows a decoded row and audits the result. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh
swift build -c release --static-swift-stdlib --product aigc 2>&1 | tail -1
bin=$(swift build -c release --show-bin-path)/aigc
out=${AIGC_QUICKSTART_OUT:-/tmp/aigc-quickstart}
rm -rf "$out"; mkdir -p "$out"
set -x
"$bin" corpus build --input-format openai --tokenizer cl100k_base --template chatml --packing pack --seq-len 512 \
  --val-fraction 0.1 --keep-rejects --output "$out/corpus" Fixtures/corpus/dialogues.jsonl
"$bin" corpus inspect "$out/corpus" --row 0 | head -24
"$bin" audit --input-format openai --tokenizer cl100k_base --json "$out/audit.json" --html "$out/audit.html" \
  Fixtures/corpus/dialogues.jsonl
set +x
echo "corpus: $out/corpus (manifest.json, tensors, rejects.jsonl); audit: $out/audit.json, $out/audit.html"
