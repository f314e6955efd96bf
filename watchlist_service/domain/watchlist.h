#pragma once

// The watchlist service's domain logic, with no gRPC in sight: providers and
// offers (curated), where-to-watch ranking, users' watchlists and history,
// and availability events (stored, resumable, published live).
//
//   // OpenWatchlistStore: watchlist_service/store/open_watchlist_store.h
//   LONGTAKE_ASSIGN_OR_RETURN(auto store,
//   OpenWatchlistStore("sqlite:///var/lib/w.db"));
//   LONGTAKE_ASSIGN_OR_RETURN(auto watchlist,
//       Watchlist::Open(std::move(store), &film_directory,
//       WatchlistOptions{}));
//   LONGTAKE_RETURN_IF_ERROR(watchlist->LoadSeedIfEmpty("data/seed/offers.json"));
//   auto where = watchlist->WhereToWatch({"films/i-am-cuba", "GB", {}});
//
// Every read goes to the store (several replicas may share one store later),
// and every write commits before returning, with its request_id and its
// availability events in the same transaction.
//
// Thread-safety: all methods may be called concurrently. They block on the
// store and, for watchlist items, on the FilmDirectory, so gRPC callback
// handlers run them on a WorkQueue.
//
// Authorisation is not the domain's job: the adapter checks that the caller
// owns "users/{user}" (and is a curator for provider/offer writes).
//
// Errors (AIP-193, via common/status/errors.h): INVALID_ARGUMENT naming the
// field ("offer.region", "parent", "page_size", "update_mask"); NOT_FOUND
// naming the resource; ABORTED/ETAG_MISMATCH; FAILED_PRECONDITION with reason
// PROVIDER_HAS_OFFERS; UNAVAILABLE/CATALOG_UNAVAILABLE from the directory
// (reasons in watchlist_errors.h).
//
// The methods live by topic: offers.cc (providers, offers, where to watch),
// items.cc (watchlist items and history), events.cc (availability events),
// seed_loader.cc (LoadSeedIfEmpty), watchlist.cc (opening, shared helpers).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/domain/field_mask.h"
#include "common/domain/request_record.h"
#include "watchlist_service/domain/model.h"
#include "watchlist_service/domain/offer_ranking.h"

