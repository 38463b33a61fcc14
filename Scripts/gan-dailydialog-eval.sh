#!/usr/bin/env bash
# Reproduces the evaluation in docs/gan.md: DailyDialog (from ../shared/data, never committed) through
# corpus build → pretrain → finetune → adversarial, plus the base model's round-0 evaluation, with the release
# build. Usage: Scripts/gan-dailydialog-eval.sh [WORKDIR]   (default /tmp/aigc-dd-eval; ~1 h on 2 busy cores)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DAILYDIALOG:-../shared/data/dailydialog/train.txt}
W=${1:-/tmp/aigc-dd-eval}
swift build -c release --static-swift-stdlib --product aigc
A=$PWD/.build/release/aigc
mkdir -p "$W" && cd "$W"
$A corpus build --input-format dailydialog --tokenizer bytes --seq-len 256 --val-fraction 0.05 -o corpus "$OLDPWD/$DATA"
$A pretrain --train corpus/train-00000.safetensors --val corpus/val-00000.safetensors --data-format safetensors \
  --vocab-size 259 --n-layer 3 --n-head 3 --n-embd 96 --block-size 256 --batch-size 8 --max-iters 600 --lr 2e-3 \
  --min-lr 2e-4 --warmup-iters 50 --eval-interval 200 --eval-iters 5 --out pre > pre.log
$A finetune --base pre --train corpus --out ft --batch-size 8 --max-iters 200 --lr 5e-4 --min-lr 5e-5 \
  --warmup-iters 10 --eval-interval 50 --eval-iters 5 --patience 2 > ft.log
ADV="--d-pretrain-steps 15 --batch-size 8 --mle-batch-size 4 --max-reply-tokens 32 --eval-pairs 32 --g-lr 5e-5 --d-lr 1e-4 --temperature 0.8"
$A adversarial --generator pre --train corpus --out adv-base --rounds 0 $ADV
$A adversarial --generator ft --train corpus --out adv --rounds 3 --g-steps 5 $ADV
echo "base:        $(head -1 adv-base/metrics.jsonl)"
echo "fine-tuned:  $(head -1 adv/metrics.jsonl)"
echo "adversarial: $(tail -1 adv/metrics.jsonl)"
