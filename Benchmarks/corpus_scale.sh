#!/usr/bin/env bash
# Corpus preparation at scale (docs/scale.md): what each task of a plan reads, and what the merge costs.
#
#   Benchmarks/corpus_scale.sh [--mb 500] [--tasks "1 2 4 8"] [--records "1000000 4000000 16000000"] [--before OLD_AIGC]
#                              [--partitions 4] [--skip-reads] [--skip-merge] [--skip-single]
#
# 1. Bytes read: a synthetic OpenAI-format JSONL of about --mb MB (unique dialogues) is planned into N tasks for each
#    N in --tasks; every task runs (one after another, --threads 2) and its manifest says how many input bytes it
#    read. Prints bytes per task, the total against the input size, the planner's reads and task wall times; then
#    one hash-shard task (--num-shards 8 --shard-index 0, the older mode) for comparison.
# 2. Merge: for each R in --records, R distinct short documents (`jsonl`, ~100 bytes, 12+ words so MinHash applies)
#    are built as a 4-task plan (full default pipeline: exact + near dedup, 14 bands), then merged with this aigc
#    and, when --before is given, with an older aigc (the single-pass Set-based merge). Prints wall time, peak RSS,
#    the dedup state the merge reports, and per-record memory from the slope between the record counts.
# 3. Partitioned merge (--partitions P, 0 to skip): each of the P dedup partitions runs alone (one after another)
#    and reports the bytes of key files it read (its share of the tasks' keys/part-* files), wall time, peak RSS and
#    dedup state; then the re-pack (--dedup-from); its train.bin is compared with the one-machine merge. For
#    comparison: before the keys were written per partition, every partition read every task's whole
#    documents.log (its byte count is printed). --skip-single skips the one-machine merge (step 2).
# Every figure line ends with the load average (1, 5, 15 min) when it was taken: the machine may be shared.
# Data lives in $WORK (default /tmp/aigc-scale-bench), never in the repository. Figures depend on the machine's
# load: report it with them (the script prints `uptime` before each part).
set -euo pipefail
cd "$(dirname "$0")/.."
MB=500; TASKS="1 2 4 8"; RECORDS="1000000 4000000 16000000"; BEFORE=""; READS=1; MERGE=1; PARTS=4; SINGLE=1
while (($#)); do
  case "$1" in
    --mb) MB=$2; shift ;; --tasks) TASKS=$2; shift ;; --records) RECORDS=$2; shift ;; --before) BEFORE=$2; shift ;;
    --partitions) PARTS=$2; shift ;; --skip-single) SINGLE=0 ;;
    --skip-reads) READS=0 ;; --skip-merge) MERGE=0 ;; *) echo "unknown option $1" >&2; exit 64 ;;
  esac
  shift
done
WORK=${WORK:-/tmp/aigc-scale-bench}
AIGC=${AIGC:-.build/release/aigc}
[[ -x $AIGC ]] || swift build -c release --product aigc
AIGC=$(cd "$(dirname "$AIGC")" && pwd)/$(basename "$AIGC")
mkdir -p "$WORK"
echo "aigc: $AIGC; $(nproc) cores; $(uptime)"
load() { echo "[load $(cut -d' ' -f1-3 /proc/loadavg)]"; }

if ((READS)); then
  IN="$WORK/dialogues-${MB}mb.jsonl"
  [[ -f $IN ]] || python3 - "$IN" "$MB" <<'PY'
