#!/usr/bin/env bash
# Proves `aigc export-hf` output loads in transformers' GPT2LMHeadModel with the same logits:
#  1. trains a tiny model for a few iterations (or uses MODEL_DIR if given),
#  2. exports it, loads it with GPT2LMHeadModel.from_pretrained, and compares its logits on random ids
#     (a) with the reference torch_gpt.GPT loaded from our model.safetensors (all positions, all logits), and
#     (b) with aigc's own log-probabilities (aigc generate --logprobs 20, greedy, first generated token).
# Prints the max absolute differences.
# usage: source /tmp/aigc-reference/activate-reference && Scripts/verify-hf-export.sh [MODEL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${AIGC_SHARED:-$(cd .. && pwd)/shared}
AIGC=${AIGC:-.build/release/aigc}
work=$(mktemp -d /tmp/aigc-hf-XXXXXX)
trap 'rm -rf "$work"' EXIT
model=${1:-}
if [ -z "$model" ]; then
  python3 - "$work" <<'PY'
import sys, numpy as np
rng = np.random.default_rng(0)
rng.integers(0, 65, 20000).astype(np.uint16).tofile(sys.argv[1] + "/train.bin")
PY
  "$AIGC" pretrain --train "$work/train.bin" --vocab-size 65 --n-layer 2 --n-head 4 --n-embd 32 --block-size 32 \
    --batch-size 4 --max-iters 20 --eval-interval 10 --eval-iters 2 --out "$work/model" >/dev/null
  model="$work/model"
fi
"$AIGC" export-hf "$model" --output "$work/hf"
ids="3,14,15,9,26,5,35,8,9,7,9,3,2,38,4,6"
"$AIGC" generate --model "$model" --prompt-ids "$ids" --max-tokens 1 --temperature 0 --logprobs 20 > "$work/ours.json"
python3 - "$work" "$model" "$REF" "$ids" <<'PY'
import sys, json, torch, numpy as np
sys.path.insert(0, sys.argv[3] + "/reference")
from transformers import GPT2LMHeadModel
from safetensors.torch import load_file
import torch_gpt
work, model_dir, ids = sys.argv[1], sys.argv[2], [int(x) for x in sys.argv[4].split(",")]
cfg = json.load(open(model_dir + "/config.json"))
hf = GPT2LMHeadModel.from_pretrained(work + "/hf").eval()
class A: pass
a = A(); a.vocab_size, a.n_layer, a.n_head, a.n_embd, a.block_size = cfg["vocab_size"], cfg["n_layer"], cfg["n_head"], cfg["n_embd"], cfg["block_size"]
ref = torch_gpt.GPT(a).eval()
ref.load_state_dict(load_file(model_dir + "/model.safetensors"))
x = torch.tensor([ids])
with torch.no_grad():
    lh = hf(x).logits
    lr, _ = ref(x)
d_ref = (lh - lr).abs().max().item()
ours = json.load(open(work + "/ours.json"))["choices"][0]["logprobs"]["top_logprobs"][0]
lp = torch.log_softmax(lh[0, -1].double(), -1)
d_ours = max(abs(lp[e["token"]].item() - e["logprob"]) for e in ours)
print(json.dumps({"max_abs_diff_hf_vs_reference_logits": d_ref, "max_abs_diff_hf_vs_aigc_logprobs_top20": d_ours,
                  "positions": len(ids), "vocab": cfg["vocab_size"]}))
assert d_ref < 1e-4 and d_ours < 1e-4, "export mismatch"
PY
