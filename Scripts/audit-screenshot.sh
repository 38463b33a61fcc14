#!/usr/bin/env bash
# Regenerates docs/audit-report.png: the HTML audit report of the planted-problem fixture, rendered by headless
# Chromium (Debian package `chromium`). Usage: Scripts/audit-screenshot.sh [path/to/aigc]
set -euo pipefail
cd "$(dirname "$0")/.."
AIGC=${1:-.build/debug/aigc}
CHROMIUM=${AIGC_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[[ -n "$CHROMIUM" ]] || { echo "chromium not found (Scripts/install-deps.sh installs it)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$AIGC" audit --input-format openai --tokenizer cl100k_base --seq-len 100 --against Fixtures/audit/eval.jsonl \
  --json "$TMP/report.json" --html "$TMP/report.html" Fixtures/audit/planted.jsonl
"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$TMP/profile" \
  --window-size=1200,2200 --screenshot="$TMP/report.png" "file://$TMP/report.html" >/dev/null 2>&1
mkdir -p docs
cp "$TMP/report.png" docs/audit-report.png
echo "wrote docs/audit-report.png"
