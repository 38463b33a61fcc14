#!/usr/bin/env python3
"""Serving benchmark: `aigc serve` (continuous batching) vs the same server with --max-batch 1 vs HF transformers
`generate` on the export-hf copy of the same model (one request at a time, and batched with padding).

Usage (release build first; see Benchmarks/serve_bench.sh, which prepares the model and the environments):
  serve_bench.py --aigc BIN --model DIR --hf DIR [--levels 1,4,16,64] [--requests-per-client 4]
                 [--max-tokens 64] [--prompt-tokens 100] [--rounds 3] [--hf-python PY]
                 [--weights fp32,bf16] [--singles fp32] [--hf-dtypes fp32,bf16] [--client sse|lean]

--weights: one batched server per weight precision (`aigc serve --weights`); --singles: the precisions that also get
a `--max-batch 1` twin. --hf-dtypes: HF runs in fp32 and/or bf16 (`dtype=torch.bfloat16`; batched only in bf16).
--client: `sse` parses every SSE event with the project's reader (Clients/python); `lean` reads the raw socket and
only searches the bytes (the first non-empty text for the time to first token, the usage at the end), so the load
generator takes less of the CPU the server shares. Ratios: our fp32 against HF's best fp32 figure, our bf16 against
HF's best figure in any precision.

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
import re
import socket
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
    def __init__(self, aigc, model, max_batch, threads, log, weights="fp32"):
        self.dir = tempfile.mkdtemp()
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen([aigc, "serve", "--model", f"bench={model}", "--port", "0", "--port-file", port_file,
                                      "--max-batch", str(max_batch), "--threads", str(threads), "--max-queue", "100000",
                                      "--weights", weights],
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


TEXT_KEY = b'"text":"'
USAGE_RE = re.compile(rb'"completion_tokens":\s*(\d+)')


def one_request_lean(port, prompt, max_tokens):
    """The same request as one_request, read from the raw socket without parsing events: the time to first token
    is the first non-empty "text" in the bytes, the token count the last usage's completion_tokens."""
    body = json.dumps({"model": "bench", "prompt": prompt, "max_tokens": max_tokens, "temperature": 0, "stream": True,
                       "stream_options": {"include_usage": True}}).encode()
    head = (f"POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    t0 = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port), timeout=600)
    s.sendall(head + body)
    buf, ttft, scan = bytearray(), None, 0
    while True:
        d = s.recv(65536)
        if not d:
            break
        buf += d
        if ttft is None:
            i = buf.find(TEXT_KEY, max(0, scan - len(TEXT_KEY)))
            while i >= 0 and i + len(TEXT_KEY) < len(buf):
                if buf[i + len(TEXT_KEY)] != ord('"'):
                    ttft = time.perf_counter() - t0
                    break
                i = buf.find(TEXT_KEY, i + 1)
            scan = len(buf)
        if buf.endswith(b"\r\n0\r\n\r\n"):  # the last chunk of a chunked response
            break
    s.close()
    lat = time.perf_counter() - t0
    if not buf.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"response {bytes(buf[:200])!r}")
    m = USAGE_RE.findall(buf)
    return ttft if ttft is not None else lat, lat, int(m[-1]) if m else 0


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def run_level(port, prompts, clients, per_client, max_tokens, pid=None, request=one_request):
    cpu0 = cpu_seconds(pid) if pid else 0.0
    ttfts, lats, toks, errors = [], [], [0], []
    lock = threading.Lock()

    def worker(k):
        for j in range(per_client):
            try:
                t, l, n = request(port, prompts[(k * per_client + j) % len(prompts)], max_tokens)
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
cfg = json.loads(sys.argv[3])
bf16 = cfg.get("dtype") == "bf16"
model = GPT2LMHeadModel.from_pretrained(sys.argv[1], dtype=torch.bfloat16 if bf16 else torch.float32).eval()
assert next(model.parameters()).dtype == (torch.bfloat16 if bf16 else torch.float32)
suffix = "_bf16" if bf16 else ""
prompts = cfg["prompts"]; max_tokens = cfg["max_tokens"]; out = {}
with torch.inference_mode():
    # One at a time (what a simple HF server does), then batched with left padding.
    runs = ([("hf_one_at_a_time" + suffix, 1)] if cfg.get("one_at_a_time", True) else []) + [(f"hf_batched_{b}{suffix}", b) for b in cfg["batches"]]
    for label, batch in runs:
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
    ap.add_argument("--weights", default="fp32", help="comma-separated precisions of batched servers: fp32, bf16")
    ap.add_argument("--singles", default="fp32", help="precisions that also get a --max-batch 1 server ('' for none)")
    ap.add_argument("--hf-dtypes", default="fp32,bf16", help="HF runs: fp32, bf16")
    ap.add_argument("--client", choices=["sse", "lean"], default="sse")
    ap.add_argument("--json")
    a = ap.parse_args()
    request = one_request if a.client == "sse" else one_request_lean

    # Prompts: character-level slices of a fixed English text (for a character model 1 char = 1 token).
    base = ("First Citizen: Before we proceed any further, hear me speak. All: Speak, speak. First Citizen: You are all "
            "resolved rather to die than to famish? All: Resolved. resolved. First Citizen: First, you know Caius Marcius "
            "is chief enemy to the people. ") * 4
    prompts = [base[i * 7: i * 7 + a.prompt_tokens] for i in range(64)]
    levels = [int(x) for x in a.levels.split(",")]
    log = open(os.path.join(tempfile.gettempdir(), "serve_bench_servers.log"), "w")
    def label(w, single):
        return "aigc" + ("" if w == "fp32" else "_" + w) + ("_max_batch_1" if single else "")
    servers = []  # (label, Server)
    for w in [x for x in a.weights.split(",") if x]:
        servers.append((label(w, False), Server(a.aigc, a.model, max(levels), a.threads, log, w)))
        if w in a.singles.split(","):
            servers.append((label(w, True), Server(a.aigc, a.model, 1, a.threads, log, w)))
    results, hf_runs, loads = {}, [], []
    hf_cfg = None
    if a.hf:
        # Token ids for HF: the same prompts through the model's tokenizer (character meta.json here).
        meta = json.load(open(os.path.join(a.model, "meta.json")))
        stoi = {ch: i for i, ch in enumerate(meta["itos"])}
        hf_cfg = {"prompts": [[stoi[ch] for ch in p] for p in prompts], "max_tokens": a.max_tokens, "batches": [16, 64],
                  "requests": 16}
    try:
        for _, s in servers:  # warm-up
            run_level(s.port, prompts, 2, 1, 8, request=request)
        for _ in range(a.rounds):
            loads.append(os.getloadavg()[0])
            for c in levels:
                for name, s in servers:
                    per = a.requests_per_client if c <= 16 else max(1, a.requests_per_client // 2)
                    results.setdefault(f"{name}@{c}", []).append(run_level(s.port, prompts, c, per, a.max_tokens, s.proc.pid, request))
            if hf_cfg:
                merged = {}
                for dt in [x for x in a.hf_dtypes.split(",") if x]:
                    cfg = dict(hf_cfg, dtype=dt, one_at_a_time=(dt == "fp32"))
                    out = subprocess.run([a.hf_python, "-c", HF_SCRIPT, a.hf, str(a.hf_threads), json.dumps(cfg)],
                                         capture_output=True, text=True)
                    if out.returncode != 0:
                        print(out.stderr[-2000:], file=sys.stderr)
                    else:
                        merged.update(json.loads(out.stdout.strip().splitlines()[-1]))
                if merged:
                    hf_runs.append(merged)
            loads.append(os.getloadavg()[0])
        rss = {name: rss_kb(s.proc.pid) for name, s in servers}
    finally:
        for _, s in servers:
            s.stop()

    summary = {}
    for k, runs in results.items():
        summary[k] = {m: statistics.median(r[m] for r in runs) for m in runs[0]}
        summary[k]["errors"] = sum(r["errors"] for r in runs)

    hf = {}
    for k in (hf_runs[0] if hf_runs else {}):
        hf[k] = {m: statistics.median(r[k][m] for r in hf_runs if k in r) for m in hf_runs[0][k]}

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CPU: {cpu}; {os.cpu_count()} cores; aigc OpenBLAS threads {a.threads}; HF torch threads {a.hf_threads}; load average (1 min) per round {loads}")
    print(f"prompt {a.prompt_tokens} tokens, max_tokens {a.max_tokens}, greedy, streaming ({a.client} client); medians of {a.rounds} alternating rounds")
    print("| configuration | concurrency | tokens/s | p50 latency ms | p99 latency ms | TTFT p50 ms | TTFT p99 ms | server CPU ms/token | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k, v in summary.items():
        name, c = k.split("@")
        print(f"| {name} | {c} | {v['tokens_per_s']:.0f} | {v['p50_ms']:.0f} | {v['p99_ms']:.0f} | {v['ttft_p50_ms']:.1f} | {v['ttft_p99_ms']:.1f} | {v['cpu_ms_per_token']:.2f} | {v['errors']} |")
    for k, v in hf.items():
        print(f"| {k} | {v['requests']} requests | {v['tokens_per_s']:.0f} | {v['p50_ms']:.0f} | {v['p99_ms']:.0f} | {v['ttft_p50_ms']:.1f} | – | – | 0 |")
    best_fp32 = max(((k, v["tokens_per_s"]) for k, v in hf.items() if not k.endswith("_bf16")), key=lambda x: x[1], default=None)
    best_any = max(((k, v["tokens_per_s"]) for k, v in hf.items()), key=lambda x: x[1], default=None)
    for w in [x for x in a.weights.split(",") if x]:
        name = label(w, False)
        c1 = summary.get(f"{name}@1", {}).get("tokens_per_s")
        c16 = summary.get(f"{name}@16", {}).get("tokens_per_s")
        if c1 and c16:
            print(f"{name} concurrency 16 / its concurrency 1: {c16 / c1:.2f}x (target >= 4x)")
        best = best_fp32 if w == "fp32" else best_any
        if c16 and best:
            print(f"{name} concurrency 16 / best HF {'fp32' if w == 'fp32' else 'any precision'} ({best[0]}, {best[1]:.0f}): "
                  f"{c16 / best[1]:.2f}x (target >= 2x)")
    print("peak RSS (VmHWM): " + ", ".join(f"{name} {kb / 1024:.0f} MB" for name, kb in rss.items()))
    if a.json:
        json.dump({"aigc": summary, "hf": hf, "rss_kb": rss, "loads": loads, "rounds": {"aigc": results, "hf": hf_runs}},
                  open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
