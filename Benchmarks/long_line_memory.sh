#!/usr/bin/env bash
# Memory and time on one giant line without a newline (issue 20: "bound memory for any line length";
# docs/reliability.md "Memory on one giant line").
#
#   Benchmarks/long_line_memory.sh [--sizes "20 200"] [--kinds "mixed letters"] [--skip-corpus]
#
# For each size (MB) and kind (mixed: the multilingual fixture repeated with spaces; letters: random letters without a
# space, one giant pre-token), one line without a newline is generated (Benchmarks/make_long_line.py) and measured
# with /usr/bin/time -v (wall time, peak RSS): `count`, `encode --format u32 -o FILE`, `encode --format npy -o FILE`
# and `normalize -o FILE`, all with cl100k_base. Then `corpus build` on a 20 MB single-record JSONL of the mixed text:
# with the default --max-record-bytes (8 MiB: the record is dropped as record_too_large while it is read) and with
# --max-record-bytes 67108864 (the record is kept and built). Data lives in $WORK (default /tmp/aigc-long-line),
# never in the repository. The machine's load average is printed before each measurement: report it with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="20 200"; KINDS="mixed letters"; CORPUS=1
while (($#)); do
  case "$1" in
    --sizes) SIZES=$2; shift ;; --kinds) KINDS=$2; shift ;; --skip-corpus) CORPUS=0 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
  shift
done
WORK=${WORK:-/tmp/aigc-long-line}
AIGC=${AIGC:-.build/release/aigc}
[[ -x $AIGC ]] || swift build -c release --product aigc
mkdir -p "$WORK"
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

# measure LABEL CMD...: one table row: label, wall seconds, peak RSS in MB, exit status, load average before.
measure() {
  local label=$1; shift
  local load; load=$(cut -d' ' -f1-3 /proc/loadavg)
  local status=0
  /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt" || status=$?
  local rss wall
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/time.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
  printf '| %s | %s | %s MB | %s | %s |\n' "$label" "$wall" "$rss" "$status" "$load"
  if ((status != 0)); then sed 's/^/    /' "$WORK/stderr.txt" | tail -3; fi
}

echo "aigc: $AIGC ($(git rev-parse --short HEAD)); $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "| command | wall (h:mm:ss) | peak RSS | exit | load average (1/5/15 min) before |"
echo "|---|---|---|---|---|"
for kind in $KINDS; do
  for mb in $SIZES; do
    line="$WORK/$kind$mb.txt"
    [[ -s $line ]] || python3 Benchmarks/make_long_line.py "$line" "$mb" "$kind" >/dev/null
    measure "count, $mb MB $kind line" "$AIGC" count --encoding cl100k_base "$line"
    cp "$WORK/stdout.txt" "$WORK/count-$kind$mb.txt"
    measure "encode --format u32, $mb MB $kind line" "$AIGC" encode --encoding cl100k_base --format u32 -o "$WORK/ids.u32" "$line"
    ids=$(( $(stat -c %s "$WORK/ids.u32") / 4 ))
    counted=$(cut -d' ' -f1 "$WORK/count-$kind$mb.txt")
    [[ $ids == "$counted" ]] || echo "MISMATCH: encode wrote $ids ids, count says $counted" >&2
    measure "encode --format npy, $mb MB $kind line" "$AIGC" encode --encoding cl100k_base --format npy -o "$WORK/ids.npy" "$line"
    cmp -s <(tail -c $((ids * 4)) "$WORK/ids.npy") "$WORK/ids.u32" || echo "MISMATCH: the .npy data differs from the u32 ids" >&2
    measure "normalize, $mb MB $kind line" "$AIGC" normalize -o "$WORK/norm.txt" "$line"
    rm -f "$WORK/ids.u32" "$WORK/ids.npy" "$WORK/norm.txt"
    echo "|   ($kind $mb MB: $counted tokens) | | | | |"
  done
done
if ((CORPUS)); then
  rec="$WORK/mixed20.jsonl"
  [[ -s $rec ]] || python3 Benchmarks/make_long_line.py "$rec" 20 mixed --jsonl >/dev/null
  rm -rf "$WORK/corpus-default" "$WORK/corpus-kept"
  measure "corpus build, 20 MB one-record JSONL (default --max-record-bytes)" "$AIGC" corpus build --input-format jsonl \
    --output-format nanogpt --output "$WORK/corpus-default" "$rec"
  grep -o 'records_in=[^ ]* records_kept=[^ ]*\( dropped: [a-z_]*=[0-9]*\)\?' "$WORK/stderr.txt" | sed 's/^/    /' || true
  measure "corpus build, same, --max-record-bytes 67108864" "$AIGC" corpus build --input-format jsonl \
    --output-format nanogpt --max-record-bytes 67108864 --output "$WORK/corpus-kept" "$rec"
  grep -o 'records_in=[^ ]* records_kept=[^ ]*\( dropped: [a-z_]*=[0-9]*\)\?' "$WORK/stderr.txt" | sed 's/^/    /' || true
fi
