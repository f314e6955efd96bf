#!/usr/bin/env bash
# GetFilm against a bare gRPC callback server that returns the same bytes, on
# the same machine, in the same run (docs/benchmarks.md).
#
#   tools/bench/getfilm_vs_bare.sh [REQUESTS] [FILM]
#
# Needs a build (scripts/build.sh) and h2load (nghttp2-client). Prints both
# rates and their ratio; the target is GetFilm >= 90% of the bare server.
# The same comparison at 1,000,000 films: tools/bench/scale.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
requests=${1:-300000}
film=${2:-films/the-cranes-are-flying}
bin=build/bin
source tools/bench/lib.sh

start_server "$work/catalog" "$bin/longtake-catalog" --listen=127.0.0.1:0 \
  --store=sqlite://$work/catalog.db --seed=data/seed/catalog.json \
  --log-level=warning --no-log-calls
getfilm_vs_bare "$addr" "$film" "$requests"
