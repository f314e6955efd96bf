#!/usr/bin/env bash
# Proves the contract gate bites: renames Film.title to Film.film_title in a
# copy of the protos and expects `buf breaking` against the committed
# baseline (contracts/baseline.binpb) to fail with a report naming it.
#
#   tests/contracts/breaking_change_test.sh SOURCE_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
buf=$src/node_modules/.bin/buf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp -r "$src/proto" "$src/buf.yaml" "$tmp/"
mkdir -p "$tmp/.deps"
cp -a "$src/.deps/googleapis" "$tmp/.deps/"   # symlinks made by scripts/setup.sh
# The untouched copy passes (so a failure below is the rename's doing).
cd "$tmp"
if ! "$buf" breaking proto --against "$src/contracts/baseline.binpb" >/dev/null; then
  echo "FAIL: buf breaking fails even on the untouched protos" >&2
  exit 1
fi

file=$tmp/proto/longtake/catalog/v1/resources.proto
sed -i -E '/^message Film \{/,/^\}/ s/^(\s*)string title = 2;/\1string film_title = 2;/' "$file"
grep -q 'string film_title = 2;' "$file" || { echo "FAIL: the rename did not apply" >&2; exit 1; }

set +e
"$buf" breaking proto --against "$src/contracts/baseline.binpb" >"$tmp/report.txt" 2>&1
rc=$?
set -e
echo "--- buf breaking report (exit $rc)"
cat "$tmp/report.txt"
if ((rc == 0)); then
  echo "FAIL: buf breaking accepted a renamed field" >&2
  exit 1
fi
grep -q 'on message "Film" changed name from "title" to "film_title"' "$tmp/report.txt" ||
  { echo "FAIL: the report does not name the renamed field" >&2; exit 1; }
echo "breaking_change_test: OK (the gate caught the rename)"
