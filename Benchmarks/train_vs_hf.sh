#!/usr/bin/env bash
# Side-by-side benchmark: `aigc train-tokenizer` vs HF tokenizers' BpeTrainer, same files, same options
# (--pattern gpt2 --min-frequency 2), at 8,192 and 32,768 vocab, on ~8 MB and ~100 MB built from ../shared/data
# at run time (never committed). Reports whole-process wall time, CPU time (user+sys) and peak RSS
# (/usr/bin/time -v), the ratios, and whether the merge lists are identical. On a shared machine the wall-time ratio
# depends on the load (HF's thread pool suffers more from it); the CPU-time ratio much less.
#
# Usage: Benchmarks/train_vs_hf.sh [WORKDIR]   (reference env: ../shared/reference/setup-reference-env.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DATA=${AIGC_SHARED_DATA:-$ROOT/../shared/data}
[ -d "$DATA" ] || DATA=/work/shared/data
WORK=${1:-/tmp/aigc-train-bench}
REF=${AIGC_REFERENCE:-/tmp/aigc-reference}
mkdir -p "$WORK"
# shellcheck disable=SC1091
source "$REF/activate-reference"

swift build -c release --static-swift-stdlib --product aigc >/dev/null
AIGC="$ROOT/.build/release/aigc"

# ~8 MB: everything in ../shared/data. ~100 MB: 13 copies, copy k with ASCII letters rotated by k (rot-k), so the
# big corpus has 13x the distinct words instead of the same words 13x more often.
python3 - "$DATA" "$WORK" <<'PY'
import sys, os
data, work = sys.argv[1], sys.argv[2]
parts = ["tinyshakespeare.txt", "dailydialog/train.txt", "dailydialog/validation.txt", "sharegpt_sample.json"]
small = b"".join(open(os.path.join(data, p), "rb").read() for p in parts)
open(os.path.join(work, "corpus-8mb.txt"), "wb").write(small)
def rot(k):
    t = bytes(range(256))
    lo = bytes((c - 97 + k) % 26 + 97 for c in range(97, 123))
    up = bytes((c - 65 + k) % 26 + 65 for c in range(65, 91))
    return t[:65] + up + t[91:97] + lo + t[123:]
with open(os.path.join(work, "corpus-100mb.txt"), "wb") as f:
    for k in range(13):
        f.write(small.translate(rot(k)))
PY

measure() { # measure NAME CMD... → prints "wall_seconds peak_kb cpu_seconds"
  local log="$WORK/time-$1.log"; shift
  /usr/bin/time -v "$@" 2>"$log" >/dev/null || { cat "$log" >&2; exit 1; }
  local wall peak
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  peak=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$log")
  echo "$wall $peak $cpu"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
printf "%-14s %6s | %8s %8s %8s | %8s %8s %8s | %7s %7s | %s\n" corpus vocab "HF s" "HF cpu" "HF MB" "aigc s" "aigc cpu" "aigc MB" "wall x" "cpu x" "merges identical"
for corpus in corpus-8mb corpus-100mb; do
  for vocab in 8192 32768; do
    f="$WORK/$corpus.txt"
    read -r hs hk hc < <(measure "hf-$corpus-$vocab" python3 "$ROOT/Scripts/hf_train_reference.py" train --vocab-size "$vocab" --min-frequency 2 --merges "$WORK/hf-$corpus-$vocab.merges" "$f")
    read -r as ak ac < <(measure "aigc-$corpus-$vocab" "$AIGC" train-tokenizer --vocab-size "$vocab" --pattern gpt2 --min-frequency 2 --output "$WORK/aigc-$corpus-$vocab" "$f")
    python3 -c "
import json,sys
m=json.load(open(sys.argv[1],encoding='utf-8'))['model']['merges']
open(sys.argv[2],'w',encoding='utf-8').write(''.join(' '.join(x)+'\n' for x in m))" "$WORK/aigc-$corpus-$vocab/tokenizer.json" "$WORK/aigc-$corpus-$vocab.merges"
    if cmp -s "$WORK/hf-$corpus-$vocab.merges" "$WORK/aigc-$corpus-$vocab.merges"; then same="yes ($(wc -l <"$WORK/hf-$corpus-$vocab.merges") merges)"; else same="NO"; fi
    printf "%-14s %6s | %8.2f %8.2f %8.1f | %8.2f %8.2f %8.1f | %6.2fx %6.2fx | %s\n" "$corpus" "$vocab" \
      "$hs" "$hc" "$(echo "$hk/1024" | bc -l)" "$as" "$ac" "$(echo "$ak/1024" | bc -l)" \
      "$(echo "$hs/$as" | bc -l)" "$(echo "$hc/$ac" | bc -l)" "$same"
  done
done
