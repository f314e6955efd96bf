#!/usr/bin/python3
"""A longtake client in Python, on stubs from scripts/gen-stubs.sh.

    scripts/gen-stubs.sh gen
    TOKEN=$(build/bin/longtake token --user alice --token-secret S)
    /usr/bin/python3 clients/python/longtake_example.py --stubs gen/python \
        --catalog 127.0.0.1:50051 --watchlist 127.0.0.1:50052 --token "$TOKEN"

Searches the catalogue, lists a film's sequences, adds a film to alice's
watchlist, lists the watchlist with GB offers, then follows availability
events for GB. Events are sent only as they happen (resume_after_event_id 0),
so with --curator-token the example also creates an offer once the stream is
open, to have one to show. It stops after --max-events or --stream-timeout.

Needs Debian's python3-grpcio and python3-protobuf (use /usr/bin/python3).
Addresses also come from LONGTAKE_ADDR / LONGTAKE_WATCHLIST_ADDR, tokens from
LONGTAKE_TOKEN / LONGTAKE_CURATOR_TOKEN.
"""
import argparse
import os
import sys
import threading
import uuid


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--stubs", help="directory with the generated Python stubs (gen/python)")
    p.add_argument("--catalog", default=os.environ.get("LONGTAKE_ADDR", "127.0.0.1:50051"))
    p.add_argument("--watchlist",
                   default=os.environ.get("LONGTAKE_WATCHLIST_ADDR", "127.0.0.1:50052"))
    p.add_argument("--token", default=os.environ.get("LONGTAKE_TOKEN", ""),
                   help="alice's bearer token (longtake token --user alice)")
    p.add_argument("--curator-token", default=os.environ.get("LONGTAKE_CURATOR_TOKEN", ""),
                   help="optional: a curator token, to create an offer while watching")
    p.add_argument("--user", default="alice")
    p.add_argument("--region", default="GB")
    p.add_argument("--max-events", type=int, default=1)
    p.add_argument("--stream-timeout", type=float, default=10.0, help="seconds")
    return p.parse_args()


args = parse_args()
if args.stubs:
    sys.path.insert(0, os.path.abspath(args.stubs))

import grpc  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from longtake.catalog.v1 import catalog_service_pb2 as catalog  # noqa: E402
from longtake.catalog.v1 import catalog_service_pb2_grpc as catalog_grpc  # noqa: E402
from longtake.watchlist.v1 import resources_pb2 as wl_resources  # noqa: E402
from longtake.watchlist.v1 import watchlist_service_pb2 as watchlist  # noqa: E402
from longtake.watchlist.v1 import watchlist_service_pb2_grpc as watchlist_grpc  # noqa: E402

DEADLINE = 5.0  # seconds per unary call


def describe_error(err):
    """The status code, message and AIP-193 ErrorInfo reason of a failed call."""
    text = f"{err.code().name}: {err.details()}"
    for key, value in err.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    text += f" (reason {info.reason}, domain {info.domain})"
    return text


def money(m):
    return f"{m.currency_code} {m.units + m.nanos / 1e9:.2f}" if m.currency_code else ""


def main():
    if not args.token:
        sys.exit("longtake_example: --token or LONGTAKE_TOKEN is required")
    auth = [("authorization", f"Bearer {args.token}")]
    parent = f"users/{args.user}"

    with grpc.insecure_channel(args.catalog) as cat_channel, \
            grpc.insecure_channel(args.watchlist) as wl_channel:
        cat = catalog_grpc.CatalogServiceStub(cat_channel)
        wl = watchlist_grpc.WatchlistServiceStub(wl_channel)

        # (a) Typo-tolerant search: "Kalatazov" finds Kalatozov's films.
        print('== search "Kalatazov"')
        found = cat.SearchFilms(catalog.SearchFilmsRequest(query="Kalatazov"), timeout=DEADLINE)
        for r in found.results:
            print(f"film: {r.film.name} | {r.film.title} | {r.film.year} "
                  f"| matched {','.join(r.matched_fields)}")

        # (b) A film's celebrated sequences, in film order.
        print("== sequences of films/the-cranes-are-flying")
        seqs = cat.ListSequences(
            catalog.ListSequencesRequest(parent="films/the-cranes-are-flying"), timeout=DEADLINE)
        for s in seqs.sequences:
            print(f"sequence {s.film_order}: {s.title}")

        # (c) Add a film to the user's watchlist (idempotent).
        print("== add films/i-am-cuba")
        item = wl.CreateWatchlistItem(
            watchlist.CreateWatchlistItemRequest(
                parent=parent, item=wl_resources.WatchlistItem(film="films/i-am-cuba"),
                request_id=str(uuid.uuid4())),
            metadata=auth, timeout=DEADLINE)
        print(f"added: {item.name} {item.film}")

        # (d) The watchlist with titles and the best offer in the region.
        print(f"== watchlist of {parent}, region {args.region}")
        items = wl.ListWatchlistItems(
            watchlist.ListWatchlistItemsRequest(parent=parent, region=args.region),
            metadata=auth, timeout=DEADLINE)
        for i in items.items:
            offer = i.best_offer
            best = (f"{offer.provider} {wl_resources.Monetization.Name(offer.monetization)} "
                    f"{money(offer.price)}" if offer.name else "no offer")
            print(f"item: {i.film} | {i.film_summary.title} | {i.film_summary.year} | best {best}")

        # (e) Availability events, bounded by count and time.
        print(f"== availability events, region {args.region}")
        stream = wl.WatchAvailability(
            watchlist.WatchAvailabilityRequest(parent=parent, regions=[args.region],
                                               resume_after_event_id=0),
            metadata=auth, timeout=args.stream_timeout)
        # The server sends its headers once it is subscribed: from then on no
        # new event can be missed.
        stream.initial_metadata()
        if args.curator_token:
            offer = wl.CreateOffer(
                watchlist.CreateOfferRequest(
                    offer=wl_resources.Offer(
                        film="films/i-am-cuba", provider="providers/mr-bongo",
                        monetization=wl_resources.MONETIZATION_RENT,
                        format=wl_resources.FORMAT_STREAMING, quality=wl_resources.QUALITY_HD,
                        region=args.region, deep_link_uri="https://mrbongo.com/i-am-cuba-rent",
                        price={"currency_code": "GBP", "units": 3, "nanos": 490000000}),
                    request_id=str(uuid.uuid4())),
                metadata=[("authorization", f"Bearer {args.curator_token}")], timeout=DEADLINE)
            print(f"created offer {offer.name}")
        seen = 0
        try:
            for response in stream:
                e = response.event
                print(f"event {e.event_id}: {wl_resources.AvailabilityEvent.Kind.Name(e.kind)} "
                      f"{e.film} {e.offer.provider} {e.offer.region} {money(e.offer.price)}")
                seen += 1
                if seen >= args.max_events:
                    stream.cancel()
                    break
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
                raise
        print(f"events seen: {seen}")


if __name__ == "__main__":
    try:
        main()
    except grpc.RpcError as err:
        sys.exit(f"longtake_example: {describe_error(err)}")
