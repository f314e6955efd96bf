#!/usr/bin/env bash
# Configures (once) and builds everything in Release under build/.
# Incremental: a second run with no changes takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build -j"$(nproc)" "$@"
