#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, builds (Release), and runs
# the catalogue and the watchlist service on the embedded SQLite store, loaded
# with the seed catalogue and offers. Ctrl-C stops both gracefully.
#
# State lives in .longtake/ (databases and a dev token secret); delete it to
# start from the seed again. Ports: LONGTAKE_CATALOG_PORT (50051) and
# LONGTAKE_WATCHLIST_PORT (50052).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --target longtake-catalog longtake-watchlist longtake

catalog_port=${LONGTAKE_CATALOG_PORT:-50051}
watchlist_port=${LONGTAKE_WATCHLIST_PORT:-50052}
state=.longtake
mkdir -p "$state"
if [[ ! -s $state/dev-secret ]]; then
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$state/dev-secret"
fi
export LONGTAKE_TOKEN_SECRET
LONGTAKE_TOKEN_SECRET=$(cat "$state/dev-secret")

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

source scripts/lib/servers.sh

# Starts a server in the background and waits for its "listening on" line.
start() {
  local name=$1; shift
  local out=$state/$name.out
  : > "$out"
  "$@" > "$out" 2> >(sed -u "s/^/[$name] /" >&2) &
  pids+=($!)
  [[ -n $(wait_for_listen "$out" "${pids[-1]}") ]] && return 0
  echo "$name did not start (see its log lines above)" >&2
  exit 1
}

start catalog build/bin/longtake-catalog --listen=127.0.0.1:$catalog_port \
  --store=sqlite://$state/catalog.db --seed=data/seed/catalog.json
start watchlist build/bin/longtake-watchlist --listen=127.0.0.1:$watchlist_port \
  --store=sqlite://$state/watchlist.db --seed=data/seed/offers.json \
  --catalog=127.0.0.1:$catalog_port

token=$(build/bin/longtake token --user alice)
cat <<EOT

longtake is running:
  catalogue  127.0.0.1:$catalog_port   (longtake.catalog.v1.CatalogService)
  watchlist  127.0.0.1:$watchlist_port   (longtake.watchlist.v1.WatchlistService)

Try, in another terminal from $(pwd):
  node_modules/.bin/buf curl --protocol grpc --http2-prior-knowledge \\
    http://127.0.0.1:$catalog_port/longtake.catalog.v1.CatalogService/SearchFilms -d '{"query":"Kalatazov"}'
  build/bin/longtake films search Kalatazov
  export LONGTAKE_TOKEN=$token   # alice, valid 24 h
  build/bin/longtake watchlist add the-cranes-are-flying
  build/bin/longtake where-to-watch i-am-cuba --region GB

Ctrl-C stops both services.
EOT
wait -n "${pids[@]}"
