#!/usr/bin/env bash
# Rewrites the seeds of each fuzz target (tests/fuzz/corpus/<target>/seed-*)
# from the examples in its source (LLVMFuzzerInitialize), after a change to
# them or to a request message. Regression inputs (crash-*) are kept.
#   scripts/build_fuzz.sh && tools/fuzz/make_seeds.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
for fuzzer in build-fuzz/bin/*_fuzzer; do
  target=$(basename "$fuzzer")
  dir=tests/fuzz/corpus/${target%_fuzzer}
  mkdir -p "$dir"
  rm -f "$dir"/seed-*
  LONGTAKE_FUZZ_WRITE_SEEDS=$dir "$fuzzer"
  echo "$dir: $(ls "$dir" | wc -l) inputs"
done
