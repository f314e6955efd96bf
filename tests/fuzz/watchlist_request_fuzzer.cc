// Fuzzes the watchlist's requests as the server receives them: the input's
// first byte picks a request message, the rest is parsed as that message,
// and the request goes the adapter's way (watchlist_service_impl.cc): the
// proto -> domain conversion (proto_conversion.h), then the Watchlist
// method, over an in-memory SQLite store holding the offers seed and a few
// items of users/alice, with a pinned clock. Writes run with validate_only,
// so every check runs but the store stays as seeded and each input replays
// alone (ReorderItems has no validate_only: it only reorders alice's list).
// The catalogue behind the domain is a directory that knows every
// "films/{id}" except ids starting "missing", so both answers are reached.
// A List answer with a next page is asked for again with its token.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/well_known_types.h"
#include "common/status/errors.h"
#include "longtake/watchlist/v1/watchlist_service.pb.h"
#include "tests/fuzz/fuzz_support.h"
#include "watchlist_service/domain/watchlist.h"
#include "watchlist_service/domain/watchlist_validation.h"
#include "watchlist_service/grpc/proto_conversion.h"
#include "watchlist_service/store/sqlite_watchlist_store.h"

namespace longtake::watchlist {
namespace {

namespace v1 = ::longtake::watchlist::v1;

// Every "films/{id}" is a film, titled by its id, except ids that start
// with "missing".
class AnyFilmDirectory : public FilmDirectory {
 public:
  absl::StatusOr<std::vector<FilmSummaryWithName>> BatchGetFilms(
      const std::vector<std::string>& names) override {
    std::vector<FilmSummaryWithName> films;
    for (const std::string& name : names) {
      if (!absl::StartsWith(name, "films/") ||
          absl::StartsWith(name, "films/missing")) {
        return NotFound(name);
      }
      films.push_back({name, FilmSummary{name.substr(6), 1957}});
    }
    return films;
  }
};

Watchlist* TheWatchlist() {
  static Watchlist* watchlist = [] {
    static AnyFilmDirectory directory;
    auto store = OpenSqliteWatchlistStore(":memory:");
    if (!store.ok()) std::abort();
    WatchlistOptions options;
    options.clock = [] { return absl::FromUnixSeconds(1767225600); };
    auto opened = Watchlist::Open(*std::move(store), &directory, options);
    if (!opened.ok()) std::abort();
    Watchlist* w = opened->release();
    if (!w->LoadSeedIfEmpty(
              absl::StrCat(LONGTAKE_SOURCE_DIR, "/data/seed/offers.json"))
             .ok()) {
      std::abort();
    }
    for (const char* film : {"films/the-cranes-are-flying", "films/i-am-cuba",
                             "films/letter-never-sent"}) {
      WatchlistItem item;
      item.film = film;
      item.note = "seeded";
      if (!w->CreateItem("users/alice", item).ok()) std::abort();
    }
    if (!w->MarkWatched("users/alice/watchlist/items/i-am-cuba").ok()) {
      std::abort();
    }
    return w;
  }();
  return watchlist;
}

template <typename Request>
WriteOptions Write(const Request& request) {
  return fuzz::ValidateOnlyOptions<WriteOptions>(request, "alice");
}

// The adapter's Respond: a value converted into the response.
template <typename T, typename Response>
void Respond(const absl::StatusOr<T>& result, Response* response) {
  if (result.ok()) ToProto(*result, response);
}

// A List method: `list` called with `query`, then with the page token it
// gave, each page converted into a `Response`.
template <typename Response, typename Query, typename List>
void ListPages(Query query, List list) {
  fuzz::ListTwice(query, [&](const Query& q) {
    auto page = list(q);
    Response out;
    Respond(page, &out);
    return page;
  });
}

void GetProvider(Watchlist& w, const v1::GetProviderRequest& r) {
  v1::Provider out;
  Respond(w.GetProvider(r.name()), &out);
}

void ListProviders(Watchlist& w, const v1::ListProvidersRequest& r) {
  ListPages<v1::ListProvidersResponse>(
      fuzz::PageQuery{r.page_size(), r.page_token()},
      [&](const fuzz::PageQuery& q) {
        return w.ListProviders(q.page_size, q.page_token);
      });
}

void CreateProvider(Watchlist& w, const v1::CreateProviderRequest& r) {
  v1::Provider out;
  Respond(w.CreateProvider(FromProto(r.provider()), r.provider_id(), Write(r)),
          &out);
}

void UpdateProvider(Watchlist& w, const v1::UpdateProviderRequest& r) {
  v1::Provider out;
  Respond(w.UpdateProvider(FromProto(r.provider()),
                           FieldMaskFromProto(r.update_mask()), Write(r)),
          &out);
}

void DeleteProvider(Watchlist& w, const v1::DeleteProviderRequest& r) {
  (void)w.DeleteProvider(r.name(), r.etag(), Write(r));
}

void GetOffer(Watchlist& w, const v1::GetOfferRequest& r) {
  v1::Offer out;
  Respond(w.GetOffer(r.name()), &out);
}

void ListOffers(Watchlist& w, const v1::ListOffersRequest& r) {
  ListPages<v1::ListOffersResponse>(
      ListOffersQuery{r.page_size(), r.page_token(), r.filter()},
      [&](const ListOffersQuery& q) { return w.ListOffers(q); });
}

void CreateOffer(Watchlist& w, const v1::CreateOfferRequest& r) {
  auto offer = FromProto(r.offer());
  if (!offer.ok()) return;
  v1::Offer out;
  Respond(w.CreateOffer(*std::move(offer), r.offer_id(), Write(r)), &out);
}

void UpdateOffer(Watchlist& w, const v1::UpdateOfferRequest& r) {
  auto offer = FromProto(r.offer());
  if (!offer.ok()) return;
  v1::Offer out;
  Respond(w.UpdateOffer(*std::move(offer), FieldMaskFromProto(r.update_mask()),
                        Write(r)),
          &out);
}

void DeleteOffer(Watchlist& w, const v1::DeleteOfferRequest& r) {
  (void)w.DeleteOffer(r.name(), r.etag(), Write(r));
}

void WhereToWatch(Watchlist& w, const v1::WhereToWatchRequest& r) {
  WhereToWatchQuery q{r.film(),
                      r.region(),
                      {r.subscriptions().begin(), r.subscriptions().end()}};
  v1::WhereToWatchResponse out;
  Respond(w.WhereToWatch(q), &out);
}

void CreateItem(Watchlist& w, const v1::CreateWatchlistItemRequest& r) {
  v1::WatchlistItem out;
  Respond(w.CreateItem(r.parent(), FromProto(r.item()), Write(r)), &out);
}

void GetItem(Watchlist& w, const v1::GetWatchlistItemRequest& r) {
  v1::WatchlistItem out;
  Respond(w.GetItem(r.name()), &out);
}

void ListItems(Watchlist& w, const v1::ListWatchlistItemsRequest& r) {
  ListItemsQuery q{
      r.parent(),     r.page_size(),
      r.page_token(), r.filter(),
      r.region(),     {r.subscriptions().begin(), r.subscriptions().end()}};
  ListPages<v1::ListWatchlistItemsResponse>(
      q, [&](const ListItemsQuery& q) { return w.ListItems(q); });
}

void UpdateItem(Watchlist& w, const v1::UpdateWatchlistItemRequest& r) {
  v1::WatchlistItem out;
  Respond(w.UpdateItem(FromProto(r.item()), FieldMaskFromProto(r.update_mask()),
                       Write(r)),
          &out);
}

void DeleteItem(Watchlist& w, const v1::DeleteWatchlistItemRequest& r) {
  (void)w.DeleteItem(r.name(), Write(r));
}

void ReorderItems(Watchlist& w, const v1::ReorderWatchlistItemsRequest& r) {
  v1::ReorderWatchlistItemsResponse out;
  Respond(w.ReorderItems(r.parent(), {r.names().begin(), r.names().end()}),
          &out);
}

void MarkWatched(Watchlist& w, const v1::MarkWatchedRequest& r) {
  v1::WatchlistItem out;
  Respond(w.MarkWatched(r.name(), Write(r)), &out);
}

void ListHistory(Watchlist& w, const v1::ListHistoryRequest& r) {
  ListPages<v1::ListHistoryResponse>(
      fuzz::PageQuery{r.page_size(), r.page_token()},
      [&](const fuzz::PageQuery& q) {
        return w.ListHistory(r.parent(), q.page_size, q.page_token);
      });
}

// The checks WatchAvailability makes when the stream opens
// (availability_stream.cc), then the first batch of events it would send.
void WatchAvailability(Watchlist& w, const v1::WatchAvailabilityRequest& r) {
  if (!ParseUserParent(r.parent()).ok() || r.resume_after_event_id() < 0) {
    return;
  }
  auto regions = NormaliseRegions({r.regions().begin(), r.regions().end()});
  if (!regions.ok()) return;
  auto events =
      w.EventsAfter(r.parent(), *regions, r.resume_after_event_id(), 100);
  if (!events.ok()) return;
  for (const AvailabilityEvent& event : *events) {
    v1::AvailabilityEvent out;
    ToProto(event, &out);
  }
}

// The selector byte modulo the size picks the method. Append only: the
// order is the corpus' meaning.
const std::vector<fuzz::RequestMethod<Watchlist>>& Methods() {
  static const std::vector<fuzz::RequestMethod<Watchlist>> methods = {
      // 0
      fuzz::Method<GetProvider>({R"pb(name: "providers/mr-bongo")pb"}),
      // 1
      fuzz::Method<ListProviders>({R"pb(page_size: 1)pb"}),
      // 2
      fuzz::Method<CreateProvider>(
          {R"pb(provider_id: "new-shop"
                request_id: "r1"
                provider {
                  display_name: "New Shop"
                  kind: KIND_RETAILER
                  regions: "GB"
                  regions: "fr"
                  home_page_uri: "https://shop.example/"
                })pb"}),
      // 3
      fuzz::Method<UpdateProvider>(
          {R"pb(provider { name: "providers/mr-bongo" display_name: "Bongo" }
                update_mask { paths: "display_name" paths: "regions" })pb"}),
      // 4
      fuzz::Method<DeleteProvider>(
          {R"pb(name: "providers/mr-bongo" etag: "x")pb"}),
      // 5
      fuzz::Method<GetOffer>({R"pb(name: "offers/cranes-criterion-us")pb"}),
      // 6
      fuzz::Method<ListOffers>(
          {R"pb(filter: "region = \"US\" AND (format = \"DVD\" OR format = \"BLU_RAY\") AND monetization = \"MONETIZATION_BUY\""
                page_size: 1)pb",
           R"pb(filter: "film = \"films/i-am-cuba\" AND provider = \"providers/mr-bongo\"")pb"}),
      // 7
      fuzz::Method<CreateOffer>(
          {R"pb(offer_id: "new-offer"
                offer {
                  film: "films/i-am-cuba"
                  provider: "providers/mr-bongo"
                  monetization: MONETIZATION_BUY
                  format: FORMAT_BLU_RAY
                  quality: 2
                  region: "GB"
                  price { currency_code: "GBP" units: 12 nanos: 990000000 }
                  deep_link_uri: "https://shop.example/cuba"
                  edition: "Special"
                  extras: "booklet"
                  available_from { seconds: 1700000000 }
                  available_until { seconds: 1800000000 }
                })pb",
           R"pb(offer {
                  film: "films/missing-film"
                  provider: "providers/mr-bongo"
                  monetization: MONETIZATION_RENT
                  region: "GB"
                  available_until { seconds: 4611686018427387904 nanos: -1 }
                })pb"}),
      // 8
      fuzz::Method<UpdateOffer>(
          {R"pb(offer {
                  name: "offers/cranes-criterion-us"
                  edition: "New"
                  price { currency_code: "USD" units: -1 }
                }
                update_mask { paths: "edition" paths: "price" })pb"}),
      // 9
      fuzz::Method<DeleteOffer>({R"pb(name: "offers/cranes-criterion-us")pb"}),
      // 10
      fuzz::Method<WhereToWatch>(
          {R"pb(film: "films/the-cranes-are-flying"
                region: "us"
                subscriptions: "providers/criterion-channel")pb"}),
      // 11
      fuzz::Method<CreateItem>(
          {R"pb(parent: "users/alice"
                item { film: "films/some-other-film" note: "to see" })pb"}),
      // 12
      fuzz::Method<GetItem>(
          {R"pb(name: "users/alice/watchlist/items/the-cranes-are-flying")pb"}),
      // 13
      fuzz::Method<ListItems>(
          {R"pb(parent: "users/alice"
                page_size: 1
                filter: "watchable_now = true"
                region: "US"
                subscriptions: "providers/criterion-channel")pb",
           R"pb(parent: "users/alice" page_size: 1)pb"}),
      // 14
      fuzz::Method<UpdateItem>(
          {R"pb(item {
                  name: "users/alice/watchlist/items/letter-never-sent"
                  note: "later"
                  rank: 3
                }
                update_mask { paths: "note" })pb"}),
      // 15
      fuzz::Method<DeleteItem>(
          {R"pb(name: "users/alice/watchlist/items/letter-never-sent")pb"}),
      // 16
      fuzz::Method<ReorderItems>(
          {R"pb(parent: "users/alice"
                names: "users/alice/watchlist/items/letter-never-sent"
                names: "users/alice/watchlist/items/the-cranes-are-flying")pb"}),
      // 17
      fuzz::Method<MarkWatched>(
          {R"pb(name: "users/alice/watchlist/items/the-cranes-are-flying")pb"}),
      // 18
      fuzz::Method<ListHistory>({R"pb(parent: "users/alice" page_size: 1)pb"}),
      // 19
      fuzz::Method<WatchAvailability>({R"pb(parent: "users/alice"
                                            regions: "GB"
                                            regions: "us"
                                            resume_after_event_id: 0)pb"}),
  };
  return methods;
}

}  // namespace
}  // namespace longtake::watchlist

LONGTAKE_REQUEST_FUZZER(longtake::watchlist::Methods(),
                        *longtake::watchlist::TheWatchlist())
