# Shared by the benchmark scripts: a scratch folder removed on exit, and
# start_server (scripts/lib/scratch.sh) to run the servers.
#   cd "$(dirname "$0")/../.." && source tools/bench/lib.sh
#   start_server "$work/catalog" build/bin/longtake-catalog --listen=127.0.0.1:0 ...
#   echo "$addr"
source scripts/lib/scratch.sh
work=$tmp