namespace longtake::watchlist {

// watchlist_service/domain/watchlist_store.h
class WatchlistStore;
struct WriteBatch;
// watchlist_service/domain/event_hub.h
class EventHub;

// Looks films up in the catalogue. Implemented by the adapter layer with a
// gRPC catalogue client (with its own deadline), by a fake in unit tests.
class FilmDirectory {
 public:
  virtual ~FilmDirectory() = default;
  // ONE call for many films, answered in the order asked. NOT_FOUND naming
  // the film (NotFound("films/x")) when any is missing; UNAVAILABLE (or
  // DEADLINE_EXCEEDED) with a message saying the catalogue could not be
  // reached. Called with at most 100 names.
  virtual absl::StatusOr<std::vector<FilmSummaryWithName>> BatchGetFilms(
      const std::vector<std::string>& names) = 0;
  // Defaults to BatchGetFilms({name}).
  virtual absl::StatusOr<FilmSummaryWithName> GetFilm(const std::string& name);
};

struct WatchlistOptions {
  // LEAVING_SOON is emitted when available_until is within this of now.
  absl::Duration leaving_soon_window = absl::Hours(168);
  // Time source (tests pin it); absl::Now when empty.
  std::function<absl::Time()> clock;
};

// Options shared by every write.
struct WriteOptions {
  // Idempotency key (AIP-155), may be empty. Stored with the write, so a
  // retry after a restart still returns the first result.
  std::string request_id;
  // Validate and answer as if written, without writing.
  bool validate_only = false;
  // Whose request id it is (the token's subject): records are per caller.
  std::string caller{};
  // Fingerprint of the request (common/grpc/request_fingerprint.h), so a
  // request id reused for a different request is refused.
  std::string request_hash{};
};

// Update masks (longtake::FieldMask, common/domain/field_mask.h) are field
// paths in proto naming ("display_name", "price", "note"); {"*"} replaces
// every updatable field. An empty mask is INVALID_ARGUMENT naming
// update_mask.

struct ProviderPage {
  std::vector<Provider> providers;
  std::string next_page_token;
};

struct ListOffersQuery {
  int page_size = 0;  // 0: default 50; max 1000
  std::string page_token;
  // `film = "films/i-am-cuba"`, `region = "GB"`, joined with AND; "" for all.
  std::string filter;
};
struct OfferPage {
  std::vector<Offer> offers;
  std::string next_page_token;
};

struct WhereToWatchQuery {
  std::string film;    // "films/{film}"
  std::string region;  // ISO 3166-1 alpha-2 (lower case accepted)
  std::vector<std::string> subscriptions;  // "providers/{provider}"
};

struct ListItemsQuery {
  std::string parent;  // "users/{user}"
  int page_size = 0;   // 0: default 50; max 100
  std::string page_token;
  // "" or `watchable_now = true`: keeps items with an offer the user can
  // act on now (available_to_user) in `region` (then required).
  std::string filter;
  // When set, each item gets best_offer: its top-ranked offer available to
  // the user now in this region.
  std::string region;
  std::vector<std::string> subscriptions;  // "providers/{provider}"
};
struct ItemPage {
  std::vector<WatchlistItem> items;
  std::string next_page_token;
};

// Live delivery of availability events. Destroying the handle unsubscribes
// (safe even after the Watchlist is gone). Callbacks run on the writing (or
// polling) thread after the commit, without internal locks held; they must
// be quick and must not block (hand off to a reactor/queue). Once the
// handle's destructor returns, its callback is not running and never runs
// again; so do not destroy a handle from inside its own callback.
class EventSubscription {
 public:
  virtual ~EventSubscription() = default;
};
using EventCallback = std::function<void(const AvailabilityEvent&)>;

class Watchlist {
 public:
  // `directory` must outlive the Watchlist. Runs no I/O beyond reading the
  // last event id (the starting point for PollNewEvents).
  static absl::StatusOr<std::unique_ptr<Watchlist>> Open(
      std::unique_ptr<WatchlistStore> store, FilmDirectory* directory,
      WatchlistOptions options = {});
  ~Watchlist();

  // Loads providers and offers from a seed file (see data/README.md) when
  // the store holds no providers. Events are written for seeded offers.
  absl::Status LoadSeedIfEmpty(const std::string& seed_path);

  // ---- Providers (writes: curators) ----
  absl::StatusOr<Provider> GetProvider(const std::string& name);
  // Ordered by name. page_size 0: 50; max 1000.
  absl::StatusOr<ProviderPage> ListProviders(int page_size,
                                             const std::string& page_token);
  // provider_id: [a-z][a-z0-9-]{0,62}, required. ALREADY_EXISTS when taken.
  absl::StatusOr<Provider> CreateProvider(Provider provider,
                                          const std::string& provider_id,
                                          const WriteOptions& options = {});
  // Mask paths: display_name, kind, regions, home_page_uri. A non-empty
  // provider.etag must match.
  absl::StatusOr<Provider> UpdateProvider(Provider provider,
                                          const FieldMask& update_mask,
                                          const WriteOptions& options = {});
  // FAILED_PRECONDITION (PROVIDER_HAS_OFFERS) while offers reference it.
  absl::Status DeleteProvider(const std::string& name, const std::string& etag,
                              const WriteOptions& options = {});

