# Shared by the benchmark scripts: a scratch folder removed on exit,
# start_server (scripts/lib/scratch.sh) to run the servers, and the GetFilm
# against a bare server comparison (getfilm_vs_bare.sh, scale.sh).
#   cd "$(dirname "$0")/../.." && source tools/bench/lib.sh
#   start_server "$work/catalog" build/bin/longtake-catalog --listen=127.0.0.1:0 ...
#   echo "$addr"
#   getfilm_vs_bare "$addr" films/the-cranes-are-flying 150000   # needs $bin
source scripts/lib/scratch.sh
work=$tmp

# grpc_frame FILE: FILE's bytes as one gRPC message (flag byte 0, 4-byte
# big-endian length, the message).
grpc_frame() {
  local n; n=$(stat -c %s "$1")
  printf '\x00'
  printf "%08x" "$n" | xxd -r -p
  cat "$1"
}

# h2load_getfilm ADDR BODY REPLY_BYTES REQUESTS: runs h2load (4 connections x
# 32 streams, 1 thread) sending BODY to GetFilm; prints requests/s, or exits
# 1 when any reply was not REPLY_BYTES of message (h2load counts HTTP 200 as
# success even for a gRPC error).
h2load_getfilm() {
  local out data expected
  out=$(h2load -n "$4" -c 4 -m 32 -t 1 \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    -d "$2" "http://$1/longtake.catalog.v1.CatalogService/GetFilm" 2>&1)
  data=$(sed -n 's/.*(\([0-9]*\)) data$/\1/p' <<<"$out")
  expected=$(( $4 * ($3 + 5) ))
  if ! grep -q " 0 failed, 0 errored" <<<"$out" || [[ "$data" != "$expected" ]]; then
    echo "$out" >&2; echo "h2load saw failures (data $data, expected $expected bytes)" >&2; exit 1
  fi
  grep -o 'finished in [^,]*, [0-9.]* req/s' <<<"$out" | awk '{print $4}'
}

# getfilm_vs_bare CATALOG FILM REQUESTS: fetches the exact bytes GetFilm
# returns for FILM from the running catalogue at CATALOG, starts
# bench_bare_server answering every call with them, runs h2load three times
# against each, alternating, and prints each round and a last line
#   best: bare N req/s, GetFilm M req/s, ratio P% (target >= 90%)
# Needs $bin (the binaries), h2load (nghttp2-client) and buf (node_modules).
getfilm_vs_bare() {
  local catalog=$1 film=$2 requests=$3 buf=node_modules/.bin/buf
  $buf curl --protocol grpc --http2-prior-knowledge --schema proto \
    "http://$catalog/longtake.catalog.v1.CatalogService/GetFilm" \
    -d "{\"name\":\"$film\"}" > "$work/film.json"
  $buf convert proto --type longtake.catalog.v1.Film \
    --from "$work/film.json#format=json" --to "$work/film.bin#format=binpb"
  echo "{\"name\":\"$film\"}" > "$work/req.json"
  $buf convert proto --type longtake.catalog.v1.GetFilmRequest \
    --from "$work/req.json#format=json" --to "$work/req.bin#format=binpb"
  grpc_frame "$work/req.bin" > "$work/body.bin"

  start_server "$work/bare" "$bin/bench_bare_server" --listen=127.0.0.1:0 --response="$work/film.bin"
  local bare=$addr bare_pid=${pids[-1]} reply b g
  reply=$(stat -c %s "$work/film.bin")
  echo "response: $reply bytes; $requests requests per run, 4 connections x 32 streams"
  local best_bare=0 best_getfilm=0
  for round in 1 2 3; do
    b=$(h2load_getfilm "$bare" "$work/body.bin" "$reply" "$requests")
    g=$(h2load_getfilm "$catalog" "$work/body.bin" "$reply" "$requests")
    echo "round $round: bare ${b} req/s, GetFilm ${g} req/s"
    best_bare=$(awk -v a="$best_bare" -v b="$b" 'BEGIN{print (b>a)?b:a}')
    best_getfilm=$(awk -v a="$best_getfilm" -v b="$g" 'BEGIN{print (b>a)?b:a}')
  done
  kill "$bare_pid" 2>/dev/null || true
  awk -v b="$best_bare" -v g="$best_getfilm" \
    'BEGIN{printf "best: bare %.0f req/s, GetFilm %.0f req/s, ratio %.1f%% (target >= 90%%)\n", b, g, 100*g/b}'
}
