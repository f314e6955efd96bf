#!/usr/bin/env bash
# Runs one libFuzzer target of the clang tree for a bounded time: first every
# input of its checked-in corpus (tests/fuzz/corpus/<target>/: seeds and
# regression inputs), then new inputs for SECONDS. Fails when the target
# crashes (ASan, UBSan, a failed property, a timeout or running out of
# memory), printing the input that did it; new inputs go to a scratch folder,
# not into the source tree. The ctest tests `fuzz.*` and run_long.sh use it.
#   tools/fuzz/run_fuzzer.sh BIN_DIR TARGET SECONDS [CORPUS_OUT_DIR]
set -euo pipefail
bin_dir=$1 target=$2 seconds=$3 keep=${4:-}
src=$(cd "$(dirname "$0")/../.." && pwd)
fuzzer=$bin_dir/$target
if [[ ! -x $fuzzer ]]; then
  echo "FAIL: $fuzzer is missing: the fuzz build has not been built." >&2
  echo "Run scripts/build_fuzz.sh (scripts/test.sh runs it)." >&2
  exit 1
fi
corpus=$src/tests/fuzz/corpus/${target%_fuzzer}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=${keep:-$tmp/corpus}
mkdir -p "$out" "$tmp/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TMPDIR=$tmp
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$tmp/artifacts/" "$out" "$corpus" >"$tmp/log" 2>&1 ||
  status=$?
grep -E '^(INFO: seed corpus|#[0-9]+[[:space:]]+(INITED|DONE))|^stat::' "$tmp/log" || true
if ((status != 0)); then
  tail -n 60 "$tmp/log" >&2
  for a in "$tmp"/artifacts/*; do
    [[ -e $a ]] || continue
    echo "crash input ($(basename "$a")), base64:" >&2
    base64 -w0 "$a" >&2
    echo >&2
    [[ -n ${LONGTAKE_FUZZ_ARTIFACTS:-} ]] && cp "$a" "$LONGTAKE_FUZZ_ARTIFACTS/"
  done
  echo "FAIL: $target crashed (exit $status)" >&2
  exit 1
fi
echo "$target: OK"
