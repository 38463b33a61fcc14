#!/usr/bin/env python3
"""Makes Fixtures/hf-gpt2/: a tiny randomly initialised transformers.GPT2LMHeadModel saved with save_pretrained
(config.json, model.safetensors), its byte-level BPE tokenizer (tokenizer.json, vocab.json, merges.txt: 256 byte
tokens + 44 merges learned here from a sample sentence), and expected.json: ids of a sample text, and logits of
three inputs, from transformers itself. `aigc import-hf` is tested against it (AIGCModelTests/HFImportTests).
Needs torch and transformers (e.g. python3 -m venv /tmp/hf-venv && /tmp/hf-venv/bin/pip install torch transformers).
"""
import json, os, sys, collections
import torch
from transformers import GPT2Config, GPT2LMHeadModel
from tokenizers import Tokenizer, decoders, models, pre_tokenizers

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Fixtures", "hf-gpt2")
os.makedirs(out, exist_ok=True)

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return dict(zip(bs, map(chr, cs)))

b2u = bytes_to_unicode()
vocab = {b2u[b]: i for i, b in enumerate(range(256))}
sample = "the quick brown fox jumps over the lazy dog; then the other fox thinks that the dog is there"
words = [[b2u[b] for b in (" " + w if i else w).encode()] for i, w in enumerate(sample.split(" "))]
merges = []
while len(merges) < 44:
    pairs = collections.Counter()
    for w in words:
        for a, b in zip(w, w[1:]): pairs[(a, b)] += 1
    if not pairs: break
    (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
    merges.append((a, b)); vocab[a + b] = len(vocab)
    for w in words:
        i = 0
        while i < len(w) - 1:
            if w[i] == a and w[i + 1] == b: w[i:i + 2] = [a + b]
            i += 1
with open(os.path.join(out, "vocab.json"), "w") as f: json.dump(vocab, f, ensure_ascii=False)
with open(os.path.join(out, "merges.txt"), "w") as f: f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tok.decoder = decoders.ByteLevel()
tok.save(os.path.join(out, "tokenizer.json"))

torch.manual_seed(0)
config = GPT2Config(vocab_size=len(vocab), n_positions=32, n_embd=16, n_layer=2, n_head=2, bos_token_id=None, eos_token_id=None)
model = GPT2LMHeadModel(config).eval()
# Random, not zero, biases and LayerNorm parameters, so every tensor's import is tested.
with torch.no_grad():
    for name, p in model.named_parameters():
        if name.endswith(".bias") or ".ln_" in name: p.copy_(torch.randn_like(p) * 0.1 + (1.0 if name.endswith("weight") else 0.0))
model.save_pretrained(out, safe_serialization=True)
for extra in ["generation_config.json"]:
    p = os.path.join(out, extra)
    if os.path.exists(p): os.remove(p)

text = "the lazy fox thinks, the dog jumps!"
ids = tok.encode(text).ids
inputs = [ids[:8], [5, 200, 17, 299, 0], [42]]
with torch.no_grad():
    logits = [model(torch.tensor([x])).logits[0].tolist() for x in inputs]
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump({"text": text, "ids": ids, "inputs": inputs,
               "logits": [[[round(v, 6) for v in row] for row in l] for l in logits]}, f, separators=(",", ":"))
print("wrote", out, "vocab", len(vocab), "params", sum(p.numel() for p in model.parameters()))
