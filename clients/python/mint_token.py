#!/usr/bin/python3
"""Mints a longtake bearer token with Python's standard library alone.

This is what an outside auth service does to let its users call longtake
(API.md, "Tokens"): no longtake code needed, only the shared secret.

    LONGTAKE_TOKEN_SECRET=... ./mint_token.py alice [--curator] [--ttl 3600]
"""
import argparse
import base64
import hashlib
import hmac
import os
import sys
import time


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def mint(secret: str, user: str, role: str = "user", ttl_seconds: int = 3600) -> str:
    payload = f"{user}|{role}|{int(time.time()) + ttl_seconds}"
    signed = "lt1." + b64url(payload.encode("utf-8"))
    mac = hmac.new(secret.encode("utf-8"), signed.encode("ascii"), hashlib.sha256)
    return signed + "." + b64url(mac.digest())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("user")
    parser.add_argument("--curator", action="store_true")
    parser.add_argument("--ttl", type=int, default=3600, help="seconds")
    args = parser.parse_args()
    secret = os.environ.get("LONGTAKE_TOKEN_SECRET", "")
    if not secret:
        print("mint_token: set LONGTAKE_TOKEN_SECRET", file=sys.stderr)
        return 2
    print(mint(secret, args.user, "curator" if args.curator else "user", args.ttl))
    return 0


if __name__ == "__main__":
    sys.exit(main())
