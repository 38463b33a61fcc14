#!/usr/bin/env bash
# Issue 17 §1: a BPE dialogue model on DailyDialog, and the PyTorch reference on the same tokens, with the same
# config and the same wall-clock budget.
#   Benchmarks/dailydialog_bpe.sh [BUDGET_SECONDS=900]
# 1. `aigc pipeline run Benchmarks/recipes/dailydialog-bpe.yaml` with a one-iteration pretrain: trains the BPE
#    vocabulary on the training split's messages and builds the corpus (loss on replies only).
# 2. The corpus's pretraining stream (every conversation's tokens, padding left out: what the pipeline's pretrain
#    stage reads) is written as nanoGPT .bin files for the PyTorch reference (../shared/reference/torch_gpt.py).
# 3. Calibration, both sides at once with THREADS threads each: 20 iterations of `aigc pretrain` and of torch_gpt.py;
#    each side gets as many iterations as fit in BUDGET_SECONDS at its own speed (evaluations included).
# 4. Both trainings side by side (started together, same threads, so a machine whose speed drifts slows both):
#    the pipeline (pretrain with aigc's iterations, then fine-tuning on the replies) and torch_gpt.py train.
#    Compared: the validation loss at the end of pretraining (same tokens, same split, same config).
# 5. `aigc evaluate` on DailyDialog's own validation split (built with the model's tokenizer): reply perplexity per
#    token and per word, and sampled replies to 20 held-out contexts beside the human ones.
# Data: ../shared/data/dailydialog (CC BY-NC-SA 4.0; read at run time, never committed). Outputs in $WORK.
# env: AIGC (default .build/release/aigc), WORK (/tmp/aigc-dd-bpe), THREADS (1), NO_BUILD=1, CALIB_ITERS (20),
#      TORCH_PYTHON (a python with torch + numpy; default /tmp/hf-venv/bin/python when present, else python3),
#      ONLY_EVAL=1 (step 5 alone, on the models of an earlier run in $WORK),
#      AIGC_ONLY_ITERS=N (no PyTorch side and no calibration: the pipeline with N pretraining iterations, then step 5;
#      N=543 re-creates the documented model, which Benchmarks/dailydialog_gan.sh starts from)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUDGET=${1:-900}
THREADS=${THREADS:-1}; CALIB=${CALIB_ITERS:-20}
WORK=${WORK:-/tmp/aigc-dd-bpe}
SHARED=$(cd .. && pwd)/shared; [ -d "$SHARED/data/dailydialog" ] || SHARED=/work/shared
AIGC=${AIGC:-$ROOT/.build/release/aigc}
[ -n "${NO_BUILD:-}" ] || swift build -c release --static-swift-stdlib --product aigc >/dev/null
# shellcheck disable=SC1091
source /tmp/aigc-reference/activate-reference
TORCH_PYTHON=${TORCH_PYTHON:-$([ -x /tmp/hf-venv/bin/python ] && echo /tmp/hf-venv/bin/python || echo python3)}
[ -n "${AIGC_ONLY_ITERS:-}" ] || "$TORCH_PYTHON" -c "import torch, numpy" || { echo "dailydialog_bpe.sh: $TORCH_PYTHON has no torch (set TORCH_PYTHON)" >&2; exit 1; }
mkdir -p "$WORK"
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=1
log() { echo "# $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg): $*" >&2; }
# Model and schedule (the recipe's values; the script only fills in the iteration counts).
read -r NL NH NE BLOCK BATCH <<< "$(python3 -c "
import re; t=open('Benchmarks/recipes/dailydialog-bpe.yaml').read()
g=lambda k: re.search(r'\n  '+k+r': *(\S+)', t).group(1)
print(g('n_layer'), g('n_head'), g('n_embd'), g('block_size'), g('batch_size'))")"
config() { # PRETRAIN_ITERS EVAL_INTERVAL FINETUNE_ITERS [no-finetune]
  sed -e "s/PRETRAIN_ITERS/$1/; s/PRETRAIN_EVAL/$2/; s/FINETUNE_ITERS/$3/" -e "s#../../../shared/data#$SHARED/data#" \
      -e "s/^seed: 1337/seed: 1337\nthreads: $THREADS/" Benchmarks/recipes/dailydialog-bpe.yaml > "$WORK/run.yaml"
  if [ "${4:-}" = no-finetune ]; then python3 - "$WORK/run.yaml" <<'PY'
import sys; p=sys.argv[1]; t=open(p).read(); i=t.index("\nfinetune:"); open(p,"w").write(t[:i+1])
PY
  fi
}

