#!/bin/bash
# Issue 20's list of hostile cases, end to end against the built aigc (AIGC=path to use another binary).
# Prints PASS/FAIL per case and a total; exits non-zero if any case fails. Usage: Scripts/issue20-recheck.sh
R=$(cd "$(dirname "$0")/.." && pwd); A=${AIGC:-$R/.build/debug/aigc}; T=$(mktemp -d); trap 'rm -rf "$T"' EXIT; cd "$T"
pass=0; fail=0
check() { # name, expected-substring (or "rc=N"), command...
  local name=$1 exp=$2; shift 2
  out=$(timeout 60 "$@" 2>&1); rc=$?
  if [[ $exp == rc=* ]]; then ok=$([ "rc=$rc" = "$exp" ] && echo 1); else ok=$(grep -qF -- "$exp" <<<"$out" && [ $rc -ne 0 ] && [ $rc -ne 124 ] && ! grep -q "Fatal error" <<<"$out" && echo 1); fi
  if [ "$ok" = 1 ]; then pass=$((pass+1)); echo "PASS $name"; else fail=$((fail+1)); echo "FAIL $name (rc=$rc): $(head -c 300 <<<"$out")"; fi
}
# Fixtures: a nanogpt corpus with a u32 vocabulary, a tiny model, a megatron corpus.
$A corpus build --input-format openai --tokenizer o200k_base --output-format nanogpt -o nano32 $R/Fixtures/corpus/dialogues.jsonl 2>/dev/null
$A corpus build --input-format openai --tokenizer bytes --output-format megatron -o mega $R/Fixtures/corpus/dialogues.jsonl 2>/dev/null
python3 -c "import array,random; r=random.Random(1); array.array('H',[r.randrange(50) for _ in range(5000)]).tofile(open('tok.bin','wb'))"
$A pretrain --train tok.bin --vocab-size 50 --n-layer 1 --n-head 1 --n-embd 8 --block-size 16 --batch-size 2 --max-iters 2 --eval-interval 1 --eval-iters 1 --out model >/dev/null 2>&1
idx=$(ls mega/*.idx | head -1); bin=${idx%.idx}.bin
# --- crashes
python3 - "$idx" <<'PY'
import sys,struct; d=bytearray(open(sys.argv[1],'rb').read())
# header: 9 magic, 8 version, 1 dtype, 8 count, 8 docs; sizes int32 follow
struct.pack_into('<i', d, 34, 100000000); open('big.idx','wb').write(d)
d2=bytearray(open(sys.argv[1],'rb').read()); struct.pack_into('<i', d2, 34, -5); open('neg.idx','wb').write(d2)
PY
for k in big neg; do mkdir -p m$k; cp mega/* m$k/; cp $k.idx m$k/$(basename $idx); done
check "corpus inspect --row 0: idx size 1e8" "describes 100001278 tokens" $A corpus inspect --row 0 mbig
check "corpus inspect --row 0: idx size -5" "has size -5" $A corpus inspect --row 0 mneg
python3 - "$idx" <<'PY'
import sys,struct; d=bytearray(open(sys.argv[1],'rb').read()); n=struct.unpack_from('<Q', d, 18)[0]
struct.pack_into('<q', d, 34 + 4 * n, 10**12); open('ptr.idx','wb').write(d)
d2=bytearray(open(sys.argv[1],'rb').read()); d2[17]=4; open('i32.idx','wb').write(d2)
PY
for k in ptr i32; do mkdir -p m$k; cp mega/* m$k/; cp $k.idx m$k/$(basename $idx); done
check "corpus inspect --row 0: idx pointer 1e12" "starts at byte 1000000000000" $A corpus inspect --row 0 mptr
check "corpus inspect (summary): idx changed after the build" "the file changed after the build" $A corpus inspect mptr
check "audit DIR: idx pointer 1e12 (no label sanity pass)" "starts at byte 1000000000000" $A audit --json a3.json mptr
check "pretrain megatron: idx pointer 1e12" "starts at byte 1000000000000" $A pretrain --train mptr/${bin##*/} --data-format megatron --vocab-size 300 --out pm1 --max-iters 1
check "pretrain megatron: int32 dtype over u16 data" "dtype int32" $A pretrain --train mi32/${bin##*/} --data-format megatron --vocab-size 300 --out pm2 --max-iters 1
# The issue's case the other way round: an index saying uint16 (code 8) over the int32 data of a 200k vocabulary.
$A corpus build --input-format openai --tokenizer o200k_base --output-format megatron -o mega32 $R/Fixtures/corpus/dialogues.jsonl 2>/dev/null
cp -r mega32 m16; python3 -c "import sys; p=sys.argv[1]; d=bytearray(open(p,'rb').read()); d[17]=8; open(p,'wb').write(d)" m16/${idx##*/}
check "corpus inspect --row 0: uint16 dtype over int32 data" "dtype uint16" $A corpus inspect --row 0 m16
check "pretrain megatron: uint16 dtype over int32 data" "dtype uint16" $A pretrain --train m16/${bin##*/} --data-format megatron --vocab-size 200100 --out pm3 --max-iters 1
check "audit DIR: idx size -5" "" $A audit --json a.json mneg
check "normalize DIR" "is a directory" $A normalize $R/Fixtures
check "count > /dev/full" "No space left" sh -c "$A count --encoding cl100k_base $R/README.md > /dev/full"
check "generate > /dev/full" "No space left" sh -c "$A generate --model model --prompt-ids 1,2 --max-tokens 2 > /dev/full"
check "pretrain > /dev/full" "No space left" sh -c "$A pretrain --train tok.bin --vocab-size 50 --n-layer 1 --n-head 1 --n-embd 8 --block-size 16 --batch-size 2 --max-iters 1 --eval-interval 1 --eval-iters 1 --out pfull > /dev/full"
check "--seq-len 99999999999" "seq-len" $A corpus build --input-format openai --tokenizer bytes --seq-len 99999999999 -o x $R/Fixtures/corpus/dialogues.jsonl
check "--batch-size 99999999999" "batch-size" $A pretrain --train tok.bin --vocab-size 50 --batch-size 99999999999 --out x2
check "gan --samples 999999999999" "samples" $A gan train --data $R/Fixtures/gan/blob2d.npy --samples 999999999999 --out g1
# --- hangs
python3 - $R <<'PY'
import json,sys; d=json.load(open(sys.argv[1]+'/Fixtures/tokenizer/hf-split.json'))
d['pre_tokenizer']['pretokenizers'][0]['pattern']={'Regex':'(a*)*b'}; json.dump(d,open('cat.json','w'))
json.dump({'steps':[{'type':'replace','pattern':'(a*)*b','regex':True,'content':'x'}]},open('norm.json','w'))
open('as.txt','w').write('a'*40+'c\n')
PY
check "tokenizer.json (a*)*b" "(a*)*b" $A encode --tokenizer cat.json as.txt
check "normalize --config (a*)*b" "(a*)*b" $A normalize --config norm.json as.txt
check "audit --threads 10000 (clamped)" "rc=0" $A audit --threads 10000 --json a2.json $R/Fixtures/corpus/dialogues.jsonl
check "adversarial --rollouts 99999" "rollouts" $A adversarial --generator model --train nano32 --rollouts 99999 --out adv
# --- silently wrong
check "pretrain nanogpt u32 from manifest" "rc=0" $A pretrain --train nano32/train.bin --data-format nanogpt --vocab-size 200100 --n-layer 1 --n-head 1 --n-embd 8 --block-size 8 --batch-size 1 --max-iters 1 --eval-interval 1 --eval-iters 1 --out p32
grep -v '^IQ== ' $R/Vocab/cl100k_base.tiktoken > nobang.tiktoken
check ".tiktoken missing '!'" "0x21" $A encode --tokenizer nobang.tiktoken $R/README.md
# A copy of the tiny model with one NaN weight: generate and finetune refuse it naming the tensor, finetune leaves no files.
cp -r model nanmodel
python3 - nanmodel/model.safetensors <<'PY'
import sys,json,struct; p=sys.argv[1]; d=bytearray(open(p,'rb').read()); n=struct.unpack_from('<Q', d, 0)[0]
h=json.loads(d[8:8+n]); off=8+n+h['wte.weight']['data_offsets'][0]; struct.pack_into('<f', d, off+4, float('nan')); open(p,'wb').write(d)
PY
check "generate with a NaN weight" "non-finite value" $A generate --model nanmodel --prompt-ids 1,2 --max-tokens 4
$A corpus build --input-format openai --tokenizer bytes --seq-len 64 -o ftc $R/Fixtures/corpus/dialogues.jsonl 2>/dev/null
check "finetune with a NaN weight" "non-finite value" $A finetune --base nanmodel --train ftc --out ftnan --max-iters 1
[ ! -e ftnan ] && echo "PASS finetune left no files" || { echo "FAIL finetune left ftnan"; fail=$((fail+1)); }
check "gan --g-lr 1e38 (non-finite samples)" "non-finite value" $A gan train --data $R/Fixtures/gan/blob2d.npy --steps 200 --g-lr 1e38 --out g2
check "gan --d-lr 1e38 (non-finite loss)" "non-finite loss" $A gan train --data $R/Fixtures/gan/blob2d.npy --steps 200 --d-lr 1e38 --out g3
check "adversarial --temperature nan" "finite" $A adversarial --generator model --train nano32 --temperature nan --out adv2
check "pretrain --resume --n-layer 3" "--n-layer 3" $A pretrain --train tok.bin --out model --resume --n-layer 3 --max-iters 3
check "--minhash-ngram 0" "minhash-ngram" $A corpus build --input-format openai --tokenizer bytes --minhash-ngram 0 -o x3 $R/Fixtures/corpus/dialogues.jsonl
check "--minhash-rows 0" "minhash-rows" $A corpus build --input-format openai --tokenizer bytes --minhash-rows 0 -o x4 $R/Fixtures/corpus/dialogues.jsonl
# --- lost data
ln -s /dev/null devnull-link
check "encode -o symlink to /dev/null stays" "rc=0" $A encode --encoding cl100k_base $R/README.md -o devnull-link
[ -L devnull-link ] && echo "PASS symlink kept" || { echo "FAIL symlink replaced"; fail=$((fail+1)); }
for c in "normalize $R/README.md" "encode --encoding cl100k_base $R/README.md" "decode --encoding cl100k_base ids.txt" "corpus inspect nano32"; do
  echo "1 2 3" > ids.txt
  check "$c > /dev/full" "No space left" sh -c "$A $c > /dev/full"
done
$A corpus build --input-format openai --tokenizer bytes -o same $R/Fixtures/corpus/dialogues.jsonl >/dev/null 2>&1
check "second build other options into same dir" "rc=0" $A corpus build --input-format openai --tokenizer bytes --seq-len 64 -o same $R/Fixtures/corpus/dialogues.jsonl
python3 -c "import json; m=json.load(open('same/manifest.json')); print(m['options']['seq_len'])" | grep -q 64 && echo "PASS manifest reflects the second build" || { echo "FAIL manifest"; fail=$((fail+1)); }
mkdir -p locked
check "a second build while one holds the output directory" "being written by another aigc corpus build" flock locked/.aigc.lock $A corpus build --input-format openai --tokenizer bytes -o locked $R/Fixtures/corpus/dialogues.jsonl
printf '{"text":"hello there friend"}\n{"text":"hello there friend"}\n' > dup.jsonl
check "--no-dedup identical lines" "rc=0" $A corpus build --no-dedup --input-format jsonl --tokenizer bytes -o nd dup.jsonl
# --- messages
check "negative number" "--seq-len" $A corpus build --input-format openai --seq-len -5 -o x5 $R/Fixtures/corpus/dialogues.jsonl
$A decode --help | grep -q npy && { echo "FAIL decode --help lists npy"; fail=$((fail+1)); } || echo "PASS decode --help"
# --- memory (small scale): 2 MB of letters in one line; a 10 MB one-record JSONL (over the default 8 MiB limit)
python3 $R/Benchmarks/make_long_line.py l2.txt 2 letters >/dev/null
python3 $R/Benchmarks/make_long_line.py r10.jsonl 10 mixed --jsonl >/dev/null
out=$(/usr/bin/time -f "%M" -o rss.txt $A corpus build --input-format jsonl --tokenizer bytes -o big r10.jsonl 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -q "records_kept=0 dropped: record_too_large=1" <<<"$out"; then pass=$((pass+1)); echo "PASS corpus build: a 10 MB record is a counted reject ($(tail -1 rss.txt) KB peak)"
else fail=$((fail+1)); echo "FAIL corpus build on a 10 MB record (rc=$rc): $out"; fi
/usr/bin/time -f "%M" -o rss.txt $A count --encoding cl100k_base l2.txt >/dev/null; echo "INFO count 2 MB letters: $(tail -1 rss.txt) KB"
for f in u32 npy text; do
  /usr/bin/time -f "%M" -o rss.txt $A encode --encoding cl100k_base --format $f -o ids.$f l2.txt; echo "INFO encode --format $f 2 MB letters: $(tail -1 rss.txt) KB"
done
echo "passed $pass, failed $fail"
[ $fail -eq 0 ]
