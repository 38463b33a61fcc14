#!/usr/bin/env python3
"""Tokenizer benchmark: `aigc encode` vs tiktoken, whole process, side by side in one run.

Usage (from the repository root, after `swift build -c release --static-swift-stdlib`):
  source /tmp/aigc-reference/activate-reference      # tiktoken (see ../shared/reference/setup-reference-env.sh)
  python3 Benchmarks/tokenizer_bench.py [--mb 30] [--runs 3] [--workdir /tmp/aigc-tokbench]

Measures, for cl100k_base and o200k_base:
  1. whole process `aigc encode --encoding E --format u32 FILE` vs `python3 tiktoken_encode.py E u32 FILE`
     (tiktoken's encode_ordinary, ids written as uint32) on ~30 MB of mixed multilingual text, code and edge cases
     (Scripts/make-tokenizer-corpus.py); outputs are compared byte for byte; ratio = tiktoken time / aigc time;
  2. single-thread MB/s on plain English (../shared/data/tinyshakespeare.txt repeated), both tools;
  3. scaling with --threads 1 and 2 (one large text, cut at safe pre-token boundaries);
  4. vocabulary load time (`--stats`) and peak RSS of each process.
Times are the best of --runs runs, aigc and tiktoken alternating run by run (the machine is shared); the median
ratio (median tiktoken wall / median aigc wall) is given too. Writes a Markdown table to stdout.
"""
import argparse, os, re, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(REPO), "shared")
if not os.path.isdir(SHARED):
    SHARED = "/work/shared"
AIGC = os.path.join(REPO, ".build", "release", "aigc")
TIKTOKEN = os.path.join(SHARED, "reference", "tiktoken_encode.py")


def timed(cmd, out_path):
    """Wall time, peak RSS (KB), other stderr and CPU seconds (user + sys) of one process writing to out_path."""
    with open(out_path, "wb") as out:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + cmd, stdout=out, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr.decode()}")
    lines = p.stderr.decode().strip().splitlines()
    rss, user, system = lines[-1].split()
    return dt, int(rss), "\n".join(lines[:-1]), float(user) + float(system)



def best(cmd, out_path, runs):
    rs = [timed(cmd, out_path) for _ in range(runs)]
    # best wall time; its CPU is reported with it
    return min(rs, key=lambda r: r[0])


def same(a, b):
    return subprocess.run(["cmp", "-s", a, b]).returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=30)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workdir", default="/tmp/aigc-tokbench")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    mixed = os.path.join(a.workdir, f"mixed-{a.mb:g}mb.txt")
    if not os.path.exists(mixed):
        subprocess.run([sys.executable, os.path.join(REPO, "Scripts", "make-tokenizer-corpus.py"), mixed, "--mb", str(a.mb)], check=True)
    english = os.path.join(a.workdir, "shakespeare-x10.txt")
    if not os.path.exists(english):
        src = open(os.path.join(SHARED, "data", "tinyshakespeare.txt"), "rb").read()
        open(english, "wb").write(src * 10)
    mb_mixed = os.path.getsize(mixed) / 1e6
    mb_en = os.path.getsize(english) / 1e6
    print(f"# Tokenizer benchmark ({os.cpu_count()} cores, best of {a.runs})\n")
    print(f"mixed corpus: {mb_mixed:.1f} MB; English: {mb_en:.1f} MB (tinyshakespeare × 10)\n")
    print("Wall = elapsed time of the whole process; CPU = user + system seconds (less sensitive to other load).\n")
    print("| encoding | input | aigc wall s | tiktoken wall s | wall ratio | median wall ratio | aigc CPU s | tiktoken CPU s | CPU ratio | aigc MB/s | tiktoken MB/s | aigc RSS MB | tiktoken RSS MB | same ids |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    o1, o2 = os.path.join(a.workdir, "aigc.u32"), os.path.join(a.workdir, "tiktoken.u32")
    for enc in ["cl100k_base", "o200k_base"]:
        for label, path, extra in [("mixed, 2 threads", mixed, []), ("English, 1 thread", english, ["--threads", "1"])]:
            mb = os.path.getsize(path) / 1e6
            # Runs alternate between the two tools, so a slow spell of the shared machine hits both alike.
            ra_all, rt_all = [], []
            for _ in range(a.runs):
                ra_all.append(timed([AIGC, "encode", "--encoding", enc, "--format", "u32"] + extra + [path], o1))
                rt_all.append(timed([sys.executable, TIKTOKEN, enc, "u32", path], o2))
            ta, ra, _, ca = min(ra_all, key=lambda r: r[0])
            tt, rt, _, ct = min(rt_all, key=lambda r: r[0])
            med = statistics.median(r[0] for r in rt_all) / statistics.median(r[0] for r in ra_all)
            print(f"| {enc} | {label} | {ta:.3f} | {tt:.3f} | **{tt / ta:.1f}×** | {med:.1f}× | {ca:.2f} | {ct:.2f} | {ct / ca:.1f}× | "
                  f"{mb / ta:.1f} | {mb / tt:.1f} | {ra / 1024:.0f} | {rt / 1024:.0f} | {'yes' if same(o1, o2) else 'NO'} |")
    print("\n| encoding | threads | aigc s (mixed) | speed-up |")
    print("|---|---|---|---|")
    for enc in ["cl100k_base", "o200k_base"]:
        t1 = best([AIGC, "encode", "--encoding", enc, "--format", "u32", "--threads", "1", mixed], o1, a.runs)[0]
        t2 = best([AIGC, "encode", "--encoding", enc, "--format", "u32", "--threads", "2", mixed], o2, a.runs)[0]
        print(f"| {enc} | 1 | {t1:.3f} | 1.0× |")
        print(f"| {enc} | 2 | {t2:.3f} | {t1 / t2:.2f}× (same ids: {'yes' if same(o1, o2) else 'NO'}) |")
    print("\n| encoding | vocabulary load (ms, in process) | empty-input process (s) |")
    print("|---|---|---|")
    empty = os.path.join(a.workdir, "empty.txt")
    open(empty, "w").close()
    for enc in ["cl100k_base", "o200k_base"]:
        loads = []
        for _ in range(max(3, a.runs)):
            dt, _, err, _ = timed([AIGC, "encode", "--encoding", enc, "--stats", empty], os.devnull)
            m = re.search(r"loaded in ([0-9.]+) ms", err)
            loads.append((float(m.group(1)) if m else float("nan"), dt))
        print(f"| {enc} | {min(l for l, _ in loads):.1f} | {min(d for _, d in loads):.3f} |")


if __name__ == "__main__":
    main()
