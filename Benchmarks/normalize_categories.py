#!/usr/bin/env python3
"""Per-category normalizer benchmark: `aigc normalize --form F` against ICU's `uconv`, whole process, side by side.

usage (repository root, after `swift build -c release`; corpora from Benchmarks/make_category_corpora.py):
  python3 Benchmarks/normalize_categories.py /tmp/aigc-cat [--rounds 3] [--forms nfc,nfkc,nfkc-cf]
                                             [--aigc .build/release/aigc] [--categories a,b,…]

For every category file (and mix.txt) and form, one round runs, each in a fresh process:
  uconv            `uconv -f utf-8 -t utf-8 -x Any-NFC|Any-NFKC -o OUT FILE` (ICU, one thread)
  aigc 1 thread    `aigc normalize --form F --threads 1 FILE -o OUT`
  aigc 2 threads   the same with --threads 2
Rounds repeat the sequence (the sides interleave on a machine whose speed drifts); the table gives medians in
MB/s and the ratio of medians, and the CPU time (user + system, all threads) of uconv and of aigc on one thread:
on a loaded machine wall time measures the scheduler more than the program, CPU time much less so. NFC and NFKC outputs are compared with uconv's byte for byte. uconv has no
NFKC_Casefold transform: for nfkc-cf the peer is `Any-NFKC; Any-Lower` (NFKC plus full lowercasing, comparable
work, different output by design), so that row is timed but not compared.
"""
import argparse, os, resource, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from tokenizer_categories import ORDER, category_files, cpu_model, run  # noqa: E402

UCONV = {"nfc": "Any-NFC", "nfkc": "Any-NFKC", "nfkc-cf": "Any-NFKC; Any-Lower"}


def timed(cmd):
    """(wall seconds, CPU seconds of the child: user + system, all its threads)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = run(cmd)[0]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--forms", default="nfc,nfkc,nfkc-cf")
    ap.add_argument("--aigc", default=os.path.join(REPO, ".build", "release", "aigc"))
    ap.add_argument("--categories", default=",".join(ORDER))
    ap.add_argument("--workdir", default="/tmp/aigc-normbench")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    ours = os.path.join(a.workdir, "aigc.out")
    ref = os.path.join(a.workdir, "uconv.out")
    loads = [os.getloadavg()[0]]
    rows = []
    started = time.time()
    for form in a.forms.split(","):
        for cat, path, mb in category_files(a.dir, a.categories):
            t = {"u": [], "a1": [], "a2": []}
            cpu = {"u": [], "a1": [], "a2": []}
            exact = True
            for _ in range(a.rounds):
                w, c = timed(["uconv", "-f", "utf-8", "-t", "utf-8", "-x", UCONV[form], "-o", ref, path])
                t["u"].append(w)
                cpu["u"].append(c)
                for threads, key in [("1", "a1"), ("2", "a2")]:
                    w, c = timed([a.aigc, "normalize", "--form", form, "--threads", threads, path, "-o", ours])
                    t[key].append(w)
                    cpu[key].append(c)
                    if form != "nfkc-cf":
                        exact = exact and subprocess.run(["cmp", "-s", ours, ref]).returncode == 0
                loads.append(os.getloadavg()[0])
            med = {k: statistics.median(v) for k, v in t.items()}
            cmed = {k: statistics.median(v) for k, v in cpu.items()}
            rows.append((form, cat, mb, med, cmed, exact))
            print(f"{form} {cat}: " + " ".join(f"{k}={mb / v:.1f}" for k, v in med.items())
                  + f" cpu_ms u={cmed['u'] * 1e3:.0f} a1={cmed['a1'] * 1e3:.0f} exact={exact}", file=sys.stderr)
    print(f"\nCPU: {cpu_model()}, {os.cpu_count()} cores; load average {min(loads):.1f}–{max(loads):.1f} during the "
          f"run ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}, {(time.time() - started) / 60:.0f} min); "
          f"medians of {a.rounds} interleaved rounds; MB/s = input bytes / whole-process seconds.\n")
    print("| form | category | MB | uconv | aigc 1T | aigc 2T | **aigc 1T / uconv** | **aigc 2T / uconv** | "
          "CPU ms uconv | CPU ms aigc 1T | CPU uconv / aigc 1T | identical |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for form, cat, mb, m, c, exact in rows:
        same = "n/a (peer differs)" if form == "nfkc-cf" else ("yes" if exact else "**NO**")
        print(f"| {form} | {cat} | {mb:.1f} | {mb / m['u']:.1f} | {mb / m['a1']:.1f} | {mb / m['a2']:.1f} | "
              f"**{m['u'] / m['a1']:.1f}×** | **{m['u'] / m['a2']:.1f}×** | {c['u'] * 1e3:.0f} | {c['a1'] * 1e3:.0f} | "
              f"{c['u'] / c['a1']:.1f}× | {same} |")


if __name__ == "__main__":
    main()
