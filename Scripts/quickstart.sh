#!/usr/bin/env bash
# Quick start: installs the system packages, builds AIGC (release), runs the default pipeline
# (Fixtures/pipeline/aigc-small.yaml: tokenizer, corpus, audit, pretraining, fine-tuning) which registers the
# model "aigc-small", then serves it with `aigc serve` and asks it the seed's question twice: through the
# openai==0.28.1 client (only api_base and api_key changed) and through this repository's Python client.
# Safe to re-run: pipeline stages whose outputs are current are skipped.
#
# Environment: AIGC_QUICKSTART_OUT (work directory, default /tmp/aigc-quickstart), AIGC_MODELS (model store,
# default ~/.cache/aigc/models), AIGC_QUICKSTART_PORT (default 8765).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash Scripts/install-deps.sh
deps=$(date +%s)
swift build -c release --static-swift-stdlib --product aigc 2>&1 | tail -1
bin=$(swift build -c release --show-bin-path)/aigc
out=${AIGC_QUICKSTART_OUT:-/tmp/aigc-quickstart}
port=${AIGC_QUICKSTART_PORT:-8765}
key=quickstart-$RANDOM$RANDOM
mkdir -p "$out"
built=$(date +%s)

echo "== pipeline: Fixtures/pipeline/aigc-small.yaml (work directory $out/pipeline)"
"$bin" pipeline run Fixtures/pipeline/aigc-small.yaml --work-dir "$out/pipeline"
trained=$(date +%s)

echo "== Python: a venv with openai==0.28.1 and ./Clients/python ($out/venv)"
[[ -x "$out/venv/bin/python" ]] || python3 -m venv "$out/venv"
"$out/venv/bin/python" -m pip install -q --disable-pip-version-check openai==0.28.1 ./Clients/python
rm -rf Clients/python/build Clients/python/*.egg-info

echo "== aigc serve --model aigc-small --port $port"
"$bin" serve --model aigc-small --port "$port" --api-key "$key" >"$out/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if "$out/venv/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=1)" 2>/dev/null; then break; fi
  kill -0 "$server" 2>/dev/null || { echo "aigc serve exited:"; cat "$out/serve.log"; exit 1; }
  sleep 0.5
done

echo "== the seed's snippet with openai==0.28.1 (api_base and api_key changed)"
"$out/venv/bin/python" - "$port" "$key" <<'PY'
import sys
import openai

openai.api_key = sys.argv[2]
openai.api_base = "http://127.0.0.1:%s/v1" % sys.argv[1]

response = openai.Completion.create(
    engine="aigc-small",
    prompt="What are the benefits of exercise?",
    max_tokens=150,
    n=1,
    stop=None,
    temperature=0.7,
)
print(response.choices[0].text.strip())
PY

echo "== the seed's snippet with this repository's client (pip install ./Clients/python)"
AIGC_BASE_URL="http://127.0.0.1:$port/v1" AIGC_API_KEY="$key" "$out/venv/bin/python" - <<'PY'
import aigc

aigc_model = aigc.AIGC(model_name="aigc-small")
response = aigc_model.generate("What are the benefits of exercise?")
print(response)
PY

kill "$server"; wait "$server" 2>/dev/null || true
trap - EXIT
end=$(date +%s)
echo "== done in $((end - start)) s (system packages $((deps - start)) s, build $((built - deps)) s, pipeline $((trained - built)) s, serve + snippets $((end - trained)) s)"
echo "model: $("$bin" models show aigc-small | sed -n 's/.*"path" : "\(.*\)".*/\1/p'); try: $bin generate --model aigc-small --prompt 'Hello' --max-tokens 40"
