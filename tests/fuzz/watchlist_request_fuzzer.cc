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
#include "common/grpc/request_fingerprint.h"
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
  WriteOptions options;
  options.request_id = request.request_id();
  options.validate_only = true;  // the store stays as seeded
  options.caller = "alice";
  options.request_hash = RequestFingerprint(request);
  return options;
}

// The adapter's Respond: a value converted into the response.
template <typename T, typename Response>
void Respond(const absl::StatusOr<T>& result, Response* response) {
  if (result.ok()) ToProto(*result, response);
}

// Calls `list` with `query`, then once more with the page token it gave.
template <typename Query, typename List>
void ListTwice(Query query, List list) {
  auto page = list(query);
  if (!page.ok() || page->next_page_token.empty()) return;
  query.page_token = page->next_page_token;
  (void)list(query);
}

void GetProvider(Watchlist& w, const v1::GetProviderRequest& r) {
  v1::Provider out;
  Respond(w.GetProvider(r.name()), &out);
}

void ListProviders(Watchlist& w, const v1::ListProvidersRequest& r) {
  struct Query {
    int page_size;
    std::string page_token;
  };
  ListTwice(Query{r.page_size(), r.page_token()}, [&](const Query& q) {
    auto page = w.ListProviders(q.page_size, q.page_token);
    v1::ListProvidersResponse out;
    Respond(page, &out);
    return page;
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
  ListOffersQuery q{r.page_size(), r.page_token(), r.filter()};
  ListTwice(q, [&](const ListOffersQuery& q) {
    auto page = w.ListOffers(q);
    v1::ListOffersResponse out;
    Respond(page, &out);
    return page;
  });
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
  ListTwice(q, [&](const ListItemsQuery& q) {
    auto page = w.ListItems(q);
    v1::ListWatchlistItemsResponse out;
    Respond(page, &out);
    return page;
  });
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
  struct Query {
    int page_size;
    std::string page_token;
  };
  ListTwice(Query{r.page_size(), r.page_token()}, [&](const Query& q) {
    auto page = w.ListHistory(r.parent(), q.page_size, q.page_token);
    v1::ListHistoryResponse out;
    Respond(page, &out);
    return page;
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

// One request method: its message and its handler.
struct Method {
  const google::protobuf::Message* prototype;
  void (*call)(Watchlist&, const google::protobuf::Message&);
};

template <typename Request, void (*kHandler)(Watchlist&, const Request&)>
Method M() {
  return {&Request::default_instance(),
          [](Watchlist& w, const google::protobuf::Message& m) {
            kHandler(w, static_cast<const Request&>(m));
          }};
}

// The selector byte modulo the size picks the method. Append only: the
// order is the corpus' meaning.
const std::vector<Method>& Methods() {
  static const std::vector<Method> methods = {
      M<v1::GetProviderRequest, GetProvider>(),
      M<v1::ListProvidersRequest, ListProviders>(),
      M<v1::CreateProviderRequest, CreateProvider>(),
      M<v1::UpdateProviderRequest, UpdateProvider>(),
      M<v1::DeleteProviderRequest, DeleteProvider>(),
      M<v1::GetOfferRequest, GetOffer>(),
      M<v1::ListOffersRequest, ListOffers>(),
      M<v1::CreateOfferRequest, CreateOffer>(),
      M<v1::UpdateOfferRequest, UpdateOffer>(),
      M<v1::DeleteOfferRequest, DeleteOffer>(),
      M<v1::WhereToWatchRequest, WhereToWatch>(),
      M<v1::CreateWatchlistItemRequest, CreateItem>(),
      M<v1::GetWatchlistItemRequest, GetItem>(),
      M<v1::ListWatchlistItemsRequest, ListItems>(),
      M<v1::UpdateWatchlistItemRequest, UpdateItem>(),
      M<v1::DeleteWatchlistItemRequest, DeleteItem>(),
      M<v1::ReorderWatchlistItemsRequest, ReorderItems>(),
      M<v1::MarkWatchedRequest, MarkWatched>(),
      M<v1::ListHistoryRequest, ListHistory>(),
      M<v1::WatchAvailabilityRequest, WatchAvailability>(),
  };
  return methods;
}

const google::protobuf::Message* P(uint8_t selector) {
  return Methods()[selector].prototype;
}

}  // namespace
}  // namespace longtake::watchlist

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  using longtake::watchlist::P;
  longtake::fuzz::WriteSeedsIfAsked({
      {0, P(0), R"pb(name: "providers/mr-bongo")pb"},
      {1, P(1), R"pb(page_size: 1)pb"},
      {2, P(2), R"pb(provider_id: "new-shop"
                     request_id: "r1"
                     provider {
                       display_name: "New Shop"
                       kind: KIND_RETAILER
                       regions: "GB"
                       regions: "fr"
                       home_page_uri: "https://shop.example/"
                     })pb"},
      {3, P(3),
       R"pb(provider { name: "providers/mr-bongo" display_name: "Bongo" }
            update_mask { paths: "display_name" paths: "regions" })pb"},
      {4, P(4), R"pb(name: "providers/mr-bongo" etag: "x")pb"},
      {5, P(5), R"pb(name: "offers/cranes-criterion-us")pb"},
      {6, P(6),
       R"pb(filter: "region = \"US\" AND (format = \"DVD\" OR format = \"BLU_RAY\") AND monetization = \"MONETIZATION_BUY\""
            page_size: 1)pb"},
      {6, P(6),
       R"pb(filter: "film = \"films/i-am-cuba\" AND provider = \"providers/mr-bongo\"")pb"},
      {7, P(7), R"pb(offer_id: "new-offer"
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
                     })pb"},
      {7, P(7),
       R"pb(offer {
              film: "films/missing-film"
              provider: "providers/mr-bongo"
              monetization: MONETIZATION_RENT
              region: "GB"
              available_until { seconds: 4611686018427387904 nanos: -1 }
            })pb"},
      {8, P(8), R"pb(offer {
                       name: "offers/cranes-criterion-us"
                       edition: "New"
                       price { currency_code: "USD" units: -1 }
                     }
                     update_mask { paths: "edition" paths: "price" })pb"},
      {9, P(9), R"pb(name: "offers/cranes-criterion-us")pb"},
      {10, P(10), R"pb(film: "films/the-cranes-are-flying"
                       region: "us"
                       subscriptions: "providers/criterion-channel")pb"},
      {11, P(11),
       R"pb(parent: "users/alice"
            item { film: "films/some-other-film" note: "to see" })pb"},
      {12, P(12),
       R"pb(name: "users/alice/watchlist/items/the-cranes-are-flying")pb"},
      {13, P(13), R"pb(parent: "users/alice"
                       page_size: 1
                       filter: "watchable_now = true"
                       region: "US"
                       subscriptions: "providers/criterion-channel")pb"},
      {13, P(13), R"pb(parent: "users/alice" page_size: 1)pb"},
      {14, P(14), R"pb(item {
                         name: "users/alice/watchlist/items/letter-never-sent"
                         note: "later"
                         rank: 3
                       }
                       update_mask { paths: "note" })pb"},
      {15, P(15),
       R"pb(name: "users/alice/watchlist/items/letter-never-sent")pb"},
      {16, P(16),
       R"pb(parent: "users/alice"
            names: "users/alice/watchlist/items/letter-never-sent"
            names: "users/alice/watchlist/items/the-cranes-are-flying")pb"},
      {17, P(17),
       R"pb(name: "users/alice/watchlist/items/the-cranes-are-flying")pb"},
      {18, P(18), R"pb(parent: "users/alice" page_size: 1)pb"},
      {19, P(19), R"pb(parent: "users/alice"
                       regions: "GB"
                       regions: "us"
                       resume_after_event_id: 0)pb"},
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace longtake::watchlist;
  if (size == 0) return 0;
  const Method& method = Methods()[data[0] % Methods().size()];
  std::unique_ptr<google::protobuf::Message> request(method.prototype->New());
  if (!request->ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  method.call(*TheWatchlist(), *request);
  return 0;
}
