#!/usr/bin/env bash
# Issue 17 §2: adversarial training (REINFORCE against a transformer discriminator, Li et al. 2017 / SeqGAN) on the
# §1 DailyDialog BPE model, judged by a discriminator it never trained against.
#   Benchmarks/dailydialog_gan.sh
# Starts from the fine-tuned model of Benchmarks/dailydialog_bpe.sh in $WORK (re-create it without the PyTorch side
# with `AIGC_ONLY_ITERS=543 NO_BUILD=1 Benchmarks/dailydialog_bpe.sh`: deterministic, val loss 3.3611).
# 1. D: `aigc adversarial --rounds 0` (seed 1) pretrains the discriminator on human replies vs replies the fine-tuned
#    model samples for the same training contexts, with its held-out curve (validation split).
# 2. Judge: the same recipe with another seed (new label rows, its own samples and batches), trained fresh against
#    the fine-tuned model and then frozen: the generator never trains against it.
# 3. Adversarial rounds from D (continuing to train D, k = 1), with teacher forcing and the perplexity guard.
# 4. `aigc adversarial-eval` on DailyDialog's own validation split (never seen by any model here): the fine-tuned
#    and the adversarial generator answer the same contexts; adversarial success under the judge with a paired
#    bootstrap 95% interval, reply perplexity, distinct-1/2.
# Sampling everywhere at temperature $TEMP (0.7, the seed's own `openai.Completion.create(..., temperature=0.7)`).
# env: AIGC (.build/release/aigc), WORK (/tmp/aigc-dd-bpe), OUT ($WORK/gan), TEMP (0.7), G_LR (see below),
#      ROUNDS, G_STEPS, CONTEXTS (1000), REPLIES (2), THREADS (1 per job: D and the judge train side by side), NO_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."
AIGC=${AIGC:-$(pwd)/.build/release/aigc}
WORK=${WORK:-/tmp/aigc-dd-bpe}; OUT=${OUT:-$WORK/gan}
TEMP=${TEMP:-0.7}; G_LR=${G_LR:-2e-4}; ROUNDS=${ROUNDS:-6}; G_STEPS=${G_STEPS:-25}
CONTEXTS=${CONTEXTS:-1000}; REPLIES=${REPLIES:-2}; THREADS=${THREADS:-1}
[ -n "${NO_BUILD:-}" ] || swift build -c release --static-swift-stdlib --product aigc >/dev/null
[ -f "$WORK/pipe/model/model.safetensors" ] || { echo "dailydialog_gan.sh: no model in $WORK/pipe/model (run Benchmarks/dailydialog_bpe.sh first)" >&2; exit 1; }
[ -d "$WORK/ddval" ] || { echo "dailydialog_gan.sh: no $WORK/ddval (run ONLY_EVAL=1 Benchmarks/dailydialog_bpe.sh)" >&2; exit 1; }
mkdir -p "$OUT"
log() { echo "# $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg): $*" >&2; }
d_recipe=(--generator "$WORK/pipe/model" --train "$WORK/pipe/corpus" --rounds 0 --d-eval-interval 20 --d-warmup 50
          --d-context 64 --d-readout mean --d-lr 3e-4 --d-head-lr-multiplier 10 --batch-size 16 --eval-pairs 128
          --max-reply-tokens 32 --temperature "$TEMP" --threads "$THREADS" --shards 1)

log "1-2. discriminator (seed 1, 200 updates) and judge (seed 2, 300 updates), side by side"
rm -rf "$OUT/d" "$OUT/judge"
"$AIGC" adversarial "${d_recipe[@]}" --d-pretrain-steps 200 --seed 1 --out "$OUT/d" 2> "$OUT/d.log" &
A=$!
"$AIGC" adversarial "${d_recipe[@]}" --d-pretrain-steps 300 --seed 2 --out "$OUT/judge" 2> "$OUT/judge.log" &
B=$!
wait $A; wait $B
grep "discriminator step" "$OUT/d.log" | tail -1 >&2

log "3. adversarial rounds from D: $ROUNDS x $G_STEPS generator updates, g-lr $G_LR"
rm -rf "$OUT/adv"
"$AIGC" adversarial --generator "$WORK/pipe/model" --train "$WORK/pipe/corpus" --out "$OUT/adv" --discriminator "$OUT/d/discriminator" \
  --d-pretrain-steps 0 --rounds "$ROUNDS" --g-steps "$G_STEPS" --d-steps 1 --mle-steps 1 --batch-size 16 --mle-batch-size 8 \
  --g-lr "$G_LR" --d-lr 3e-4 --d-head-lr-multiplier 10 --temperature "$TEMP" --max-reply-tokens 32 --max-ppl-increase 0.05 \
  --eval-pairs 128 --seed 3 --threads "$THREADS" --shards 1 2> "$OUT/adv.log"
grep "^round" "$OUT/adv.log" >&2

log "4. adversarial evaluation on DailyDialog validation ($CONTEXTS contexts x $REPLIES replies)"
"$AIGC" adversarial-eval --judge "$OUT/judge/discriminator" --generator "fine-tuned=$WORK/pipe/model" \
  --generator "adversarial=$OUT/adv/generator" --tokenizer "$WORK/pipe/model/tokenizer.json" --corpus "$WORK/ddval" --split train \
  --contexts "$CONTEXTS" --replies-per-context "$REPLIES" --max-reply-tokens 32 --temperature "$TEMP" --samples 20 \
  --threads $((THREADS * 2)) > "$OUT/eval.json"
python3 - "$OUT/eval.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
print(f"judge: {e['judge_readout']} readout, context {e['judge_context_tokens']}; labels {e['judge_on_human_replies']['share_labelled_human']:.3f} of the human replies human")
print("| generator | adversarial success | mean P(real) | reply perplexity | distinct-1 | distinct-2 | mean length |")
print("|---|---|---|---|---|---|---|")
for g in e["generators"]:
    print(f"| {g['name']} | {g['adversarial_success']:.4f} | {g['mean_p_real']:.4f} | {g['reply_perplexity']:.3f} | {g['distinct_1']:.4f} | {g['distinct_2']:.4f} | {g['mean_length']:.1f} |")
for c in e["comparisons"]:
    print(f"{c['generator']} - {c['baseline']}: success {c['success_difference']:+.4f}, 95% CI [{c['ci95'][0]:+.4f}, {c['ci95'][1]:+.4f}], "
          f"perplexity ratio {c['perplexity_ratio']:.4f}, distinct-2 {c['distinct_2_difference']:+.4f}")
PY
