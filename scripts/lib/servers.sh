# The one way scripts, benchmarks and shell tests start a server and wait for
# it: every longtake server prints "listening on HOST:PORT" once bound.
#   source "$SRC/scripts/lib/servers.sh"
#   "$SERVER" --listen=127.0.0.1:0 ... >"$TMP/server.out" &
#   ADDR=$(wait_for_listen "$TMP/server.out" $!)   # empty if it never started

# wait_for_listen OUT PID: prints the address from the server's
# "listening on HOST:PORT" line in OUT; gives up after ~10 s or when PID exits.
wait_for_listen() {
  local out=$1 pid=$2 addr=
  for _ in $(seq 1 200); do
    addr=$(sed -n 's/.*listening on \([0-9.]*:[0-9]*\).*/\1/p' "$out" | head -1)
    [[ -n "$addr" ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "$addr"
}

# start_server LOG CMD...: runs CMD in the background with its stdout in
# LOG.out and stderr in LOG.err, adds its pid to the caller's `pids` array
# and sets `addr`; when it does not start, prints its stderr and exits 1.
start_server() {
  local log=$1
  shift
  "$@" >"$log.out" 2>"$log.err" &
  pids+=($!)
  addr=$(wait_for_listen "$log.out" "${pids[-1]}")
  [[ -n $addr ]] && return 0
  echo "did not start: $*" >&2
  cat "$log.err" >&2
  exit 1
}
