#!/usr/bin/env python3
"""Per-category tokenizer benchmark: `aigc encode` against tiktoken, gigatoken and rs-bpe, side by side in one run.

usage (repository root, after `swift build -c release`; peers from ../shared/reference/setup-reference-env.sh plus
`pip install faker rs-bpe`):
  source /tmp/aigc-reference/activate-reference
  python3 Benchmarks/make_category_corpora.py /tmp/aigc-cat --mb 3
  python3 Benchmarks/tokenizer_categories.py /tmp/aigc-cat [--rounds 3] [--encodings cl100k_base,o200k_base]
                                             [--aigc .build/release/aigc] [--categories a,b,…]

For every category file (and mix.txt) and encoding, one round runs, in this order, each in a fresh process:
  aigc whole, 1 thread   `aigc encode --encoding E --format u32 --threads 1 FILE -o OUT` (whole process)
  tiktoken whole          `tiktoken_encode.py E u32 FILE` (whole process: interpreter, load, encode_ordinary, write)
  aigc whole, 2 threads
  aigc lines, 1/2 threads `aigc encode --lines …` (one document per line, whole process)
  gigatoken, 1/2 threads  first encode_batch of the file's lines in a fresh process, load excluded (RAYON_NUM_THREADS)
  rs-bpe, 1 thread        first encode of the whole text in a fresh process, load excluded
Rounds repeat the sequence, so the sides interleave on a machine whose speed drifts; the table gives medians in MB/s
and ratios of medians. aigc's whole-file ids are compared byte for byte with tiktoken's on every run (exactness).
Prints a Markdown table with the CPU model, load average and thread counts.
"""
import argparse, os, platform, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(REPO), "shared")
if not os.path.isdir(SHARED):
    SHARED = "/work/shared"
TIKTOKEN = os.path.join(SHARED, "reference", "tiktoken_encode.py")
PEER = os.path.join(HERE, "peer_encode.py")
ORDER = ["english", "latin", "cyrillic_greek", "cjk", "arabic_hebrew", "indic", "code", "numbers_tables",
         "emoji_adversarial", "long_runs", "mix"]


def run(cmd, out_path=None, env=None):
    """Wall seconds of one whole process; stdout to out_path (or captured)."""
    t = time.perf_counter()
    if out_path:
        with open(out_path, "wb") as out:
            p = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, env=env)
    else:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr.decode(errors='replace')}")
    return dt, (p.stdout.decode() if not out_path else "")


def category_files(directory, categories):
    """(category, path, MB) of each category file, or exit naming the missing one."""
    for cat in categories.split(","):
        path = os.path.join(directory, f"{cat}.txt")
        if not os.path.exists(path):
            sys.exit(f"{path}: missing (run Benchmarks/make_category_corpora.py first)")
        yield cat, path, os.path.getsize(path) / 1e6


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--encodings", default="cl100k_base,o200k_base")
    ap.add_argument("--aigc", default=os.path.join(REPO, ".build", "release", "aigc"))
    ap.add_argument("--categories", default=",".join(ORDER))
    ap.add_argument("--workdir", default="/tmp/aigc-catbench")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    ours = os.path.join(a.workdir, "aigc.u32")
    ref = os.path.join(a.workdir, "tiktoken.u32")
    loads = [os.getloadavg()[0]]
    rows = []
    started = time.time()
    for enc in a.encodings.split(","):
        for cat, path, mb in category_files(a.dir, a.categories):
            t = {k: [] for k in ["a1", "tt", "a2", "l1", "l2", "g1", "g2", "rs"]}
            exact = True
            for _ in range(a.rounds):
                base = [a.aigc, "encode", "--encoding", enc, "--format", "u32"]
                t["a1"].append(run(base + ["--threads", "1", path, "-o", ours])[0])
                t["tt"].append(run([sys.executable, TIKTOKEN, enc, "u32", path], out_path=ref)[0])
                exact = exact and subprocess.run(["cmp", "-s", ours, ref]).returncode == 0
                t["a2"].append(run(base + ["--threads", "2", path, "-o", ours])[0])
                exact = exact and subprocess.run(["cmp", "-s", ours, ref]).returncode == 0
                t["l1"].append(run(base + ["--lines", "--threads", "1", path, "-o", ours])[0])
                t["l2"].append(run(base + ["--lines", "--threads", "2", path, "-o", ours])[0])
                for threads, key in [("1", "g1"), ("2", "g2")]:
                    env = dict(os.environ, RAYON_NUM_THREADS=threads)
                    t[key].append(float(run([sys.executable, PEER, "gigatoken", enc, path], env=env)[1].split()[0]))
                t["rs"].append(float(run([sys.executable, PEER, "rs-bpe", enc, path])[1].split()[0]))
                loads.append(os.getloadavg()[0])
            med = {k: statistics.median(v) for k, v in t.items()}
            rows.append((enc, cat, mb, med, exact))
            print(f"{enc} {cat}: " + " ".join(f"{k}={mb / v:.1f}" for k, v in med.items()) + f" exact={exact}",
                  file=sys.stderr)
    print(f"\nCPU: {cpu_model()}, {os.cpu_count()} cores; load average {min(loads):.1f}–{max(loads):.1f} during the "
          f"run ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}, {(time.time() - started) / 60:.0f} min); "
          f"medians of {a.rounds} interleaved rounds; MB/s = file bytes / seconds.\n")
    print("| encoding | category | MB | aigc 1T | aigc 2T | tiktoken | **aigc 2T / tiktoken** | aigc lines 1T | "
          "aigc lines 2T | gigatoken 1T | gigatoken 2T | **aigc lines 2T / gigatoken 2T** | rs-bpe 1T | exact |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for enc, cat, mb, m, exact in rows:
        s = {k: mb / v for k, v in m.items()}
        print(f"| {enc} | {cat} | {mb:.1f} | {s['a1']:.1f} | {s['a2']:.1f} | {s['tt']:.1f} | **{m['tt'] / m['a2']:.1f}×** | "
              f"{s['l1']:.1f} | {s['l2']:.1f} | {s['g1']:.1f} | {s['g2']:.1f} | **{m['g2'] / m['l2']:.2f}×** | "
              f"{s['rs']:.1f} | {'yes' if exact else '**NO**'} |")
    print("\naigc and tiktoken: whole process (start, vocabulary load, encode, write ids). gigatoken and rs-bpe: the "
          "first encode call in a fresh process, load excluded. 1T/2T: threads.")


if __name__ == "__main__":
    main()