if [ -n "${AIGC_ONLY_ITERS:-}" ] && [ -z "${ONLY_EVAL:-}" ]; then
  log "aigc only: the pipeline with $AIGC_ONLY_ITERS pretraining iterations"
  config "$AIGC_ONLY_ITERS" $(( (AIGC_ONLY_ITERS + 3) / 4 )) 200
  /usr/bin/time -f "%e %U %S" -o "$WORK/pipeline.time" "$AIGC" pipeline run "$WORK/run.yaml" --work-dir "$WORK/pipe" > "$WORK/pipeline.txt" 2> "$WORK/pipeline.log"
  cat "$WORK/pipeline.txt"; ONLY_EVAL=1; NO_TORCH_SUMMARY=1
fi
if [ -z "${ONLY_EVAL:-}" ]; then
log "1. tokenizer and corpus"
config 1 1 1 no-finetune
sed -i 's/eval_iters: 50/eval_iters: 1/' "$WORK/run.yaml"
"$AIGC" pipeline run "$WORK/run.yaml" --work-dir "$WORK/pipe" > "$WORK/probe.txt"
cat "$WORK/probe.txt"

log "2. token streams for the reference"
python3 - "$WORK/pipe/corpus" "$WORK" <<'PY'
import glob, json, os, sys, numpy as np
from safetensors.numpy import load_file
corpus, out = sys.argv[1], sys.argv[2]
for split in ("train", "val"):
    ids, segs = [], []
    for f in sorted(glob.glob(os.path.join(corpus, f"{split}-*.safetensors"))):
        t = load_file(f); ids.append(t["input_ids"].reshape(-1)); segs.append(t["segment_ids"].reshape(-1))
    ids, segs = np.concatenate(ids), np.concatenate(segs)
    stream = ids[segs != 0].astype(np.uint16)
    stream.tofile(os.path.join(out, f"{split}.bin"))
    print(f"{split}: {len(stream)} tokens", file=sys.stderr)
print(json.load(open(os.path.join(corpus, "manifest.json")))["tokenizer"]["vocab_size"])
PY
VOCAB=$(python3 -c "import json; print(json.load(open('$WORK/pipe/corpus/manifest.json'))['tokenizer']['vocab_size'])")
common="--train $WORK/train.bin --val $WORK/val.bin --vocab-size $VOCAB --n-layer $NL --n-head $NH --n-embd $NE
  --block-size $BLOCK --batch-size $BATCH --lr 1e-3 --min-lr 1e-4 --warmup-iters 50 --beta2 0.99 --threads $THREADS --seed 1337"

log "3. calibration: $CALIB iterations each, side by side"
rm -rf "$WORK/calib-aigc"
"$AIGC" pretrain $common --max-iters "$CALIB" --eval-interval "$CALIB" --eval-iters 1 --out "$WORK/calib-aigc" > "$WORK/calib-aigc.jsonl" &
A=$!
"$TORCH_PYTHON" "$SHARED/reference/torch_gpt.py" train $common --max-iters "$CALIB" --eval-interval "$CALIB" --eval-iters 1 > "$WORK/calib-torch.jsonl" &
B=$!
wait $A; wait $B
MS_A=$(tail -1 "$WORK/calib-aigc.jsonl" | python3 -c "import json,sys; print(json.load(sys.stdin)['ms_per_iter'])")
MS_T=$(tail -1 "$WORK/calib-torch.jsonl" | python3 -c "import json,sys; print(json.load(sys.stdin)['ms_per_iter'])")
# Iterations that fit the budget: 5 evaluations of 50 batches on each of 2 splits cost about 100/3 iterations each.
iters() { python3 -c "print(max(50, int($BUDGET * 1000 / $1 - 5 * 100 / 3)))"; }
N_A=$(iters "$MS_A"); N_T=$(iters "$MS_T")
EV_A=$(( (N_A + 3) / 4 )); EV_T=$(( (N_T + 3) / 4 ))
log "calibration: aigc $MS_A ms/iter -> $N_A iterations; torch $MS_T ms/iter -> $N_T iterations"

