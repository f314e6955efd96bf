#!/usr/bin/env bash
# Configures and builds everything in Release under build/. Incremental: a
# second run with no changes takes a few seconds (ccache makes a clean
# rebuild of unchanged sources cheap too).
#   LONGTAKE_WERROR=ON scripts/build.sh   warnings are errors (the test command)
set -euo pipefail
cd "$(dirname "$0")/.."
# Only an explicit LONGTAKE_WERROR changes the cached setting: flipping it
# would recompile everything, so up.sh after test.sh reuses the same build.
options=(-DCMAKE_BUILD_TYPE=Release)
[[ -n ${LONGTAKE_WERROR:-} ]] && options+=(-DLONGTAKE_WERROR="$LONGTAKE_WERROR")
cmake -S . -B build "${options[@]}" >/dev/null
cmake --build build -j"$(nproc)" "$@"
