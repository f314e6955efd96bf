# The frame of a script that starts servers (shell tests, benchmarks): a
# scratch folder in $tmp, the `pids` list start_server fills, and on exit
# every server stopped and the folder removed. Shell tests also count
# failures with `fail` and end with `finish_test`.
#   source "$src/scripts/lib/scratch.sh"
#   start_server "$tmp/catalog" "$bin/longtake-catalog" --listen=127.0.0.1:0 ...
#   [[ $(...) == want ]] || fail "what differed"
#   finish_test my_test            # exit 1 when anything failed
source "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
tmp=$(mktemp -d)
pids=()
failures=0
stop_servers_and_clean() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap stop_servers_and_clean EXIT
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
finish_test() {
  if ((failures)); then
    echo "$1: $failures failure(s)" >&2
    exit 1
  fi
  echo "$1: OK"
}
