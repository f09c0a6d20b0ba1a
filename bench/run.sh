#!/usr/bin/env bash
# Prints every performance figure of docs/performance.md side by side, with the goals.
#     bash bench/run.sh            (from the repository root; needs pwsh on PATH for the module rows)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/../shared/tools/bin:$PATH"

# Static example credentials: signing makes no network call.
for v in $(env | grep -o '^AWS_[A-Z_]*' || true); do unset "$v"; done
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

cargo build --release --quiet
cargo bench --bench sdk_loop --no-run --quiet 2>/dev/null
BIN="$PWD/target/release/s3presign"
export S3PRESIGN_BIN="$BIN"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

lines() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "{\"bucket\":\"my-bucket\",\"key\":\"data/%07d/file.bin\"}\n", i }'; }

declare -A per_line rss
for n in 10000 100000 1000000; do
    lines "$n" > "$work/in.jsonl"
    /usr/bin/time -f "%e %M" -o "$work/time" "$BIN" batch < "$work/in.jsonl" > "$work/out.jsonl"
    [ "$(wc -l < "$work/out.jsonl")" -eq "$n" ] || { echo "batch lost lines at $n" >&2; exit 1; }
    read -r seconds kb < "$work/time"
    per_line[$n]=$(awk -v s="$seconds" -v n="$n" 'BEGIN { printf "%.2f", s * 1e6 / n }')
    rss[$n]=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
done

sdk=$(cargo bench --bench sdk_loop --quiet -- 100000 2>/dev/null | awk '{ print $(NF-1) }')

# One URL from a fresh process: the mean of 50 runs.
start=$(date +%s%N)
for _ in $(seq 50); do "$BIN" url --bucket my-bucket --key k > /dev/null; done
single_ms=$(awk -v ns="$(( $(date +%s%N) - start ))" 'BEGIN { printf "%.2f", ns / 50 / 1e6 }')

# The module, side by side with AWS.Tools' engine in one pwsh run (bench/module.ps1 prints its own
# figures, the anchor's and the ratios).
module_report="pwsh not found: module not measured"
if command -v pwsh > /dev/null; then
    module_report=$(S3PRESIGN_BIN="$BIN" pwsh -NoProfile -NonInteractive -File bench/module.ps1 -Objects 50000)
fi

verdict() { awk -v v="$1" -v g="$2" 'BEGIN { if (v == "n/a") print "not measured"; else if (v + 0 <= g + 0) print "met"; else print "NOT met" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "-"; else printf "%.1fx", a / b }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
printf '%-44s %14s %12s %s\n' "measure" "value" "goal" "verdict"
for n in 10000 100000 1000000; do
    printf '%-44s %11s us %9s us %s\n' "batch, $n lines, per line" "${per_line[$n]}" "3" "$(verdict "${per_line[$n]}" 3)"
    printf '%-44s %10s MiB %8s MiB %s\n' "batch, $n lines, peak RSS" "${rss[$n]}" "32" "$(verdict "${rss[$n]}" 32)"
done
printf '%-44s %11s us %12s %s\n' "aws-sdk-s3 presigned() loop, per URL" "$sdk" "-" "batch is $(ratio "$sdk" "${per_line[1000000]}") faster (goal 10x)"
printf '%-44s %11s ms %9s ms %s\n' "s3presign url, fresh process" "$single_ms" "5" "$(verdict "$single_ms" 5)"
echo "$module_report"
