#!/usr/bin/env bash
# The catalogue at size, in one command (docs/benchmarks.md, "1,000,000
# films"): builds a synthetic catalogue of FILMS films in a fresh store and
# prints a table of what a real catalogue of that size costs.
#
#   tools/bench/scale.sh [FILMS] [STORE_KIND] [MARKDOWN_FILE]
#   tools/bench/scale.sh                        # 1,000,000 films on SQLite
#   tools/bench/scale.sh 1000000 postgres       # on a throwaway PostgreSQL
#   tools/bench/scale.sh 2000 sqlite            # what ctest -R bench_scale_smoke runs
#
# STORE_KIND is sqlite (a file in a scratch folder) or postgres (a throwaway
# server: initdb and pg_ctl from /usr/lib/postgresql/*/bin, as the `postgres`
# user when run as root). Steps, each checked; a failure names the step and
# prints the tail of its logs, and every process is stopped on exit:
#   1. bench_make_catalog writes FILMS films into the store, and the same
#      films as `longtake import` JSON lines (--jsonl);
#   2. start: exec of longtake-catalog to grpc.health SERVING for the
#      catalogue service (polled), every key=value of its `catalogue loaded:`
#      log line, VmRSS, bytes per film (and per film for each *_mb/*_bytes
#      key of that line);
#   3. SearchFilms and filtered ListFilms p50/p99 (bench_latency, 2 in flight);
#   4. GetFilm against a bare server returning the same bytes (lib.sh,
#      getfilm_vs_bare: h2load, best of 3 rounds);
#   2b. the read model snapshot the first start writes (--snapshot, in the
#      scratch folder): its size and write time, then a start from it (exec
#      to SERVING, its `catalogue loaded from snapshot:` line, VmRSS);
#   5. a second replica on the same store (from the snapshot): its start, then films created on
#      the first and polled for on the second (bench_replica_lag), and the
#      count of full reloads in the second's log (want 0);
#   6. `longtake import` of the JSON lines into a fresh catalogue: films/s,
#      and SearchFilms p50/p99 against that server while the import runs.
# Needs a build (scripts/build.sh), h2load and buf (scripts/setup.sh --test).
# LONGTAKE_BIN_DIR picks the binaries (default build/bin). Below 100,000 films
# the request counts are cut so that a run takes seconds.
# LONGTAKE_SCALE_IMPORT_FILMS=N imports only the first N films of the file
# (the import commits film by film: on a slow disk or a busy machine a
# million takes hours).
set -euo pipefail
cd "$(dirname "$0")/../.."
films=${1:-1000000}
kind=${2:-sqlite}
markdown=${3:-}
bin=${LONGTAKE_BIN_DIR:-build/bin}
import_films=${LONGTAKE_SCALE_IMPORT_FILMS:-$films}
source tools/bench/lib.sh
export LONGTAKE_TOKEN_SECRET=scale-secret-$RANDOM$RANDOM

if ((films < 100000)); then
  search_requests=500 list_requests=300 getfilm_requests=2000 writes=3
  start_timeout=60
else
  search_requests=5000 list_requests=3000 getfilm_requests=150000 writes=20
  start_timeout=600
fi
filters='year >= 1950 AND year <= 1960|year = 1957|person = "people/p17"|role = "CREDIT_ROLE_DIRECTOR"'
[[ $kind == sqlite || $kind == postgres ]] || { echo "usage: $0 [FILMS] [sqlite|postgres] [MARKDOWN_FILE]" >&2; exit 2; }