  // ---- Offers (writes: curators); each write stores an event ----
  absl::StatusOr<Offer> GetOffer(const std::string& name);
  // Ordered by name.
  absl::StatusOr<OfferPage> ListOffers(const ListOffersQuery& query);
  // offer_id: [a-z0-9][a-z0-9-]{0,62}; generated when empty. Writes an
  // OFFER_AVAILABLE event. The film must be in the catalogue (NOT_FOUND
  // naming it; UNAVAILABLE CATALOG_UNAVAILABLE when it cannot be asked) and
  // the region one the provider serves.
  absl::StatusOr<Offer> CreateOffer(Offer offer, const std::string& offer_id,
                                    const WriteOptions& options = {});
  // Mask paths: film, provider, monetization, format, quality, region,
  // price, deep_link_uri, edition, extras, available_from, available_until,
  // last_verify_time. Writes PRICE_CHANGED (with the previous price) when the
  // price changed, OFFER_AVAILABLE when it was not available and now is.
  absl::StatusOr<Offer> UpdateOffer(Offer offer, const FieldMask& update_mask,
                                    const WriteOptions& options = {});
  // Writes OFFER_REMOVED with the offer as it was.
  absl::Status DeleteOffer(const std::string& name, const std::string& etag,
                           const WriteOptions& options = {});

  // Ranked per WhereToWatchResponse in the proto: subscription they have,
  // free, ads, rent, buy (cheapest first within each), then subscriptions
  // they don't have (available_to_user=false). Only offers available now.
  // Does not call the catalogue.
  absl::StatusOr<WhereToWatchResult> WhereToWatch(
      const WhereToWatchQuery& query);

  // ---- Watchlist items ("users/{user}/watchlist/items/{item}") ----
  // item.film must exist in the catalogue (NOT_FOUND naming the film;
  // UNAVAILABLE with reason CATALOG_UNAVAILABLE when it can't be asked).
  // item.note is kept. A film already on the list (not watched) returns the
  // existing item. Returned enriched from the directory's answer.
  absl::StatusOr<WatchlistItem> CreateItem(const std::string& parent,
                                           WatchlistItem item,
                                           const WriteOptions& options = {});
  // Enriched (one directory call); enriched=false when it fails. Also finds
  // watched items (history).
  absl::StatusOr<WatchlistItem> GetItem(const std::string& name);
  // Unwatched items by rank, then name; one BatchGetFilms call per page;
  // enriched=false on every item of the page when the directory fails.
  absl::StatusOr<ItemPage> ListItems(const ListItemsQuery& query);
  // Mask paths: note, rank. A non-empty item.etag must match.
  absl::StatusOr<WatchlistItem> UpdateItem(WatchlistItem item,
                                           const FieldMask& update_mask,
                                           const WriteOptions& options = {});
  absl::Status DeleteItem(const std::string& name,
                          const WriteOptions& options = {});
  // `names` (items of `parent`, not watched, no duplicates) take ranks 1..n
  // in that order; the others follow in their previous order. Returns the
  // whole list in its new order (not enriched).
  absl::StatusOr<std::vector<WatchlistItem>> ReorderItems(
      const std::string& parent, const std::vector<std::string>& names);
  // Sets watch_time (now): the item leaves the list for the history.
  // Marking a watched item again returns it unchanged.
  absl::StatusOr<WatchlistItem> MarkWatched(const std::string& name,
                                            const WriteOptions& options = {});
  // Watched items, most recent first. page_size 0: 50; max 100. Enriched.
  absl::StatusOr<ItemPage> ListHistory(const std::string& parent, int page_size,
                                       const std::string& page_token);

