#!/usr/bin/env python3
"""Writes one line of about SIZE_MB MB without a newline at OUT (never committed), for the memory-bound benchmark
(Benchmarks/long_line_memory.sh, docs/reliability.md "Memory on one giant line").
KIND: mixed   the project's multilingual fixture (Fixtures/multilingual.txt: 30+ scripts, emoji, code) with its
              newlines turned into spaces, repeated (varied text with spaces: the encoder can cut it into chunks)
      letters random lowercase letters without a space (one giant pre-token: no cut, windowed BPE)
--jsonl wraps the line as one JSONL record {"text": "..."} followed by one newline.
usage: make_long_line.py OUT SIZE_MB [mixed|letters] [--jsonl]"""
import json, os, random, sys
args = [a for a in sys.argv[1:] if a != "--jsonl"]
jsonl = "--jsonl" in sys.argv[1:]
if len(args) < 2:
    sys.exit(__doc__)
out, size = args[0], int(float(args[1]) * 1_000_000)
kind = args[2] if len(args) > 2 else "mixed"
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if kind == "mixed":
    text = open(os.path.join(root, "Fixtures", "multilingual.txt"), encoding="utf-8").read()
    unit = " ".join(text.replace("\r", " ").split("\n")).encode("utf-8")
    body = (unit * (size // len(unit) + 1))[:size]
    while body and (body[-1] & 0xC0) == 0x80:  # do not end inside a UTF-8 sequence
        body = body[:-1]
    if body and body[-1] >= 0xC0:
        body = body[:-1]
elif kind == "letters":
    r = random.Random(1)
    body = bytes(r.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(min(size, 1_000_000)))
    body = (body * (size // len(body) + 1))[:size]
else:
    sys.exit(f"unknown KIND {kind}")
with open(out + ".tmp", "wb") as f:
    if jsonl:
        f.write(('{"text": ' + json.dumps(body.decode("utf-8"), ensure_ascii=False) + "}\n").encode("utf-8"))
    else:
        f.write(body)
os.replace(out + ".tmp", out)
print(f"{out}: {os.path.getsize(out)} bytes")
