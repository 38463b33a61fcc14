"""Bad requests and a bounded load test against a running `aigc serve`, standard library only.

Env: AIGC_BASE_URL (…/v1), AIGC_API_KEY, AIGC_MODEL, AIGC_SERVER_PID (for RSS), AIGC_CONTEXT (the model's context).
Exits non-zero on the first failed check; prints a summary line per part.
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Clients", "python"))
from aigc import DONE, sse_events  # noqa: E402  (the one SSE reader, standard library only)

BASE = urllib.parse.urlparse(os.environ["AIGC_BASE_URL"])
KEY = os.environ["AIGC_API_KEY"]
MODEL = os.environ["AIGC_MODEL"]
PID = int(os.environ["AIGC_SERVER_PID"])
CONTEXT = int(os.environ.get("AIGC_CONTEXT", "256"))


def request(method, path, body=None, key=KEY, raw=None, headers=None):
    c = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=60)
    h = {"Content-Type": "application/json", **(headers or {})}
    if key is not None:
        h["Authorization"] = "Bearer " + key
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    c.request(method, BASE.path + path, body=data, headers=h)
    r = c.getresponse()
    payload = r.read()
    c.close()
    return r.status, dict(r.getheaders()), payload


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)


def rss_kb():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def abuse():
    ok = {"model": MODEL, "prompt": "hi", "max_tokens": 2}
    cases = [
        ("malformed JSON", "/completions", None, b'{"model":', 400),
        ("wrong type", "/completions", {**ok, "max_tokens": "ten"}, None, 400),
        ("n=100000", "/completions", {**ok, "n": 100000}, None, 400),
        ("negative max_tokens", "/completions", {**ok, "max_tokens": -5}, None, 400),
        ("prompt+max_tokens beyond context", "/completions", {**ok, "max_tokens": CONTEXT + 1}, None, 400),
        ("oversized body", "/completions", None, b'{"prompt":"' + b"a" * (3 << 20) + b'"}', 413),
        ("unknown model", "/completions", {**ok, "model": "nope"}, None, 404),
        ("unknown route", "/nothing", ok, None, 404),
        ("suffix", "/completions", {**ok, "suffix": "x"}, None, 400),
        ("binary garbage", "/completions", None, bytes(range(256)) * 4, 400),
        ("null bytes in JSON", "/completions", None, b'{"model":"' + MODEL.encode() + b'","prompt":"a\\u0000b","max_tokens":2}', 200),
        ("lone surrogate", "/completions", None, b'{"model":"' + MODEL.encode() + b'","prompt":"\\ud800","max_tokens":2}', 400),
    ]
    for name, path, body, raw, want in cases:
        status, _, payload = request("POST", path, body=body, raw=raw)
        check(status == want, f"{name}: status {status}, want {want}: {payload[:200]!r}")
        if want >= 400:
            err = json.loads(payload)["error"]
            check(all(k in err for k in ("message", "type", "param", "code")), f"{name}: error object {err}")
    status, _, _ = request("POST", "/completions", ok, key="wrong")
    check(status == 401, "wrong key")
    status, _, _ = request("POST", "/completions", ok, key=None)
    check(status == 401, "missing key")
    # A client that disconnects mid-stream: its completion leaves the batch; the server keeps serving.
    for _ in range(3):
        c = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=30)
        c.request("POST", BASE.path + "/completions",
                  body=json.dumps({"model": MODEL, "prompt": "x", "max_tokens": CONTEXT - 4, "stream": True, "temperature": 1}),
                  headers={"Content-Type": "application/json", "Authorization": "Bearer " + KEY})
        r = c.getresponse()
        check(r.status == 200, "stream start")
        r.read1(64)
        c.sock.close()
        c.close()
    status, _, payload = request("POST", "/completions", ok)
    check(status == 200 and json.loads(payload)["choices"], "server still serves after abuse")
    print(f"abuse: {len(cases) + 3} bad requests and 3 mid-stream disconnects answered; server still serving")


def complete(prompt, stream):
    body = {"model": MODEL, "prompt": prompt, "max_tokens": 24, "temperature": 0, "stream": stream}
    if not stream:
        status, _, payload = request("POST", "/completions", body)
        check(status == 200, f"load: status {status} {payload[:200]!r}")
        return json.loads(payload)["choices"][0]["text"]
    c = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=120)
    c.request("POST", BASE.path + "/completions", body=json.dumps(body),
              headers={"Content-Type": "application/json", "Authorization": "Bearer " + KEY})
    r = c.getresponse()
    check(r.status == 200, f"load stream: status {r.status}")
    text, done = "", False
    for event in sse_events(r):
        if event == DONE:
            done = True
            continue
        for ch in event["choices"]:
            text += ch["text"]
    c.close()
    check(done, "load stream: no [DONE]")
    return text


def load(clients=32, per_client=8):
    prompts = [f"request {i}: the {['cat', 'dog', 'sea', 'sun'][i % 4]} and" for i in range(clients * per_client)]
    # Reference: the same greedy requests one at a time (distinct prompts: a sample of them).
    sample = list(range(0, len(prompts), 7))
    reference = {i: complete(prompts[i], stream=False) for i in sample}
    rss_start = rss_kb()
    results, errors = {}, []
    lock = threading.Lock()

    def worker(k):
        for j in range(per_client):
            i = k * per_client + j
            try:
                t = complete(prompts[i], stream=(i % 2 == 0))
                with lock:
                    results[i] = t
            except SystemExit as e:
                with lock:
                    errors.append(str(e))

    start = time.time()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - start
    rss_end = rss_kb()
    check(not errors, f"load: {len(errors)} errors, first: {errors[:1]}")
    check(len(results) == clients * per_client, "load: missing results")
    mismatched = [i for i in sample if results[i] != reference[i]]
    check(not mismatched, f"load: greedy outputs differ from one-at-a-time for {len(mismatched)} requests, e.g. {mismatched[:3]}")
    # A second identical wave: memory must not keep growing.
    second = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in second:
        t.start()
    for t in second:
        t.join()
    check(not errors, f"load (second wave): {len(errors)} errors, first: {errors[:1]}")
    rss_after = rss_kb()
    check(rss_after <= rss_end * 1.25 + 20_000, f"load: RSS grew from {rss_end} kB to {rss_after} kB")
    print(f"load: {clients}x{per_client} requests (half streaming), 0 errors, {elapsed:.1f} s, "
          f"greedy outputs equal to sequential for {len(sample)} sampled; RSS kB start {rss_start} end {rss_end} after {rss_after}")


if __name__ == "__main__":
    abuse()
    load()
