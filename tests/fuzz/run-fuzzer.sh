#!/usr/bin/env bash
# run-fuzzer.sh FUZZER SEED_CORPUS_DIR: fuzzes for MQB_FUZZ_SECONDS (default 25) in a scratch
# corpus seeded from the checked-in one; exits non-zero on any crash, leak or sanitizer report.
set -euo pipefail
fuzzer="$1"; seeds="$2"
secs="${MQB_FUZZ_SECONDS:-25}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
"$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/" \
  -print_final_stats=1 "$work/corpus" "$seeds" 2>"$work/log" || {
  tail -60 "$work/log"; ls -la "$work/artifacts"; exit 1; }
grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units)" "$work/log" || true
