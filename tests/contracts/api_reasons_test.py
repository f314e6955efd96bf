#!/usr/bin/python3
"""Walks API.md's table of error reasons against the real servers.

Every row `| CODE | `REASON` | when |` of API.md's error table must be
produced by one of the calls below, with that code and reason in the
google.rpc.ErrorInfo of the reply, and every call must produce a row of the
table. A reason the server sends that API.md does not list, or a row no call
produces, fails the test.

    api_reasons_test.py API.md STUBS_DIR   (addresses and tokens in the env:
    see tests/contracts/api_reasons_test.sh, which starts the servers)
"""
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid

api_md, stubs = sys.argv[1], sys.argv[2]
sys.path.insert(0, stubs)

import grpc  # noqa: E402
from google.protobuf import field_mask_pb2  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from longtake.catalog.v1 import catalog_service_pb2 as cat  # noqa: E402
from longtake.catalog.v1 import catalog_service_pb2_grpc as cat_grpc  # noqa: E402
from longtake.catalog.v1 import resources_pb2 as cat_res  # noqa: E402
from longtake.watchlist.v1 import resources_pb2 as wl_res  # noqa: E402
from longtake.watchlist.v1 import watchlist_service_pb2 as wl  # noqa: E402
from longtake.watchlist.v1 import watchlist_service_pb2_grpc as wl_grpc  # noqa: E402

env = os.environ
DEADLINE = 10


def documented_reasons(path):
    """{(CODE, REASON)} from the rows of API.md's error table."""
    rows = set()
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^\| ([A-Z_]+) \| `([A-Z_]+)` \|", line)
        if m:
            rows.add((m.group(1), m.group(2)))
    return rows


def observed(call):
    """(CODE, REASON, domain) of a call that must fail."""
    try:
        call()
    except grpc.RpcError as err:
        reason = domain = ""
        for key, value in err.trailing_metadata() or ():
            if key == "grpc-status-details-bin":
                for detail in status_pb2.Status.FromString(value).details:
                    info = error_details_pb2.ErrorInfo()
                    if detail.Unpack(info):
                        reason, domain = info.reason, info.domain
        return err.code().name, reason, domain
    return "OK", "", ""


def auth(token):
    return [("authorization", f"Bearer {token}")]


catalog_channel = grpc.insecure_channel(env["CATALOG"])
catalog = cat_grpc.CatalogServiceStub(catalog_channel)
open_catalog = cat_grpc.CatalogServiceStub(grpc.insecure_channel(env["CATALOG_NO_SECRET"]))
watchlist = wl_grpc.WatchlistServiceStub(grpc.insecure_channel(env["WATCHLIST"]))
orphan = wl_grpc.WatchlistServiceStub(grpc.insecure_channel(env["WATCHLIST_NO_CATALOG"]))
alice, curator = auth(env["ALICE"]), auth(env["CURATOR"])
expired, garbage = auth(env["EXPIRED"]), auth("not-a-token")
raw_get_film = catalog_channel.unary_unary(
    "/longtake.catalog.v1.CatalogService/GetFilm",
    request_serializer=lambda b: b, response_deserializer=lambda b: b)


def page_token_mismatch():
    first = catalog.ListFilms(cat.ListFilmsRequest(page_size=1), timeout=DEADLINE)
    assert first.next_page_token, "the seed has more than one film"
    catalog.ListFilms(cat.ListFilmsRequest(page_size=1, page_token=first.next_page_token,
                                           filter="year >= 1960"), timeout=DEADLINE)


def shutting_down():
    """An open availability stream when the watchlist is told to stop."""
    stream = orphan.WatchAvailability(
        wl.WatchAvailabilityRequest(parent="users/alice", regions=["GB"]),
        metadata=alice, timeout=DEADLINE)
    stream.initial_metadata()
    os.kill(int(env["WATCHLIST_NO_CATALOG_PID"]), signal.SIGTERM)
    for _ in stream:
        pass


