#!/usr/bin/env bash
# API.md's one-liner for reading error details that `buf curl` prints as
# base64: GetFilm films/nope against a real catalogue, then each detail
# decoded with `buf convert` must give the documented reason and resource.
#
#   tests/contracts/error_details_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
buf=$src/node_modules/.bin/buf
tmp=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$bin/longtake-catalog" --listen=127.0.0.1:0 --store=sqlite::memory: \
  --seed="$src/data/seed/catalog.json" --no-log-calls >"$tmp/out" 2>"$tmp/err" &
pid=$!
source "$src/scripts/lib/servers.sh"
addr=$(wait_for_listen "$tmp/out" "$pid")
[[ -n $addr ]] || { echo "FAIL: catalogue did not start" >&2; cat "$tmp/err" >&2; exit 1; }

"$buf" curl --protocol grpc --http2-prior-knowledge -d '{"name":"films/nope"}' \
  "http://$addr/longtake.catalog.v1.CatalogService/GetFilm" >"$tmp/error.json" 2>&1 || true
value() {  # value TYPE: the base64 value of the detail of that type
  /usr/bin/python3 -c 'import json,sys
for d in json.load(open(sys.argv[1]))["details"]:
    if d["type"] == sys.argv[2]: print(d["value"])' "$tmp/error.json" "$1"
}
cd "$src"
# As typed at a prompt: base64 -d complains about the missing padding (and
# exits 1) but decodes everything.
set +o pipefail
info=$(value google.rpc.ErrorInfo | base64 -d 2>/dev/null |
  "$buf" convert . --type google.rpc.ErrorInfo --from -#format=binpb)
resource=$(value google.rpc.ResourceInfo | base64 -d 2>/dev/null |
  "$buf" convert . --type google.rpc.ResourceInfo --from -#format=binpb)
echo "ErrorInfo: $info"
echo "ResourceInfo: $resource"
[[ $info == *'"reason":"RESOURCE_NOT_FOUND"'* && $info == *'"domain":"catalog.longtake.dev"'* ]] ||
  { echo "FAIL: ErrorInfo not decoded as documented" >&2; cat "$tmp/error.json" >&2; exit 1; }
[[ $resource == *'"resourceName":"films/nope"'* ]] ||
  { echo "FAIL: ResourceInfo not decoded as documented" >&2; exit 1; }
echo "error_details_test: OK"
