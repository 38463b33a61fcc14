#!/usr/bin/env bash
# Live tests of `aigc serve` (run by Scripts/test.sh): starts the built server on a free loopback port with a tiny
# BPE model, then runs the official OpenAI clients from PyPI against it (openai 1.x; openai==0.28.1 running the
# seed's snippet), `curl -N` on a stream, a table of bad requests with mid-stream disconnects, and a bounded load
# test (32 clients x 8 requests, half streaming, twice) whose greedy outputs must equal one-at-a-time requests.
# Ends with SIGTERM, which must drain and exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${AIGC_BIN:-$(swift build --show-bin-path)/aigc}
venvs=${AIGC_VENVS:-$PWD/.venvs}
bash Scripts/setup-client-venvs.sh >/dev/null
work=$(mktemp -d)
pid=""
cleanup() { [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# A tiny model that speaks a byte-level BPE tokenizer with ChatML's tokens (so chat works), trained for 3 steps.
tok=Fixtures/tokenizer/hf-bytelevel.json
for i in $(seq 1 60); do echo "the cat sat on the mat $i. hello world, said the dog. exercise is good for you."; done > "$work/text.txt"
"$bin" encode --tokenizer "$tok" --format u16 --output "$work/train.bin" "$work/text.txt"
"$bin" pretrain --train "$work/train.bin" --vocab-size 702 --n-layer 2 --n-head 2 --n-embd 32 --block-size 256 \
  --batch-size 2 --max-iters 3 --eval-interval 3 --eval-iters 1 --tokenizer "$tok" --out "$work/tiny" >/dev/null

"$bin" serve --model "$work/tiny" --port 0 --port-file "$work/port" --api-key sk-test --threads 1 --max-batch 16 \
  2> "$work/serve.log" &
pid=$!
for _ in $(seq 1 300); do [[ -s "$work/port" ]] && break; sleep 0.1; done
port=$(cat "$work/port")
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/health" | grep -q '"ok"'
export AIGC_BASE_URL="http://127.0.0.1:$port/v1" AIGC_API_KEY=sk-test AIGC_MODEL=tiny AIGC_SERVER_PID=$pid AIGC_CONTEXT=256

echo "== curl -N stream"
curl -sN "$AIGC_BASE_URL/completions" -H "Authorization: Bearer sk-test" -H "Content-Type: application/json" \
  -d '{"model":"tiny","prompt":"the cat","max_tokens":8,"stream":true}' > "$work/stream.txt"
grep -q '^data: {' "$work/stream.txt"
[[ "$(grep -v '^$' "$work/stream.txt" | tail -1)" == "data: [DONE]" ]]
echo "ok: $(grep -c '^data: ' "$work/stream.txt") events ending in [DONE]"

echo "== openai 1.x"
"$venvs/openai1/bin/python" Tests/Serve/test_openai_v1.py 2>&1 | tail -25
echo "== openai 0.28.1: the seed's snippet"
"$venvs/openai028/bin/python" Tests/Serve/seed_legacy.py > "$work/seed.txt"
echo "ok: $(wc -c < "$work/seed.txt") bytes of completion: $(head -c 120 "$work/seed.txt" | tr -d '\000-\037')"
if "$venvs/openai1/bin/python" -c "import aigc" 2>/dev/null; then
  echo "== Python client (Clients/python)"
  "$venvs/openai1/bin/python" Clients/python/tests/test_live.py 2>&1 | tail -3
fi
echo "== bad requests and load"
python3 Tests/Serve/load_and_abuse.py

echo "== SIGTERM drains and exits 0"
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
pid=""
[[ $rc -eq 0 ]] || { echo "server exited $rc"; tail -20 "$work/serve.log"; exit 1; }
echo "server exited 0"

echo "== --weights bf16: the server's greedy text equals aigc generate --weights bf16; a bad precision is refused"
"$bin" serve --model "$work/tiny" --port 0 --port-file "$work/port16" --threads 1 --weights bf16 --api-key sk-test 2> "$work/serve16.log" &
pid=$!
for _ in $(seq 1 300); do [[ -s "$work/port16" ]] && break; sleep 0.1; done
port16=$(cat "$work/port16")
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port16/health" >/dev/null && break; sleep 0.1; done
served=$(curl -sf "http://127.0.0.1:$port16/v1/completions" -H "Authorization: Bearer sk-test" -H "Content-Type: application/json" \
  -d '{"model":"tiny","prompt":"the cat","max_tokens":12,"temperature":0}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["choices"][0]["text"])')
local16=$("$bin" generate --model "$work/tiny" --prompt "the cat" --max-tokens 12 --temperature 0 --weights bf16 \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["choices"][0]["text"])')
[[ -n "$served" && "$served" == "$local16" ]] || { echo "bf16: served '$served' vs generate '$local16'"; exit 1; }
kill -TERM "$pid"; wait "$pid" || true; pid=""
if "$bin" serve --model "$work/tiny" --port 0 --weights fp16 2> "$work/bad.log"; then echo "--weights fp16 was accepted"; exit 1; fi
grep -q "weights" "$work/bad.log" || { echo "no error naming --weights:"; cat "$work/bad.log"; exit 1; }
echo "ok: bf16 greedy text '$served' (server = generate); --weights fp16 refused: $(head -1 "$work/bad.log")"
