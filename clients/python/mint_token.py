#!/usr/bin/python3
"""Mints a longtake bearer token (an HS256 JWT) with Python's standard library alone.

This is what an outside auth service does to let its users call longtake
(API.md, "Tokens"): no longtake code and no JWT library needed, only the
shared secret, the issuer and the audience the servers are configured with.

    LONGTAKE_TOKEN_SECRET=... ./mint_token.py alice [--curator] [--ttl 3600]
        [--issuer longtake-dev] [--audience longtake]
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import time


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def mint(secret: str, user: str, role: str = "user", ttl_seconds: int = 3600,
         issuer: str = "longtake-dev", audience: str = "longtake") -> str:
    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {"sub": user, "iss": issuer, "aud": audience,
              "iat": now, "exp": now + ttl_seconds}
    if role == "curator":
        claims["roles"] = ["curator"]
    signing_input = (b64url(json.dumps(header).encode("utf-8")) + "." +
                     b64url(json.dumps(claims).encode("utf-8")))
    mac = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256)
    return signing_input + "." + b64url(mac.digest())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("user")
    parser.add_argument("--curator", action="store_true")
    parser.add_argument("--ttl", type=int, default=3600, help="seconds")
    parser.add_argument("--issuer", default=os.environ.get("LONGTAKE_TOKEN_ISSUER", "longtake-dev"))
    parser.add_argument("--audience", default=os.environ.get("LONGTAKE_TOKEN_AUDIENCE", "longtake"))
    args = parser.parse_args()
    secret = os.environ.get("LONGTAKE_TOKEN_SECRET", "")
    if not secret:
        print("mint_token: set LONGTAKE_TOKEN_SECRET", file=sys.stderr)
        return 2
    print(mint(secret, args.user, "curator" if args.curator else "user", args.ttl,
               args.issuer, args.audience))
    return 0


if __name__ == "__main__":
    sys.exit(main())
