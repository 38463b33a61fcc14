#!/usr/bin/env bash
# Serving benchmark driver: a 6x384 character model (block 256) trained briefly on tinyshakespeare with `aigc pretrain`,
# exported with `aigc export-hf`, then Benchmarks/serve_bench.py: aigc serve (continuous batching) vs --max-batch 1 vs
# HF transformers generate (one at a time; batched with padding), concurrency 1, 4, 16, 64.
# Arguments go to serve_bench.py: e.g. --levels 1,16 --weights fp32,bf16 --singles '' --hf-dtypes fp32,bf16 --client lean
# (bf16 weights next to fp32, HF in both precisions, the lean load generator); Benchmarks/bf16_quality.py compares the
# two precisions' greedy outputs on the same model.
# usage: Benchmarks/serve_bench.sh   env: HF_PYTHON (a python with torch + transformers; default /tmp/hf-venv/bin/python),
#        TRAIN_ITERS (40), THREADS (2, training), SERVE_THREADS (1, the servers' OpenBLAS threads), HF_THREADS (2),
#        ROUNDS (3), OUT (/tmp/aigc-serve-bench), NO_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${AIGC_SHARED:-$(cd .. && pwd)/shared}
OUT=${OUT:-/tmp/aigc-serve-bench}; THREADS=${THREADS:-2}; TRAIN_ITERS=${TRAIN_ITERS:-40}; ROUNDS=${ROUNDS:-3}
HF_PYTHON=${HF_PYTHON:-/tmp/hf-venv/bin/python}
AIGC=${AIGC:-.build/release/aigc}
[ -n "${NO_BUILD:-}" ] || swift build -c release --static-swift-stdlib --product aigc >/dev/null
DATA=/tmp/aigc-shakespeare-char
[ -f "$DATA/train.bin" ] || python3 "$REF/reference/make_char_dataset.py" "$REF/data/tinyshakespeare.txt" "$DATA"
mkdir -p "$OUT"
if [ ! -f "$OUT/model/model.safetensors" ]; then
  $AIGC pretrain --train "$DATA/train.bin" --val "$DATA/val.bin" --vocab-size 65 --n-layer 6 --n-head 6 --n-embd 384 \
    --block-size 256 --batch-size 8 --max-iters "$TRAIN_ITERS" --eval-interval "$TRAIN_ITERS" --eval-iters 2 \
    --threads "$THREADS" --out "$OUT/model" > "$OUT/pretrain.jsonl"
  cp "$DATA/meta.json" "$OUT/model/meta.json"
  rm -rf "$OUT/hf"; $AIGC export-hf "$OUT/model" --output "$OUT/hf" >/dev/null
fi
hf_args=()
if "$HF_PYTHON" -c "import torch, transformers" 2>/dev/null; then hf_args=(--hf "$OUT/hf" --hf-python "$HF_PYTHON"); else echo "HF: skipped ($HF_PYTHON lacks torch/transformers)"; fi
echo "OpenBLAS core: $(OPENBLAS_VERBOSE=2 $AIGC --version 2>&1 | grep -i core || echo "see openblas_get_corename")"
python3 Benchmarks/serve_bench.py --aigc "$AIGC" --model "$OUT/model" "${hf_args[@]}" --threads "${SERVE_THREADS:-1}" --hf-threads "${HF_THREADS:-2}" --rounds "$ROUNDS" \
  --json "$OUT/serve_bench.json" "$@"
