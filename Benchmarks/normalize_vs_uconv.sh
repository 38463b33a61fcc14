#!/usr/bin/env bash
# Side by side, whole process: `aigc normalize --form F` vs ICU's `uconv -x Any-F` on ~100 MB of mixed
# multilingual text; checks the outputs are byte-identical and prints the speed ratio.
# usage: Benchmarks/normalize_vs_uconv.sh [SIZE_MB=100] [FORM=nfkc]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-100}; form=${2:-nfkc}
FORM=$(echo "$form" | tr a-z A-Z)
work=${TMPDIR:-/tmp}/aigc-bench-normalize; mkdir -p "$work"
corpus=$work/mixed-${size}mb.txt
[[ -f $corpus ]] || python3 Benchmarks/make_mixed_corpus.py "$corpus" "$size" >&2
swift build -c release --static-swift-stdlib --product aigc >&2
bin=$(swift build -c release --show-bin-path)/aigc
t() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$e - $s" | bc; }
# warm the page cache
cat "$corpus" > /dev/null
best_u=999999; best_a=999999
for i in 1 2 3; do
  tu=$(t uconv -f utf-8 -t utf-8 -x "Any-$FORM" -o "$work/uconv.out" "$corpus")
  ta=$(t "$bin" normalize --form "$form" --output "$work/aigc.out" "$corpus")
  best_u=$(echo "if ($tu < $best_u) $tu else $best_u" | bc); best_a=$(echo "if ($ta < $best_a) $ta else $best_a" | bc)
done
cmp "$work/uconv.out" "$work/aigc.out" && echo "outputs identical ($(stat -c %s "$work/aigc.out") bytes)"
bytes=$(stat -c %s "$corpus")
echo "input: $bytes bytes; best of 3"
printf "uconv -x Any-%s: %.2f s (%.1f MB/s)\n" "$FORM" "$best_u" "$(echo "$bytes / $best_u / 1000000" | bc -l)"
printf "aigc normalize --form %s: %.2f s (%.1f MB/s)\n" "$form" "$best_a" "$(echo "$bytes / $best_a / 1000000" | bc -l)"
printf "speed-up: %.2fx\n" "$(echo "$best_u / $best_a" | bc -l)"
