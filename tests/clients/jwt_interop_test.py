#!/usr/bin/python3
"""Bearer tokens minted outside the project, against the real servers.

The tokens are made here as a user's own auth service would: HS256 with
Python's standard library alone (hmac, hashlib, base64, json) and the shared
secret, and ES256 with the `openssl` command and a key whose public half the
servers read from --jwks-file. Accepted: a watchlist call as the user and a
curator-only catalogue write with the "roles": ["curator"] claim. Refused
with UNAUTHENTICATED: a wrong signature, alg none, expired, wrong audience,
wrong issuer, and an unknown key id. Tokens of `longtake token` too.

    jwt_interop_test.py jwks EC_KEY_PEM            prints the JWKS of the key
    jwt_interop_test.py run STUBS_DIR              the calls (env: CATALOG,
        WATCHLIST, SECRET, ISSUER, AUDIENCE, EC_KEY, CLI_CURATOR,
        CLI_OTHER_AUDIENCE; see jwt_interop_test.sh)
"""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import uuid


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def signing_input(header: dict, claims: dict) -> str:
    return (b64url(json.dumps(header).encode()) + "." +
            b64url(json.dumps(claims).encode()))


def hs256(secret: str, claims: dict, header=None) -> str:
    head = signing_input(header or {"alg": "HS256", "typ": "JWT"}, claims)
    mac = hmac.new(secret.encode(), head.encode(), hashlib.sha256).digest()
    return head + "." + b64url(mac)


def der_integers(der: bytes):
    """The INTEGERs of a DER SEQUENCE (an ECDSA-Sig-Value: r and s)."""
    assert der[0] == 0x30
    pos = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    out = []
    while pos < len(der):
        assert der[pos] == 0x02
        length = der[pos + 1]
        out.append(int.from_bytes(der[pos + 2:pos + 2 + length], "big"))
        pos += 2 + length
    return out


def es256(key_pem: str, claims: dict, kid: str) -> str:
    head = signing_input({"alg": "ES256", "typ": "JWT", "kid": kid}, claims)
    der = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key_pem],
                         input=head.encode(), capture_output=True, check=True).stdout
    r, s = der_integers(der)
    return head + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def jwks(key_pem: str) -> str:
    # SubjectPublicKeyInfo of a P-256 key ends with the uncompressed point.
    spki = subprocess.run(["openssl", "ec", "-in", key_pem, "-pubout", "-outform", "DER"],
                          capture_output=True, check=True).stdout
    point = spki[-65:]
    assert point[0] == 4
    return json.dumps({"keys": [{"kty": "EC", "crv": "P-256", "kid": "auth-2026", "use": "sig",
                                 "alg": "ES256", "x": b64url(point[1:33]),
                                 "y": b64url(point[33:])}]})


