#!/usr/bin/env python3
"""Start-up A/B: two `aigc` binaries alternating on small inputs, whole process, medians of N runs each.

  python3 Benchmarks/startup_ab.py OLD_BIN NEW_BIN [--runs 30] [--cat /tmp/aigc-cat]

Commands: `normalize --form nfkc` and `encode --encoding cl100k_base` on a one-line file (start-up is almost all of
it), and `normalize --threads 2` on the 3 MB emoji_adversarial file of Benchmarks/make_category_corpora.py when
present. Runs alternate (A, B, A, B, ...) so drift on a shared VM hits both sides alike.
"""
import argparse, os, statistics, subprocess, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("old"); ap.add_argument("new")
ap.add_argument("--runs", type=int, default=30)
ap.add_argument("--cat", default="/tmp/aigc-cat")
a = ap.parse_args()
work = tempfile.mkdtemp(prefix="aigc-startup-")
tiny, out = os.path.join(work, "tiny.txt"), os.path.join(work, "out")
open(tiny, "w", encoding="utf-8").write("Hello, world. Ｈｅｌｌｏ\n")
cmds = {
    "normalize nfkc, one line": ["normalize", "--form", "nfkc", tiny, "-o", out],
    "encode cl100k_base, one line": ["encode", "--encoding", "cl100k_base", tiny, "-o", out],
}
emoji = os.path.join(a.cat, "emoji_adversarial.txt")
if os.path.exists(emoji):
    cmds["normalize nfkc --threads 2, 3 MB emoji"] = ["normalize", "--form", "nfkc", "--threads", "2", emoji, "-o", out]
res = {}
for name, c in cmds.items():
    for _ in range(a.runs):
        for b in (a.old, a.new):
            t = time.perf_counter()
            subprocess.run([b] + c, check=True, stdout=subprocess.DEVNULL)
            res.setdefault((name, b), []).append((time.perf_counter() - t) * 1000)
print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} after the runs; medians of {a.runs} alternating runs")
for name in cmds:
    o, n = (statistics.median(res[(name, b)]) for b in (a.old, a.new))
    print(f"| {name} | {o:.1f} ms | {n:.1f} ms | {o - n:+.1f} ms ({o / n:.2f}x) |")
