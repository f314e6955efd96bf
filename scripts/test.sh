#!/usr/bin/env bash
# Quick start, command 2: installs what is missing (including what the tests
# need), builds everything once, and runs every test: unit, store
# conformance (SQLite and a PostgreSQL server the tests start), integration
# tests against the real binaries, clients in other languages, the contract
# gate (buf lint + buf breaking), a short run of each fuzz target
# (docs/fuzzing.md) and the container test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# Warnings are errors here, and style.format_check is one of the tests.
LONGTAKE_WERROR=ON scripts/build.sh
# The libFuzzer targets in build-fuzz/ (clang); the fuzz.* tests run them.
scripts/build_fuzz.sh
cd build
ctest -j2 --output-on-failure --timeout 1500 "$@"
