#!/usr/bin/env bash
# ctest tools.bench_scale_smoke: tools/bench/scale.sh at 1,000 films (300 of
# them imported) on SQLite, and on a throwaway PostgreSQL when its server
# binaries are installed (scripts/setup.sh --test installs them). scale.sh
# fails when a step fails or a figure of its table is missing.
#   bench_scale_smoke.sh SOURCE_DIR BIN_DIR
set -euo pipefail
export LONGTAKE_BIN_DIR=$2 LONGTAKE_SCALE_IMPORT_FILMS=300
bash "$1/tools/bench/scale.sh" 1000 sqlite
if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  bash "$1/tools/bench/scale.sh" 1000 postgres
else
  echo "bench_scale_smoke: no PostgreSQL server binaries; the postgres run is skipped"
fi
