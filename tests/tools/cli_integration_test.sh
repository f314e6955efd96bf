#!/usr/bin/env bash
# End-to-end: the real `longtake` CLI against a real longtake-catalog on
# loopback (temporary store, the seed catalogue, a token secret).
#
#   cli_integration_test.sh <longtake> <longtake-catalog> <source dir> [<longtake-watchlist>]
set -u
CLI=$1
CATALOG=$2
SRC=$3
source "$SRC/scripts/lib/servers.sh"
WATCHLIST=${4:-}
SECRET=cli-integration-secret
TMP=$(mktemp -d)
FAILURES=0
SERVER_PID=

WL_PID=
cleanup() {
  if [[ -n "$WL_PID" ]]; then
    kill "$WL_PID" 2>/dev/null
    wait "$WL_PID" 2>/dev/null
  fi
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  FAILURES=$((FAILURES + 1))
}

# Runs the CLI; leaves stdout, stderr and the exit code in OUT, ERR, RC.
run() {
  "$CLI" --addr "$ADDR" --timeout 10s "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}

expect_rc() {  # expected-rc description
  if [[ "$RC" != "$1" ]]; then
    fail "$2: exit code $RC, want $1; stdout: $OUT; stderr: $ERR"
  fi
}

expect_contains() {  # haystack needle description
  if [[ "$1" != *"$2"* ]]; then
    fail "$3: output lacks \"$2\"; got: $1"
  fi
}

is_json() {
  python3 -c 'import json,sys; json.load(sys.stdin)' <"$TMP/out" 2>/dev/null ||
    /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' <"$TMP/out"
}

# --- start the catalogue
"$CATALOG" --listen=127.0.0.1:0 --store="sqlite://$TMP/catalog.db" \
  --seed="$SRC/data/seed/catalog.json" --token-secret="$SECRET" \
  >"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
ADDR=$(wait_for_listen "$TMP/server.out" "$SERVER_PID")
if [[ -z "$ADDR" ]]; then
  echo "FAIL: longtake-catalog did not print 'listening on'" >&2
  cat "$TMP/server.out" "$TMP/server.err" >&2
  exit 1
fi
echo "catalogue at $ADDR"

# --- search tolerates the article's spelling and finds all four films
run films search Kalatazov
expect_rc 0 "films search Kalatazov"
rows=$(printf '%s\n' "$OUT" | tail -n +2 | grep -c '^films/')
if [[ "$rows" != 4 ]]; then fail "films search Kalatazov: $rows films, want 4: $OUT"; fi
for slug in the-cranes-are-flying letter-never-sent i-am-cuba the-first-echelon; do
  expect_contains "$OUT" "films/$slug" "films search Kalatazov"
done

# --- get by slug and by full name
run films get the-cranes-are-flying
expect_rc 0 "films get slug"
expect_contains "$OUT" "The Cranes Are Flying" "films get slug"
expect_contains "$OUT" "1957" "films get slug"
run films get films/i-am-cuba
expect_rc 0 "films get full name"
expect_contains "$OUT" "I Am Cuba" "films get full name"

# --- NOT_FOUND
run films get nope
expect_rc 1 "films get nope"
expect_contains "$ERR" "NOT_FOUND" "films get nope"
expect_contains "$ERR" "films/nope" "films get nope"

# --- call: any RPC with a JSON request; errors in words like other commands
run call longtake.catalog.v1.CatalogService/GetFilm '{"name":"films/nope"}'
expect_rc 1 "call GetFilm nope"
expect_contains "$ERR" "NOT_FOUND" "call GetFilm nope"
expect_contains "$ERR" "RESOURCE_NOT_FOUND" "call GetFilm nope"
run call CatalogService/GetFilm '{"name":"films/the-cranes-are-flying"}'
expect_rc 0 "call GetFilm"
expect_contains "$OUT" '"title": "The Cranes Are Flying"' "call GetFilm"
run call CatalogService/NoSuchMethod '{}'
expect_rc 2 "call unknown method"

# --- usage errors exit 2 and show the usage
run films list --no-such-flag
expect_rc 2 "bad flag"
expect_contains "$ERR" "--no-such-flag" "bad flag"
expect_contains "$ERR" "Usage: longtake films list" "bad flag"
run films get
expect_rc 2 "missing argument"
run frobnicate
expect_rc 2 "unknown command"
run --help
expect_rc 0 "--help"
expect_contains "$OUT" "where-to-watch" "--help"

# --- JSON output parses
run --json films get the-cranes-are-flying
expect_rc 0 "--json films get"
is_json || fail "--json films get: not JSON: $OUT"
expect_contains "$OUT" '"title": "The Cranes Are Flying"' "--json films get"
run films list --all --json
expect_rc 0 "--json films list --all"
is_json || fail "--json films list: not JSON: $OUT"

# --- other reads
run films list --order-by year
expect_rc 0 "films list"
expect_contains "$OUT" "The First Echelon" "films list"
run sequences list the-cranes-are-flying
expect_rc 0 "sequences list"
expect_contains "$OUT" "films/the-cranes-are-flying/sequences/" "sequences list"
run people get mikhail-kalatozov
expect_rc 0 "people get"
expect_contains "$OUT" "Mikhail Kalatozov" "people get"
run collaborations mikhail-kalatozov
expect_rc 0 "collaborations"
expect_contains "$OUT" "people/sergei-urusevsky" "collaborations"
run eras list
expect_rc 0 "eras list"
expect_contains "$OUT" "eras/khrushchev-thaw" "eras list"

# --- import: without a token the server refuses, with a hint
run import "$SRC/data/samples/films.jsonl"
expect_rc 1 "import without token"
expect_contains "$ERR" "UNAUTHENTICATED" "import without token"
expect_contains "$ERR" "longtake token" "import without token"

# --- import with a curator token: good rows in, bad rows reported by line
CURATOR=$("$CLI" token --user curator1 --curator --token-secret "$SECRET")
run --token "$CURATOR" import "$SRC/data/samples/films.jsonl"
expect_rc 0 "import jsonl"
for line in 6 8 9 10 11 12; do
  expect_contains "$ERR" "films.jsonl:$line:" "import jsonl rejects line $line"
done
expect_contains "$ERR" "films.jsonl:4: duplicate" "import jsonl reports the seed duplicate"
# Line 7's title is the number 1957: taken as text, with a note.
expect_contains "$OUT" "imported 4 films" "import jsonl summary"
expect_contains "$OUT" "rejected" "import jsonl summary"
expect_contains "$OUT" "numbers taken as text: title (1 row)" "import jsonl numeric title"
run films search "Crane Study"
expect_rc 0 "search imported film"
expect_contains "$OUT" "Crane Study (sample)" "imported film readable"
run --json films list --all
expect_contains "$OUT" '"title": "Hotel Pool Long Take (sample)"' "imported film listed"

run --token "$CURATOR" import "$SRC/data/samples/films.csv"
expect_rc 0 "import csv"
expect_contains "$OUT" "imported 2 films" "import csv summary"
expect_contains "$ERR" "films.csv:8: year" "import csv rejects the year typo"

# --- a JSON array with the keys of a spreadsheet export: synonyms, dates,
# a numeric title, an unknown key reported once, an undated row rejected
run --token "$CURATOR" import "$SRC/data/samples/films-array.json"
expect_rc 0 "import json array"
expect_contains "$OUT" "imported 4 films; 1 rejected" "import json array summary"
expect_contains "$OUT" "ignored unknown keys: Budget (3 rows)" "import json array unknown key"
expect_contains "$OUT" "numbers taken as text: Title (1 row)" "import json array numeric title"
expect_contains "$ERR" 'films-array.json:35: Release Date: "sometime in the Thaw" has no 4-digit year' \
  "import json array rejects the undated row"
if [[ $(grep -c "Budget" <<<"$OUT$ERR") != 1 ]]; then
  fail "import json array: Budget reported more than once: $OUT $ERR"
fi
run films get the-forty-first-sample
expect_rc 0 "imported json array film"
expect_contains "$OUT" "1956" "json array: year from \"October 15, 1956\""
expect_contains "$OUT" "people/sergei-urusevsky" "json array: Cinematographer(s) credit"
run films get 1941
expect_rc 0 "json array: numeric title imported as text"
# Again, with --json: every film is now a duplicate, so nothing goes in
# (exit 1), and the summary still names the unknown key.
run --token "$CURATOR" --json import "$SRC/data/samples/films-array.json"
expect_rc 1 "re-import json array"
is_json || fail "import --json: not JSON: $OUT"
expect_contains "$OUT" '"imported": 0' "import --json imported"
expect_contains "$OUT" '"duplicates": 4' "import --json duplicates"
expect_contains "$OUT" '"Budget": 3' "import --json ignored_unknown_keys"
expect_contains "$OUT" '"Title": 1' "import --json numbers_as_text"
expect_contains "$ERR" "no film imported" "re-import json array"

# --- --map names keys the synonyms do not know, repeated or comma-separated
printf '%s\n' '[{"Nom": "Mapped Premiere (sample)", "Premiere": "June 12, 1998"},' \
  '{"Nom": "Second Mapped (sample)", "Premiere": "1999"}]' >"$TMP/mapped.json"
run --token "$CURATOR" import "$TMP/mapped.json" --map 'Nom=title' --map 'Premiere=year'
expect_rc 0 "import --map repeated"
expect_contains "$OUT" "imported 2 films" "import --map repeated"
run films get mapped-premiere-sample
expect_contains "$OUT" "1998" "--map Premiere=year"
printf 'Nom,Premiere,Budget\n"Comma Mapped (sample)",12/06/1961,100\n' >"$TMP/mapped.csv"
run --token "$CURATOR" import "$TMP/mapped.csv" --map 'Nom=title,Premiere=year'
expect_rc 0 "import --map comma-separated, CSV with an unknown column"
expect_contains "$OUT" "imported 1 film" "import --map comma-separated"
expect_contains "$OUT" "ignored unknown keys: Budget (1 row)" "CSV unknown column reported, not fatal"
run --token "$CURATOR" import "$TMP/mapped.json" --map 'Budget=box_office'
expect_rc 2 "import --map unknown field"
expect_contains "$ERR" "box_office" "import --map unknown field"

# --- nothing imported: non-zero exit
: >"$TMP/empty.json"
run --token "$CURATOR" import "$TMP/empty.json"
expect_rc 2 "import empty file"
expect_contains "$ERR" "no film imported: the file has no rows" "import empty file"
printf '%s\n' '{"year": 1960}' '{"title": "Bad Year (none)", "year": "19x7"}' >"$TMP/all-bad.jsonl"
run --token "$CURATOR" import "$TMP/all-bad.jsonl"
expect_rc 2 "import all rows rejected"
expect_contains "$ERR" "no film imported: every row was rejected" "import all rows rejected"

# --- a missing title, and a server violation, are each said once
printf '%s\n' '{"title": null, "year": 1960}' \
  '{"title": "Country Name (sample)", "countries": ["Soviet Union"]}' >"$TMP/once.jsonl"
run --token "$CURATOR" import "$TMP/once.jsonl"
expect_rc 1 "import null title and bad country"
if [[ $(grep -c "title" <<<"$ERR") != 1 ]]; then
  fail "null title: want one message about the title, got: $ERR"
fi
expect_contains "$ERR" "once.jsonl:1: title: missing" "null title is missing"
if [[ $(grep -o "ISO 3166" <<<"$ERR" | wc -l) != 1 ]]; then
  fail "server violation: want it once, got: $ERR"
fi

# --- one slug scheme: a Cyrillic title imported through the CLI gets the
# name the catalogue derives (longtake::Slugify), and the CLI finds it by its
# title; the director's person id is the CLI's own Slugify of the name.
printf '%s\n' '{"title":"Летят журавли","year":1957,"credits":[{"person_name":"Михаил Калатозов","role":"director"}]}' \
  >"$TMP/cyrillic.jsonl"
run --token "$CURATOR" import "$TMP/cyrillic.jsonl"
expect_rc 0 "import cyrillic title"
expect_contains "$OUT" "imported 1 film" "import cyrillic title"
run --json films get films/letyat-zhuravli
expect_rc 0 "cyrillic film named films/letyat-zhuravli"
expect_contains "$OUT" '"name": "films/letyat-zhuravli"' "cyrillic film name"
expect_contains "$OUT" '"title": "Летят журавли"' "cyrillic film title"
expect_contains "$OUT" '"person": "people/mikhail-kalatozov"' "cyrillic person id"
run films get "Летят журавли"
expect_rc 0 "films get by cyrillic title"
expect_contains "$OUT" "films/letyat-zhuravli" "films get by cyrillic title"

# --- watchlist commands against a real longtake-watchlist
if [[ -n "$WATCHLIST" ]]; then
  "$WATCHLIST" --listen=127.0.0.1:0 --store="sqlite://$TMP/watchlist.db" --catalog="$ADDR" \
    --seed="$SRC/data/seed/offers.json" --token-secret="$SECRET" \
    >"$TMP/wl.out" 2>"$TMP/wl.err" &
  WL_PID=$!
  WADDR=$(wait_for_listen "$TMP/wl.out" "$WL_PID")
  if [[ -z "$WADDR" ]]; then
    fail "longtake-watchlist did not start: $(cat "$TMP/wl.err")"
  else
    USER_TOKEN=$("$CLI" token --user ada --token-secret "$SECRET")
    run --watchlist-addr "$WADDR" watchlist list
    expect_rc 2 "watchlist without a token or --user"
    run --watchlist-addr "$WADDR" --token "$USER_TOKEN" watchlist add the-cranes-are-flying --note send-off
    expect_rc 0 "watchlist add"
    run --watchlist-addr "$WADDR" --token "$USER_TOKEN" watchlist add films/i-am-cuba
    expect_rc 0 "watchlist add full name"
    run --watchlist-addr "$WADDR" --token "$USER_TOKEN" watchlist list --region GB
    expect_rc 0 "watchlist list"
    expect_contains "$OUT" "The Cranes Are Flying" "watchlist list"
    expect_contains "$OUT" "send-off" "watchlist list"
    expect_contains "$OUT" "providers/mr-bongo" "watchlist list best offer for I Am Cuba"
    run --watchlist-addr "$WADDR" --token "$USER_TOKEN" --json watchlist list
    is_json || fail "--json watchlist list: not JSON: $OUT"
    ITEM=$(sed -n 's/.*"name": "users\/ada\/watchlist\/items\/\([^"]*\)".*/\1/p' "$TMP/out" | head -1)
    [[ -n "$ITEM" ]] || fail "no item name in watchlist JSON: $OUT"
    run --watchlist-addr "$WADDR" --token "$USER_TOKEN" where-to-watch i-am-cuba --region GB
    expect_rc 0 "where-to-watch"
    expect_contains "$OUT" "Mr Bongo" "where-to-watch"
    run --watchlist-addr "$WADDR" --token "$USER_TOKEN" where-to-watch i-am-cuba
    expect_rc 2 "where-to-watch without --region"
    run --watchlist-addr "$WADDR" --token "$USER_TOKEN" watchlist note "$ITEM" long take
    expect_rc 0 "watchlist note"
    expect_contains "$OUT" "long take" "watchlist note"
    run --watchlist-addr "$WADDR" --token "$USER_TOKEN" watchlist watched "$ITEM"
    expect_rc 0 "watchlist watched"
    run --watchlist-addr "$WADDR" --token "$USER_TOKEN" watchlist history
    expect_rc 0 "watchlist history"
    expect_contains "$OUT" "$ITEM" "watchlist history"
    run --watchlist-addr "$WADDR" --token "$USER_TOKEN" watchlist remove no-such-item
    expect_rc 1 "watchlist remove missing item"
    expect_contains "$ERR" "NOT_FOUND" "watchlist remove missing item"
    # alerts streams until interrupted, then exits 0.
    "$CLI" --watchlist-addr "$WADDR" --token "$USER_TOKEN" alerts --region GB >"$TMP/alerts.out" 2>"$TMP/alerts.err" &
    ALERTS_PID=$!
    sleep 1
    kill -INT "$ALERTS_PID"
    wait "$ALERTS_PID"
    RC=$?
    OUT=$(cat "$TMP/alerts.out"); ERR=$(cat "$TMP/alerts.err")
    expect_rc 0 "alerts stopped with Ctrl-C"
    expect_contains "$ERR" "watching availability for users/ada" "alerts"
  fi
else
  echo "longtake-watchlist not given: watchlist checks skipped"
fi

# --- unreachable server: exit 1 with a hint
"$CLI" --addr 127.0.0.1:1 --timeout 2s films get the-cranes-are-flying >"$TMP/out" 2>"$TMP/err"
RC=$?
ERR=$(cat "$TMP/err")
expect_rc 1 "unreachable server"
expect_contains "$ERR" "UNAVAILABLE" "unreachable server"
expect_contains "$ERR" "is longtake-catalog running at 127.0.0.1:1" "unreachable server"

if [[ $FAILURES -gt 0 ]]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "all CLI checks passed"
