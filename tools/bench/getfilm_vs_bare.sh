#!/usr/bin/env bash
# GetFilm against a bare gRPC callback server that returns the same bytes, on
# the same machine, in the same run (docs/benchmarks.md).
#
#   tools/bench/getfilm_vs_bare.sh [REQUESTS] [FILM]
#
# Needs a build (scripts/build.sh) and h2load (nghttp2-client). Prints both
# rates and their ratio; the target is GetFilm >= 90% of the bare server.
set -euo pipefail
cd "$(dirname "$0")/../.."
requests=${1:-300000}
film=${2:-films/the-cranes-are-flying}
bin=build/bin
buf=node_modules/.bin/buf
source tools/bench/lib.sh

start_server "$work/catalog" "$bin/longtake-catalog" --listen=127.0.0.1:0 \
  --store=sqlite://$work/catalog.db --seed=data/seed/catalog.json \
  --log-level=warning --no-log-calls
catalog=$addr

# The exact response bytes GetFilm sends, for the bare server to send too.
$buf curl --protocol grpc --http2-prior-knowledge --schema proto \
  "http://$catalog/longtake.catalog.v1.CatalogService/GetFilm" \
  -d "{\"name\":\"$film\"}" > "$work/film.json"
$buf convert proto --type longtake.catalog.v1.Film \
  --from "$work/film.json#format=json" --to "$work/film.bin#format=binpb"
echo "{\"name\":\"$film\"}" > "$work/req.json"
$buf convert proto --type longtake.catalog.v1.GetFilmRequest \
  --from "$work/req.json#format=json" --to "$work/req.bin#format=binpb"

# gRPC framing: flag byte 0, 4-byte big-endian length, message.
frame() {
  local n; n=$(stat -c %s "$1")
  printf '\x00'
  printf "%08x" "$n" | xxd -r -p
  cat "$1"
}
frame "$work/req.bin" > "$work/body.bin"

start_server "$work/bare" "$bin/bench_bare_server" --listen=127.0.0.1:0 --response="$work/film.bin"
bare=$addr

run() {  # run ADDR: prints requests/s (only if every reply was a success)
  local out
  out=$(h2load -n "$requests" -c 4 -m 32 -t 1 \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    -d "$work/body.bin" "http://$1/longtake.catalog.v1.CatalogService/GetFilm" 2>&1)
  # h2load counts HTTP 200 as success even for a gRPC error, so also check
  # that every reply carried the full message.
  local data expected
  data=$(sed -n 's/.*(\([0-9]*\)) data$/\1/p' <<<"$out")
  expected=$(( requests * ($(stat -c %s "$work/film.bin") + 5) ))
  if ! grep -q " 0 failed, 0 errored" <<<"$out" || [[ "$data" != "$expected" ]]; then
    echo "$out" >&2; echo "h2load saw failures (data $data, expected $expected bytes)" >&2; exit 1
  fi
  grep -o 'finished in [^,]*, [0-9.]* req/s' <<<"$out" | awk '{print $4}'
}

echo "response: $(stat -c %s "$work/film.bin") bytes; $requests requests per run, 4 connections x 32 streams"
best_bare=0; best_getfilm=0
for round in 1 2 3; do
  b=$(run "$bare"); g=$(run "$catalog")
  echo "round $round: bare ${b} req/s, GetFilm ${g} req/s"
  best_bare=$(awk -v a="$best_bare" -v b="$b" 'BEGIN{print (b>a)?b:a}')
  best_getfilm=$(awk -v a="$best_getfilm" -v b="$g" 'BEGIN{print (b>a)?b:a}')
done
awk -v b="$best_bare" -v g="$best_getfilm" \
  'BEGIN{printf "best: bare %.0f req/s, GetFilm %.0f req/s, ratio %.1f%% (target >= 90%%)\n", b, g, 100*g/b}'