step=setup
step_logs=()
pg_dir=
as_postgres() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_postgres() {
  [[ -n $pg_dir ]] || return 0
  as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
on_exit() {
  local rc=$?
  if ((rc != 0)); then
    echo "scale.sh: FAILED at step '$step' (exit $rc)" >&2
    for f in "${step_logs[@]}"; do
      [[ -s $f ]] || continue
      echo "--- last lines of $f:" >&2
      tail -n 20 "$f" >&2
    done
    if ((${#labels[@]})); then
      echo "--- the figures measured before the failure:" >&2
      print_table >&2
    fi
  fi
  stop_postgres
  stop_servers_and_clean
}
trap on_exit EXIT
# A script killed outright (ctest's timeout) runs no trap, and pg_ctl's
# server is not its child: a watchdog in its own session then stops the
# server and removes the scratch folders. (Started from a subshell, so that
# it is not a child the exit's `wait` would wait for.)
(setsid bash -c "while kill -0 $$ 2>/dev/null; do sleep 1; done
  [[ -f '$work/postgres' ]] || { rm -rf '$work'; exit 0; }
  read -r pg_bin pg_dir <'$work/postgres'
  $(declare -f as_postgres)
  as_postgres \$pg_bin/pg_ctl -D \$pg_dir/data -m immediate -w stop
  rm -rf \$pg_dir '$work'" >/dev/null 2>&1 </dev/null &)

# Figures, in the order they are recorded.
labels=()
declare -A figure
record() { labels+=("$1"); figure[$1]=$2; }
print_table() {
  for label in "${labels[@]}"; do printf '%-64s %s\n' "$label" "${figure[$label]}"; done
}
# kv LINE KEY: the value of KEY=value in LINE.
kv() { grep -oE "(^| )$2=[^ ]+" <<<"$1" | head -1 | cut -d= -f2; }
rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# start_postgres: a throwaway server in /tmp on a free loopback port; sets
# pg_url_base (postgresql://postgres@127.0.0.1:PORT).
start_postgres() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  [[ -x $pg_bin/initdb ]] || { echo "no PostgreSQL under /usr/lib/postgresql (scripts/setup.sh --test)" >&2; return 1; }
  pg_dir=$(mktemp -d /tmp/longtake-scale-pg-XXXXXX)
  ((EUID != 0)) || chown postgres "$pg_dir"
  echo "$pg_bin $pg_dir" >"$work/postgres"  # for the watchdog
  step_logs=("$pg_dir/initdb.log" "$pg_dir/server.log")
  as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 \
    --locale=C --no-sync >"$pg_dir/initdb.log" 2>&1
  local port
  for _ in 1 2 3; do
    port=$((20000 + RANDOM % 30000))
    if as_postgres "$pg_bin/pg_ctl" -w -t 60 -D "$pg_dir/data" -l "$pg_dir/server.log" \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $pg_dir -c max_wal_size=4GB -c synchronous_commit=off" \
      start >"$pg_dir/pg_ctl.log" 2>&1; then
      pg_url_base=postgresql://postgres@127.0.0.1:$port
      return 0
    fi
  done
  cat "$pg_dir/pg_ctl.log" >&2
  return 1
}
# new_store NAME: the URL of a fresh, empty store.
new_store() {
  if [[ $kind == sqlite ]]; then
    echo "sqlite://$work/$1.db"
  else
    as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "${pg_url_base##*:}" -U postgres "$1"
    echo "$pg_url_base/$1"
  fi
}

# start_catalog NAME STORE [FLAGS...]: starts longtake-catalog on STORE and
# waits (up to start_timeout) for grpc.health SERVING for the catalogue
# service; sets addr, pid, start_ms (exec to SERVING) and loaded (the
# `catalogue loaded:` log line of a full load; empty from a snapshot).
start_catalog() {
  local name=$1 store=$2 log=$work/$1
  shift 2
  step_logs=("$log.err" "$log.out")
  local t0 deadline=$((SECONDS + start_timeout))
  t0=$(date +%s%N)
  "$bin/longtake-catalog" --listen=127.0.0.1:0 --store="$store" --no-log-calls \
    --peer-search-rate=0 "$@" >"$log.out" 2>"$log.err" &
  pid=$!
  pids+=("$pid")
  addr=
  while :; do
    kill -0 "$pid" 2>/dev/null || { echo "$name exited while starting" >&2; return 1; }
    [[ -n $addr ]] || addr=$(sed -n 's/.*listening on \([0-9.]*:[0-9]*\).*/\1/p' "$log.out" | head -1)
    if [[ -n $addr ]] && "$bin/longtake-healthcheck" "$addr" longtake.catalog.v1.CatalogService \
      --timeout=1 >/dev/null 2>&1; then
      break
    fi
    ((SECONDS < deadline)) || { echo "$name not SERVING after ${start_timeout} s" >&2; return 1; }
    sleep 0.02
  done
  start_ms=$((($(date +%s%N) - t0) / 1000000))
  # None when it loaded from the snapshot (`catalogue loaded from snapshot:`).
  loaded=$(cat "$log.err" "$log.out" | grep -o 'catalogue loaded: .*' | head -1 || true)
}
# stop PID...: SIGTERM, and wait for them to go.
stop() {
  kill "$@" 2>/dev/null || true
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
}

echo "scale.sh: $films films on $kind; load average $(load_average); binaries $bin"
record "films" "$films"
record "store" "$kind"
record "load average at start" "$(load_average)"

if [[ $kind == postgres ]]; then
  step="start PostgreSQL"
  start_postgres
fi

step="bench_make_catalog into the store"
step_logs=("$work/make.out")
store=$(new_store scale)
"$bin/bench_make_catalog" --films="$films" --people=$((films < 1000 ? 200 : films / 5)) \
  --store="$store" >"$work/make.out" 2>&1
record "bench_make_catalog into the store" "$(grep -o ' in [^ ]*$' "$work/make.out" | cut -c5-)"
echo "  ${labels[-1]}: ${figure[${labels[-1]}]}"

step="bench_make_catalog --jsonl"
step_logs=("$work/jsonl.out")
"$bin/bench_make_catalog" --films="$films" --people=$((films < 1000 ? 200 : films / 5)) \
  --jsonl="$work/films.jsonl" >"$work/jsonl.out" 2>&1
[[ $(wc -l <"$work/films.jsonl") == "$films" ]] || { echo "films.jsonl has not $films lines" >&2; exit 1; }

step="start"
snapshot=$work/scale.snapshot
start_catalog first "$store" --snapshot="$snapshot"
first=$addr first_pid=$pid
record "start: exec to SERVING" "${start_ms} ms"
[[ -n $loaded ]] || { echo "no 'catalogue loaded:' line in the log" >&2; exit 1; }
per_index=()
# A key inside parentheses is a part of the key before them (build_ms's
# phases, bytes_per_film's parts): named "outer.inner" so that bytes_per_film's
# "films=216" does not pass for the film count.
for pair in $(awk '{
    depth = 0
    for (i = 1; i <= NF; i++) {
      t = $i; opens = gsub(/\(/, "", t); closes = gsub(/\)/, "", t); sub(/:$/, "", t)
      depth += opens
      if (t ~ /^[A-Za-z_][A-Za-z0-9_]*=/) {
        if (depth == 0) { outer = substr(t, 1, index(t, "=") - 1); print t }
        else print outer "." t
      }
      depth -= closes
    }
  }' <<<"${loaded#catalogue loaded: }"); do
  key=${pair%%=*} value=${pair#*=}
  record "start log: $key" "$value"
  case $key in
    *_mb) per_index+=("$key $(awk -v v="$value" -v f="$films" 'BEGIN{printf "%.0f", v*1048576/f}')") ;;
    *_bytes) per_index+=("$key $(awk -v v="$value" -v f="$films" 'BEGIN{printf "%.0f", v/f}')") ;;
  esac
done
# Whatever the log says, GetFilm of a generated film must answer.
"$bin/bench_latency" --addr="$first" --rpc=getfilm --names=films/f0 --requests=1 --warmup=0 \
  >"$work/getfilm-check.out"
rss=$(rss_kb "$first_pid")
record "VmRSS after start" "$((rss / 1024)) MiB"
record "bytes per film (VmRSS / films)" "$((rss * 1024 / films))"
for entry in "${per_index[@]}"; do
  record "bytes per film: ${entry% *}" "${entry#* }"
done
echo "  started in ${start_ms} ms, VmRSS $((rss / 1024)) MiB"

step="read model snapshot"
step_logs=("$work/first.err" "$work/first.out")
deadline=$((SECONDS + start_timeout))
until written=$(cat "$work/first.err" "$work/first.out" | grep -o 'read model snapshot written: .*' | head -1); [[ -n $written ]]; do
  ((SECONDS < deadline)) || { echo "no snapshot written after ${start_timeout} s" >&2; exit 1; }
  sleep 0.2
done
record "snapshot: bytes" "$(kv "$written" bytes)"
record "snapshot: write (serialize / fsync and rename)" "$(kv "$written" serialize_ms) / $(kv "$written" sync_ms) ms"
start_catalog from_snapshot "$store" --snapshot="$snapshot"
from_log=$(cat "$work/from_snapshot.err" "$work/from_snapshot.out" | grep -o 'catalogue loaded from snapshot: .*' | head -1)
[[ -n $from_log ]] || { echo "the restart did not load the snapshot" >&2; exit 1; }
record "start from the snapshot: exec to SERVING" "${start_ms} ms"
record "start from the snapshot: snapshot_ms / catch_up_ms" "$(kv "$from_log" snapshot_ms) / $(kv "$from_log" catch_up_ms) ms"
record "start from the snapshot: VmRSS" "$(($(rss_kb "$pid") / 1024)) MiB"
echo "  from the snapshot ($(kv "$written" bytes) bytes): started in ${start_ms} ms"
stop "$pid"

step="SearchFilms latency"
step_logs=("$work/search.out")
"$bin/bench_latency" --addr="$first" --rpc=search --requests=$search_requests --concurrency=2 \
  >"$work/search.out" 2>&1
line=$(cat "$work/search.out")
record "SearchFilms p50 / p99 ($search_requests calls)" "$(kv "$line" p50_ms) / $(kv "$line" p99_ms) ms"

step="ListFilms latency"
step_logs=("$work/list.out")
"$bin/bench_latency" --addr="$first" --rpc=list --requests=$list_requests --concurrency=2 \
  --filters="$filters" >"$work/list.out" 2>&1
line=$(cat "$work/list.out")
record "filtered ListFilms p50 / p99 ($list_requests calls)" "$(kv "$line" p50_ms) / $(kv "$line" p99_ms) ms"
echo "  ${labels[-2]}: ${figure[${labels[-2]}]}; ${labels[-1]}: ${figure[${labels[-1]}]}"

step="GetFilm against the bare server"
step_logs=("$work/getfilm.out" "$work/bare.err")
getfilm_vs_bare "$first" films/f0 "$getfilm_requests" >"$work/getfilm.out" 2>&1
best=$(grep '^best:' "$work/getfilm.out")
record "GetFilm req/s (best of 3)" "$(awk '{print $6}' <<<"$best")"
record "bare server req/s (best of 3)" "$(awk '{print $3}' <<<"$best")"
record "GetFilm / bare" "$(awk '{print $9}' <<<"$best")"
echo "  $best"

step="start a second replica"
start_catalog second "$store" --snapshot="$snapshot"
second=$addr second_pid=$pid
record "second replica: exec to SERVING" "${start_ms} ms"
token=$("$bin/longtake" token --user scale-bench --curator)

step="write on one replica, visible on the other"
step_logs=("$work/lag.out" "$work/second.err" "$work/first.err")
"$bin/bench_replica_lag" --writer="$first" --reader="$second" --token="$token" \
  --writes=$writes >"$work/lag.out" 2>&1
line=$(cat "$work/lag.out")
record "write to visible on the other replica, p50 / max ($(kv "$line" writes) writes)" \
  "$(kv "$line" visible_p50_ms) / $(kv "$line" visible_max_ms) ms"
sleep 0.5 # let the reader's log line about the last change land
record "full reloads in the second replica's log" \
  "$(grep -cE 'full reload|reloaded from the store' "$work/second.err" || true)"
record "change-log applies in the second replica's log" "$(grep -c 'applied [0-9]* changes' "$work/second.err" || true)"
echo "  ${labels[-3]}: ${figure[${labels[-3]}]}; full reloads ${figure[${labels[-2]}]}"
stop "$first_pid" "$second_pid"

step="import"
import_store=$(new_store scale_import)
start_catalog importer "$import_store"
importer=$addr importer_pid=$pid
step_logs=("$work/import.err" "$work/during.out" "$work/importer.err")
import_file=$work/films.jsonl
if ((import_films < films)); then
  import_file=$work/import.jsonl
  head -n "$import_films" "$work/films.jsonl" >"$import_file"
fi
import_t0=$(date +%s%N)
"$bin/longtake" import "$import_file" --addr="$importer" --token="$token" \
  >"$work/import.out" 2>"$work/import.err" &
import_pid=$!
pids+=("$import_pid")
"$bin/bench_latency" --addr="$importer" --rpc=search --while_pid=$import_pid --concurrency=2 \
  --warmup=100 >"$work/during.out" 2>&1 &
during_pid=$!
pids+=("$during_pid")
import_start=$SECONDS next_report=$((SECONDS + 60))
while kill -0 "$import_pid" 2>/dev/null; do
  sleep 1
  ((SECONDS >= next_report)) || continue
  next_report=$((next_report + 60))
  echo "  importing for $((SECONDS - import_start)) s: $(tail -n 1 "$work/import.err")"
done
wait "$import_pid"
import_wall_s=$(awk -v ns="$(($(date +%s%N) - import_t0))" 'BEGIN{printf "%.1f", ns/1e9}')
wait "$during_pid"
# The summary: "imported 1,000,000 films[; N rejected (...)]", then
# "took S s (R rows/s)" when over 1 s (JSON lines are read as they are sent,
# so that is the whole import).
summary=$(head -n 1 "$work/import.out" | tr -d ,)
imported=$(sed -n 's/^imported \([0-9]*\) films*.*/\1/p' <<<"$summary")
rejected=$(grep -o '[0-9]* rejected' <<<"$summary" | cut -d' ' -f1 || true)
seconds=$(sed -n 's/^took \([0-9.]*\) s.*/\1/p' "$work/import.out")
seconds=${seconds:-$import_wall_s}
[[ $imported == "$import_films" ]] ||
  echo "  warning: imported $imported of $import_films films (${rejected:-0} rejected)" >&2
record "import: films imported (rejected)" "$imported (${rejected:-0})"
record "import: films/s (as the CLI reports it)" \
  "$(awk -v n="$imported" -v s="$seconds" 'BEGIN{printf "%.0f", n/s}')"
record "import: wall time" "$import_wall_s s"
line=$(cat "$work/during.out")
record "SearchFilms during the import, p50 / p99 ($(kv "$line" calls) calls)" \
  "$(kv "$line" p50_ms) / $(kv "$line" p99_ms) ms"
record "VmRSS after the import" "$(($(rss_kb "$importer_pid") / 1024)) MiB"
stop "$importer_pid"
record "load average at end" "$(load_average)"

step="report"
missing=0
for label in "${labels[@]}"; do
  value=${figure[$label]}
  if [[ -z $value || $value == " "* || $value == *"  "* ]]; then
    echo "missing figure: $label" >&2
    missing=1
  fi
done
echo
echo "== scale benchmark: $films films, $kind =="
print_table
if [[ -n $markdown ]]; then
  {
    echo "| $films films, $kind | figure |"
    echo "|---|---|"
    for label in "${labels[@]}"; do echo "| $label | ${figure[$label]} |"; done
  } >"$markdown"
fi
((missing == 0)) || { echo "scale.sh: some figures are missing" >&2; exit 1; }
