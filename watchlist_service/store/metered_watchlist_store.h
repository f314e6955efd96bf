#pragma once

// A WatchlistStore that counts the failures of the store it wraps
// (longtake_store_errors_total, common/metrics/store_errors.h) and otherwise
// passes every call through.
//
//   auto store = OpenWatchlistStore(url);
//   auto metered = std::make_unique<MeteredWatchlistStore>(*std::move(store),
//                                                          registry);

#include <memory>

#include "common/metrics/store_errors.h"
#include "watchlist_service/domain/watchlist_store.h"

namespace longtake::watchlist {

class MeteredWatchlistStore : public WatchlistStore {
 public:
  MeteredWatchlistStore(std::unique_ptr<WatchlistStore> inner,
                        metrics::Registry& registry)
      : inner_(std::move(inner)), errors_(registry) {}

  absl::StatusOr<CommitResult> Commit(const WriteBatch& batch) override {
    return errors_.Check("Commit", inner_->Commit(batch));
  }
  absl::StatusOr<std::optional<Provider>> GetProvider(
      const std::string& name) override {
    return errors_.Check("GetProvider", inner_->GetProvider(name));
  }
  absl::StatusOr<std::vector<Provider>> ListProviders(
      const std::string& after_name, int limit) override {
    return errors_.Check("ListProviders",
                         inner_->ListProviders(after_name, limit));
  }
  absl::StatusOr<int64_t> CountProviders() override {
    return errors_.Check("CountProviders", inner_->CountProviders());
  }
  absl::StatusOr<std::optional<Offer>> GetOffer(
      const std::string& name) override {
    return errors_.Check("GetOffer", inner_->GetOffer(name));
  }
  absl::StatusOr<std::vector<Offer>> ListOffers(const OfferFilter& filter,
                                                const std::string& after_name,
                                                int limit) override {
    return errors_.Check("ListOffers",
                         inner_->ListOffers(filter, after_name, limit));
  }
  absl::StatusOr<std::optional<WatchlistItem>> GetItem(
      const std::string& name) override {
    return errors_.Check("GetItem", inner_->GetItem(name));
  }
  absl::StatusOr<std::optional<WatchlistItem>> FindUnwatchedItem(
      const std::string& user, const std::string& film) override {
    return errors_.Check("FindUnwatchedItem",
                         inner_->FindUnwatchedItem(user, film));
  }
  absl::StatusOr<std::vector<WatchlistItem>> ListItems(const std::string& user,
                                                       bool watched,
                                                       int64_t offset,
                                                       int limit) override {
    return errors_.Check("ListItems",
                         inner_->ListItems(user, watched, offset, limit));
  }
  absl::StatusOr<int64_t> MaxRank(const std::string& user) override {
    return errors_.Check("MaxRank", inner_->MaxRank(user));
  }
  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& method, const std::string& request_id) override {
    return errors_.Check("GetRequest", inner_->GetRequest(method, request_id));
  }
  absl::StatusOr<std::vector<AvailabilityEvent>> ListEvents(
      int64_t after_id, const EventFilter& filter, int limit) override {
    return errors_.Check("ListEvents",
                         inner_->ListEvents(after_id, filter, limit));
  }
  absl::StatusOr<int64_t> LastEventId() override {
    return errors_.Check("LastEventId", inner_->LastEventId());
  }
  absl::StatusOr<bool> HasLeavingSoonMark(
      const LeavingSoonMark& mark) override {
    return errors_.Check("HasLeavingSoonMark",
                         inner_->HasLeavingSoonMark(mark));
  }
  // A lost notification connection is logged and polled around, not counted.
  bool NotifiesCommits() const override { return inner_->NotifiesCommits(); }
  absl::StatusOr<bool> WaitForCommit(absl::Duration timeout) override {
    return inner_->WaitForCommit(timeout);
  }

 private:
  std::unique_ptr<WatchlistStore> inner_;
  metrics::StoreErrorCounter errors_;
};

}  // namespace longtake::watchlist
