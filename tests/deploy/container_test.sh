#!/usr/bin/env bash
# CTest deploy.containers (label "containers"): builds the postgres,
# catalogue and watchlist images with podman, runs them on a private podman
# network with ports published on 127.0.0.1 (free ports chosen by podman),
# and checks them from the host with `buf curl`:
#   - grpc.health.v1 SERVING for both services (and the in-image probe),
#   - ListFilms returns the seed films,
#   - WhereToWatch films/i-am-cuba, region GB, mentions Mr Bongo (bearer token),
#   - the watchlist reaches the catalogue container by name (item enrichment),
#   - `podman stop` of each container takes under 3 s (graceful SIGTERM).
# Everything it starts is removed on exit. Exit 77 (skip) only when podman
# cannot run here at all.
#
# Usage: tests/deploy/container_test.sh BUILD_DIR
# Env:   LONGTAKE_CONTAINER_TEST_STORE=sqlite     run both services on SQLite
#        volumes instead of the PostgreSQL container (the default)
#        LONGTAKE_CONTAINER_TEST_KEEP_IMAGES=0    also remove the images built
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
cd "$repo"
SKIP=77
t0=$(date +%s)
log() { echo "[container_test +$(( $(date +%s) - t0 ))s] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---- can podman run at all? (the only reason to skip) ----
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v podman >/dev/null; then echo "SKIP: not root and podman not installed"; exit $SKIP; fi
else
  deploy/scripts/install-podman.sh || { command -v podman >/dev/null || { echo "SKIP: podman could not be installed"; exit $SKIP; }; }
fi
if ! podman info >/dev/null 2>&1; then
  echo "SKIP: podman is installed but cannot run here: $(podman info 2>&1 | tail -1)"
  exit $SKIP
fi

buf=node_modules/.bin/buf
[[ -x $buf ]] || fail "$buf missing: run scripts/setup.sh"
# The file, not /usr/share/grpc-proto: other files there import protos that
# are not installed, and buf would compile the whole directory.
health_proto=/usr/share/grpc-proto/grpc/health/v1/health.proto
[[ -f $health_proto ]] || fail "$health_proto missing (apt-get install grpc-proto)"

id="lt-ctest-$$"
tag="ctest"
net="$id-net"
secret="ctest-secret-$RANDOM$RANDOM"
containers=()
cleanup() {
  local rc=$?
  if ((rc != 0 && ${#containers[@]})); then
    for c in "${containers[@]}"; do echo "---- logs of $c (last 30 lines)" >&2; podman logs --tail 30 "$c" >&2 2>&1 || true; done
  fi
  [[ -n "${snap:-}" ]] && rm -rf "$snap"
  for c in "${containers[@]}"; do podman rm -f -v -t 0 "$c" >/dev/null 2>&1 || true; done
  podman network rm -f "$net" >/dev/null 2>&1 || true
  if [[ "${LONGTAKE_CONTAINER_TEST_KEEP_IMAGES:-1}" == 0 ]]; then
    podman rmi -f "localhost/longtake-postgres:$tag" "localhost/longtake-catalog:$tag" "localhost/longtake-watchlist:$tag" >/dev/null 2>&1 || true
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- images ----
deploy/scripts/build-base-image.sh
# Build every image from one snapshot of the source tree: both images then
# come from the same sources even while files change, and the second service
# image reuses the first one's cached compile layer (the two Containerfiles
# share an identical build stage). Excludes mirror .containerignore.
snap=$(mktemp -d /var/tmp/longtake-ctest-context.XXXXXX)
tar -C "$repo" --exclude=./.git --exclude='./build*' --exclude=node_modules \
    --exclude=./.deps --exclude='*.db' --exclude='*.db-wal' --exclude='*.db-shm' -cf - . | tar -C "$snap" -xf -
for img in postgres catalog watchlist; do
  log "building localhost/longtake-$img:$tag"
  s=$(date +%s)
  podman build --pull=never -q -f "$snap/deploy/$img.Containerfile" -t "localhost/longtake-$img:$tag" "$snap" >/dev/null ||
    fail "image build of deploy/$img.Containerfile failed"
  log "built localhost/longtake-$img:$tag in $(( $(date +%s) - s )) s"
done

# ---- run ----
podman network create "$net" >/dev/null
[[ "$(podman network inspect --format '{{.DNSEnabled}}' "$net" 2>/dev/null)" == true ]] ||
  fail "podman network $net has no DNS; containers cannot find each other by name (install-podman.sh installs the dnsname plugin)"

run() {  # run NAME IMAGE [podman run args...] -- [container args...]
  local name="$id-$1" image="localhost/longtake-$2:$tag"; shift 2
  local args=() extra=()
  while (($#)) && [[ $1 != -- ]]; do args+=("$1"); shift; done
  (($#)) && shift && extra=("$@")
  podman run -d --name "$name" --network "$net" "${args[@]}" "$image" "${extra[@]}" >/dev/null
  containers+=("$name")
}
host_port() { podman port "$id-$1" "$2" | head -1 | sed 's/.*://'; }
wait_for() {  # wait_for WHAT SECONDS COMMAND...
  local what=$1 secs=$2; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || fail "$what not ready within $secs s"
    sleep 0.5
  done
}

run postgres postgres -e POSTGRES_DB=catalog,watchlist -p 127.0.0.1::5432
wait_for "postgres" 60 podman exec "$id-postgres" pg_isready -q -h 127.0.0.1
log "postgres ready (host port $(host_port postgres 5432))"
podman exec "$id-postgres" psql -q -h "$id-postgres" -U longtake -d watchlist -c 'select 1' >/dev/null ||
  fail "postgres not reachable by its name on the network as user longtake"

catalog_store=postgres://longtake@$id-postgres:5432/catalog
watchlist_store=postgres://longtake@$id-postgres:5432/watchlist
if [[ "${LONGTAKE_CONTAINER_TEST_STORE:-postgres}" == sqlite ]]; then
  catalog_store=sqlite:///var/lib/longtake/catalog.db
  watchlist_store=sqlite:///var/lib/longtake/watchlist.db
fi
run catalog catalog -p 127.0.0.1::50051 -e LONGTAKE_STORE="$catalog_store" -e LONGTAKE_TOKEN_SECRET="$secret"
run watchlist watchlist -p 127.0.0.1::50052 -e LONGTAKE_STORE="$watchlist_store" -e LONGTAKE_TOKEN_SECRET="$secret" \
  -e LONGTAKE_CATALOG="$id-catalog:50051"
cport=$(host_port catalog 50051)
wport=$(host_port watchlist 50052)
log "catalog on 127.0.0.1:$cport, watchlist on 127.0.0.1:$wport"

curl_grpc() {  # curl_grpc PORT SCHEMA PATH JSON [extra buf args]
  local port=$1 schema=$2 path=$3 body=$4; shift 4
  "$buf" curl --protocol grpc --http2-prior-knowledge --schema "$schema" "$@" \
    "http://127.0.0.1:$port/$path" -d "$body"
}
health() { curl_grpc "$1" "$health_proto" grpc.health.v1.Health/Check "{\"service\":\"$2\"}"; }
serving() { health "$1" "$2" 2>/dev/null | grep -q '"SERVING"'; }

wait_for "catalog health" 60 serving "$cport" longtake.catalog.v1.CatalogService
wait_for "watchlist health" 60 serving "$wport" longtake.watchlist.v1.WatchlistService
log "health: both SERVING"
for pair in "catalog 50051 longtake.catalog.v1.CatalogService" "watchlist 50052 longtake.watchlist.v1.WatchlistService"; do
  read -r svc port name <<<"$pair"
  out=$(podman exec "$id-$svc" longtake-healthcheck "127.0.0.1:$port" "$name") || fail "in-image probe failed for $svc: $out"
  [[ $out == *SERVING* ]] || fail "in-image probe for $svc printed '$out'"
  if podman exec "$id-$svc" longtake-healthcheck "127.0.0.1:$port" no.such.Service >/dev/null 2>&1; then
    fail "in-image probe accepted an unknown service name"
  fi
done
log "in-image longtake-healthcheck: ok (and rejects an unknown service)"

# ListFilms: the seed films (count them in the seed file the image carries).
films_json=$(curl_grpc "$cport" . longtake.catalog.v1.CatalogService/ListFilms '{"page_size": 1000}') ||
  fail "ListFilms failed: $films_json"
got=$(node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log((r.films ?? []).length)' <<<"$films_json")
want=$(podman exec "$id-catalog" sh -c 'cat "$LONGTAKE_SEED"' | node -e '
  const s = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log((s.films ?? []).length)')
[[ $want -ge 1 && $got -eq $want ]] || fail "ListFilms returned $got films, the seed has $want"
[[ $got -eq 4 ]] || fail "ListFilms returned $got films, expected the 4 seed films"
log "ListFilms: $got films"

# A bearer token (an HS256 JWT): the CLI when built, else minted with
# openssl as API.md describes.
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
if [[ -x $build/bin/longtake ]] && token=$("$build/bin/longtake" token --user alice --token-secret "$secret" 2>/dev/null) && [[ $token == eyJ*.*.* ]]; then
  log "token from $build/bin/longtake"
else
  now=$(date +%s)
  signed="$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url).$(printf '{"sub":"alice","iss":"longtake-dev","aud":"longtake","exp":%d}' $((now + 3600)) | b64url)"
  token="$signed.$(printf '%s' "$signed" | openssl dgst -sha256 -hmac "$secret" -binary | b64url)"
  log "token minted with openssl"
fi
# Without a token: UNAUTHENTICATED, so the check below really exercises auth.
if curl_grpc "$wport" . longtake.watchlist.v1.WatchlistService/WhereToWatch \
     '{"film":"films/i-am-cuba","region":"GB"}' >/dev/null 2>&1; then
  fail "WhereToWatch answered without a bearer token"
fi
offers=$(curl_grpc "$wport" . longtake.watchlist.v1.WatchlistService/WhereToWatch \
  '{"film":"films/i-am-cuba","region":"GB"}' -H "authorization: Bearer $token") ||
  fail "WhereToWatch failed: $offers"
grep -Eiq 'mr[ -]?bongo' <<<"$offers" || fail "WhereToWatch films/i-am-cuba GB does not mention Mr Bongo: $offers"
log "WhereToWatch i-am-cuba GB: Mr Bongo offered"

# Watchlist -> catalogue across containers (LONGTAKE_CATALOG by container
# name): adding a film enriches the item with the catalogue's title, and an
# unknown film is NOT_FOUND.
item=$(curl_grpc "$wport" . longtake.watchlist.v1.WatchlistService/CreateWatchlistItem \
  '{"parent":"users/alice","item":{"film":"films/i-am-cuba"}}' -H "authorization: Bearer $token") ||
  fail "CreateWatchlistItem failed: $item"
grep -q '"title": "I Am Cuba"' <<<"$item" || fail "watchlist item not enriched from the catalogue: $item"
if missing=$(curl_grpc "$wport" . longtake.watchlist.v1.WatchlistService/CreateWatchlistItem \
     '{"parent":"users/alice","item":{"film":"films/no-such-film"}}' -H "authorization: Bearer $token" 2>&1); then
  fail "CreateWatchlistItem accepted an unknown film: $missing"
fi
grep -q 'not_found' <<<"$missing" || fail "unknown film: expected NOT_FOUND, got: $missing"
log "watchlist -> catalogue: item enriched with the catalogue title; unknown film NOT_FOUND"

# ---- graceful stop: SIGTERM must end each container well within 3 s ----
for svc in watchlist catalog postgres; do
  s=$(date +%s%N)
  podman stop -t 10 "$id-$svc" >/dev/null
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  code=$(podman inspect --format '{{.State.ExitCode}}' "$id-$svc")
  log "podman stop $svc: $ms ms, exit code $code"
  (( ms < 3000 )) || fail "podman stop $svc took $ms ms (>= 3 s): SIGTERM not handled?"
done
log "all checks passed"