log "4. both trainings side by side (budget $BUDGET s each)"
config "$N_A" "$EV_A" 200
/usr/bin/time -f "%e %U %S" -o "$WORK/pipeline.time" "$AIGC" pipeline run "$WORK/run.yaml" --work-dir "$WORK/pipe" > "$WORK/pipeline.txt" 2> "$WORK/pipeline.log" &
A=$!
/usr/bin/time -f "%e %U %S" -o "$WORK/torch.time" "$TORCH_PYTHON" "$SHARED/reference/torch_gpt.py" train $common --max-iters "$N_T" \
  --lr-decay-iters "$N_T" --eval-interval "$EV_T" --eval-iters 50 --metrics "$WORK/torch-metrics.jsonl" > "$WORK/torch.jsonl" &
B=$!
wait $B; log "torch done: $(cat "$WORK/torch.time")"
wait $A; log "pipeline done: $(cat "$WORK/pipeline.time")"
cat "$WORK/pipeline.txt"
fi

log "5. evaluation on DailyDialog's validation split"
rm -rf "$WORK/ddval"
"$AIGC" corpus build --input-format dailydialog --tokenizer "$WORK/pipe/model/tokenizer.json" --template chatml \
  --seq-len "$BLOCK" --val-fraction 0 -o "$WORK/ddval" "$SHARED/data/dailydialog/validation.txt" 2> "$WORK/ddval.log"
tail -1 "$WORK/ddval.log"
for m in pretrain model; do
  "$AIGC" evaluate --model "$WORK/pipe/$m" --tokenizer "$WORK/pipe/model/tokenizer.json" --corpus "$WORK/ddval" --split train \
    --threads 2 $([ $m = model ] && echo "--samples 200 --max-reply-tokens 40 --temperature 0.8") > "$WORK/eval-$m.json"
done
python3 - "$WORK" "$BUDGET" "$SHARED/data/dailydialog/train.txt" <<'PY'
import json, re, sys
w, budget, train = sys.argv[1], sys.argv[2], sys.argv[3]
# "Real words": the lower-cased words (letters, digits, apostrophes) of the training split's dialogues.
word = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
known = set(word.findall(open(train, encoding="utf-8").read().lower()))
import os
aig = [json.loads(l) for l in open(f"{w}/pipe/pretrain/metrics.jsonl") if l.strip()]
last_a = [r for r in aig if "val_loss" in r][-1]
if os.path.exists(f"{w}/torch.jsonl") and os.path.exists(f"{w}/torch.time"):
    tor = [json.loads(l) for l in open(f"{w}/torch.jsonl") if l.strip()]
    ta = open(f"{w}/torch.time").read().split()
    print(f"budget {budget} s per side; torch: {tor[-1]['iters']} iterations, wall {ta[0]} s, val loss {tor[-1]['val_loss']:.4f}")
print(f"aigc pretrain: {last_a.get('iter')} iterations, val loss {last_a['val_loss']:.4f}")
for m in ("pretrain", "model"):
    e = json.load(open(f"{w}/eval-{m}.json"))
    print(f"{m}: DailyDialog validation replies {e['replies']}, tokens {e['tokens']}, words {e['words']}: "
          f"token ppl {e['token_perplexity']:.2f}, word ppl {e['word_perplexity']:.2f}")
samples = json.load(open(f"{w}/eval-model.json")).get("samples", [])
for who in ("model", "human"):
    ws = [x for s in samples for x in word.findall(s[who].lower())]
    print(f"{who} replies to {len(samples)} held-out contexts: {len(ws)} words, "
          f"{sum(x in known for x in ws) / max(1, len(ws)):.1%} of them words of the training split")
for s in samples[::max(1, len(samples) // 20)][:20]:
    print(f"| {s['context'].strip()} | {s['human'].strip()} | {s['model'].strip()} |")
PY
