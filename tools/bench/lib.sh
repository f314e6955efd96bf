# Shared by the benchmark scripts: a scratch folder removed on exit, and
# start_server, which runs a server and waits for its "listening on" line.
#   cd "$(dirname "$0")/../.." && source tools/bench/lib.sh
#   start_server catalog build/bin/longtake-catalog --listen=127.0.0.1:0 ...
#   echo "$addr"
source scripts/lib/wait_for_listen.sh
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_server() {  # start_server NAME CMD...: runs CMD, sets $addr
  local out=$work/$1.out
  shift
  "$@" >"$out" 2>"$out.err" &
  pids+=($!)
  addr=$(wait_for_listen "$out" "${pids[-1]}")
  [[ -n $addr ]] && return 0
  echo "server did not start: $*" >&2
  cat "$out.err" >&2
  exit 1
}