import json, sys
path, mb = sys.argv[1], int(sys.argv[2])
words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"]
with open(path, "w") as f:
    i, size = 0, 0
    while size < mb * 1_000_000:
        q = "question %d: how do %s and %s relate to %s?" % (i, words[i % 12], words[i * 7 % 12], words[i * 5 % 11])
        a = "answer %d: " % i + " ".join(words[(i * k) % 12] + str(k) for k in range(30))
        line = json.dumps({"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}) + "\n"
        f.write(line); size += len(line); i += 1
PY
  BYTES=$(stat -c %s "$IN")
  cat "$IN" > /dev/null
  echo "== bytes read: $IN ($BYTES bytes)"
  OPTS=(--input-format openai --tokenizer bytes --seq-len 2048 --output-format nanogpt)
  for N in $TASKS; do
    rm -rf "$WORK/reads-$N"
    "$AIGC" corpus plan "${OPTS[@]}" --num-shards "$N" --output "$WORK/reads-$N" "$IN" > "$WORK/plan-$N.json" 2> "$WORK/plan-$N.log"
    planner=$(sed -n 's/.*the planner read \([0-9]*\) bytes.*/\1/p' "$WORK/plan-$N.log")
    total=0; line=""
    for ((i = 0; i < N; i++)); do
      /usr/bin/time -f "%e %M" -o "$WORK/time" "$AIGC" corpus build --plan "$WORK/plan-$N.json" --task "$i" --threads 2 2>/dev/null
      read -r secs kb < "$WORK/time"
      b=$(python3 -c "import json,sys; print(sum(f['bytes'] for f in json.load(open(sys.argv[1]))['inputs']))" "$WORK/reads-$N/$(printf task-%05d "$i")/manifest.json")
      total=$((total + b)); line+=" $b (${secs}s)"
    done
    printf "N=%d: total read %d bytes = %.4f x input; planner %d bytes; per task:%s %s\n" "$N" "$total" "$(echo "$total / $BYTES" | bc -l)" "$planner" "$line" "$(load)"
  done
  rm -rf "$WORK/hash-0"
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$AIGC" corpus build "${OPTS[@]}" --num-shards 8 --shard-index 0 --threads 2 --output "$WORK/hash-0" "$IN" 2>/dev/null
  read -r secs kb < "$WORK/time"
  b=$(python3 -c "import json,sys; print(sum(f['bytes'] for f in json.load(open(sys.argv[1]))['inputs']))" "$WORK/hash-0/manifest.json")
  echo "hash shards (older mode), N=8: task 0 read $b bytes in ${secs}s; all 8 tasks read 8 x $b $(load)"
fi

if ((MERGE)); then
  echo "== merge: $(uptime)"
  prev=""
  for R in $RECORDS; do
    IN="$WORK/docs-$R.jsonl"
    [[ -f $IN ]] || python3 - "$IN" "$R" <<'PY'
import json, sys, random
path, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
vocab = ["w%d" % k for k in range(50000)]
with open(path, "w") as f:
    for i in range(n):
        f.write(json.dumps({"text": "doc %d " % i + " ".join(rnd.choice(vocab) for _ in range(12))}) + "\n")
PY
    D="$WORK/merge-$R"
    if [[ ! -f $D/tasks/task-00003/manifest.json ]]; then
      rm -rf "$D"; mkdir -p "$D"
      "$AIGC" corpus plan --input-format jsonl --tokenizer bytes --seq-len 256 --output-format nanogpt --num-shards 4 \
        --output "$D/tasks" "$IN" > "$D/plan.json" 2>/dev/null
      for i in 0 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$WORK/time" "$AIGC" corpus build --plan "$D/plan.json" --task $i --threads 2 2>/dev/null
        read -r secs kb < "$WORK/time"
        printf "R=%d build task %d of 4: %7.2f s wall, peak RSS %7.1f MB %s\n" "$R" "$i" "$secs" "$(echo "$kb / 1024" | bc -l)" "$(load)"
      done
    fi
    logbytes=$(du -cb "$D"/tasks/task-*/documents.log | tail -1 | cut -f1)
    keybytes=$(du -cb "$D"/tasks/task-*/keys/part-* | tail -1 | cut -f1)
    echo "R=$R: tasks wrote $logbytes bytes of documents.log and $keybytes bytes of key files ($(echo "$keybytes / $R" | bc -l | cut -c1-6) per record)"
    for which in after before; do
      ((SINGLE)) || continue
      bin=$AIGC; [[ $which == before ]] && bin=$BEFORE
      [[ -n $bin ]] || continue
      rm -rf "$D/merged-$which"
      /usr/bin/time -f "%e %M" -o "$WORK/time" "$bin" corpus merge --output "$D/merged-$which" "$D"/tasks/task-* 2> "$D/merge-$which.log"
      read -r secs kb < "$WORK/time"
      state=$(sed -n 's/.*dedup state \([0-9]*\) bytes for \([0-9]*\) log entries.*/\1 \2/p' "$D/merge-$which.log")
      printf "R=%d %-6s: %7.2f s wall, peak RSS %8.1f MB, dedup state (bytes entries): %s; logs %d bytes %s\n" "$R" "$which" "$secs" "$(echo "$kb / 1024" | bc -l)" "${state:-n/a}" "$logbytes" "$(load)"
      eval "KB_${which}_$R=$kb"
    done
    if [[ -n $prev ]]; then
      for which in after before; do
        a="KB_${which}_$prev"; b="KB_${which}_$R"
        [[ -n ${!a:-} && -n ${!b:-} ]] && printf "%s: peak RSS grows %.1f bytes per distinct record from R=%d to R=%d\n" "$which" "$(echo "(${!b} - ${!a}) * 1024 / ($R - $prev)" | bc -l)" "$prev" "$R"
      done
    fi
    [[ -n $BEFORE ]] && cmp -s "$D/merged-after/train.bin" "$D/merged-before/train.bin" && echo "R=$R: before and after merges are byte-identical (train.bin)"
    if ((PARTS > 0)); then
      rm -rf "$D/dedup" "$D/repacked"
      for ((i = 0; i < PARTS; i++)); do
        /usr/bin/time -f "%e %M" -o "$WORK/time" "$AIGC" corpus merge --partitions "$PARTS" --partition "$i" --output "$D/dedup" "$D"/tasks/task-* 2> "$D/part-$i.log"
        read -r secs kb < "$WORK/time"
        read_bytes=$(sed -n 's/.*: read \([0-9]*\) bytes of keys.*/\1/p' "$D/part-$i.log")
        state=$(sed -n 's/.*dedup state \([0-9]*\) bytes.*/\1/p' "$D/part-$i.log")
        printf "R=%d partition %d of %d: read %d bytes of keys (%.3f of all key files; before: %d bytes of logs), %7.2f s wall, peak RSS %7.1f MB, dedup state %d bytes %s\n" \
          "$R" "$i" "$PARTS" "$read_bytes" "$(echo "$read_bytes / $keybytes" | bc -l)" "$logbytes" "$secs" "$(echo "$kb / 1024" | bc -l)" "$state" "$(load)"
      done
      /usr/bin/time -f "%e %M" -o "$WORK/time" "$AIGC" corpus merge --dedup-from "$D/dedup" --output "$D/repacked" "$D"/tasks/task-* 2> "$D/repack.log"
      read -r secs kb < "$WORK/time"
      printf "R=%d re-pack (--dedup-from): %7.2f s wall, peak RSS %7.1f MB %s\n" "$R" "$secs" "$(echo "$kb / 1024" | bc -l)" "$(load)"
      if [[ -f $D/merged-after/train.bin ]]; then
        cmp -s "$D/merged-after/train.bin" "$D/repacked/train.bin" && echo "R=$R: partitioned and one-machine merges are byte-identical (train.bin)" || echo "R=$R: MISMATCH between the partitioned and one-machine merges"
      fi
    fi
    prev=$R
  done
fi
