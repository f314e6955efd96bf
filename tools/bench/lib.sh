# Shared by the benchmark scripts: a scratch folder removed on exit, and
# start_server (scripts/lib/servers.sh) to run the servers.
#   cd "$(dirname "$0")/../.." && source tools/bench/lib.sh
#   start_server "$work/catalog" build/bin/longtake-catalog --listen=127.0.0.1:0 ...
#   echo "$addr"
source scripts/lib/servers.sh
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
