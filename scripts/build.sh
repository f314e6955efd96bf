#!/usr/bin/env bash
# Configures and builds everything in Release under build/. Incremental: a
# second run with no changes takes a few seconds (ccache makes a clean
# rebuild of unchanged sources cheap too).
#   LONGTAKE_WERROR=ON scripts/build.sh   warnings are errors (the test command)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
  -DLONGTAKE_WERROR="${LONGTAKE_WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)" "$@"
