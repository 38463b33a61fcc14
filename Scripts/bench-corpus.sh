#!/usr/bin/env bash
# Side-by-side benchmark: `aigc corpus build` vs a straightforward Python pipeline (Scripts/corpus_baseline.py:
# json + unicodedata + tiktoken + numpy) on DailyDialog converted to OpenAI JSONL and repeated to SIZE_MB.
# Reports wall time, MB/s, peak RSS and the ratio. Data stays in $WORK (never in the repo).
#
#   Scripts/bench-corpus.sh [SIZE_MB=100] [--unique] [--big-mb N]
#     --unique   tag every repetition so copies are not exact duplicates (every record is tokenized)
#     --big-mb N also run aigc alone on an N MB input (bounded-memory check; e.g. 1000)
# Needs: a release build (swift build -c release --static-swift-stdlib --product aigc), python3 with tiktoken + numpy
# (/tmp/aigc-reference/activate-reference when present), ../shared/data/dailydialog/train.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-100}; shift || true
UNIQUE=""; BIG=""
while (($#)); do case "$1" in --unique) UNIQUE=--unique ;; --big-mb) BIG=$2; shift ;; esac; shift; done
WORK=${WORK:-/tmp/aigc-corpus-bench}
mkdir -p "$WORK"
DD=${DAILYDIALOG:-../shared/data/dailydialog/train.txt}
[[ -f $DD ]] || DD=/work/shared/data/dailydialog/train.txt
[[ -f /tmp/aigc-reference/activate-reference ]] && source /tmp/aigc-reference/activate-reference
AIGC=.build/release/aigc
[[ -x $AIGC ]] || swift build -c release --static-swift-stdlib --product aigc
IN="$WORK/dd-${SIZE}mb${UNIQUE}.jsonl"
[[ -f $IN ]] || python3 Scripts/dailydialog_to_openai.py "$DD" "$IN" --mb "$SIZE" $UNIQUE
BYTES=$(stat -c %s "$IN")
# Warm the page cache so neither side pays for the first read.
cat "$IN" > /dev/null

run() { # name, command...
  local name=$1; shift
  rm -rf "$WORK/out-$name"
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/time-$name" "$@" > /dev/null 2> "$WORK/log-$name" || { cat "$WORK/log-$name"; exit 1; }
  read -r secs kb user sys < "$WORK/time-$name"
  local cpu; cpu=$(echo "$user + $sys" | bc -l)
  printf "%-22s %8.2f s wall %7.1f MB/s %8.2f s CPU %7.1f MB/CPU-s %6.0f MB peak RSS\n" "$name" "$secs" \
    "$(echo "$BYTES / $secs / 1000000" | bc -l)" "$cpu" "$(echo "$BYTES / $cpu / 1000000" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
  eval "T_${name//-/_}=$secs; C_${name//-/_}=$cpu"
}

echo "input: $IN ($BYTES bytes), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
run python-baseline python3 Scripts/corpus_baseline.py "$IN" "$WORK/out-python-baseline" --seq-len 2048
run aigc-matched "$AIGC" corpus build --input-format openai --tokenizer cl100k_base --seq-len 2048 \
  --no-near-dedup --no-pii --output-format npy -o "$WORK/out-aigc-matched" "$IN"
run aigc-default "$AIGC" corpus build --input-format openai --tokenizer cl100k_base --seq-len 2048 \
  -o "$WORK/out-aigc-default" "$IN"
echo "speedup, same work (NFC, exact dedup, chatml, masks, packing, split, npy): wall $(echo "$T_python_baseline / $T_aigc_matched" | bc -l | cut -c1-5)x, CPU $(echo "$C_python_baseline / $C_aigc_matched" | bc -l | cut -c1-5)x"
echo "speedup, aigc full default pipeline (+ MinHash near dedup, PII, role checks): wall $(echo "$T_python_baseline / $T_aigc_default" | bc -l | cut -c1-5)x, CPU $(echo "$C_python_baseline / $C_aigc_default" | bc -l | cut -c1-5)x"
grep -h "records_in" "$WORK/log-aigc-matched" "$WORK/log-aigc-default" || true
cat "$WORK/log-python-baseline"

if [[ -n $BIG ]]; then
  BIGIN="$WORK/dd-${BIG}mb${UNIQUE}.jsonl"
  [[ -f $BIGIN ]] || python3 Scripts/dailydialog_to_openai.py "$DD" "$BIGIN" --mb "$BIG" $UNIQUE
  BYTES=$(stat -c %s "$BIGIN")
  IN=$BIGIN run aigc-default-big "$AIGC" corpus build --input-format openai --tokenizer cl100k_base --seq-len 2048 -o "$WORK/out-aigc-big" "$BIGIN"
fi
