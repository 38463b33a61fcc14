#!/usr/bin/env python3
"""Serving benchmark: `aigc serve` (continuous batching) vs the same server with --max-batch 1 vs HF transformers
`generate` on the export-hf copy of the same model (one request at a time, and batched with padding).

Usage (release build first; see Benchmarks/serve_bench.sh, which prepares the model and the environments):
  serve_bench.py --aigc BIN --model DIR --hf DIR [--levels 1,4,16,64] [--requests-per-client 4]
                 [--max-tokens 64] [--prompt-tokens 100] [--rounds 3] [--hf-python PY]

For every concurrency level C, C client threads each send R completions (stream=true, greedy) with different
prompts of --prompt-tokens tokens; we record time to first token (first SSE text chunk), request latency and
aggregate completion tokens/s (tokens the server reports in usage / wall time of the level) and the server's CPU
time per completion token (user + system of the server process over the level: what the tokens cost, which a
busy machine changes much less than the wall time). Each round measures every level on the two server
configurations (two processes side by side) and then the HF runs (a fresh process), so all sides see the same
stretch of a drifting, shared machine; medians over --rounds reported, with the load average of each round.
Prints a Markdown table and writes JSON next to it (--json).
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Clients", "python"))
from aigc import DONE, sse_events  # noqa: E402  (the one SSE reader, standard library only)


def percentile(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = min(len(xs) - 1, max(0, int(round(p / 100 * (len(xs) - 1)))))
    return xs[k]


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Server:
    def __init__(self, aigc, model, max_batch, threads, log):
        self.dir = tempfile.mkdtemp()
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen([aigc, "serve", "--model", f"bench={model}", "--port", "0", "--port-file", port_file,
                                      "--max-batch", str(max_batch), "--threads", str(threads), "--max-queue", "100000"],
                                     stderr=log, stdout=log)
        for _ in range(600):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.05)
        self.port = int(open(port_file).read())
        for _ in range(600):
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def one_request(port, prompt, max_tokens):
    """Streams one completion; returns (ttft, latency, completion_tokens)."""
    body = json.dumps({"model": "bench", "prompt": prompt, "max_tokens": max_tokens, "temperature": 0, "stream": True,
                       "stream_options": {"include_usage": True}})
    t0 = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    c.request("POST", "/v1/completions", body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse()
    if r.status != 200:
        raise RuntimeError(f"status {r.status}: {r.read()[:200]!r}")
    ttft, tokens = None, 0
    for o in sse_events(r):
        if o == DONE:
            continue
        if o.get("usage"):
            tokens = o["usage"]["completion_tokens"]
        for ch in o.get("choices", []):
            if ttft is None and ch.get("text"):
                ttft = time.perf_counter() - t0
    c.close()
    return ttft if ttft is not None else time.perf_counter() - t0, time.perf_counter() - t0, tokens


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def run_level(port, prompts, clients, per_client, max_tokens, pid=None):
    cpu0 = cpu_seconds(pid) if pid else 0.0
    ttfts, lats, toks, errors = [], [], [0], []
    lock = threading.Lock()

    def worker(k):
        for j in range(per_client):
            try:
                t, l, n = one_request(port, prompts[(k * per_client + j) % len(prompts)], max_tokens)
                with lock:
                    ttfts.append(t); lats.append(l); toks[0] += n
            except Exception as e:  # noqa: BLE001 - reported
                with lock:
                    errors.append(str(e))

    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.perf_counter() - t0
    cpu_ms = 1000 * (cpu_seconds(pid) - cpu0) / max(1, toks[0]) if pid else float("nan")
    return {"tokens_per_s": toks[0] / wall, "cpu_ms_per_token": cpu_ms, "p50_ms": 1000 * percentile(lats, 50), "p99_ms": 1000 * percentile(lats, 99),
            "ttft_p50_ms": 1000 * percentile(ttfts, 50), "ttft_p99_ms": 1000 * percentile(ttfts, 99), "errors": len(errors),
            "requests": len(lats), "wall_s": wall}


HF_SCRIPT = r'''
import json, sys, time, torch
from transformers import GPT2LMHeadModel
torch.set_num_threads(int(sys.argv[2]))
model = GPT2LMHeadModel.from_pretrained(sys.argv[1]).eval()
cfg = json.loads(sys.argv[3])
prompts = cfg["prompts"]; max_tokens = cfg["max_tokens"]; out = {}
with torch.inference_mode():
    # One at a time (what a simple HF server does), then batched with left padding.
    for label, batch in [("hf_one_at_a_time", 1)] + [(f"hf_batched_{b}", b) for b in cfg["batches"]]:
        n = cfg["requests"] if batch == 1 else max(batch, cfg["requests"])
        ps = [prompts[i % len(prompts)] for i in range(n)]
        ttfts, lats, tokens, busy = [], [], 0, 0.0
        for i in range(0, n, batch):
            group = ps[i:i + batch]
            L = max(len(p) for p in group)
            ids = torch.tensor([[0] * (L - len(p)) + p for p in group])
            mask = torch.tensor([[0] * (L - len(p)) + [1] * len(p) for p in group])
            s = time.perf_counter()
            model.generate(ids, attention_mask=mask, max_new_tokens=1, min_new_tokens=1, do_sample=False, pad_token_id=0)
            ttft = time.perf_counter() - s
            s = time.perf_counter()
            g = model.generate(ids, attention_mask=mask, max_new_tokens=max_tokens, min_new_tokens=max_tokens, do_sample=False, pad_token_id=0)
            lat = time.perf_counter() - s
            tokens += (g.shape[1] - L) * len(group)
            busy += lat  # generation time only: the one-token TTFT probes are not part of the throughput
            ttfts += [ttft] * len(group); lats += [lat] * len(group)
        out[label] = {"tokens_per_s": tokens / busy, "ttft_p50_ms": 1000 * sorted(ttfts)[len(ttfts) // 2],
                      "p50_ms": 1000 * sorted(lats)[len(lats) // 2], "p99_ms": 1000 * sorted(lats)[int(0.99 * (len(lats) - 1))],
                      "requests": n}
print(json.dumps(out))
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aigc", required=True)
    ap.add_argument("--model", required=True, help="aigc model directory (character meta.json or tokenizer)")
    ap.add_argument("--hf", help="export-hf directory of the same model")
    ap.add_argument("--hf-python", default=sys.executable)
    ap.add_argument("--levels", default="1,4,16,64")
    ap.add_argument("--requests-per-client", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--prompt-tokens", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="OpenBLAS threads of the aigc servers (prompt products)")
    ap.add_argument("--hf-threads", type=int, default=2, help="torch threads of the HF runs")
    ap.add_argument("--json")
    a = ap.parse_args()

    # Prompts: character-level slices of a fixed English text (for a character model 1 char = 1 token).
    base = ("First Citizen: Before we proceed any further, hear me speak. All: Speak, speak. First Citizen: You are all "
            "resolved rather to die than to famish? All: Resolved. resolved. First Citizen: First, you know Caius Marcius "
            "is chief enemy to the people. ") * 4
    prompts = [base[i * 7: i * 7 + a.prompt_tokens] for i in range(64)]
    levels = [int(x) for x in a.levels.split(",")]
    log = open(os.path.join(tempfile.gettempdir(), "serve_bench_servers.log"), "w")
    batched = Server(a.aigc, a.model, max(levels), a.threads, log)
    single = Server(a.aigc, a.model, 1, a.threads, log)
    results, hf_runs, loads = {}, [], []
    hf_cfg = None
    if a.hf:
        # Token ids for HF: the same prompts through the model's tokenizer (character meta.json here).
        meta = json.load(open(os.path.join(a.model, "meta.json")))
        stoi = {ch: i for i, ch in enumerate(meta["itos"])}
        hf_cfg = {"prompts": [[stoi[ch] for ch in p] for p in prompts], "max_tokens": a.max_tokens, "batches": [16, 64],
                  "requests": 16}
    try:
        for s in (batched, single):  # warm-up
            run_level(s.port, prompts, 2, 1, 8)
        for _ in range(a.rounds):
            loads.append(os.getloadavg()[0])
            for c in levels:
                for name, s in (("aigc", batched), ("aigc_max_batch_1", single)):
                    per = a.requests_per_client if c <= 16 else max(1, a.requests_per_client // 2)
                    results.setdefault(f"{name}@{c}", []).append(run_level(s.port, prompts, c, per, a.max_tokens, s.proc.pid))
            if hf_cfg:
                out = subprocess.run([a.hf_python, "-c", HF_SCRIPT, a.hf, str(a.hf_threads), json.dumps(hf_cfg)],
                                     capture_output=True, text=True)
                if out.returncode != 0:
                    print(out.stderr[-2000:], file=sys.stderr)
                else:
                    hf_runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            loads.append(os.getloadavg()[0])
        rss = {"aigc": rss_kb(batched.proc.pid), "aigc_max_batch_1": rss_kb(single.proc.pid)}
    finally:
        batched.stop()
        single.stop()

    summary = {}
    for k, runs in results.items():
        summary[k] = {m: statistics.median(r[m] for r in runs) for m in runs[0]}
        summary[k]["errors"] = sum(r["errors"] for r in runs)

    hf = {}
    for k in (hf_runs[0] if hf_runs else {}):
        hf[k] = {m: statistics.median(r[k][m] for r in hf_runs) for m in hf_runs[0][k]}

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CPU: {cpu}; {os.cpu_count()} cores; aigc OpenBLAS threads {a.threads}; HF torch threads {a.hf_threads}; load average (1 min) per round {loads}")
    print(f"prompt {a.prompt_tokens} tokens, max_tokens {a.max_tokens}, greedy, streaming; medians of {a.rounds} alternating rounds")
    print("| configuration | concurrency | tokens/s | p50 latency ms | p99 latency ms | TTFT p50 ms | TTFT p99 ms | server CPU ms/token | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k, v in summary.items():
        name, c = k.split("@")
        print(f"| {name} | {c} | {v['tokens_per_s']:.0f} | {v['p50_ms']:.0f} | {v['p99_ms']:.0f} | {v['ttft_p50_ms']:.1f} | {v['ttft_p99_ms']:.1f} | {v['cpu_ms_per_token']:.2f} | {v['errors']} |")
    for k, v in hf.items():
        print(f"| {k} | {v['requests']} requests | {v['tokens_per_s']:.0f} | {v['p50_ms']:.0f} | {v['p99_ms']:.0f} | {v['ttft_p50_ms']:.1f} | – | – | 0 |")
    c1 = summary.get("aigc@1", {}).get("tokens_per_s")
    c16 = summary.get("aigc@16", {}).get("tokens_per_s")
    best_hf = max((v["tokens_per_s"] for v in hf.values()), default=None)
    if c1 and c16:
        print(f"aigc concurrency 16 / concurrency 1: {c16 / c1:.2f}x (target >= 4x)")
    if c16 and best_hf:
        print(f"aigc concurrency 16 / best HF: {c16 / best_hf:.2f}x (target >= 2x)")
    print(f"peak RSS (VmHWM): aigc {rss['aigc'] / 1024:.0f} MB, aigc --max-batch 1 {rss['aigc_max_batch_1'] / 1024:.0f} MB")
    if a.json:
        json.dump({"aigc": summary, "hf": hf, "rss_kb": rss, "loads": loads, "rounds": {"aigc": results, "hf": hf_runs}},
                  open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
