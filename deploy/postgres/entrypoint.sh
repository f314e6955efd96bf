#!/bin/bash
# Entrypoint of deploy/postgres.Containerfile: initdb on first start, then
# exec postgres (PID 1, so `podman stop` reaches it directly).
set -euo pipefail
: "${PGDATA:=/var/lib/postgresql/data}" "${POSTGRES_USER:=longtake}" "${POSTGRES_DB:=longtake}"
# LONGTAKE_POSTGRES_PASSWORD: the name deploy/compose.yaml passes through.
: "${POSTGRES_PASSWORD:=${LONGTAKE_POSTGRES_PASSWORD:-}}"

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  echo "longtake-postgres: initialising $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
  initdb -D "$PGDATA" -U postgres --auth-local=peer --auth-host=reject -E UTF8 --locale=C.UTF-8 >/dev/null
  if [[ -n "${POSTGRES_PASSWORD:-}" ]]; then
    host_rule="host all all all scram-sha-256"
  else
    host_rule="host all all samenet trust"
  fi
  # Replace initdb's host rules (set to "reject" above) with ours.
  sed -i '/^host/d' "$PGDATA/pg_hba.conf"
  printf '%s\n' "# longtake: TCP access" "$host_rule" >>"$PGDATA/pg_hba.conf"
  # Create role and database with a private server on the unix socket only.
  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -k /var/run/postgresql" start >/dev/null
  sql() { psql -v ON_ERROR_STOP=1 -q -h /var/run/postgresql -U postgres -d postgres "$@"; }
  sql -v user="$POSTGRES_USER" -v pw="${POSTGRES_PASSWORD:-}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'user') WHERE :'user' <> 'postgres' \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'user', :'pw') WHERE :'pw' <> '' \gexec
SQL
  # POSTGRES_DB may name several databases: "catalog,watchlist".
  for db in ${POSTGRES_DB//,/ }; do
    sql -v user="$POSTGRES_USER" -v db="$db" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user') WHERE :'db' <> 'postgres' \gexec
SQL
  done
  pg_ctl -D "$PGDATA" -w -m fast stop >/dev/null
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@"
