#!/usr/bin/env bash
# Audit throughput and peak memory on ~100 MB of dialogue, side by side with the reference tokenizer alone.
#   Benchmarks/audit_benchmark.sh [TARGET_MB] [THREADS]
# Builds OpenAI-format JSONL from ../shared/data/dailydialog/train.txt (never committed), repeated to TARGET_MB
# (default 100); every copy after the first gets a distinguishing word in each dialogue's first turn, so documents
# are distinct (exact dedup has to hash them all) and near-duplicate detection has real clusters to build.
# Runs a full `aigc audit` (cl100k_base tokenizer, contamination check, seq-len, HTML) under /usr/bin/time -v, then,
# if the reference env exists, tiktoken's encode_ordinary_batch over the same turn texts (tokenization only), and
# prints MB/s, peak RSS and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-100}
THREADS=${2:-2}
WORK=${AIGC_BENCH_DIR:-/tmp/aigc-audit-bench}
mkdir -p "$WORK"
DATA="$WORK/dailydialog-${MB}MB.jsonl"
if [[ ! -s "$DATA" ]]; then
python3 - "$DATA" "$MB" <<'PY'
import json, sys
out, mb = sys.argv[1], int(sys.argv[2])
src = open("../shared/data/dailydialog/train.txt", encoding="utf-8").read().splitlines()
def conv(line, k):
    turns = [t.strip() for t in line.split("__eou__") if t.strip()]
    if k: turns[0] = f"{turns[0]} (variant {k})"
    return json.dumps({"messages": [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]}, ensure_ascii=False)
size, k = 0, 0
with open(out, "w", encoding="utf-8") as f:
    while size < mb * 1_000_000:
        for line in src:
            if not line.strip(): continue
            s = conv(line, k) + "\n"
            f.write(s); size += len(s.encode())
            if size >= mb * 1_000_000: break
        k += 1
PY
fi
EVAL="$WORK/eval.jsonl"
head -n 200 ../shared/data/dailydialog/validation.txt | python3 -c '
import json, sys
for l in sys.stdin: print(json.dumps({"text": l.replace("__eou__", " ").strip()}))' > "$EVAL"
BYTES=$(stat -c %s "$DATA")
[[ -x .build/release/aigc ]] || swift build -c release --static-swift-stdlib --product aigc >/dev/null
echo "input: $DATA ($BYTES bytes), threads $THREADS, $(nproc) cores"
/usr/bin/time -v .build/release/aigc audit --input-format openai --tokenizer cl100k_base --seq-len 512 \
  --against "$EVAL" --threads "$THREADS" --json "$WORK/report.json" --html "$WORK/report.html" "$DATA" 2> "$WORK/time.txt" || { cat "$WORK/time.txt"; exit 1; }
grep -E "^audit:" "$WORK/time.txt" || true
WALL=$(python3 -c "
import re; t=open('$WORK/time.txt').read(); m=re.search(r'Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)', t)
h=int(m.group(1) or 0); print(h*3600+int(m.group(2))*60+float(m.group(3)))")
RSS=$(grep "Maximum resident set size" "$WORK/time.txt" | awk '{print $NF}')
AUDIT_MBS=$(python3 -c "print(f'{$BYTES/1e6/$WALL:.1f}')")
echo "aigc audit (full, cl100k_base, $THREADS threads): ${WALL}s, ${AUDIT_MBS} MB/s, peak RSS $((RSS / 1024)) MB"
if [[ -f /tmp/aigc-reference/activate-reference ]]; then
  # shellcheck disable=SC1091
  source /tmp/aigc-reference/activate-reference
  python3 - "$DATA" "$THREADS" <<'PY'
import json, sys, time, resource, tiktoken
path, threads = sys.argv[1], int(sys.argv[2])
enc = tiktoken.get_encoding("cl100k_base")
t0 = time.time(); n = 0; size = 0
batch = []
with open(path, "rb") as f:
    for line in f:
        size += len(line)
        for m in json.loads(line)["messages"]: batch.append(m["content"])
        if len(batch) >= 4096:
            n += sum(map(len, enc.encode_ordinary_batch(batch, num_threads=threads))); batch = []
n += sum(map(len, enc.encode_ordinary_batch(batch, num_threads=threads)))
dt = time.time() - t0
print(f"python json + tiktoken encode_ordinary_batch only ({threads} threads): {dt:.2f}s, {size/1e6/dt:.1f} MB/s, {n} tokens, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss//1024} MB")
PY
fi
