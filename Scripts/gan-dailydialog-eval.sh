#!/usr/bin/env bash
# Reproduces the evaluation in docs/gan.md: DailyDialog (from ../shared/data, never committed) through
# corpus build → pretrain → finetune → adversarial, plus the base model's round-0 evaluation, with the release
# build. Usage: Scripts/gan-dailydialog-eval.sh [WORKDIR]   (default /tmp/aigc-dd-eval; ~1.5 h on 2 busy cores)
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
# The discriminator alone (--rounds 0: pretrain D, evaluate the fine-tuned generator), human vs fine-tuned replies
# on 64 held-out contexts; each run prints its pretraining curve to stderr and writes it to DIR/metrics.jsonl.
# 1) the old full-vocabulary loss at the old budget (15 updates, lr 1e-4): held-out accuracy exactly 0.500;
# 2) the two-way loss at that budget; 3) the two-way loss for up to 300 updates, stopping at 0.75.
D="--rounds 0 --batch-size 8 --mle-batch-size 4 --max-reply-tokens 32 --eval-pairs 64 --temperature 0.8 --threads 1"
$A adversarial --generator ft --train corpus --out d-vocabulary $D --d-loss vocabulary --d-lr 1e-4 --d-pretrain-steps 15 --d-eval-interval 5
$A adversarial --generator ft --train corpus --out d-two-way-15 $D --d-loss two-way --d-lr 1e-4 --d-pretrain-steps 15 --d-eval-interval 5
$A adversarial --generator ft --train corpus --out d-two-way $D --d-loss two-way --d-lr 1e-4 --d-pretrain-steps 300 \
  --d-pretrain-until 0.75 --d-eval-interval 10
# The adversarial rounds of docs/gan.md's table were measured before the two-way loss existed; --d-loss vocabulary
# reproduces them (its discriminator is the one that sat at 0.500).
ADV="--d-pretrain-steps 15 --batch-size 8 --mle-batch-size 4 --max-reply-tokens 32 --eval-pairs 32 --g-lr 5e-5 --d-lr 1e-4 --temperature 0.8 --d-loss vocabulary"
$A adversarial --generator pre --train corpus --out adv-base --rounds 0 $ADV
$A adversarial --generator ft --train corpus --out adv --rounds 3 --g-steps 5 $ADV
for d in d-vocabulary d-two-way-15 d-two-way; do echo "$d: $(grep '"d_step"' $d/metrics.jsonl | tail -1)"; done
echo "base:        $(grep '"round"' adv-base/metrics.jsonl | head -1)"
echo "fine-tuned:  $(grep '"round"' adv/metrics.jsonl | head -1)"
echo "adversarial: $(grep '"round"' adv/metrics.jsonl | tail -1)"
