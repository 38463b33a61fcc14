#!/usr/bin/env python3
"""Interleaved whole-process A/B runs: each round runs every command once, in the order given, so the sides share
the VM's drift; prints the median and minimum wall time (perf_counter) and the median CPU time (user + system, from
getrusage of the children) of each, and the ratio of the first command's median wall to each one's.

  python3 Benchmarks/interleave.py ROUNDS NAME1 'CMD1' NAME2 'CMD2' ...

Each command runs under `bash -c` with stdout and stderr discarded; a failing command stops the run and prints its
stderr. Example (docs/speed-by-category.md, early writeback):

  python3 Benchmarks/interleave.py 21 old 'OLD normalize --form nfkc F -o /tmp/a' new 'NEW normalize --form nfkc F -o /tmp/b'
"""
import os, resource, statistics, subprocess, sys, tempfile, time

if len(sys.argv) < 4 or len(sys.argv) % 2 != 0:
    sys.exit(__doc__)
rounds = int(sys.argv[1])
pairs = list(zip(sys.argv[2::2], sys.argv[3::2]))
results = {name: [] for name, _ in pairs}
err = os.path.join(tempfile.gettempdir(), f"interleave-{os.getpid()}.err")
try:
    for _ in range(rounds):
        for name, cmd in pairs:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            p = subprocess.run(["bash", "-c", f"{cmd} >/dev/null 2>{err}"])
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if p.returncode != 0:
                sys.exit(f"{name} failed (exit {p.returncode}): {open(err).read()[-800:]}")
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            results[name].append((wall, cpu))
finally:
    if os.path.exists(err):
        os.remove(err)
base = statistics.median(w for w, _ in results[pairs[0][0]])
for name, _ in pairs:
    walls = [w for w, _ in results[name]]
    med = statistics.median(walls)
    print(f"{name:12s} median {1000 * med:8.1f} ms  min {1000 * min(walls):8.1f} ms  "
          f"cpu {1000 * statistics.median(c for _, c in results[name]):8.1f} ms  {pairs[0][0]}/this {base / med:5.2f}x")
print(f"rounds {rounds}, load {open('/proc/loadavg').read().split()[0]}, {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC")
