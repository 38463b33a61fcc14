#!/usr/bin/env python3
"""Run an `aigc corpus plan` on Ray: every plan task as a Ray task, then the merge.

    aigc corpus plan --input-format openai --num-shards 64 --output /shared/tasks data/*.jsonl > plan.json
    python Scripts/ray_corpus.py plan.json --output /shared/final [--address auto] [--threads 4]

Each Ray task runs `aigc corpus build --plan PLAN --task I --threads T` as a subprocess. A task that fails or is
killed is retried by Ray (`--retries`); the retry re-runs the same command, which resumes from the task's
checkpoint. When every task is done the driver runs `aigc corpus merge --output OUT PLAN_OUTPUT/task-*`, whose
result equals a single `aigc corpus build` byte for byte; with --merge-partitions P the deduplication runs first as
P Ray tasks (`merge --partitions P --partition I`) and the merge only re-packs. Each task writes its dedup keys split
into the plan's `key_partitions` files (keys/part-*), and partition I reads only the files ≡ I mod P of every task:
the partitions together read the key volume once. P must be at most key_partitions (best a divisor: `aigc corpus
plan --key-partitions K`). Paths in the plan must resolve on every node (a shared file system); relative ones resolve
against the driver's working directory. Logs go to stderr: one line per
finished task (records, seconds, whether it resumed), and on a terminal a status line every few seconds.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time


def task_dir(plan_output, i):
    return os.path.join(plan_output, "task-%05d" % i)


def run_task(aigc, plan_path, i, threads, cwd, plan_output, kill_first_attempt):
    """One plan task (runs inside a Ray worker). Returns a summary dict; raises on failure so Ray retries."""
    args = [aigc, "corpus", "build", "--plan", plan_path, "--task", str(i), "--threads", str(threads)]
    start = time.time()
    if kill_first_attempt:
        # Test hook: the first attempt of this task is killed (SIGKILL) once it has written a checkpoint.
        marker = os.path.join(plan_output, ".ray-killed-%05d" % i)
        if not os.path.exists(marker):
            os.makedirs(plan_output, exist_ok=True)
            open(marker, "w").close()
            checkpoint = os.path.join(task_dir(plan_output, i), ".checkpoint.json")
            p = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while p.poll() is None and not os.path.exists(checkpoint):
                time.sleep(0.002)
            killed = p.poll() is None
            if killed:
                p.send_signal(signal.SIGKILL)
            p.wait()
            raise RuntimeError("task %d: first attempt %s (injected failure)" % (i, "killed after its first checkpoint" if killed else "failed on purpose"))
    r = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError("task %d: aigc corpus build exited with %d: %s" % (i, r.returncode, r.stderr.strip()[-2000:]))
    with open(os.path.join(task_dir(plan_output, i), "manifest.json")) as f:
        m = json.load(f)
    return {"task": i, "seconds": time.time() - start, "records_in": m["records_in"], "records_kept": m["records_kept"],
            "resumed": "resuming at record" in r.stderr}


def run_dedup_partition(aigc, dedup_dir, i, partitions, task_dirs, cwd):
    """One partition of a partitioned deduplication (runs inside a Ray worker)."""
    start = time.time()
    r = subprocess.run([aigc, "corpus", "merge", "--partitions", str(partitions), "--partition", str(i), "--output", dedup_dir] + task_dirs,
                       cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError("dedup partition %d: aigc corpus merge exited with %d: %s" % (i, r.returncode, r.stderr.strip()[-2000:]))
    return {"partition": i, "seconds": time.time() - start, "log": r.stderr.strip()}


def checkpoint_record(plan_output, i):
    try:
        with open(os.path.join(task_dir(plan_output, i), ".checkpoint.json")) as f:
            return json.load(f).get("next_ordinal")
    except (OSError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("plan", help="plan JSON from `aigc corpus plan`")
    ap.add_argument("--output", required=True, help="merged output directory")
    ap.add_argument("--address", default=None, help="Ray cluster address (default: start a local Ray)")
    ap.add_argument("--num-cpus", type=int, default=None, help="CPUs of a local Ray (default: all)")
    ap.add_argument("--threads", type=int, default=1, help="threads per task (also its Ray num_cpus)")
    ap.add_argument("--retries", type=int, default=3, help="Ray retries per task")
    ap.add_argument("--merge-partitions", type=int, default=0, metavar="P",
                    help="deduplicate as P parallel Ray tasks (each holding 1/P of the keys), then re-pack (default: one merge)")
    ap.add_argument("--aigc", default=os.environ.get("AIGC_BIN") or shutil.which("aigc") or "aigc", help="aigc binary")
    ap.add_argument("--kill-first-attempt", type=int, action="append", default=[], metavar="TASK",
                    help="(testing) kill the first attempt of TASK after its first checkpoint")
    a = ap.parse_args()
    if a.threads < 1 or a.retries < 0 or a.merge_partitions < 0:
        ap.error("--threads must be >= 1, --retries and --merge-partitions >= 0")
    try:
        with open(a.plan) as f:
            plan = json.load(f)
        n = len(plan["tasks"])
        plan_output = plan["output"]
        key_partitions = int(plan["options"].get("key_partitions", 64))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        sys.exit("ray_corpus: %s: not a readable corpus plan (%s)" % (a.plan, e))
    if a.merge_partitions > key_partitions:
        sys.exit("ray_corpus: --merge-partitions %d exceeds the plan's key_partitions %d (each task writes that many key files; "
                 "plan again with --key-partitions K, K a multiple of %d)" % (a.merge_partitions, key_partitions, a.merge_partitions))
    if a.merge_partitions > 0 and key_partitions % a.merge_partitions:
        print("ray_corpus: note: key_partitions %d is not a multiple of --merge-partitions %d: partitions get %d or %d key files each"
              % (key_partitions, a.merge_partitions, key_partitions // a.merge_partitions, key_partitions // a.merge_partitions + 1), file=sys.stderr)
    aigc = shutil.which(a.aigc) or a.aigc
    aigc = os.path.abspath(aigc) if os.path.exists(aigc) else aigc
    cwd = os.getcwd()
    plan_path = os.path.abspath(a.plan)
    plan_output_abs = os.path.join(cwd, plan_output)

    import ray  # imported here so --help works without Ray
    ray.init(address=a.address, num_cpus=a.num_cpus if a.address is None else None,
             include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    remote = ray.remote(num_cpus=a.threads, max_retries=a.retries, retry_exceptions=True)(run_task)
    kill = set(a.kill_first_attempt)
    pending = {remote.remote(aigc, plan_path, i, a.threads, cwd, plan_output_abs, i in kill): i for i in range(n)}
    done, started, tty = 0, time.time(), sys.stderr.isatty()
    failed = None
    last_status = 0.0
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1, timeout=2.0)
        for ref in ready:
            i = pending.pop(ref)
            try:
                s = ray.get(ref)
            except Exception as e:  # the task failed after all its retries
                failed = failed or e
                print("ray_corpus: task %d failed after %d retries: %s" % (i, a.retries, e), file=sys.stderr)
                continue
            done += 1
            print("ray_corpus: task %d done in %.1f s: records_in=%d records_kept=%d%s [%d/%d]" % (
                i, s["seconds"], s["records_in"], s["records_kept"], " (resumed from its checkpoint)" if s["resumed"] else "",
                done, n), file=sys.stderr, flush=True)
        if tty and pending and time.time() - last_status > 5:
            last_status = time.time()
            running = ", ".join("%d@%s" % (i, checkpoint_record(plan_output_abs, i) or 0) for i in sorted(pending.values())[:8])
            print("ray_corpus: %d/%d done after %.0f s; running (task@record): %s" % (done, n, time.time() - started, running),
                  file=sys.stderr, flush=True)
    if failed is not None:
        ray.shutdown()
        sys.exit("ray_corpus: not merging: a task failed")
    task_dirs = [task_dir(plan_output_abs, i) for i in range(n)]
    merge_args = []
    if a.merge_partitions > 0:
        dedup_dir = os.path.join(plan_output_abs, "dedup")
        shutil.rmtree(dedup_dir, ignore_errors=True)
        part = ray.remote(num_cpus=1, max_retries=a.retries, retry_exceptions=True)(run_dedup_partition)
        refs = [part.remote(aigc, dedup_dir, i, a.merge_partitions, task_dirs, cwd) for i in range(a.merge_partitions)]
        try:
            for s in ray.get(refs):
                print("ray_corpus: dedup partition %d done in %.1f s: %s" % (s["partition"], s["seconds"], s["log"].split(": ", 1)[-1]),
                      file=sys.stderr, flush=True)
        except Exception as e:
            ray.shutdown()
            sys.exit("ray_corpus: a dedup partition failed: %s" % e)
        merge_args = ["--dedup-from", dedup_dir]
    ray.shutdown()
    r = subprocess.run([aigc, "corpus", "merge", "--output", a.output] + merge_args + task_dirs, cwd=cwd)
    if r.returncode != 0:
        sys.exit("ray_corpus: aigc corpus merge exited with %d" % r.returncode)
    print("ray_corpus: %d tasks merged into %s in %.1f s" % (n, a.output, time.time() - started), file=sys.stderr)


if __name__ == "__main__":
    main()
