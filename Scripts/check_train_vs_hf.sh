#!/usr/bin/env bash
# The issue's acceptance check, exactly: `aigc train-tokenizer --vocab-size 8192 --pattern gpt2 --min-frequency 2`
# vs HF BpeTrainer(vocab_size=8192, min_frequency=2, initial_alphabet=ByteLevel.alphabet()) with
# ByteLevel(add_prefix_space=False) on the same files: identical merge lists; then HF loads DIR/tokenizer.json and
# encodes every line as `aigc encode --tokenizer DIR/tokenizer.json --lines` does.
#
# Usage: Scripts/check_train_vs_hf.sh [--vocab-size N] [--min-frequency K] [--pattern P] FILE...
# (defaults 8192 / 2 / gpt2; FILES default to everything in ../shared/data). Exit status 0 only if both match.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VOCAB=8192; MINF=2; PATTERN=gpt2
while [ $# -gt 0 ]; do
  case "$1" in
    --vocab-size) VOCAB=$2; shift 2 ;;
    --min-frequency) MINF=$2; shift 2 ;;
    --pattern) PATTERN=$2; shift 2 ;;
    *) break ;;
  esac
done
DATA=${AIGC_SHARED_DATA:-$ROOT/../shared/data}
[ -d "$DATA" ] || DATA=/work/shared/data
if [ $# -eq 0 ]; then
  set -- "$DATA/tinyshakespeare.txt" "$DATA/dailydialog/train.txt" "$DATA/dailydialog/validation.txt" "$DATA/sharegpt_sample.json"
fi
# shellcheck disable=SC1091
source "${AIGC_REFERENCE:-/tmp/aigc-reference}/activate-reference"
swift build -c release --static-swift-stdlib --product aigc >/dev/null
AIGC="$ROOT/.build/release/aigc"
WORK=$(mktemp -d /tmp/aigc-train-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

"$AIGC" train-tokenizer --vocab-size "$VOCAB" --pattern "$PATTERN" --min-frequency "$MINF" --output "$WORK/out" "$@"
python3 "$ROOT/Scripts/hf_train_reference.py" train --vocab-size "$VOCAB" --min-frequency "$MINF" --pattern "$PATTERN" \
  --merges "$WORK/hf.merges" "$@"
python3 -c "
import json, sys
m = json.load(open(sys.argv[1], encoding='utf-8'))['model']['merges']
open(sys.argv[2], 'w', encoding='utf-8').write(''.join((x if isinstance(x, str) else ' '.join(x)) + '\n' for x in m))
" "$WORK/out/tokenizer.json" "$WORK/aigc.merges"
status=0
if cmp -s "$WORK/hf.merges" "$WORK/aigc.merges"; then
  echo "merges: identical ($(wc -l <"$WORK/hf.merges") merges)"
else
  echo "merges: DIFFERENT"; diff "$WORK/hf.merges" "$WORK/aigc.merges" | head -5; status=1
fi
lines=0
for f in "$@"; do
  python3 "$ROOT/Scripts/hf_train_reference.py" encode "$WORK/out/tokenizer.json" "$f" >"$WORK/hf.ids"
  "$AIGC" encode --tokenizer "$WORK/out/tokenizer.json" --lines "$f" >"$WORK/aigc.ids"
  if cmp -s "$WORK/hf.ids" "$WORK/aigc.ids"; then
    lines=$((lines + $(wc -l <"$WORK/hf.ids")))
  else
    echo "encode: DIFFERENT on $f"; diff "$WORK/hf.ids" "$WORK/aigc.ids" | head -4; status=1
  fi
done
[ $status -eq 0 ] && echo "encode: HF and aigc give the same ids on all $lines lines"
exit $status