  // ---- Availability events ----
  // Emits (stores and publishes) LEAVING_SOON once per offer (and
  // available_until value) whose available_until is in [now, now + window).
  // Returns how many were emitted. Call it periodically.
  absl::StatusOr<int> ScanLeavingSoon(absl::Time now);
  // Stored events with id > after_id for films on `user`'s watchlist (not
  // watched) in `regions` (empty: all), oldest first, at most `limit`
  // (<= 0: 1000). `user` is "users/{user}"; events come back with user set.
  absl::StatusOr<std::vector<AvailabilityEvent>> EventsAfter(
      const std::string& user, const std::vector<std::string>& regions,
      int64_t after_id, int limit);
  // Whether a published event concerns `user` ("users/{user}"): its film is
  // on their list (not watched) and its region in `regions` (empty: all).
  // Reads the store.
  absl::StatusOr<bool> EventConcernsUser(
      const AvailabilityEvent& event, const std::string& user,
      const std::vector<std::string>& regions);
  // Every new event, after commit: local writes publish at once; events
  // written by other replicas arrive through PollNewEvents.
  std::unique_ptr<EventSubscription> Subscribe(EventCallback callback);
  // Reads stored events newer than the last one seen and publishes those not
  // already published here. Returns how many were published. Call it
  // periodically (e.g. every second) when replicas share a store.
  absl::StatusOr<int> PollNewEvents();
  // Whether WaitForStoreCommit is told of other replicas' commits
  // (PostgreSQL); otherwise PollNewEvents runs only periodically.
  bool store_notifies_commits() const;
  // Blocks until the store may have committed events or `timeout` passes
  // (StoreCommits::WaitForCommit); true when woken. Then call PollNewEvents.
  absl::StatusOr<bool> WaitForStoreCommit(absl::Duration timeout);
  // The highest event id this instance has seen (0 for none).
  int64_t last_event_id() const;

 private:
  Watchlist(std::unique_ptr<WatchlistStore> store, FilmDirectory* directory,
            WatchlistOptions options, int64_t last_event_id);

  // Shared by the writes (watchlist.cc).
  absl::Time Now() const;
  std::string RandomHex(int digits);
  // Commits, then publishes the batch's events (with their ids).
  absl::Status CommitAndPublish(WriteBatch& batch);
  // The record of `options.request_id` for `method`, when it was used before.
  absl::StatusOr<std::optional<RequestRecord>> PriorRequest(
      absl::string_view method, const WriteOptions& options);
  std::optional<RequestRecord> NewRequest(absl::string_view method,
                                          const WriteOptions& options,
                                          const std::string& resource);
  // A commit that failed because a concurrent call with the same request id
  // won is not an error: the caller re-reads.
  absl::Status RetryAsRequest(absl::Status status, absl::string_view method,
                              const WriteOptions& options);
  // Records the request (when it has an id) in `batch`, commits and
  // publishes; losing to a concurrent call with the same request id is OK.
  absl::Status CommitRequest(WriteBatch& batch, absl::string_view method,
                             const WriteOptions& options,
                             const std::string& resource);
  absl::StatusOr<ProviderNames> AllProviderNames();

  // Offers (offers.cc): validation that needs the store (the provider
  // exists).
  // Field checks, the provider (exists, serves the region) and, with
  // check_film, the film (the catalogue has it).
  absl::Status ValidateOfferFully(Offer& offer, bool check_film);
  // CreateOffer, with or without asking the catalogue about the film (the
  // seed is loaded without: the catalogue may still be starting).
  absl::StatusOr<Offer> AddOffer(Offer offer, const std::string& offer_id,
                                 const WriteOptions& options, bool check_film);

  // Items (items.cc).
  absl::StatusOr<WatchlistItem> LoadItem(const std::string& name);
  // Fills film_summary/enriched with ONE directory call; on any failure the
  // items stay enriched=false.
  void Enrich(std::vector<WatchlistItem>& items);
  WatchlistItem Enriched(WatchlistItem item);
  // Ranked offers available now in `region`, for each film of `items`.
  absl::StatusOr<absl::flat_hash_map<std::string, std::vector<RankedOffer>>>
  RankedByFilm(const std::vector<WatchlistItem>& items,
               const std::string& region,
               const absl::flat_hash_set<std::string>& subscriptions,
               const ProviderNames& providers);
  // ListItems with `watchable_now = true`: scans the list from `offset`,
  // keeping items with an offer the user can act on now.
  absl::StatusOr<ItemPage> ListWatchableItems(
      const std::string& user, int64_t offset, int size,
      const std::string& region,
      const absl::flat_hash_set<std::string>& subscriptions,
      const ProviderNames& providers, const std::string& page_args);

  std::unique_ptr<WatchlistStore> store_;
  FilmDirectory* directory_;
  WatchlistOptions options_;
  std::shared_ptr<EventHub> hub_;
  absl::Mutex rng_mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(rng_mu_);
};

}  // namespace longtake::watchlist
