#!/usr/bin/env python3
"""Builds a mixed multilingual benchmark text of about SIZE MB at OUT (never committed).
Blocks: English prose (tinyshakespeare), dialogue (DailyDialog) from ../shared/data when present, and the
project's own multilingual fixture (Fixtures/multilingual.txt: 30+ scripts, fullwidth, compatibility characters,
combining marks, emoji, code). usage: make_mixed_corpus.py OUT SIZE_MB"""
import os, sys
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
shared = os.path.join(root, "..", "shared", "data")
out, size_mb = sys.argv[1], float(sys.argv[2])
blocks = []
for rel in ["tinyshakespeare.txt", "dailydialog/train.txt"]:
    p = os.path.join(shared, rel)
    if os.path.exists(p):
        blocks.append(open(p, encoding="utf-8").read()[:300_000])
fixture = open(os.path.join(root, "Fixtures", "multilingual.txt"), encoding="utf-8").read()
blocks.append(fixture * 100)
unit = "\n".join(blocks) + "\n"
target = int(size_mb * 1_000_000)
with open(out + ".tmp", "w", encoding="utf-8") as f:
    written = 0
    while written < target:
        f.write(unit)
        written += len(unit.encode("utf-8"))
os.replace(out + ".tmp", out)
print(f"{out}: {os.path.getsize(out)} bytes")