def catalog_loading():
    """A catalogue that listens but has not loaded: another connection holds
    its SQLite store in exclusive locking mode, so the load waits on the lock
    (for the store's 5 s busy timeout, then the server exits)."""
    db = os.path.join(env["SCRATCH"], "loading.db")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE held (a)")
    holder.execute("COMMIT")  # the lock stays until the connection closes
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [os.path.join(env["BIN_DIR"], "longtake-catalog"), f"--store=sqlite://{db}",
         f"--listen=127.0.0.1:{port}", "--no-log-calls"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        loading = cat_grpc.CatalogServiceStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
        loading.GetFilm(cat.GetFilmRequest(name="films/i-am-cuba"), timeout=4,
                        wait_for_ready=True)
    finally:
        server.kill()
        server.wait()
        holder.close()


def resume_beyond_newest():
    stream = watchlist.WatchAvailability(
        wl.WatchAvailabilityRequest(parent="users/alice", resume_after_event_id=10**12),
        metadata=alice, timeout=DEADLINE)
    for _ in stream:
        pass


def rate_limited():
    """Two searches in a row where one a second is allowed."""
    for _ in range(2):
        open_catalog.SearchFilms(cat.SearchFilmsRequest(query="cranes"), timeout=DEADLINE)


def stream_limit():
    """A second stream where one per user is allowed (on the orphan)."""
    bob = auth(env["BOB"])
    first = orphan.WatchAvailability(wl.WatchAvailabilityRequest(parent="users/bob"),
                                     metadata=bob, timeout=DEADLINE)
    first.initial_metadata()
    try:
        for _ in orphan.WatchAvailability(wl.WatchAvailabilityRequest(parent="users/bob"),
                                          metadata=bob, timeout=DEADLINE):
            pass
    finally:
        first.cancel()


# (CODE, REASON) -> the call that must produce it. Order matters only for
# shutting_down, which stops a server, so it comes last.
cases = {
    ("INVALID_ARGUMENT", "INVALID_ARGUMENT"): lambda: catalog.GetFilm(
        cat.GetFilmRequest(name="not a film name"), timeout=DEADLINE),
    ("INVALID_ARGUMENT", "INVALID_FILTER"): lambda: catalog.ListFilms(
        cat.ListFilmsRequest(filter="year >>> 3"), timeout=DEADLINE),
    ("INVALID_ARGUMENT", "INVALID_PAGE_TOKEN"): lambda: catalog.ListFilms(
        cat.ListFilmsRequest(page_token="not-one-of-ours"), timeout=DEADLINE),
    ("INVALID_ARGUMENT", "PAGE_TOKEN_MISMATCH"): page_token_mismatch,
    ("INVALID_ARGUMENT", "INVALID_REQUEST"): lambda: raw_get_film(
        b"\xff\xff\xff", timeout=DEADLINE),
    ("NOT_FOUND", "RESOURCE_NOT_FOUND"): lambda: catalog.GetFilm(
        cat.GetFilmRequest(name="films/nope"), timeout=DEADLINE),
    ("ALREADY_EXISTS", "RESOURCE_ALREADY_EXISTS"): lambda: catalog.CreateFilm(
        cat.CreateFilmRequest(film=cat_res.Film(title="The Cranes Are Flying", year=1957),
                              film_id="the-cranes-are-flying"),
        metadata=curator, timeout=DEADLINE),
    ("ABORTED", "ETAG_MISMATCH"): lambda: catalog.UpdateFilm(
        cat.UpdateFilmRequest(
            film=cat_res.Film(name="films/i-am-cuba", synopsis="x", etag='"stale"'),
            update_mask=field_mask_pb2.FieldMask(paths=["synopsis"])),
        metadata=curator, timeout=DEADLINE),
    ("FAILED_PRECONDITION", "PERSON_STILL_CREDITED"): lambda: catalog.DeletePerson(
        cat.DeletePersonRequest(name="people/mikhail-kalatozov"),
        metadata=curator, timeout=DEADLINE),
    ("FAILED_PRECONDITION", "SEQUENCE_REFERENCED"): lambda: catalog.DeleteSequence(
        cat.DeleteSequenceRequest(name="films/the-cranes-are-flying/sequences/send-off"),
        metadata=curator, timeout=DEADLINE),
    ("FAILED_PRECONDITION", "PROVIDER_HAS_OFFERS"): lambda: watchlist.DeleteProvider(
        wl.DeleteProviderRequest(name="providers/mr-bongo"), metadata=curator,
        timeout=DEADLINE),
    ("UNAUTHENTICATED", "TOKEN_MISSING"): lambda: watchlist.ListWatchlistItems(
        wl.ListWatchlistItemsRequest(parent="users/alice"), timeout=DEADLINE),
    ("UNAUTHENTICATED", "TOKEN_INVALID"): lambda: watchlist.ListWatchlistItems(
        wl.ListWatchlistItemsRequest(parent="users/alice"), metadata=garbage,
        timeout=DEADLINE),
    ("UNAUTHENTICATED", "TOKEN_EXPIRED"): lambda: watchlist.ListWatchlistItems(
        wl.ListWatchlistItemsRequest(parent="users/alice"), metadata=expired,
        timeout=DEADLINE),
    ("UNAUTHENTICATED", "CURATOR_WRITES_DISABLED"): lambda: open_catalog.CreateFilm(
        cat.CreateFilmRequest(film=cat_res.Film(title="Any", year=1960)),
        metadata=curator, timeout=DEADLINE),
    ("PERMISSION_DENIED", "CURATOR_ROLE_REQUIRED"): lambda: catalog.CreateFilm(
        cat.CreateFilmRequest(film=cat_res.Film(title="Any", year=1960)),
        metadata=alice, timeout=DEADLINE),
    ("PERMISSION_DENIED", "NOT_RESOURCE_OWNER"): lambda: watchlist.ListWatchlistItems(
        wl.ListWatchlistItemsRequest(parent="users/bob"), metadata=alice, timeout=DEADLINE),
    ("OUT_OF_RANGE", "RESUME_POINT_UNKNOWN"): resume_beyond_newest,
    ("UNAVAILABLE", "CATALOG_UNAVAILABLE"): lambda: orphan.CreateWatchlistItem(
        wl.CreateWatchlistItemRequest(parent="users/alice",
                                      item=wl_res.WatchlistItem(film="films/i-am-cuba"),
                                      request_id=str(uuid.uuid4())),
        metadata=alice, timeout=DEADLINE),
    ("RESOURCE_EXHAUSTED", "RATE_LIMITED"): rate_limited,
    ("RESOURCE_EXHAUSTED", "STREAM_LIMIT"): stream_limit,
    ("UNAVAILABLE", "SHUTTING_DOWN"): shutting_down,
    ("UNAVAILABLE", "CATALOG_LOADING"): catalog_loading,
}

# The watchlist's own filter errors carry the same reason as the catalogue's.
extra = [((("INVALID_ARGUMENT", "INVALID_FILTER"), None), lambda: watchlist.ListOffers(
    wl.ListOffersRequest(filter="price < 3"), metadata=alice, timeout=DEADLINE))]

# Bytes that parse as no request message, sent to every unary method of both
# services: INVALID_REQUEST from each, in the service's own domain; a method
# no service has stays UNIMPLEMENTED.
def raw(channel, path):
    return channel.unary_unary(path, request_serializer=lambda b: b,
                               response_deserializer=lambda b: b)


watchlist_channel = grpc.insecure_channel(env["WATCHLIST"])
for module, channel, domain in ((cat, catalog_channel, "catalog.longtake.dev"),
                                (wl, watchlist_channel, "watchlist.longtake.dev")):
    for service in module.DESCRIPTOR.services_by_name.values():
        for method in service.methods:
            if method.client_streaming or method.server_streaming:
                continue
            path = f"/{service.full_name}/{method.name}"
            call = raw(channel, path)
            extra.append(((("INVALID_ARGUMENT", "INVALID_REQUEST"), domain),
                          lambda call=call: call(b"\xff\xff\xff", metadata=curator,
                                                 timeout=DEADLINE)))
unknown = raw(catalog_channel, "/longtake.catalog.v1.CatalogService/NoSuchMethod")

failures = []
try:
    unknown(b"", timeout=DEADLINE)
    failures.append("an unknown method answered OK")
except grpc.RpcError as err:
    if err.code() != grpc.StatusCode.UNIMPLEMENTED:
        failures.append(f"an unknown method answered {err.code().name}, not UNIMPLEMENTED")
table = documented_reasons(api_md)
if len(table) < 15:
    failures.append(f"API.md: found only {len(table)} rows in the error table")
for row in sorted(table - cases.keys()):
    failures.append(f"API.md lists {row} but no call here produces it: add one")
for row in sorted(cases.keys() - table):
    failures.append(f"the server sends {row}, which API.md's error table lacks")
for (want, want_domain), call in [((k, None), c) for k, c in cases.items()] + extra:
    code, reason, domain = observed(call)
    print(f"{want[0]:20} {want[1]:26} -> {code} {reason} ({domain})")
    if (code, reason) != want:
        failures.append(f"{want}: the server answered {code} {reason or '(no reason)'}")
    elif domain not in ("catalog.longtake.dev", "watchlist.longtake.dev"):
        failures.append(f"{want}: ErrorInfo domain {domain!r}")
    elif want_domain is not None and domain != want_domain:
        failures.append(f"{want}: ErrorInfo domain {domain!r}, not {want_domain!r}")
for f in failures:
    print("FAIL:", f, file=sys.stderr)
sys.exit(1 if failures else 0)
