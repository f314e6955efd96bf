#!/usr/bin/env bash
# Installs the client package from the build tree into a temporary prefix,
# builds tests/clients/outside_project against it with find_package(longtake),
# and runs that program against a real longtake-catalog on loopback.
#
#   install_test.sh <build dir> <source dir> <longtake-catalog>
set -eu
BUILD=$1
SRC=$2
source "$SRC/scripts/lib/servers.sh"
CATALOG=$3
TMP=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

cmake --install "$BUILD" --prefix "$TMP/prefix" --component longtake_client >"$TMP/install.log"
test -f "$TMP/prefix/lib/cmake/longtake/longtakeConfig.cmake" || { echo "FAIL: no package config installed"; exit 1; }
test -f "$TMP/prefix/include/longtake/client/client.h" || { echo "FAIL: client.h not installed"; exit 1; }
test -f "$TMP/prefix/include/longtake/catalog/v1/catalog_service.grpc.pb.h" || { echo "FAIL: generated headers not installed"; exit 1; }

cmake -S "$SRC/tests/clients/outside_project" -B "$TMP/outside" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$TMP/prefix" >"$TMP/configure.log" 2>&1 || { cat "$TMP/configure.log"; exit 1; }
cmake --build "$TMP/outside" -j2 >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; exit 1; }

"$CATALOG" --listen=127.0.0.1:0 --store="sqlite://$TMP/catalog.db" \
  --seed="$SRC/data/seed/catalog.json" >"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
ADDR=$(wait_for_listen "$TMP/server.out" "$SERVER_PID")
[[ -n "$ADDR" ]] || { echo "FAIL: catalogue did not start"; cat "$TMP/server.err"; exit 1; }

OUT=$("$TMP/outside/print_film" "$ADDR" films/the-cranes-are-flying)
echo "outside program printed: $OUT"
[[ "$OUT" == "The Cranes Are Flying (1957)" ]] || { echo "FAIL: unexpected output"; exit 1; }

# Errors come back with their code through the installed library too.
if ERR=$("$TMP/outside/print_film" "$ADDR" films/nope 2>&1); then
  echo "FAIL: films/nope succeeded"; exit 1
fi
[[ "$ERR" == *NOT_FOUND* ]] || { echo "FAIL: no NOT_FOUND in: $ERR"; exit 1; }
echo "install test passed"
