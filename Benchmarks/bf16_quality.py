#!/usr/bin/env python3
"""bf16 against fp32 weights on one model, through two `aigc serve` processes (`--weights fp32` and `--weights bf16`):
the same greedy completions with `logprobs: 5` from both, compared token by token.

Reports: the share of completions that are identical; the greedy agreement rate (tokens equal before the first
difference, over all generated tokens); and, at every position whose context is still identical on both sides, the
largest |Δ| of the chosen token's log-probability and of the top-5 log-probabilities both sides list (log-probabilities
are logits minus a per-position constant, so these bound how far bf16 moves the distribution the sampler sees).

usage: bf16_quality.py --aigc BIN --model DIR|NAME [--prompts 64] [--prompt-tokens 100] [--max-tokens 64] [--json FILE]
Any served model (a character meta.json or a tokenizer): the prompts are the serving benchmark's Shakespeare slices,
as text.
"""
import argparse
import http.client
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_bench import Server  # noqa: E402


def complete(port, prompt, max_tokens):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    c.request("POST", "/v1/completions", body=json.dumps({"model": "bench", "prompt": prompt, "max_tokens": max_tokens,
                                                          "temperature": 0, "logprobs": 5}),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    body = json.loads(r.read())
    if r.status != 200:
        raise RuntimeError(f"status {r.status}: {body}")
    return body["choices"][0]["logprobs"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aigc", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompts", type=int, default=64)
    ap.add_argument("--prompt-tokens", type=int, default=100, help="prompt length in characters (tokens for a character model)")
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--json")
    a = ap.parse_args()
    base = ("First Citizen: Before we proceed any further, hear me speak. All: Speak, speak. First Citizen: You are all "
            "resolved rather to die than to famish? All: Resolved. resolved. First Citizen: First, you know Caius Marcius "
            "is chief enemy to the people. ") * 4
    prompts = [base[i * 7: i * 7 + a.prompt_tokens] for i in range(a.prompts)]
    log = open(os.path.join(tempfile.gettempdir(), "bf16_quality_servers.log"), "w")
    fp32 = Server(a.aigc, a.model, 16, 1, log, "fp32")
    bf16 = Server(a.aigc, a.model, 16, 1, log, "bf16")
    identical, agree, total, max_chosen, max_top, compared = 0, 0, 0, 0.0, 0.0, 0
    try:
        for p in prompts:
            x, y = complete(fp32.port, p, a.max_tokens), complete(bf16.port, p, a.max_tokens)
            tx, ty = x["tokens"], y["tokens"]
            total += len(tx)
            identical += tx == ty
            n = 0
            while n < min(len(tx), len(ty)) and tx[n] == ty[n]:
                n += 1
            agree += n
            # Positions 0..n (position n still has the same context; its choice differs or the text ended).
            for i in range(min(n + 1, len(tx), len(ty))):
                compared += 1
                if tx[i] == ty[i]:
                    max_chosen = max(max_chosen, abs(x["token_logprobs"][i] - y["token_logprobs"][i]))
                a_top, b_top = x["top_logprobs"][i], y["top_logprobs"][i]
                for t in set(a_top) & set(b_top):
                    max_top = max(max_top, abs(a_top[t] - b_top[t]))
    finally:
        fp32.stop()
        bf16.stop()
    out = {"prompts": len(prompts), "identical_completions": identical, "greedy_agreement": agree / max(1, total),
           "positions_compared": compared, "max_abs_delta_chosen_logprob": max_chosen, "max_abs_delta_top5_logprob": max_top}
    print(f"bf16 vs fp32 weights, {len(prompts)} prompts of {a.prompt_tokens} characters, {a.max_tokens} greedy tokens each:")
    print(f"  identical completions: {identical}/{len(prompts)}; greedy agreement (tokens before the first difference): "
          f"{100 * agree / max(1, total):.1f}%")
    print(f"  over {compared} positions with identical context: max |Δ logprob| of the chosen token {max_chosen:.4f}, "
          f"of the top 5 {max_top:.4f}")
    if a.json:
        json.dump(out, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
