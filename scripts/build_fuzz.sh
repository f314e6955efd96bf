#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) in build-fuzz/ with clang++-14:
# only those targets and the libraries they link, instrumented for libFuzzer,
# ASan and UBSan. The Debian gRPC, protobuf and Abseil (built with g++ and
# libstdc++) link as they are. Incremental, and cheap again with ccache.
# scripts/test.sh runs it; the ctest tests `fuzz.*` run what it builds.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-fuzz -DLONGTAKE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1" \
  >/dev/null
cmake --build build-fuzz --target longtake_fuzzers -j"$(nproc)" "$@"
