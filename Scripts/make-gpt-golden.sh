#!/usr/bin/env bash
# Regenerates Fixtures/gpt-golden/golden.safetensors with the shared PyTorch reference (float64 model, stored as
# float32): a 2-layer, 2-head, 16-wide GPT-2 on vocab 50, block 8, batch 2 — parameters, x/y, logits, loss, every
# gradient, and the parameters after 1 and 10 AdamW steps. AIGCModelTests.GoldenTests compares against it.
# usage: source /tmp/aigc-reference/activate-reference && Scripts/make-gpt-golden.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${AIGC_SHARED:-$(cd .. && pwd)/shared}
python3 "$REF/reference/torch_gpt.py" golden --out Fixtures/gpt-golden \
  --vocab-size 50 --n-layer 2 --n-head 2 --n-embd 16 --block-size 8 --batch-size 2 --seed 1337
