#!/usr/bin/env bash
# Side-by-side speed and quality: `aigc pretrain` vs the PyTorch reference `torch_gpt.py train`, same recipe,
# same data, same thread count, run one after the other in this one script (whole-process wall time).
#   1. nanoGPT's shakespeare-char CPU recipe (4 layers, 4 heads, 128 wide, block 64, batch 12, 2,000 iters,
#      lr 1e-3 -> 1e-4, warm-up 100, beta2 0.99, dropout 0, eval every 250 iters over --eval-iters 100).
#   2. A wider model (6 layers, 6 heads, 384 wide, block 256, batch 12): ms per iteration over WIDE_ITERS.
#   3. Generation tokens/s: aigc generate (KV cache) vs transformers' GPT2LMHeadModel.generate on the exported model.
# usage: source /tmp/aigc-reference/activate-reference && Benchmarks/gpt-vs-torch.sh
# env: ITERS (2000), EVAL_ITERS (100), THREADS (2), WIDE_ITERS (30), GEN_TOKENS (500), SKIP_TORCH=1, OUT (/tmp/aigc-bench),
#      ROUNDS (1): run each side ROUNDS times, interleaved (A B, B A, A B …, so neither side always runs first on a
#      machine whose speed drifts), and print the median wall time of each side and the median of the per-round
#      ratios; ONLY=char|wide (skip the other parts; ONLY=char also skips generation)
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${AIGC_SHARED:-$(cd .. && pwd)/shared}
ITERS=${ITERS:-2000}; EVAL_ITERS=${EVAL_ITERS:-100}; THREADS=${THREADS:-2}; WIDE_ITERS=${WIDE_ITERS:-30}
GEN_TOKENS=${GEN_TOKENS:-500}; OUT=${OUT:-/tmp/aigc-bench}
AIGC=${AIGC:-.build/release/aigc}
[ -n "${NO_BUILD:-}" ] || swift build -c release --static-swift-stdlib --product aigc >/dev/null
DATA=/tmp/aigc-shakespeare-char
[ -f "$DATA/train.bin" ] || python3 "$REF/reference/make_char_dataset.py" "$REF/data/tinyshakespeare.txt" "$DATA"
mkdir -p "$OUT"
now() { date +%s.%N; }
# timed NAME OUTFILE CMD...: whole-process wall time plus CPU time (user+sys, all threads) of CMD.
timed() {
  local name=$1 out=$2; shift 2
  /usr/bin/time -f "%e %U %S" -o "$OUT/$name.time" "$@" > "$out"
  read -r wall user sys < "$OUT/$name.time"
  echo "$name wall_s $wall cpu_s $(echo "$user + $sys" | bc) load $(cut -d' ' -f1 /proc/loadavg) $(tail -1 "$out")"
}
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=1
echo "# machine: $(getconf _NPROCESSORS_ONLN) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"

common="--train $DATA/train.bin --val $DATA/val.bin --vocab-size 65 --n-layer 4 --n-head 4 --n-embd 128 --block-size 64
  --batch-size 12 --max-iters $ITERS --lr 1e-3 --min-lr 1e-4 --warmup-iters 100 --lr-decay-iters $ITERS --beta2 0.99
  --eval-interval 250 --eval-iters $EVAL_ITERS --threads $THREADS --seed 1337"
ROUNDS=${ROUNDS:-1}
# side_by_side LABEL ARGS: ROUNDS interleaved rounds of torch_gpt.py train and aigc pretrain with the same ARGS.
side_by_side() {
  local label=$1 args=$2 r
  for r in $(seq "$ROUNDS"); do
    local order="torch aigc"; [ $((r % 2)) -eq 0 ] && order="aigc torch"
    for side in $order; do
      if [ "$side" = torch ]; then
        [ -n "${SKIP_TORCH:-}" ] || timed "torch$label-r$r" "$OUT/torch$label-r$r.jsonl" python3 "$REF/reference/torch_gpt.py" train $args
      else
        rm -rf "$OUT/aigc$label"
        timed "aigc$label-r$r" "$OUT/aigc$label-r$r.jsonl" $AIGC pretrain $args --profile --out "$OUT/aigc$label"
        cp "$OUT/aigc$label-r$r.jsonl" "$OUT/aigc$label.jsonl"
      fi
    done
  done
  [ -n "${SKIP_TORCH:-}" ] || python3 - "$OUT" "$label" "$ROUNDS" <<'PY'
import statistics, sys
out, label, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
wall = lambda side, r: float(open(f"{out}/{side}{label}-r{r}.time").read().split()[0])
t = [wall("torch", r) for r in range(1, rounds + 1)]; a = [wall("aigc", r) for r in range(1, rounds + 1)]
ratios = [x / y for x, y in zip(a, t)]
print(f"summary{label or '-char'}: rounds {rounds}; torch wall median {statistics.median(t):.2f} s {t}; aigc wall median "
      f"{statistics.median(a):.2f} s {a}; aigc/torch per round {[round(x, 3) for x in ratios]}, median {statistics.median(ratios):.3f}")
PY
}
[ "${ONLY:-}" = wide ] || side_by_side "" "$common"
[ "${ONLY:-}" = char ] && exit 0
wide="--train $DATA/train.bin --val $DATA/val.bin --vocab-size 65 --n-layer 6 --n-head 6 --n-embd 384 --block-size 256
  --batch-size 12 --max-iters $WIDE_ITERS --warmup-iters 10 --lr-decay-iters $WIDE_ITERS --eval-interval 100000 --eval-iters 1
  --threads $THREADS --seed 1337"
side_by_side -wide "$wide"
[ "${ONLY:-}" = wide ] && exit 0
# Generation from the trained shakespeare model: one completion of GEN_TOKENS tokens (block 64 would cap it,
# so use the wide model's 256 context: prompt 1 token + up to 255 generated) — both sides decode with a KV cache.
cp "$DATA/meta.json" "$OUT/aigc-wide/"
n=$(( GEN_TOKENS < 255 ? GEN_TOKENS : 255 ))
t0=$(now); $AIGC generate --model "$OUT/aigc-wide" --prompt-ids 0 --max-tokens $n --temperature 0 --threads 1 > "$OUT/gen.json"; t1=$(now)
echo "aigc-generate tokens $n wall_s $(echo "$t1 - $t0" | bc) tokens_per_s $(echo "$n / ($t1 - $t0)" | bc -l)"
$AIGC export-hf "$OUT/aigc-wide" --output "$OUT/hf-wide"
python3 - "$OUT/hf-wide" "$n" "$OUT/gen.json" <<'PY'
import sys, time, json, torch
from transformers import GPT2LMHeadModel
torch.set_num_threads(1)
m = GPT2LMHeadModel.from_pretrained(sys.argv[1]).eval(); n = int(sys.argv[2])
x = torch.zeros((1, 1), dtype=torch.long)
with torch.no_grad():
    # An explicit attention mask: with pad_token_id equal to the prompt token, generate() would mask the prompt out.
    t = time.perf_counter()
    out = m.generate(x, attention_mask=torch.ones_like(x), max_new_tokens=n, min_new_tokens=n, do_sample=False, pad_token_id=0)
    dt = time.perf_counter() - t
ours = json.load(open(sys.argv[3]))["choices"][0]["tokens"]
same = ours == out[0, 1:].tolist()
print(f"hf-generate tokens {out.shape[1] - 1} s {dt:.3f} tokens_per_s {(out.shape[1] - 1) / dt:.1f} (in-process, model loaded); greedy tokens identical to aigc: {same}")
PY