def run(stubs: str) -> int:
    sys.path.insert(0, stubs)
    import grpc
    from google.rpc import error_details_pb2, status_pb2
    from longtake.catalog.v1 import catalog_service_pb2 as cat
    from longtake.catalog.v1 import catalog_service_pb2_grpc as cat_grpc
    from longtake.catalog.v1 import resources_pb2 as cat_res
    from longtake.watchlist.v1 import watchlist_service_pb2 as wl
    from longtake.watchlist.v1 import watchlist_service_pb2_grpc as wl_grpc

    env = os.environ
    secret, issuer, audience = env["SECRET"], env["ISSUER"], env["AUDIENCE"]
    catalog = cat_grpc.CatalogServiceStub(grpc.insecure_channel(env["CATALOG"]))
    watchlist = wl_grpc.WatchlistServiceStub(grpc.insecure_channel(env["WATCHLIST"]))
    failures = []

    def claims(user, **extra):
        now = int(time.time())
        c = {"sub": user, "iss": issuer, "aud": audience, "iat": now, "exp": now + 600}
        c.update(extra)
        return c

    def call(what, fn, token):
        """(code name, ErrorInfo reason) of fn(metadata)."""
        try:
            fn([("authorization", f"Bearer {token}")])
            return "OK", ""
        except grpc.RpcError as err:
            reason = ""
            for key, value in err.trailing_metadata() or ():
                if key == "grpc-status-details-bin":
                    for detail in status_pb2.Status.FromString(value).details:
                        info = error_details_pb2.ErrorInfo()
                        if detail.Unpack(info):
                            reason = info.reason
            return err.code().name, reason

    def expect(what, fn, token, code, reason=""):
        got = call(what, fn, token)
        if got != (code, reason):
            failures.append(f"{what}: got {got}, want {(code, reason)}")
        else:
            print(f"ok: {what}: {code} {reason}".rstrip())

    def list_alice(md):
        return watchlist.ListWatchlistItems(wl.ListWatchlistItemsRequest(parent="users/alice"),
                                            metadata=md, timeout=10)

    def create_film(md):
        film_id = "jwt-" + uuid.uuid4().hex[:12]
        return catalog.CreateFilm(cat.CreateFilmRequest(
            film=cat_res.Film(title="A Film Made With A JWT", year=1960), film_id=film_id),
            metadata=md, timeout=10)

    alice = hs256(secret, claims("alice"))
    curator = hs256(secret, claims("cora", roles=["curator"]))
    expect("HS256 user token, watchlist", list_alice, alice, "OK")
    expect("HS256 curator token, catalogue write", create_film, curator, "OK")
    expect("HS256 user token, catalogue write", create_film, alice,
           "PERMISSION_DENIED", "CURATOR_ROLE_REQUIRED")
    es_alice = es256(env["EC_KEY"], claims("alice"), "auth-2026")
    es_curator = es256(env["EC_KEY"], claims("cora", roles=["curator"]), "auth-2026")
    expect("ES256 user token (JWKS), watchlist", list_alice, es_alice, "OK")
    expect("ES256 curator token (JWKS), catalogue write", create_film, es_curator, "OK")

    # `longtake token` with the issuer and audience from the environment, as
    # the servers have them, and with another audience.
    expect("longtake token (curator), catalogue write", create_film, env["CLI_CURATOR"], "OK")
    expect("longtake token --token-audience other, watchlist", list_alice,
           env["CLI_OTHER_AUDIENCE"], "UNAUTHENTICATED", "TOKEN_INVALID")

    now = int(time.time())
    refused = {
        "wrong signature": hs256("not-the-secret", claims("alice", roles=["curator"])),
        "alg none": signing_input({"alg": "none", "typ": "JWT"},
                                  claims("alice", roles=["curator"])) + ".",
        "wrong audience": hs256(secret, claims("alice", aud="someone-else",
                                               roles=["curator"])),
        "wrong issuer": hs256(secret, claims("alice", iss="https://evil.example",
                                             roles=["curator"])),
        "unknown kid": es256(env["EC_KEY"], claims("alice", roles=["curator"]), "auth-1999"),
        "HS256 keyed with the JWKS": hs256(jwks(env["EC_KEY"]), claims("alice")),
    }
    for what, token in refused.items():
        expect(f"{what}, watchlist", list_alice, token, "UNAUTHENTICATED", "TOKEN_INVALID")
        expect(f"{what}, catalogue write", create_film, token, "UNAUTHENTICATED",
               "TOKEN_INVALID")
    expired = hs256(secret, claims("alice", exp=now - 3600, roles=["curator"]))
    expect("expired, watchlist", list_alice, expired, "UNAUTHENTICATED", "TOKEN_EXPIRED")
    expect("expired, catalogue write", create_film, expired, "UNAUTHENTICATED",
           "TOKEN_EXPIRED")

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1] == "jwks":
        print(jwks(sys.argv[2]))
        sys.exit(0)
    sys.exit(run(sys.argv[2]))
