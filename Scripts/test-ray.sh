#!/usr/bin/env bash
# Ray driver test (run by Scripts/test.sh): a local Ray with 2 CPUs runs a 4-task corpus plan (3,000 generated
# dialogues plus the corpus fixture, Fixtures/corpus/dialogues.jsonl) with
# Scripts/ray_corpus.py, the first attempt of task 1 killed (SIGKILL) after its first checkpoint; Ray retries it, the
# retry resumes; deduplication runs as 2 partitions (Ray tasks), then the re-pack; the merged output must equal a
# single `aigc corpus build` byte for byte. Ray comes from PyPI
# into $AIGC_VENVS/ray (default .venvs/ray); when it cannot be installed the test is skipped, saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${AIGC_BIN:-$(swift build --show-bin-path)/aigc}
venv=${AIGC_VENVS:-$PWD/.venvs}/ray
if ! [[ -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import ray" 2>/dev/null; then
  rm -rf "$venv"
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check "ray>=2.9,<3"; } > /tmp/aigc-ray-install.log 2>&1; then
    echo "SKIP: Scripts/test-ray.sh: ray could not be installed from PyPI: $(tail -1 /tmp/aigc-ray-install.log)"
    exit 0
  fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 3,000 dialogues with exact and near duplicates and a few malformed lines.
python3 - "$work/in.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        if i % 500 == 7:
            f.write("{not json\n"); continue
        k = i if i % 5 else i // 5          # every fifth record repeats an earlier one's content
        q = "question %d about topic %d and detail %d" % (k, k % 97, k * 7919 % 10007)
        a = "answer %d: %s" % (k, ("word%d " % (k % 13)) * 20)
        f.write(json.dumps({"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}) + "\n")
PY
opts=(--input-format openai --tokenizer bytes --seq-len 512 --rows-per-shard 4 --val-fraction 0.1)
inputs=("$work/in.jsonl" "$PWD/Fixtures/corpus/dialogues.jsonl")
"$bin" corpus plan "${opts[@]}" --num-shards 4 --output "$work/tasks" "${inputs[@]}" > "$work/plan.json"
"$venv/bin/python" Scripts/ray_corpus.py "$work/plan.json" --output "$work/merged" --num-cpus 2 --aigc "$bin" \
  --kill-first-attempt 1 --merge-partitions 2 2> "$work/ray.log" || { cat "$work/ray.log"; exit 1; }
cat "$work/ray.log"
grep -q "task 1 done .*(resumed from its checkpoint)" "$work/ray.log" || { echo "FAIL: task 1 was not retried from its checkpoint"; exit 1; }
[[ $(grep -c "dedup partition . done" "$work/ray.log") == 2 ]] || { echo "FAIL: the dedup partitions did not run"; exit 1; }
"$bin" corpus build "${opts[@]}" --output "$work/single" "${inputs[@]}" 2>/dev/null
python3 - "$work/single" "$work/merged" <<'PY'
import json, os, sys
single, merged = sys.argv[1], sys.argv[2]
a, b = (json.load(open(os.path.join(d, "manifest.json"))) for d in (single, merged))
assert a["files"] == b["files"], "manifest files differ"
for k in ("records_in", "records_kept", "dropped", "splits", "blank_lines", "pii"):
    assert a[k] == b[k], k
names = sorted(n for n in os.listdir(single) if n != "manifest.json" and not n.startswith("."))  # not .aigc.lock
assert names == sorted(n for n in os.listdir(merged) if n != "manifest.json" and not n.startswith(".")), "file lists differ"
for n in names:
    assert open(os.path.join(single, n), "rb").read() == open(os.path.join(merged, n), "rb").read(), n
print("ok: Ray plan of 4 tasks (one killed and resumed) merged into %d files equal to the single run; records_in=%d" % (len(names), a["records_in"]))
PY
