# The one way scripts, benchmarks and shell tests wait for a server they
# started: every longtake server prints "listening on HOST:PORT" once bound.
#   source "$SRC/scripts/lib/wait_for_listen.sh"
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
