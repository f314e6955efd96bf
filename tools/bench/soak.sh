#!/usr/bin/env bash
# A bounded soak of both services (docs/benchmarks.md, "Soak"): STREAMS
# WatchAvailability streams held open for SECONDS under unary load and a few
# offer writes a second, a report line every 5 s, then a burst of 2,000
# connections each sending a 1 MiB note; exits 1 when an invariant fails.
#
#   tools/bench/soak.sh [SECONDS] [STREAMS] [bench_soak flags...]
#   tools/bench/soak.sh 60 300
#   tools/bench/soak.sh 5 20 --no-burst            # a quick check
#   LONGTAKE_MEMORY_QUOTA_BYTES=67108864 tools/bench/soak.sh   # 64 MiB quota
#
# Starts both services on temporary SQLite stores (seed data) with their
# default limits except these, which a soak from one address needs:
#   catalogue --peer-search-rate=0: every search comes from 127.0.0.1;
#   watchlist --peer-write-rate=0: the burst's 2,000 writes come from
#     127.0.0.1 (per-user rates stay on: the burst uses 2,000 users);
#   both --max-connection-age=SECONDS+10m: streams are held for the whole
#     run, and an older connection is closed by design;
#   both --no-log-calls: a log line per call would be most of the work.
# The servers read LONGTAKE_* variables from the environment as usual, so
# LONGTAKE_MEMORY_QUOTA_BYTES sets both servers' gRPC resource quota.
# LONGTAKE_BIN_DIR picks the binaries (default build/bin).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
streams=${2:-300}
shift $(($# < 2 ? $# : 2))
bin=${LONGTAKE_BIN_DIR:-build/bin}
source tools/bench/lib.sh
export LONGTAKE_TOKEN_SECRET=soak-secret-$RANDOM$RANDOM
age=$((seconds + 600))s

start_server "$work/catalog" "$bin/longtake-catalog" --listen=127.0.0.1:0 --store=sqlite://$work/c.db \
  --seed=data/seed/catalog.json --log-level=warning --no-log-calls \
  --peer-search-rate=0 --max-connection-age=$age
catalog=$addr
catalog_pid=${pids[-1]}
start_server "$work/watchlist" "$bin/longtake-watchlist" --listen=127.0.0.1:0 --store=sqlite://$work/w.db \
  --seed=data/seed/offers.json --catalog="$catalog" --log-level=warning --no-log-calls \
  --peer-write-rate=0 --max-connection-age=$age
watchlist=$addr
watchlist_pid=${pids[-1]}

echo "catalogue $catalog (pid $catalog_pid), watchlist $watchlist (pid $watchlist_pid);" \
  "memory quota ${LONGTAKE_MEMORY_QUOTA_BYTES:-536870912 (default)} bytes"
"$bin/bench_soak" --catalog_addr="$catalog" --watchlist_addr="$watchlist" \
  --catalog_pid="$catalog_pid" --watchlist_pid="$watchlist_pid" \
  --seconds="$seconds" --streams="$streams" "$@"
