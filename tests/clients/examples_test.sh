#!/usr/bin/env bash
# The example clients in other languages against the real servers:
# generates stubs with scripts/gen-stubs.sh into a temp dir, starts
# longtake-catalog and longtake-watchlist on loopback (temp SQLite stores,
# the seed data), runs clients/python/longtake_example.py,
# clients/js/example.js and clients/go/example (built offline with
# clients/go/build.sh), and checks that each prints the same findings.
#
#   tests/clients/examples_test.sh BIN_DIR SOURCE_DIR
#
# Needs /usr/bin/python3 with python3-grpcio/python3-protobuf, Node with the
# root package's node_modules and Debian's Go packages (scripts/setup.sh --test).
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/scripts/lib/scratch.sh"
expect() {  # expect FILE REGEX DESCRIPTION
  grep -Eq -- "$2" "$1" || fail "$(basename "$1"): $3 (no line matching /$2/)"
}

"$src/scripts/gen-stubs.sh" "$tmp/gen" >/dev/null

secret=examples-test-secret
start_server "$tmp/catalog" "$bin/longtake-catalog" --listen=127.0.0.1:0 \
  --store="sqlite://$tmp/catalog.db" \
  --seed="$src/data/seed/catalog.json" --token-secret=$secret
catalog=$addr
start_server "$tmp/watchlist" "$bin/longtake-watchlist" --listen=127.0.0.1:0 \
  --store="sqlite://$tmp/watchlist.db" \
  --seed="$src/data/seed/offers.json" --catalog="$catalog" --token-secret=$secret
watchlist=$addr

export LONGTAKE_ADDR=$catalog LONGTAKE_WATCHLIST_ADDR=$watchlist
# alice's token is minted as an outside auth service would (API.md,
# "Tokens"): Python's standard library and the shared secret only.
LONGTAKE_TOKEN=$(LONGTAKE_TOKEN_SECRET=$secret /usr/bin/python3 "$src/clients/python/mint_token.py" alice)
LONGTAKE_CURATOR_TOKEN=$("$bin/longtake" token --user curator --curator --token-secret $secret)
export LONGTAKE_TOKEN LONGTAKE_CURATOR_TOKEN

# The films the seed credits to Kalatozov: the search for "Kalatazov" must
# find each of them.
mapfile -t kalatozov_titles < <(/usr/bin/python3 - "$src/data/seed/catalog.json" <<'EOF'
import json, sys
for film in json.load(open(sys.argv[1]))["films"]:
    if any(c["person"] == "people/mikhail-kalatozov" for c in film.get("credits", [])):
        print(film["title"])
EOF
)
((${#kalatozov_titles[@]} >= 4)) || fail "seed: expected Kalatozov's films in catalog.json"

check_output() {  # check_output FILE
  local out=$1 t
  for t in "${kalatozov_titles[@]}"; do
    expect "$out" "^film: films/[a-z0-9-]+ \| $t \|" "search result \"$t\""
  done
  # The Cranes' sequences, in film order: the staircase comes before the
  # send-off.
  local seqs
  seqs=$(grep -E '^sequence [0-9]+: ' "$out" | sed -E 's/^sequence [0-9]+: //' | paste -sd'|')
  [[ $seqs == "Boris runs up the staircase|Veronika searches the send-off crowd" ]] ||
    fail "$(basename "$out"): Cranes sequences, got '$seqs'"
  expect "$out" '^added: users/alice/watchlist/items/[a-z0-9-]+ films/i-am-cuba$' "added item"
  expect "$out" '^item: films/i-am-cuba \| I Am Cuba \| 1964 \| best providers/mr-bongo ' \
    "watchlist item with title and Mr Bongo offer"
  expect "$out" '^event [0-9]+: KIND_OFFER_AVAILABLE films/i-am-cuba providers/mr-bongo GB GBP 3\.49$' \
    "availability event"
  expect "$out" '^events seen: [1-9]' "events counted"
}

if timeout 60 /usr/bin/python3 "$src/clients/python/longtake_example.py" \
    --stubs "$tmp/gen/python" >"$tmp/python.txt" 2>&1; then
  check_output "$tmp/python.txt"
else
  fail "python example exited with $?"
fi
echo "--- python example"; cat "$tmp/python.txt"

if timeout 60 node "$src/clients/js/example.js" --stubs "$tmp/gen/js" >"$tmp/js.txt" 2>&1; then
  check_output "$tmp/js.txt"
else
  fail "js example exited with $?"
fi
echo "--- js example"; cat "$tmp/js.txt"

if GOCACHE="$tmp/gocache" "$src/clients/go/build.sh" "$tmp/gen" "$tmp/go-example" >"$tmp/go-build.txt" 2>&1; then
  if timeout 60 "$tmp/go-example" >"$tmp/go.txt" 2>&1; then
    check_output "$tmp/go.txt"
  else
    fail "go example exited with $?"
  fi
  echo "--- go example"; cat "$tmp/go.txt"
else
  fail "go example did not build"; cat "$tmp/go-build.txt"
fi

# A bad token must surface the AIP-193 reason, not a stack trace.
if /usr/bin/python3 "$src/clients/python/longtake_example.py" --stubs "$tmp/gen/python" \
    --token not-a-token >"$tmp/bad.txt" 2>&1; then
  fail "python example accepted a bad token"
fi
expect "$tmp/bad.txt" 'UNAUTHENTICATED: .*reason TOKEN_INVALID' "bad token error"
if [[ -x $tmp/go-example ]]; then
  if "$tmp/go-example" -token not-a-token >"$tmp/go-bad.txt" 2>&1; then
    fail "go example accepted a bad token"
  fi
  expect "$tmp/go-bad.txt" 'UNAUTHENTICATED: .*reason TOKEN_INVALID' "go: bad token error"
fi

finish_test examples_test
