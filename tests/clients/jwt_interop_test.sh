#!/usr/bin/env bash
# Tokens minted outside the project (Python's standard library for HS256,
# the openssl command for ES256) against both real servers, which are
# configured through the environment forms of the token flags: a shared
# secret, a JWKS file, and an issuer and audience other than the defaults.
# jwt_interop_test.py makes the calls and says what it checks.
#
#   tests/clients/jwt_interop_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/scripts/lib/scratch.sh"
"$src/scripts/gen-stubs.sh" "$tmp/gen" >/dev/null

export SECRET=jwt-interop-secret ISSUER=https://auth.example AUDIENCE=longtake-test
export EC_KEY=$tmp/ec.pem
openssl ecparam -name prime256v1 -genkey -noout -out "$EC_KEY" 2>/dev/null
/usr/bin/python3 "$src/tests/clients/jwt_interop_test.py" jwks "$EC_KEY" >"$tmp/jwks.json"

export LONGTAKE_TOKEN_SECRET=$SECRET LONGTAKE_JWKS_FILE=$tmp/jwks.json
export LONGTAKE_TOKEN_ISSUER=$ISSUER LONGTAKE_TOKEN_AUDIENCE=$AUDIENCE
start_server "$tmp/catalog" "$bin/longtake-catalog" --listen=127.0.0.1:0 \
  --store="sqlite://$tmp/catalog.db" --seed="$src/data/seed/catalog.json"
export CATALOG=$addr
start_server "$tmp/watchlist" "$bin/longtake-watchlist" --listen=127.0.0.1:0 \
  --store="sqlite://$tmp/watchlist.db" --seed="$src/data/seed/offers.json" \
  --catalog="$CATALOG"
export WATCHLIST=$addr
CLI_CURATOR=$("$bin/longtake" token --user cora --curator)
CLI_OTHER_AUDIENCE=$("$bin/longtake" token --user alice --token-audience other)
export CLI_CURATOR CLI_OTHER_AUDIENCE

/usr/bin/python3 "$src/tests/clients/jwt_interop_test.py" run "$tmp/gen/python" ||
  fail "jwt_interop_test.py"

# A watchlist with only a JWKS starts (no shared secret needed); one with a
# JWKS that has no usable key, or neither, does not.
LONGTAKE_TOKEN_SECRET= start_server "$tmp/jwks-only" "$bin/longtake-watchlist" \
  --listen=127.0.0.1:0 --store="sqlite://$tmp/w2.db" --catalog="$CATALOG"
echo '{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}' >"$tmp/useless.json"
if LONGTAKE_JWKS_FILE=$tmp/useless.json timeout 10 "$bin/longtake-watchlist" --listen=127.0.0.1:0 \
     --store="sqlite://$tmp/w3.db" --catalog="$CATALOG" >"$tmp/w3.out" 2>&1; then
  fail "the watchlist started with a JWKS without a usable key"
fi
grep -q "no RS256 (RSA) or ES256 (EC P-256) signing key" "$tmp/w3.out" ||
  fail "no reason given for the useless JWKS: $(cat "$tmp/w3.out")"
if LONGTAKE_TOKEN_SECRET= LONGTAKE_JWKS_FILE= timeout 10 "$bin/longtake-watchlist" --listen=127.0.0.1:0 \
     --store="sqlite://$tmp/w4.db" --catalog="$CATALOG" >"$tmp/w4.out" 2>&1; then
  fail "the watchlist started with neither a secret nor a JWKS"
fi
if timeout 10 "$bin/longtake-catalog" --listen=127.0.0.1:0 --store=sqlite::memory: \
     --token-clock-skew=1h >"$tmp/c2.out" 2>&1; then
  fail "the catalogue accepted --token-clock-skew=1h"
fi
finish_test clients.jwt_interop
