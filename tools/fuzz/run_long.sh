#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 60), one after another, and
# prints one line of figures per target: executions, coverage (edges) and
# features, the corpus it ended with, and crashes (0, or the run fails and
# the crash input is copied to build-fuzz/artifacts/). docs/fuzzing.md holds
# the last figures.
#   scripts/build_fuzz.sh && tools/fuzz/run_long.sh 60
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
mkdir -p build-fuzz/artifacts build-fuzz/long
export LONGTAKE_FUZZ_ARTIFACTS=$PWD/build-fuzz/artifacts
printf '%-26s %12s %8s %9s %7s %8s\n' target executions edges features corpus crashes
failed=0
for fuzzer in build-fuzz/bin/*_fuzzer; do
  target=$(basename "$fuzzer")
  out=build-fuzz/long/$target
  rm -rf "$out"
  crashes=0
  log=$(tools/fuzz/run_fuzzer.sh build-fuzz/bin "$target" "$seconds" "$out" 2>&1) ||
    { crashes=1; failed=1; echo "$log" >&2; }
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' <<<"$log")
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' <<<"$log" | tail -1)
  edges=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$done_line")
  features=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$done_line")
  corpus=$(ls "$out" | wc -l)
  printf '%-26s %12s %8s %9s %7s %8s\n' "$target" "${execs:-?}" \
    "${edges:-?}" "${features:-?}" "$corpus" "$crashes"
done
exit $failed
