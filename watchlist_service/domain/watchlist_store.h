#pragma once

// Where the watchlist service keeps its state: providers, offers, watchlist
// items, availability events, leaving-soon marks and request ids. A small
// interface so SQLite (one process) and PostgreSQL (shared by replicas) can
// sit behind it.
//
//   // watchlist_service/store/open_watchlist_store.h
//   LONGTAKE_ASSIGN_OR_RETURN(auto store,
//   OpenWatchlistStore("sqlite:///var/lib/w.db"));
//
// Writes go through Commit(): one transaction holding resource changes, the
// events they cause, and the request id, all or nothing; it returns after
// the commit (SQLite: WAL + synchronous=NORMAL, so an acknowledged write
// survives kill -9). Implementations are thread-safe.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/domain/request_record.h"
#include "common/domain/store_commits.h"
#include "watchlist_service/domain/model.h"

namespace longtake::watchlist {

struct LeavingSoonMark {
  std::string offer;
  absl::Time available_until;
};

struct WriteBatch {
  // Optimistic checks, run first: each resource must currently have this
  // etag; "" means it must not exist. ABORTED (ETAG_MISMATCH) / ALREADY_EXISTS
  // otherwise. Names are recognised by prefix (providers/, offers/, users/).
  std::vector<std::pair<std::string, std::string>> expect_etags;
  std::vector<Provider> put_providers;  // insert or replace, by name
  std::vector<std::string> delete_providers;
  std::vector<Offer> put_offers;
  std::vector<std::string> delete_offers;
  // Insert or replace by name. At most one unwatched item per (user, film):
  // ALREADY_EXISTS otherwise.
  std::vector<WatchlistItem> put_items;
  std::vector<std::string> delete_items;
  std::vector<AvailabilityEvent> append_events;  // event_id assigned
  // ALREADY_EXISTS when a mark is already there (so replicas emit once).
  std::vector<LeavingSoonMark> leaving_soon_marks;
  // ALREADY_EXISTS when (method, request_id) is taken. `response` is not
  // kept: the watchlist re-reads the resource.
  std::optional<RequestRecord> request;
};

struct CommitResult {
  std::vector<int64_t> event_ids;  // for append_events, in order
};

// Read filters.
// An offer matches when each non-empty list holds its value (any of).
struct OfferFilter {
  std::vector<std::string> films;
  std::vector<std::string> regions;
  std::vector<std::string> providers;
  std::vector<Monetization> monetizations;
  std::vector<Format> formats;
};

struct EventFilter {
  // "{user}" (no "users/" prefix): only films on their list, not watched.
  // "": every event.
  std::string user;
  std::vector<std::string> regions;  // any of; empty: all
};

class WatchlistStore : public StoreCommits {
 public:
  virtual ~WatchlistStore() = default;

  virtual absl::StatusOr<CommitResult> Commit(const WriteBatch& batch) = 0;

  virtual absl::StatusOr<std::optional<Provider>> GetProvider(
      const std::string& name) = 0;
  // Ordered by name, names > after_name; limit <= 0: all.
  virtual absl::StatusOr<std::vector<Provider>> ListProviders(
      const std::string& after_name, int limit) = 0;
  virtual absl::StatusOr<int64_t> CountProviders() = 0;

  virtual absl::StatusOr<std::optional<Offer>> GetOffer(
      const std::string& name) = 0;
  // Ordered by name, names > after_name; limit <= 0: all.
  virtual absl::StatusOr<std::vector<Offer>> ListOffers(
      const OfferFilter& filter, const std::string& after_name, int limit) = 0;

  virtual absl::StatusOr<std::optional<WatchlistItem>> GetItem(
      const std::string& name) = 0;
  // The user's unwatched item for a film, if any. `user` without "users/".
  virtual absl::StatusOr<std::optional<WatchlistItem>> FindUnwatchedItem(
      const std::string& user, const std::string& film) = 0;
  // watched=false: the list by rank, name. watched=true: history by
  // watch_time descending, then name. limit <= 0: all.
  virtual absl::StatusOr<std::vector<WatchlistItem>> ListItems(
      const std::string& user, bool watched, int64_t offset, int limit) = 0;
  // Highest rank among the user's unwatched items (0 when none).
  virtual absl::StatusOr<int64_t> MaxRank(const std::string& user) = 0;

  // The record of a request id used before by `method` (resource set,
  // response empty).
  virtual absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& method, const std::string& request_id) = 0;

  // Events with id > after_id, oldest first, at most limit (<= 0: all).
  virtual absl::StatusOr<std::vector<AvailabilityEvent>> ListEvents(
      int64_t after_id, const EventFilter& filter, int limit) = 0;
  virtual absl::StatusOr<int64_t> LastEventId() = 0;
  virtual absl::StatusOr<bool> HasLeavingSoonMark(
      const LeavingSoonMark& mark) = 0;
};

}  // namespace longtake::watchlist
