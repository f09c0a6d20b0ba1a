#!/usr/bin/env bash
# Prints every performance figure of docs/performance.md side by side, with the goals.
#     bash bench/run.sh            (from the repository root; needs pwsh on PATH for the module rows)
#     BENCH_SKIP_MODULE=1 bash bench/run.sh    (the binary's figures only)
# Run it when nothing else runs: figures made beside other work are not comparable (the load
# average is printed with them).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/../shared/tools/bin:$PATH"

# Static example credentials: signing makes no network call.
for v in $(env | grep -o '^AWS_[A-Z_]*' || true); do unset "$v"; done
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

cargo build --release --quiet
cargo bench --bench sdk_loop --no-run --quiet 2>/dev/null
cargo bench --bench signer_limit --no-run --quiet 2>/dev/null
BIN="$PWD/target/release/s3presign"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
export S3PRESIGN_BIN="$BIN"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The same requests in every input format: bucket my-bucket, key data/NNNNNNN/file.bin.
inputs() {
    awk -v n="$1" -v dir="$2" 'BEGIN {
        print "Bucket,Key" > (dir "/in.csv")
        for (i = 0; i < n; i++) {
            k = sprintf("data/%07d/file.bin", i)
            printf "{\"bucket\":\"my-bucket\",\"key\":\"%s\"}\n", k > (dir "/in.jsonl")
            print k > (dir "/in.keys")
            print "s3://my-bucket/" k > (dir "/in.uri")
            print "my-bucket," k > (dir "/in.csv")
        }
    }'
}

# run NAME N INPUT_FORMAT OUTPUT THREADS: time per line (us) and peak RSS (MiB) of one batch.
declare -A per_line rss
run() {
    local name=$1 n=$2 input=$3 output=$4 threads=$5
    /usr/bin/time -f "%e %M" -o "$work/time" "$BIN" batch --bucket my-bucket --input-format "$input" \
        --output "$output" --threads "$threads" --no-progress < "$work/in.$input" > "$work/out"
    local expected=$n
    case $output in csv | tsv) expected=$(( n + 1 )) ;; esac
    [ "$(wc -l < "$work/out")" -eq "$expected" ] || { echo "batch lost lines: $name" >&2; exit 1; }
    read -r seconds kb < "$work/time"
    per_line[$name]=$(awk -v s="$seconds" -v n="$n" 'BEGIN { printf "%.3f", s * 1e6 / n }')
    rss[$name]=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
}

formats="jsonl/jsonl keys/url uri/url csv/url jsonl/url jsonl/csv jsonl/tsv jsonl/url-or-error"
for n in 10000 1000000; do
    rm -f "$work"/in.*
    inputs "$n" "$work"
    for f in $formats; do run "$f $n" "$n" "${f%/*}" "${f#*/}" 0; done
done
# Single-threaded, and again with the default threads, on the same 1M-line file.
for output in url jsonl; do
    run "jsonl/$output 1000000 1 thread" 1000000 jsonl "$output" 1
    run "jsonl/$output 1000000 default threads" 1000000 jsonl "$output" 0
done

limit=$(cargo bench --bench signer_limit --quiet -- 1000000 2>/dev/null | awk '{ print $(NF-1) }')
sdk=$(cargo bench --bench sdk_loop --quiet -- 100000 2>/dev/null | awk '{ print $(NF-1) }')

# One URL from a fresh process: the mean of 50 runs.
start=$(date +%s%N)
for _ in $(seq 50); do "$BIN" url --bucket my-bucket --key k > /dev/null; done
single_ms=$(awk -v ns="$(( $(date +%s%N) - start ))" 'BEGIN { printf "%.2f", ns / 50 / 1e6 }')

# The module, side by side with AWS.Tools' engine in one pwsh run (bench/module.ps1 prints its own
# figures, the anchor's and the ratios).
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
module_report="pwsh not found: module not measured"
if [ -n "${BENCH_SKIP_MODULE:-}" ]; then
    module_report="module not measured (BENCH_SKIP_MODULE is set)"
elif command -v pwsh > /dev/null; then
    module_report=$(S3PRESIGN_BIN="$BIN" pwsh -NoProfile -NonInteractive -File bench/module.ps1 -Objects 50000)
fi

verdict() { awk -v v="$1" -v g="$2" 'BEGIN { if (v == "n/a") print "not measured"; else if (v + 0 <= g + 0) print "met"; else print "NOT met" }'; }
verdict_at_least() { awk -v v="$1" -v g="$2" 'BEGIN { if (v + 0 >= g + 0) print "met"; else print "NOT met" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "-"; else printf "%.1fx", a / b }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load average (1, 5, 15 min): $load_before before the binary's runs, $load_after after them"
printf '%-52s %11s us\n' "in-process limit (signer alone, key cached), per URL" "$limit"
printf '%-52s %14s %12s %s\n' "measure" "value" "goal" "verdict"
for threads in "1 thread" "default threads"; do
    for output in url jsonl; do
        goal=$([ "$output" = url ] && echo 1.3 || echo 2)
        t=${per_line["jsonl/$output 1000000 $threads"]}
        r=$(awk -v a="$t" -v b="$limit" 'BEGIN { printf "%.2f", a / b }')
        printf '%-52s %11s us %12s %s\n' "batch --output $output, 1M lines, $threads, per URL" "$t" "" ""
        printf '%-52s %13sx %11sx %s\n' "  ... / limit" "$r" "$goal" "$(verdict "$r" "$goal")"
    done
done
for output in url jsonl; do
    s=$(awk -v a="${per_line["jsonl/$output 1000000 1 thread"]}" -v b="${per_line["jsonl/$output 1000000 default threads"]}" 'BEGIN { printf "%.2f", a / b }')
    printf '%-52s %13sx %11sx %s\n' "--output $output: default threads vs 1 (speed-up)" "$s" "1.6" "$(verdict_at_least "$s" 1.6)"
done
for f in $formats; do
    printf '%-52s %7s / %6s MiB %8s MiB %s\n' "peak RSS $f, 10k / 1M lines" "${rss["$f 10000"]}" "${rss["$f 1000000"]}" "32" \
        "$(verdict "${rss["$f 1000000"]}" 32)"
    printf '%-52s %7s / %6s us\n' "  per line, 10k / 1M lines" "${per_line["$f 10000"]}" "${per_line["$f 1000000"]}"
done
printf '%-44s %11s us %12s %s\n' "aws-sdk-s3 presigned() loop, per URL" "$sdk" "-" "batch (url, default threads) is $(ratio "$sdk" "${per_line["jsonl/url 1000000 default threads"]}") faster (goal 10x)"
printf '%-44s %11s ms %9s ms %s\n' "s3presign url, fresh process" "$single_ms" "5" "$(verdict "$single_ms" 5)"
echo "$module_report"
