// Opening a Watchlist and the helpers every write shares: the clock, ids,
// commit-and-publish and request ids. The methods themselves are in
// offers.cc, items.cc, events.cc and seed_loader.cc.

#include "watchlist_service/domain/watchlist.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/domain/field_limits.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/event_hub.h"
#include "watchlist_service/domain/watchlist_store.h"

namespace longtake::watchlist {

absl::StatusOr<FilmSummaryWithName> FilmDirectory::GetFilm(
    const std::string& name) {
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<FilmSummaryWithName> films,
                            BatchGetFilms({name}));
  if (films.empty()) return NotFound(name);
  return std::move(films.front());
}

absl::StatusOr<std::unique_ptr<Watchlist>> Watchlist::Open(
    std::unique_ptr<WatchlistStore> store, FilmDirectory* directory,
    WatchlistOptions options) {
  if (store == nullptr || directory == nullptr) {
    return absl::InvalidArgumentError(
        "Watchlist::Open needs a store and a film directory");
  }
  LONGTAKE_ASSIGN_OR_RETURN(int64_t last_id, store->LastEventId());
  return std::unique_ptr<Watchlist>(
      new Watchlist(std::move(store), directory, std::move(options), last_id));
}

Watchlist::Watchlist(std::unique_ptr<WatchlistStore> store,
                     FilmDirectory* directory, WatchlistOptions options,
                     int64_t last_event_id)
    : store_(std::move(store)),
      directory_(directory),
      options_(std::move(options)),
      hub_(std::make_shared<EventHub>(last_event_id)),
      rng_(std::random_device{}()) {}

Watchlist::~Watchlist() = default;

absl::Time Watchlist::Now() const {
  return options_.clock ? options_.clock() : absl::Now();
}

std::string Watchlist::RandomHex(int digits) {
  absl::MutexLock lock(&rng_mu_);
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < digits; ++i) out.push_back(kHex[rng_() % 16]);
  return out;
}

absl::Status Watchlist::CommitAndPublish(WriteBatch& batch) {
  LONGTAKE_ASSIGN_OR_RETURN(CommitResult result, store_->Commit(batch));
  if (!batch.append_events.empty()) {
    for (size_t i = 0;
         i < batch.append_events.size() && i < result.event_ids.size(); ++i) {
      batch.append_events[i].event_id = result.event_ids[i];
    }
    hub_->PublishLocal(batch.append_events);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<RequestRecord>> Watchlist::PriorRequest(
    absl::string_view method, const WriteOptions& options) {
  LONGTAKE_RETURN_IF_ERROR(CheckRequestId(options.request_id));
  if (options.request_id.empty()) return std::optional<RequestRecord>();
  LONGTAKE_ASSIGN_OR_RETURN(
      std::optional<RequestRecord> prior,
      store_->GetRequest(std::string(method),
                         ScopedRequestId(options.caller, options.request_id)));
  if (prior.has_value()) {
    LONGTAKE_RETURN_IF_ERROR(CheckReplay(*prior, method, options.request_hash));
  }
  return prior;
}

std::optional<RequestRecord> Watchlist::NewRequest(
    absl::string_view method, const WriteOptions& options,
    const std::string& resource) {
  if (options.request_id.empty()) return std::nullopt;
  return RequestRecord{ScopedRequestId(options.caller, options.request_id),
                       std::string(method), resource, "", options.request_hash};
}

absl::Status Watchlist::RetryAsRequest(absl::Status status,
                                       absl::string_view method,
                                       const WriteOptions& options) {
  if (status.code() != absl::StatusCode::kAlreadyExists ||
      options.request_id.empty()) {
    return status;
  }
  auto prior = PriorRequest(method, options);
  if (prior.ok() && prior->has_value()) return absl::OkStatus();
  return status;
}

absl::Status Watchlist::CommitRequest(WriteBatch& batch,
                                      absl::string_view method,
                                      const WriteOptions& options,
                                      const std::string& resource) {
  batch.request = NewRequest(method, options, resource);
  return RetryAsRequest(CommitAndPublish(batch), method, options);
}

absl::StatusOr<ProviderNames> Watchlist::AllProviderNames() {
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<Provider> providers,
                            store_->ListProviders("", 0));
  ProviderNames names;
  for (const Provider& p : providers) names[p.name] = p.display_name;
  return names;
}

}  // namespace longtake::watchlist
