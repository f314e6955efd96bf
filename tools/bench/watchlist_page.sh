#!/usr/bin/env bash
# A watchlist page of 100 items, each enriched from the catalogue with one
# BatchGetFilms call: latency percentiles (docs/benchmarks.md).
#
#   tools/bench/watchlist_page.sh [REQUESTS]
#
# Starts both services on temporary SQLite stores, imports 100 films, adds
# them to one user's list, then runs bench_latency --rpc=watchlist.
set -euo pipefail
cd "$(dirname "$0")/../.."
requests=${1:-5000}
bin=build/bin
source tools/bench/lib.sh
export LONGTAKE_TOKEN_SECRET=bench-secret

start_server "$work/catalog" "$bin/longtake-catalog" --listen=127.0.0.1:0 --store=sqlite://$work/c.db \
  --seed=data/seed/catalog.json --log-level=warning --no-log-calls
catalog=$addr
start_server "$work/watchlist" "$bin/longtake-watchlist" --listen=127.0.0.1:0 --store=sqlite://$work/w.db \
  --seed=data/seed/offers.json --catalog="$catalog" --log-level=warning --no-log-calls
watchlist=$addr

curator=$($bin/longtake token --user curator --curator)
user=$($bin/longtake token --user bench)
for i in $(seq 1 100); do
  echo "{\"film_id\":\"bench-film-$i\",\"title\":\"Bench Film $i\",\"year\":$((1950 + i % 50))}"
done > "$work/films.jsonl"
$bin/longtake import "$work/films.jsonl" --addr="$catalog" --token="$curator" >/dev/null
for i in $(seq 1 100); do
  $bin/longtake watchlist add "bench-film-$i" --watchlist-addr="$watchlist" --token="$user" >/dev/null
done
echo "100 items on users/bench; ListWatchlistItems page_size=100:"
$bin/bench_latency --addr="$watchlist" --rpc=watchlist --parent=users/bench --token="$user" \
  --page_size=100 --requests="$requests" --concurrency=2
