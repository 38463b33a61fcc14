#!/usr/bin/env bash
# Runs one libFuzzer target (or all) for a set time and reports executions and coverage.
#   Scripts/fuzz.sh TARGET SECONDS     TARGET: tiktoken tokenizer-json gpt2-files safetensors npy megatron-idx model-dir
#                                              dialogue-record normalizer-json normalize-forms
#                                              server-request, or "all"
# Builds Fuzz/ (a separate package) with -sanitize=fuzzer,address on first use. Seeds: Fuzz/seeds/TARGET; the
# growing corpus: Fuzz/.corpus/TARGET (not committed). A crash, hang or sanitizer report is copied to
# Fixtures/fuzz/TARGET/ — commit it with the fix; Tests/FuzzRegressionTests replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: Scripts/fuzz.sh TARGET|all SECONDS}
seconds=${2:?usage: Scripts/fuzz.sh TARGET|all SECONDS}
targets=(tiktoken tokenizer-json gpt2-files safetensors npy megatron-idx model-dir dialogue-record normalizer-json normalize-forms server-request)
[ "$target" = all ] || targets=("$target")

# --sanitize=fuzzer links libFuzzer's main into the executable; the -Xswiftc/-Xcc flags instrument every module of
# the toolkit (and the C shims), not only the fuzz binary's own.
flags=(--package-path Fuzz --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address)
swift build "${flags[@]}" >&2
bin=$(swift build "${flags[@]}" --show-bin-path)/aigc-fuzz

status=0
printf '%-16s %10s %8s %8s %8s %s\n' TARGET EXECS EXEC/S COV FT FINDINGS
for t in "${targets[@]}"; do
    [ -d "Fuzz/seeds/$t" ] || { echo "unknown target $t" >&2; exit 2; }
    corpus="Fuzz/.corpus/$t"; artifacts="Fuzz/.artifacts/$t"
    mkdir -p "$corpus" "$artifacts" "Fixtures/fuzz/$t"
    log="Fuzz/.artifacts/$t.log"
    # -timeout: one input running 10 s is a hang; -rss_limit_mb: 2 GB is a memory blow-up.
    AIGC_FUZZ_TARGET=$t ASAN_OPTIONS=detect_leaks=0 "$bin" "$corpus" "Fuzz/seeds/$t" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" >"$log" 2>&1 || true
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$({ grep -o 'cov: [0-9]*' "$log" || true; } | tail -1 | cut -d' ' -f2)
    ft=$({ grep -o 'ft: [0-9]*' "$log" || true; } | tail -1 | cut -d' ' -f2)
    found=0
    for a in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-* "$artifacts"/leak-*; do
        [ -e "$a" ] || continue
        cp "$a" "Fixtures/fuzz/$t/"
        found=$((found + 1))
        status=1
    done
    printf '%-16s %10s %8s %8s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
        "$([ $found -gt 0 ] && echo "$found → Fixtures/fuzz/$t (log: $log)" || echo none)"
done
exit $status
