#!/usr/bin/env bash
# Starts the pair on loopback (plus a catalogue without a token secret and a
# watchlist whose catalogue is gone) and runs api_reasons_test.py, which
# walks API.md's error table against them.
#
#   api_reasons_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/scripts/lib/scratch.sh"
"$src/scripts/gen-stubs.sh" "$tmp/gen" >/dev/null

secret=api-reasons-secret
start_server "$tmp/catalog" "$bin/longtake-catalog" --listen=127.0.0.1:0 \
  --store="sqlite://$tmp/catalog.db" --seed="$src/data/seed/catalog.json" --token-secret=$secret
export CATALOG=$addr
# Also the one whose searches are rate limited (one a second).
start_server "$tmp/open-catalog" "$bin/longtake-catalog" --listen=127.0.0.1:0 \
  --store="sqlite://$tmp/open-catalog.db" --seed="$src/data/seed/catalog.json" \
  --peer-search-rate=1 --rate-burst=1s
export CATALOG_NO_SECRET=$addr
start_server "$tmp/watchlist" "$bin/longtake-watchlist" --listen=127.0.0.1:0 \
  --store="sqlite://$tmp/watchlist.db" --seed="$src/data/seed/offers.json" \
  --catalog="$CATALOG" --token-secret=$secret
export WATCHLIST=$addr
# A catalogue address nobody listens on (a port just freed).
dead=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_server "$tmp/orphan" "$bin/longtake-watchlist" --listen=127.0.0.1:0 \
  --store="sqlite://$tmp/orphan.db" --seed="$src/data/seed/offers.json" \
  --catalog="127.0.0.1:$dead" --token-secret=$secret --shutdown-grace=2s \
  --max-streams-per-user=1
export WATCHLIST_NO_CATALOG=$addr WATCHLIST_NO_CATALOG_PID=${pids[-1]}

# api_reasons_test.py starts one more catalogue, one that is still loading.
export BIN_DIR=$bin SCRATCH=$tmp
export ALICE BOB CURATOR EXPIRED
ALICE=$("$bin/longtake" token --user alice --token-secret $secret)
BOB=$("$bin/longtake" token --user bob --token-secret $secret)
CURATOR=$("$bin/longtake" token --user curator --curator --token-secret $secret)
EXPIRED=$(LONGTAKE_TOKEN_SECRET=$secret /usr/bin/python3 "$src/clients/python/mint_token.py" alice --ttl -3600)
/usr/bin/python3 "$src/tests/contracts/api_reasons_test.py" "$src/API.md" "$tmp/gen/python"
