#include "watchlist_service/domain/watchlist.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "common/log/logger.h"
#include "common/paging/page_token.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/offer_ranking.h"
#include "watchlist_service/domain/watchlist_store.h"

namespace longtake::watchlist {

absl::StatusOr<FilmSummaryWithName> FilmDirectory::GetFilm(const std::string& name) {
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<FilmSummaryWithName> films, BatchGetFilms({name}));
  if (films.empty()) return NotFound(name);
  return std::move(films.front());
}

namespace {

constexpr int kMaxDirectoryBatch = 100;

// ---- Name and value checks ----

bool IsSlugChar(char c, bool allow_underscore) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         (allow_underscore && c == '_');
}

// [a-z0-9][a-z0-9-]{0,62} (with '_' when allowed).
bool IsValidId(absl::string_view id, bool allow_underscore = false) {
  if (id.empty() || id.size() > 63) return false;
  if (!IsSlugChar(id[0], false) || id[0] == '-') return false;
  for (char c : id) {
    if (!IsSlugChar(c, allow_underscore)) return false;
  }
  return true;
}

bool HasIdPrefix(absl::string_view name, absl::string_view prefix, bool allow_underscore = false) {
  if (!absl::ConsumePrefix(&name, prefix)) return false;
  return IsValidId(name, allow_underscore);
}

bool IsFilmName(absl::string_view name) { return HasIdPrefix(name, "films/", true); }
bool IsProviderName(absl::string_view name) { return HasIdPrefix(name, "providers/"); }
bool IsOfferName(absl::string_view name) { return HasIdPrefix(name, "offers/"); }

bool IsRegion(absl::string_view r) {
  return r.size() == 2 && absl::ascii_isupper(static_cast<unsigned char>(r[0])) &&
         absl::ascii_isupper(static_cast<unsigned char>(r[1]));
}

bool IsCurrency(absl::string_view c) {
  if (c.size() != 3) return false;
  for (char ch : c) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(ch))) return false;
  }
  return true;
}

bool IsHttpUri(absl::string_view uri) {
  absl::string_view rest = uri;
  if (!absl::ConsumePrefix(&rest, "https://") && !absl::ConsumePrefix(&rest, "http://")) {
    return false;
  }
  if (rest.empty() || rest[0] == '/') return false;
  for (char c : uri) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

struct ItemName {
  std::string user;
  std::string id;
};

absl::StatusOr<ItemName> ParseItemName(absl::string_view name, absl::string_view field = "name") {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 5 || parts[0] != "users" || parts[2] != "watchlist" ||
      parts[3] != "items" || !IsValidId(parts[1], true) || !IsValidId(parts[4], true)) {
    return InvalidArgument(field, absl::StrCat("\"", name,
                                               "\" is not a watchlist item name "
                                               "(users/{user}/watchlist/items/{item})"));
  }
  return ItemName{parts[1], parts[4]};
}

absl::StatusOr<std::string> NormaliseRegion(absl::string_view region, absl::string_view field) {
  std::string upper = absl::AsciiStrToUpper(region);
  if (!IsRegion(upper)) {
    return InvalidArgument(field, absl::StrCat("\"", region,
                                               "\" is not an ISO 3166-1 alpha-2 region "
                                               "(two letters, e.g. GB)"));
  }
  return upper;
}

absl::StatusOr<absl::flat_hash_set<std::string>> ParseSubscriptions(
    const std::vector<std::string>& subscriptions, absl::string_view field) {
  absl::flat_hash_set<std::string> out;
  for (size_t i = 0; i < subscriptions.size(); ++i) {
    if (!IsProviderName(subscriptions[i])) {
      return InvalidArgument(absl::StrCat(field, "[", i, "]"),
                             absl::StrCat("\"", subscriptions[i],
                                          "\" is not a provider name (providers/{provider})"));
    }
    out.insert(subscriptions[i]);
  }
  return out;
}

bool IsDirectoryOutage(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded ||
         status.code() == absl::StatusCode::kResourceExhausted ||
         status.code() == absl::StatusCode::kCancelled;
}

bool HasPath(const FieldMask& mask, absl::string_view path) {
  for (const std::string& p : mask) {
    if (p == path || p == "*") return true;
  }
  return false;
}

absl::Status CheckMask(const FieldMask& mask, const std::vector<absl::string_view>& allowed) {
  if (mask.empty()) {
    return InvalidArgument("update_mask", absl::StrCat("must list the fields to update (",
                                                       absl::StrJoin(allowed, ", "), " or *)"));
  }
  for (const std::string& p : mask) {
    if (p == "*") continue;
    if (std::find(allowed.begin(), allowed.end(), absl::string_view(p)) == allowed.end()) {
      return InvalidArgument("update_mask",
                             absl::StrCat("\"", p, "\" cannot be updated; updatable: ",
                                          absl::StrJoin(allowed, ", ")));
    }
  }
  return absl::OkStatus();
}

std::string RequestKey(absl::string_view method, const std::string& request_id) {
  return absl::StrCat(method, ":", request_id);
}

// ---- Offer and provider validation ----

void ValidateProvider(const Provider& p, std::vector<FieldViolation>* v) {
  if (p.display_name.empty()) v->push_back({"provider.display_name", "is required"});
  for (size_t i = 0; i < p.regions.size(); ++i) {
    if (!IsRegion(p.regions[i])) {
      v->push_back({absl::StrCat("provider.regions[", i, "]"),
                    absl::StrCat("\"", p.regions[i],
                                 "\" is not an ISO 3166-1 alpha-2 region in upper case")});
    }
  }
  if (!p.home_page_uri.empty() && !IsHttpUri(p.home_page_uri)) {
    v->push_back({"provider.home_page_uri", "must be an http(s) URI"});
  }
  if (static_cast<int>(p.kind) > 3) v->push_back({"provider.kind", "unknown kind"});
}

// Normalises (drops the price of offers that have none) and validates.
void ValidateOffer(Offer& o, std::vector<FieldViolation>* v) {
  if (!IsFilmName(o.film)) {
    v->push_back({"offer.film", absl::StrCat("\"", o.film, "\" must be films/{film}")});
  }
  if (!IsProviderName(o.provider)) {
    v->push_back(
        {"offer.provider", absl::StrCat("\"", o.provider, "\" must be providers/{provider}")});
  }
  if (o.monetization == Monetization::kUnspecified || static_cast<int>(o.monetization) > 5) {
    v->push_back({"offer.monetization", "is required (subscription, rent, buy, free or ads)"});
  }
  if (static_cast<int>(o.format) > 5) v->push_back({"offer.format", "unknown format"});
  if (static_cast<int>(o.quality) > 3) v->push_back({"offer.quality", "unknown quality"});
  if (!IsRegion(o.region)) {
    v->push_back({"offer.region", absl::StrCat("\"", o.region,
                                               "\" must be an ISO 3166-1 alpha-2 region in "
                                               "upper case, e.g. GB")});
  }
  bool priced = o.monetization == Monetization::kRent || o.monetization == Monetization::kBuy;
  if (!priced) {
    o.price.reset();  // ignored for subscription, free and ads offers
  } else if (!o.price) {
    v->push_back({"offer.price", "is required for rent and buy offers"});
  } else {
    if (!IsCurrency(o.price->currency_code)) {
      v->push_back({"offer.price.currency_code",
                    absl::StrCat("\"", o.price->currency_code,
                                 "\" must be an ISO 4217 code, three upper-case letters")});
    }
    if (o.price->units < 0 || o.price->nanos < 0) {
      v->push_back({"offer.price", "must not be negative"});
    } else if (o.price->nanos >= 1000000000) {
      v->push_back({"offer.price.nanos", "must be below 1000000000"});
    }
  }
  if (!o.deep_link_uri.empty() && !IsHttpUri(o.deep_link_uri)) {
    v->push_back({"offer.deep_link_uri", "must be an http(s) URI"});
  }
  if (o.available_from != absl::InfinitePast() && o.available_until != absl::InfiniteFuture() &&
      o.available_until <= o.available_from) {
    v->push_back({"offer.available_until", "must be after available_from"});
  }
  for (size_t i = 0; i < o.extras.size(); ++i) {
    if (o.extras[i].empty()) {
      v->push_back({absl::StrCat("offer.extras[", i, "]"), "must not be empty"});
    }
  }
}

// `film = "films/x" AND region = "GB"`.
struct OfferQueryFilter {
  std::string film;
  std::string region;
};

absl::StatusOr<OfferQueryFilter> ParseOfferFilter(absl::string_view filter) {
  OfferQueryFilter out;
  if (absl::StripAsciiWhitespace(filter).empty()) return out;
  for (absl::string_view clause : absl::StrSplit(filter, " AND ")) {
    std::vector<absl::string_view> kv = absl::StrSplit(clause, absl::MaxSplits('=', 1));
    if (kv.size() != 2) {
      return InvalidArgument("filter", absl::StrCat("cannot parse \"", clause,
                                                    "\": expected film = \"films/x\" or "
                                                    "region = \"GB\", joined with AND"));
    }
    absl::string_view key = absl::StripAsciiWhitespace(kv[0]);
    absl::string_view value = absl::StripAsciiWhitespace(kv[1]);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (key == "film") {
      if (!IsFilmName(value)) {
        return InvalidArgument("filter", absl::StrCat("\"", value, "\" is not films/{film}"));
      }
      out.film = std::string(value);
    } else if (key == "region") {
      LONGTAKE_ASSIGN_OR_RETURN(out.region, NormaliseRegion(value, "filter"));
    } else {
      return InvalidArgument("filter", absl::StrCat("unknown field \"", key,
                                                    "\"; filterable: film, region"));
    }
  }
  return out;
}

// "" or `watchable_now = true` (false is the same as no filter).
absl::StatusOr<bool> ParseItemFilter(absl::string_view filter) {
  std::string compact;
  for (char c : filter) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) compact.push_back(c);
  }
  if (compact.empty() || compact == "watchable_now=false") return false;
  if (compact == "watchable_now=true") return true;
  return InvalidArgument("filter", absl::StrCat("cannot parse \"", filter,
                                                "\": the only filter is watchable_now = true"));
}

absl::StatusOr<int64_t> ParseOffset(const std::string& position) {
  if (position.empty()) return 0;
  int64_t offset = 0;
  if (!absl::SimpleAtoi(position, &offset) || offset < 0) {
    return InvalidArgument("page_token", "malformed page token");
  }
  return offset;
}

// ---- Seed file ----

template <typename E>
E ParseEnum(const nlohmann::json& j, const char* key,
            const std::vector<std::pair<const char*, E>>& values, absl::Status* error) {
  if (!j.contains(key)) return E{};
  std::string text = absl::AsciiStrToUpper(j.at(key).get<std::string>());
  for (const auto& [name, value] : values) {
    if (text == name || absl::EndsWith(text, absl::StrCat("_", name))) return value;
  }
  *error = absl::InvalidArgumentError(absl::StrCat("seed: unknown ", key, " \"", text, "\""));
  return E{};
}

absl::Time ParseSeedTime(const nlohmann::json& j, const char* key, absl::Time if_unset,
                         absl::Status* error) {
  if (!j.contains(key) || j.at(key).is_null()) return if_unset;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, j.at(key).get<std::string>(), &t, &err)) {
    *error = absl::InvalidArgumentError(absl::StrCat("seed: ", key, ": ", err));
  }
  return t;
}

// ---- Live event fan-out ----

struct SubscriberSlot {
  absl::Mutex mu;
  bool active ABSL_GUARDED_BY(mu) = true;
  EventCallback callback;
};

class EventHub : public std::enable_shared_from_this<EventHub> {
 public:
  explicit EventHub(int64_t last_id) : polled_upto_(last_id), last_seen_(last_id) {}

  std::shared_ptr<SubscriberSlot> Add(EventCallback callback) {
    auto slot = std::make_shared<SubscriberSlot>();
    slot->callback = std::move(callback);
    absl::MutexLock lock(&mu_);
    slots_.push_back(slot);
    return slot;
  }

  void Remove(const std::shared_ptr<SubscriberSlot>& slot) {
    {
      absl::MutexLock lock(&slot->mu);  // waits for a running callback
      slot->active = false;
    }
    absl::MutexLock lock(&mu_);
    slots_.erase(std::remove(slots_.begin(), slots_.end(), slot), slots_.end());
  }

  // Local writes: publish and remember so polling does not repeat them.
  void PublishLocal(const std::vector<AvailabilityEvent>& events) {
    std::vector<AvailabilityEvent> fresh;
    {
      absl::MutexLock lock(&mu_);
      for (const AvailabilityEvent& e : events) {
        // At or below the poll watermark: a poll that ran between our commit
        // and now has published it already.
        if (e.event_id <= polled_upto_) continue;
        published_.insert(e.event_id);
        last_seen_ = std::max(last_seen_, e.event_id);
        fresh.push_back(e);
      }
    }
    Deliver(fresh);
  }

  int64_t polled_upto() {
    absl::MutexLock lock(&mu_);
    return polled_upto_;
  }

  // Events read by a poll: those not yet published here go out.
  int PublishPolled(const std::vector<AvailabilityEvent>& events) {
    std::vector<AvailabilityEvent> fresh;
    {
      absl::MutexLock lock(&mu_);
      for (const AvailabilityEvent& e : events) {
        if (e.event_id <= polled_upto_) continue;  // a concurrent poll got it
        if (published_.erase(e.event_id) == 0) fresh.push_back(e);
        polled_upto_ = std::max(polled_upto_, e.event_id);
        last_seen_ = std::max(last_seen_, e.event_id);
      }
      for (auto it = published_.begin(); it != published_.end();) {
        if (*it <= polled_upto_) {
          published_.erase(it++);
        } else {
          ++it;
        }
      }
    }
    Deliver(fresh);
    return static_cast<int>(fresh.size());
  }

  int64_t last_seen() {
    absl::MutexLock lock(&mu_);
    return last_seen_;
  }

 private:
  void Deliver(const std::vector<AvailabilityEvent>& events) {
    if (events.empty()) return;
    std::vector<std::shared_ptr<SubscriberSlot>> slots;
    {
      absl::MutexLock lock(&mu_);
      slots = slots_;
    }
    for (const auto& slot : slots) {
      absl::MutexLock lock(&slot->mu);
      if (!slot->active) continue;
      for (const AvailabilityEvent& e : events) slot->callback(e);
    }
  }

  absl::Mutex mu_;
  std::vector<std::shared_ptr<SubscriberSlot>> slots_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<int64_t> published_ ABSL_GUARDED_BY(mu_);
  int64_t polled_upto_ ABSL_GUARDED_BY(mu_);
  int64_t last_seen_ ABSL_GUARDED_BY(mu_);
};

class HubSubscription : public EventSubscription {
 public:
  HubSubscription(std::weak_ptr<EventHub> hub, std::shared_ptr<SubscriberSlot> slot)
      : hub_(std::move(hub)), slot_(std::move(slot)) {}
  ~HubSubscription() override {
    if (auto hub = hub_.lock()) {
      hub->Remove(slot_);
    } else {
      absl::MutexLock lock(&slot_->mu);
      slot_->active = false;
    }
  }

 private:
  std::weak_ptr<EventHub> hub_;
  std::shared_ptr<SubscriberSlot> slot_;
};

}  // namespace

absl::StatusOr<std::string> ParseUserParent(absl::string_view parent, absl::string_view field) {
  absl::string_view user = parent;
  if (!absl::ConsumePrefix(&user, "users/") || !IsValidId(user, true)) {
    return InvalidArgument(field, absl::StrCat("\"", parent,
                                               "\" must be users/{user} with user matching "
                                               "[a-z0-9][a-z0-9_-]{0,62}"));
  }
  return std::string(user);
}

// ---- Impl ----

class Watchlist::Impl {
 public:
  Impl(std::unique_ptr<WatchlistStore> store, FilmDirectory* directory, WatchlistOptions options,
       int64_t last_event_id)
      : store_(std::move(store)),
        directory_(directory),
        options_(std::move(options)),
        hub_(std::make_shared<EventHub>(last_event_id)),
        rng_(std::random_device{}()) {}

  absl::Time Now() const { return options_.clock ? options_.clock() : absl::Now(); }

  std::string RandomHex(int digits) {
    absl::MutexLock lock(&rng_mu_);
    std::string out;
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < digits; ++i) out.push_back(kHex[rng_() % 16]);
    return out;
  }
  std::string NewEtag() { return RandomHex(16); }

  // Commits and publishes the batch's events (with their ids).
  absl::Status CommitAndPublish(WriteBatch& batch) {
    LONGTAKE_ASSIGN_OR_RETURN(CommitResult result, store_->Commit(batch));
    if (!batch.append_events.empty()) {
      for (size_t i = 0; i < batch.append_events.size() && i < result.event_ids.size(); ++i) {
        batch.append_events[i].event_id = result.event_ids[i];
      }
      hub_->PublishLocal(batch.append_events);
    }
    return absl::OkStatus();
  }

  // The request record when request_id was used before (and the write done).
  absl::StatusOr<std::optional<RequestRecord>> PriorRequest(absl::string_view method,
                                                            const WriteOptions& options) {
    if (options.request_id.empty()) return std::optional<RequestRecord>();
    return store_->GetRequest(RequestKey(method, options.request_id));
  }
  std::optional<RequestRecord> NewRequest(absl::string_view method, const WriteOptions& options,
                                          const std::string& resource) {
    if (options.request_id.empty()) return std::nullopt;
    return RequestRecord{RequestKey(method, options.request_id), resource};
  }

  absl::StatusOr<ProviderNames> AllProviderNames() {
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<Provider> providers, store_->ListProviders("", 0));
    ProviderNames names;
    for (const Provider& p : providers) names[p.name] = p.display_name;
    return names;
  }

  // ---- Providers ----

  absl::StatusOr<Provider> GetProvider(const std::string& name) {
    if (!IsProviderName(name)) {
      return InvalidArgument("name", absl::StrCat("\"", name, "\" must be providers/{provider}"));
    }
    LONGTAKE_ASSIGN_OR_RETURN(std::optional<Provider> p, store_->GetProvider(name));
    if (!p) return NotFound(name);
    return *std::move(p);
  }

  absl::StatusOr<ProviderPage> ListProviders(int page_size, const std::string& page_token) {
    LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(page_size, 50, 1000));
    LONGTAKE_ASSIGN_OR_RETURN(std::string after, DecodePageToken(page_token, "providers"));
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<Provider> providers,
                              store_->ListProviders(after, size + 1));
    ProviderPage page;
    if (static_cast<int>(providers.size()) > size) {
      providers.resize(size);
      page.next_page_token = EncodePageToken("providers", providers.back().name);
    }
    page.providers = std::move(providers);
    return page;
  }

  absl::StatusOr<Provider> CreateProvider(Provider p, const std::string& id,
                                          const WriteOptions& options) {
    LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("CreateProvider", options));
    if (prior) return GetProvider(prior->resource);
    if (!IsValidId(id)) {
      return InvalidArgument("provider_id", absl::StrCat("\"", id,
                                                         "\" must match [a-z0-9][a-z0-9-]{0,62}"));
    }
    p.name = absl::StrCat("providers/", id);
    std::vector<FieldViolation> v;
    ValidateProvider(p, &v);
    if (!v.empty()) return InvalidArguments(std::move(v));
    absl::Time now = Now();
    p.create_time = p.update_time = now;
    p.etag = NewEtag();
    if (options.validate_only) {
      LONGTAKE_ASSIGN_OR_RETURN(auto existing, store_->GetProvider(p.name));
      if (existing) return AlreadyExists(p.name);
      return p;
    }
    WriteBatch batch;
    batch.expect_etags.push_back({p.name, ""});
    batch.put_providers.push_back(p);
    batch.request = NewRequest("CreateProvider", options, p.name);
    LONGTAKE_RETURN_IF_ERROR(RetryAsRequest(CommitAndPublish(batch), "CreateProvider", options));
    return p;
  }

  // A commit that failed because a concurrent call with the same request id
  // won is not an error: the caller re-reads.
  absl::Status RetryAsRequest(absl::Status status, absl::string_view method,
                              const WriteOptions& options) {
    if (status.code() != absl::StatusCode::kAlreadyExists || options.request_id.empty()) {
      return status;
    }
    auto prior = PriorRequest(method, options);
    if (prior.ok() && prior->has_value()) return absl::OkStatus();
    return status;
  }

  absl::StatusOr<Provider> UpdateProvider(Provider p, const FieldMask& mask,
                                          const WriteOptions& options) {
    LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("UpdateProvider", options));
    if (prior) return GetProvider(prior->resource);
    LONGTAKE_RETURN_IF_ERROR(
        CheckMask(mask, {"display_name", "kind", "regions", "home_page_uri"}));
    if (!IsProviderName(p.name)) {
      return InvalidArgument("provider.name",
                             absl::StrCat("\"", p.name, "\" must be providers/{provider}"));
    }
    LONGTAKE_ASSIGN_OR_RETURN(Provider current, GetProvider(p.name));
    if (!p.etag.empty() && p.etag != current.etag) return EtagMismatch(p.name);
    Provider next = current;
    if (HasPath(mask, "display_name")) next.display_name = p.display_name;
    if (HasPath(mask, "kind")) next.kind = p.kind;
    if (HasPath(mask, "regions")) next.regions = p.regions;
    if (HasPath(mask, "home_page_uri")) next.home_page_uri = p.home_page_uri;
    std::vector<FieldViolation> v;
    ValidateProvider(next, &v);
    if (!v.empty()) return InvalidArguments(std::move(v));
    next.update_time = Now();
    next.etag = NewEtag();
    if (options.validate_only) return next;
    WriteBatch batch;
    batch.expect_etags.push_back({next.name, current.etag});
    batch.put_providers.push_back(next);
    batch.request = NewRequest("UpdateProvider", options, next.name);
    LONGTAKE_RETURN_IF_ERROR(RetryAsRequest(CommitAndPublish(batch), "UpdateProvider", options));
    return next;
  }

  absl::Status DeleteProvider(const std::string& name, const std::string& etag,
                              const WriteOptions& options) {
    LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("DeleteProvider", options));
    if (prior) return absl::OkStatus();
    LONGTAKE_ASSIGN_OR_RETURN(Provider current, GetProvider(name));
    if (!etag.empty() && etag != current.etag) return EtagMismatch(name);
    OfferFilter filter;
    filter.provider = name;
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<Offer> offers, store_->ListOffers(filter, "", 1));
    if (!offers.empty()) {
      return FailedPrecondition("PROVIDER_HAS_OFFERS",
                                absl::StrCat(name, " still has offers (e.g. ", offers[0].name,
                                             "); delete them first"),
                                name);
    }
    if (options.validate_only) return absl::OkStatus();
    WriteBatch batch;
    batch.expect_etags.push_back({name, current.etag});
    batch.delete_providers.push_back(name);
    batch.request = NewRequest("DeleteProvider", options, name);
    return RetryAsRequest(CommitAndPublish(batch), "DeleteProvider", options);
  }

  // ---- Offers ----

  absl::StatusOr<Offer> GetOffer(const std::string& name) {
    if (!IsOfferName(name)) {
      return InvalidArgument("name", absl::StrCat("\"", name, "\" must be offers/{offer}"));
    }
    LONGTAKE_ASSIGN_OR_RETURN(std::optional<Offer> o, store_->GetOffer(name));
    if (!o) return NotFound(name);
    return *std::move(o);
  }

  absl::StatusOr<OfferPage> ListOffers(const ListOffersQuery& query) {
    LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(query.page_size, 50, 1000));
    LONGTAKE_ASSIGN_OR_RETURN(OfferQueryFilter f, ParseOfferFilter(query.filter));
    std::string args = absl::StrCat("offers|", f.film, "|", f.region);
    LONGTAKE_ASSIGN_OR_RETURN(std::string after, DecodePageToken(query.page_token, args));
    OfferFilter filter;
    if (!f.film.empty()) filter.films.push_back(f.film);
    filter.region = f.region;
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<Offer> offers,
                              store_->ListOffers(filter, after, size + 1));
    OfferPage page;
    if (static_cast<int>(offers.size()) > size) {
      offers.resize(size);
      page.next_page_token = EncodePageToken(args, offers.back().name);
    }
    page.offers = std::move(offers);
    return page;
  }

  // Validation that needs the store: the provider exists.
  absl::Status ValidateOfferFully(Offer& offer) {
    std::vector<FieldViolation> v;
    ValidateOffer(offer, &v);
    if (IsProviderName(offer.provider)) {
      LONGTAKE_ASSIGN_OR_RETURN(auto provider, store_->GetProvider(offer.provider));
      if (!provider) {
        v.push_back({"offer.provider", absl::StrCat(offer.provider, " does not exist")});
      }
    }
    if (!v.empty()) return InvalidArguments(std::move(v));
    return absl::OkStatus();
  }

  AvailabilityEvent MakeEvent(AvailabilityEvent::Kind kind, const Offer& offer, absl::Time now) {
    AvailabilityEvent e;
    e.kind = kind;
    e.film = offer.film;
    e.offer = offer;
    e.event_time = now;
    return e;
  }

  absl::StatusOr<Offer> CreateOffer(Offer offer, std::string id, const WriteOptions& options) {
    LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("CreateOffer", options));
    if (prior) return GetOffer(prior->resource);
    if (id.empty()) {
      id = RandomHex(12);
    } else if (!IsValidId(id)) {
      return InvalidArgument("offer_id",
                             absl::StrCat("\"", id, "\" must match [a-z0-9][a-z0-9-]{0,62}"));
    }
    offer.name = absl::StrCat("offers/", id);
    LONGTAKE_RETURN_IF_ERROR(ValidateOfferFully(offer));
    absl::Time now = Now();
    offer.create_time = offer.update_time = now;
    offer.etag = NewEtag();
    if (options.validate_only) {
      LONGTAKE_ASSIGN_OR_RETURN(auto existing, store_->GetOffer(offer.name));
      if (existing) return AlreadyExists(offer.name);
      return offer;
    }
    WriteBatch batch;
    batch.expect_etags.push_back({offer.name, ""});
    batch.put_offers.push_back(offer);
    // Announced on create, with its window, even when it starts later.
    batch.append_events.push_back(MakeEvent(AvailabilityEvent::Kind::kOfferAvailable, offer, now));
    batch.request = NewRequest("CreateOffer", options, offer.name);
    LONGTAKE_RETURN_IF_ERROR(RetryAsRequest(CommitAndPublish(batch), "CreateOffer", options));
    return offer;
  }

  absl::StatusOr<Offer> UpdateOffer(Offer offer, const FieldMask& mask,
                                    const WriteOptions& options) {
    LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("UpdateOffer", options));
    if (prior) return GetOffer(prior->resource);
    LONGTAKE_RETURN_IF_ERROR(CheckMask(
        mask, {"film", "provider", "monetization", "format", "quality", "region", "price",
               "deep_link_uri", "edition", "extras", "available_from", "available_until",
               "last_verify_time"}));
    if (!IsOfferName(offer.name)) {
      return InvalidArgument("offer.name",
                             absl::StrCat("\"", offer.name, "\" must be offers/{offer}"));
    }
    LONGTAKE_ASSIGN_OR_RETURN(Offer current, GetOffer(offer.name));
    if (!offer.etag.empty() && offer.etag != current.etag) return EtagMismatch(offer.name);
    Offer next = current;
    if (HasPath(mask, "film")) next.film = offer.film;
    if (HasPath(mask, "provider")) next.provider = offer.provider;
    if (HasPath(mask, "monetization")) next.monetization = offer.monetization;
    if (HasPath(mask, "format")) next.format = offer.format;
    if (HasPath(mask, "quality")) next.quality = offer.quality;
    if (HasPath(mask, "region")) next.region = offer.region;
    if (HasPath(mask, "price")) next.price = offer.price;
    if (HasPath(mask, "deep_link_uri")) next.deep_link_uri = offer.deep_link_uri;
    if (HasPath(mask, "edition")) next.edition = offer.edition;
    if (HasPath(mask, "extras")) next.extras = offer.extras;
    if (HasPath(mask, "available_from")) next.available_from = offer.available_from;
    if (HasPath(mask, "available_until")) next.available_until = offer.available_until;
    if (HasPath(mask, "last_verify_time")) next.last_verify_time = offer.last_verify_time;
    LONGTAKE_RETURN_IF_ERROR(ValidateOfferFully(next));
    absl::Time now = Now();
    next.update_time = now;
    next.etag = NewEtag();
    if (options.validate_only) return next;

    WriteBatch batch;
    batch.expect_etags.push_back({next.name, current.etag});
    batch.put_offers.push_back(next);
    if (next.film != current.film || next.region != current.region) {
      // For watchers it is another offer: gone from one place, new in another.
      batch.append_events.push_back(
          MakeEvent(AvailabilityEvent::Kind::kOfferRemoved, current, now));
      batch.append_events.push_back(
          MakeEvent(AvailabilityEvent::Kind::kOfferAvailable, next, now));
    } else {
      bool price_changed = current.price.has_value() != next.price.has_value() ||
                           (current.price && *current.price != *next.price);
      if (price_changed) {
        AvailabilityEvent e = MakeEvent(AvailabilityEvent::Kind::kPriceChanged, next, now);
        e.previous_price = current.price;
        batch.append_events.push_back(std::move(e));
      }
      if (!current.AvailableAt(now) && next.AvailableAt(now)) {
        batch.append_events.push_back(
            MakeEvent(AvailabilityEvent::Kind::kOfferAvailable, next, now));
      }
    }
    batch.request = NewRequest("UpdateOffer", options, next.name);
    LONGTAKE_RETURN_IF_ERROR(RetryAsRequest(CommitAndPublish(batch), "UpdateOffer", options));
    return next;
  }

  absl::Status DeleteOffer(const std::string& name, const std::string& etag,
                           const WriteOptions& options) {
    LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("DeleteOffer", options));
    if (prior) return absl::OkStatus();
    LONGTAKE_ASSIGN_OR_RETURN(Offer current, GetOffer(name));
    if (!etag.empty() && etag != current.etag) return EtagMismatch(name);
    if (options.validate_only) return absl::OkStatus();
    WriteBatch batch;
    batch.expect_etags.push_back({name, current.etag});
    batch.delete_offers.push_back(name);
    batch.append_events.push_back(
        MakeEvent(AvailabilityEvent::Kind::kOfferRemoved, current, Now()));
    batch.request = NewRequest("DeleteOffer", options, name);
    return RetryAsRequest(CommitAndPublish(batch), "DeleteOffer", options);
  }

  // ---- Where to watch ----

  absl::StatusOr<WhereToWatchResult> WhereToWatch(const WhereToWatchQuery& query) {
    if (!IsFilmName(query.film)) {
      return InvalidArgument("film", absl::StrCat("\"", query.film, "\" must be films/{film}"));
    }
    LONGTAKE_ASSIGN_OR_RETURN(std::string region, NormaliseRegion(query.region, "region"));
    LONGTAKE_ASSIGN_OR_RETURN(auto subscriptions,
                              ParseSubscriptions(query.subscriptions, "subscriptions"));
    OfferFilter filter;
    filter.films.push_back(query.film);
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<Offer> offers, store_->ListOffers(filter, "", 0));
    LONGTAKE_ASSIGN_OR_RETURN(ProviderNames providers, AllProviderNames());
    absl::Time now = Now();
    std::vector<Offer> here;
    std::map<std::string, std::vector<Offer>> elsewhere;  // sorted by region
    for (Offer& o : offers) {
      if (!o.AvailableAt(now)) continue;
      if (o.region == region) {
        here.push_back(std::move(o));
      } else {
        elsewhere[o.region].push_back(std::move(o));
      }
    }
    WhereToWatchResult result;
    result.offers = RankOffers(here, subscriptions, providers);
    if (!result.offers.empty()) {
      result.summary = absl::StrCat("Best option in ", region, ": ",
                                    result.offers.front().explanation, ".");
      return result;
    }
    std::vector<std::string> parts;
    for (auto& [other, list] : elsewhere) {
      result.available_in_regions.push_back(other);
      std::vector<RankedOffer> ranked = RankOffers(list, subscriptions, providers);
      parts.push_back(
          absl::StrCat(other, " (", DescribeOfferShort(ranked.front().offer, providers), ")"));
    }
    if (parts.empty()) {
      result.summary = absl::StrCat("Not available in ", region, " or anywhere else right now.");
    } else {
      result.summary = absl::StrCat("Not available in ", region, ". Available in ",
                                    absl::StrJoin(parts, ", "), ".");
    }
    return result;
  }

  // ---- Items ----

  // Fills film_summary/enriched with ONE directory call; on an outage (or
  // any failure) the items stay enriched=false.
  void Enrich(std::vector<WatchlistItem>& items) {
    if (items.empty()) return;
    std::vector<std::string> films;
    absl::flat_hash_set<std::string> seen;
    for (const WatchlistItem& item : items) {
      if (seen.insert(item.film).second) films.push_back(item.film);
    }
    absl::StatusOr<std::vector<FilmSummaryWithName>> answer = directory_->BatchGetFilms(films);
    if (!answer.ok()) {
      Log(LogLevel::kWarning, absl::StrCat("watchlist: films not enriched: ",
                                           answer.status().ToString()));
      for (WatchlistItem& item : items) item.enriched = false;
      return;
    }
    absl::flat_hash_map<std::string, FilmSummary> by_name;
    for (FilmSummaryWithName& f : *answer) by_name[f.name] = std::move(f.summary);
    for (WatchlistItem& item : items) {
      auto it = by_name.find(item.film);
      item.enriched = it != by_name.end();
      if (item.enriched) item.film_summary = it->second;
    }
  }

  // Ranked offers now in `region` for each film.
  absl::StatusOr<absl::flat_hash_map<std::string, std::vector<RankedOffer>>> RankedByFilm(
      const std::vector<WatchlistItem>& items, const std::string& region,
      const absl::flat_hash_set<std::string>& subscriptions, const ProviderNames& providers) {
    absl::flat_hash_map<std::string, std::vector<RankedOffer>> out;
    if (items.empty()) return out;
    OfferFilter filter;
    absl::flat_hash_set<std::string> seen;
    for (const WatchlistItem& item : items) {
      if (seen.insert(item.film).second) filter.films.push_back(item.film);
    }
    filter.region = region;
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<Offer> offers, store_->ListOffers(filter, "", 0));
    absl::Time now = Now();
    absl::flat_hash_map<std::string, std::vector<Offer>> by_film;
    for (Offer& o : offers) {
      if (o.AvailableAt(now)) by_film[o.film].push_back(std::move(o));
    }
    for (auto& [film, list] : by_film) out[film] = RankOffers(list, subscriptions, providers);
    return out;
  }

  static std::optional<Offer> BestOffer(const std::vector<RankedOffer>* ranked) {
    if (ranked == nullptr) return std::nullopt;
    for (const RankedOffer& r : *ranked) {
      if (r.available_to_user) return r.offer;
    }
    return std::nullopt;
  }

  absl::Status CatalogueError(const absl::Status& status, const std::string& film) {
    if (IsDirectoryOutage(status)) {
      return ErrorWithReason(
          absl::StatusCode::kUnavailable, "CATALOG_UNAVAILABLE",
          absl::StrCat("cannot check ", film,
                       ": the catalogue service could not be reached (", status.message(),
                       "); try again"),
          film);
    }
    if (status.code() == absl::StatusCode::kNotFound) {
      if (ErrorResource(status).empty()) return NotFound(film);
      return status;
    }
    return status;
  }

  absl::StatusOr<WatchlistItem> CreateItem(const std::string& parent, WatchlistItem item,
                                           const WriteOptions& options) {
    LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(parent));
    LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("CreateItem", options));
    if (prior) return GetItem(prior->resource);
    if (!IsFilmName(item.film)) {
      return InvalidArgument("item.film", absl::StrCat("\"", item.film, "\" must be films/{film}"));
    }
    LONGTAKE_ASSIGN_OR_RETURN(auto existing, store_->FindUnwatchedItem(user, item.film));
    if (existing) {
      std::vector<WatchlistItem> one{*std::move(existing)};
      Enrich(one);
      return std::move(one.front());
    }
    absl::StatusOr<FilmSummaryWithName> film = directory_->GetFilm(item.film);
    if (!film.ok()) return CatalogueError(film.status(), item.film);

    absl::string_view slug(item.film);
    absl::ConsumePrefix(&slug, "films/");
    std::string name = absl::StrCat("users/", user, "/watchlist/items/", slug);
    LONGTAKE_ASSIGN_OR_RETURN(auto taken, store_->GetItem(name));
    if (taken) name = absl::StrCat(name, "-", RandomHex(6));  // watched before: in history
    LONGTAKE_ASSIGN_OR_RETURN(int64_t max_rank, store_->MaxRank(user));

    WatchlistItem stored;
    stored.name = name;
    stored.film = item.film;
    stored.note = item.note;
    stored.rank = max_rank + 1;
    stored.add_time = Now();
    stored.etag = NewEtag();
    if (!options.validate_only) {
      WriteBatch batch;
      batch.expect_etags.push_back({name, ""});
      batch.put_items.push_back(stored);
      batch.request = NewRequest("CreateItem", options, name);
      absl::Status s = CommitAndPublish(batch);
      if (s.code() == absl::StatusCode::kAlreadyExists) {
        // Lost a race: with the same request id, or adding the same film.
        LONGTAKE_ASSIGN_OR_RETURN(auto again, PriorRequest("CreateItem", options));
        if (again) return GetItem(again->resource);
        LONGTAKE_ASSIGN_OR_RETURN(auto other, store_->FindUnwatchedItem(user, item.film));
        if (other) {
          std::vector<WatchlistItem> one{*std::move(other)};
          Enrich(one);
          return std::move(one.front());
        }
      }
      LONGTAKE_RETURN_IF_ERROR(s);
    }
    stored.film_summary = film->summary;
    stored.enriched = true;
    return stored;
  }

  absl::StatusOr<WatchlistItem> LoadItem(const std::string& name) {
    LONGTAKE_RETURN_IF_ERROR(ParseItemName(name).status());
    LONGTAKE_ASSIGN_OR_RETURN(auto item, store_->GetItem(name));
    if (!item) return NotFound(name);
    return *std::move(item);
  }

  absl::StatusOr<WatchlistItem> GetItem(const std::string& name) {
    LONGTAKE_ASSIGN_OR_RETURN(WatchlistItem item, LoadItem(name));
    std::vector<WatchlistItem> one{std::move(item)};
    Enrich(one);
    return std::move(one.front());
  }

  absl::StatusOr<ItemPage> ListItems(const ListItemsQuery& query) {
    LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(query.parent));
    LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(query.page_size, 50, 100));
    LONGTAKE_ASSIGN_OR_RETURN(bool watchable_now, ParseItemFilter(query.filter));
    std::string region;
    if (!query.region.empty()) {
      LONGTAKE_ASSIGN_OR_RETURN(region, NormaliseRegion(query.region, "region"));
    } else if (watchable_now) {
      return InvalidArgument("region", "is required with the filter watchable_now = true");
    }
    LONGTAKE_ASSIGN_OR_RETURN(auto subscriptions,
                              ParseSubscriptions(query.subscriptions, "subscriptions"));
    std::vector<std::string> sorted_subs(subscriptions.begin(), subscriptions.end());
    std::sort(sorted_subs.begin(), sorted_subs.end());
    std::string args = absl::StrCat("items|", query.parent, "|", watchable_now, "|", region, "|",
                                    absl::StrJoin(sorted_subs, ","));
    LONGTAKE_ASSIGN_OR_RETURN(std::string position, DecodePageToken(query.page_token, args));
    LONGTAKE_ASSIGN_OR_RETURN(int64_t offset, ParseOffset(position));

    ProviderNames providers;
    if (!region.empty()) {
      LONGTAKE_ASSIGN_OR_RETURN(providers, AllProviderNames());
    }
    ItemPage page;
    if (!watchable_now) {
      LONGTAKE_ASSIGN_OR_RETURN(std::vector<WatchlistItem> items,
                                store_->ListItems(user, false, offset, size + 1));
      if (static_cast<int>(items.size()) > size) {
        items.resize(size);
        page.next_page_token = EncodePageToken(args, absl::StrCat(offset + size));
      }
      page.items = std::move(items);
      if (!region.empty()) {
        LONGTAKE_ASSIGN_OR_RETURN(auto ranked,
                                  RankedByFilm(page.items, region, subscriptions, providers));
        for (WatchlistItem& item : page.items) {
          auto it = ranked.find(item.film);
          item.best_offer = BestOffer(it == ranked.end() ? nullptr : &it->second);
        }
      }
    } else {
      // Scan the list in chunks, keeping what can be watched now.
      constexpr int kChunk = 100;
      int64_t cursor = offset;
      bool more = false;
      while (true) {
        LONGTAKE_ASSIGN_OR_RETURN(std::vector<WatchlistItem> chunk,
                                  store_->ListItems(user, false, cursor, kChunk));
        LONGTAKE_ASSIGN_OR_RETURN(auto ranked,
                                  RankedByFilm(chunk, region, subscriptions, providers));
        size_t i = 0;
        for (; i < chunk.size(); ++i) {
          if (static_cast<int>(page.items.size()) == size) {
            more = true;
            break;
          }
          auto it = ranked.find(chunk[i].film);
          std::optional<Offer> best = BestOffer(it == ranked.end() ? nullptr : &it->second);
          if (!best) continue;
          chunk[i].best_offer = std::move(best);
          page.items.push_back(std::move(chunk[i]));
        }
        cursor += static_cast<int64_t>(i);
        if (more || static_cast<int>(chunk.size()) < kChunk) break;
      }
      if (more) page.next_page_token = EncodePageToken(args, absl::StrCat(cursor));
    }
    Enrich(page.items);
    return page;
  }

  absl::StatusOr<WatchlistItem> UpdateItem(WatchlistItem item, const FieldMask& mask,
                                           const WriteOptions& options) {
    LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("UpdateItem", options));
    if (prior) return GetItem(prior->resource);
    LONGTAKE_RETURN_IF_ERROR(CheckMask(mask, {"note", "rank"}));
    LONGTAKE_RETURN_IF_ERROR(ParseItemName(item.name, "item.name").status());
    LONGTAKE_ASSIGN_OR_RETURN(WatchlistItem current, LoadItem(item.name));
    if (!item.etag.empty() && item.etag != current.etag) return EtagMismatch(item.name);
    WatchlistItem next = current;
    if (HasPath(mask, "note")) next.note = item.note;
    if (HasPath(mask, "rank")) {
      if (item.rank < 0) return InvalidArgument("item.rank", "must not be negative");
      next.rank = item.rank;
    }
    next.etag = NewEtag();
    if (!options.validate_only) {
      WriteBatch batch;
      batch.expect_etags.push_back({next.name, current.etag});
      batch.put_items.push_back(next);
      batch.request = NewRequest("UpdateItem", options, next.name);
      LONGTAKE_RETURN_IF_ERROR(RetryAsRequest(CommitAndPublish(batch), "UpdateItem", options));
    }
    std::vector<WatchlistItem> one{std::move(next)};
    Enrich(one);
    return std::move(one.front());
  }

  absl::Status DeleteItem(const std::string& name, const WriteOptions& options) {
    LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("DeleteItem", options));
    if (prior) return absl::OkStatus();
    LONGTAKE_ASSIGN_OR_RETURN(WatchlistItem current, LoadItem(name));
    if (options.validate_only) return absl::OkStatus();
    WriteBatch batch;
    batch.expect_etags.push_back({name, current.etag});
    batch.delete_items.push_back(name);
    batch.request = NewRequest("DeleteItem", options, name);
    return RetryAsRequest(CommitAndPublish(batch), "DeleteItem", options);
  }

  absl::StatusOr<std::vector<WatchlistItem>> ReorderItems(const std::string& parent,
                                                          const std::vector<std::string>& names) {
    LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(parent));
    absl::flat_hash_set<std::string> wanted;
    for (size_t i = 0; i < names.size(); ++i) {
      std::string field = absl::StrCat("names[", i, "]");
      LONGTAKE_ASSIGN_OR_RETURN(ItemName parsed, ParseItemName(names[i], field));
      if (parsed.user != user) {
        return InvalidArgument(field, absl::StrCat("\"", names[i], "\" is not under ", parent));
      }
      if (!wanted.insert(names[i]).second) {
        return InvalidArgument(field, absl::StrCat("\"", names[i], "\" is listed twice"));
      }
    }
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<WatchlistItem> items,
                              store_->ListItems(user, false, 0, 0));
    absl::flat_hash_map<std::string, size_t> index;
    for (size_t i = 0; i < items.size(); ++i) index[items[i].name] = i;
    std::vector<WatchlistItem> ordered;
    ordered.reserve(items.size());
    for (const std::string& name : names) {
      auto it = index.find(name);
      if (it == index.end()) return NotFound(name);
      ordered.push_back(items[it->second]);
    }
    for (const WatchlistItem& item : items) {
      if (!wanted.contains(item.name)) ordered.push_back(item);
    }
    WriteBatch batch;
    for (size_t i = 0; i < ordered.size(); ++i) {
      int64_t rank = static_cast<int64_t>(i) + 1;
      if (ordered[i].rank == rank) continue;
      batch.expect_etags.push_back({ordered[i].name, ordered[i].etag});
      ordered[i].rank = rank;
      ordered[i].etag = NewEtag();
      batch.put_items.push_back(ordered[i]);
    }
    if (!batch.put_items.empty()) LONGTAKE_RETURN_IF_ERROR(CommitAndPublish(batch));
    return ordered;
  }

  absl::StatusOr<WatchlistItem> MarkWatched(const std::string& name,
                                            const WriteOptions& options) {
    LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("MarkWatched", options));
    if (prior) return GetItem(prior->resource);
    LONGTAKE_ASSIGN_OR_RETURN(WatchlistItem current, LoadItem(name));
    WatchlistItem next = current;
    if (!current.watched()) {
      next.watch_time = Now();
      next.etag = NewEtag();
      if (!options.validate_only) {
        WriteBatch batch;
        batch.expect_etags.push_back({name, current.etag});
        batch.put_items.push_back(next);
        batch.request = NewRequest("MarkWatched", options, name);
        LONGTAKE_RETURN_IF_ERROR(RetryAsRequest(CommitAndPublish(batch), "MarkWatched", options));
      }
    }
    std::vector<WatchlistItem> one{std::move(next)};
    Enrich(one);
    return std::move(one.front());
  }

  absl::StatusOr<ItemPage> ListHistory(const std::string& parent, int page_size,
                                       const std::string& page_token) {
    LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(parent));
    LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(page_size, 50, 100));
    std::string args = absl::StrCat("history|", parent);
    LONGTAKE_ASSIGN_OR_RETURN(std::string position, DecodePageToken(page_token, args));
    LONGTAKE_ASSIGN_OR_RETURN(int64_t offset, ParseOffset(position));
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<WatchlistItem> items,
                              store_->ListItems(user, true, offset, size + 1));
    ItemPage page;
    if (static_cast<int>(items.size()) > size) {
      items.resize(size);
      page.next_page_token = EncodePageToken(args, absl::StrCat(offset + size));
    }
    page.items = std::move(items);
    Enrich(page.items);
    return page;
  }

  // ---- Events ----

  absl::StatusOr<int> ScanLeavingSoon(absl::Time now) {
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<Offer> offers, store_->ListOffers({}, "", 0));
    int emitted = 0;
    for (const Offer& offer : offers) {
      if (offer.available_until == absl::InfiniteFuture()) continue;
      if (offer.available_until <= now ||
          offer.available_until >= now + options_.leaving_soon_window) {
        continue;
      }
      LeavingSoonMark mark{offer.name, offer.available_until};
      LONGTAKE_ASSIGN_OR_RETURN(bool done, store_->HasLeavingSoonMark(mark));
      if (done) continue;
      WriteBatch batch;
      batch.leaving_soon_marks.push_back(mark);
      batch.append_events.push_back(MakeEvent(AvailabilityEvent::Kind::kLeavingSoon, offer, now));
      absl::Status s = CommitAndPublish(batch);
      if (s.code() == absl::StatusCode::kAlreadyExists) continue;  // another replica did it
      LONGTAKE_RETURN_IF_ERROR(s);
      ++emitted;
    }
    return emitted;
  }

  absl::StatusOr<std::vector<std::string>> NormaliseRegions(const std::vector<std::string>& in) {
    std::vector<std::string> out;
    for (size_t i = 0; i < in.size(); ++i) {
      LONGTAKE_ASSIGN_OR_RETURN(std::string r,
                                NormaliseRegion(in[i], absl::StrCat("regions[", i, "]")));
      out.push_back(std::move(r));
    }
    return out;
  }

  absl::StatusOr<std::vector<AvailabilityEvent>> EventsAfter(
      const std::string& parent, const std::vector<std::string>& regions, int64_t after_id,
      int limit) {
    LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(parent));
    EventFilter filter;
    filter.user = user;
    LONGTAKE_ASSIGN_OR_RETURN(filter.regions, NormaliseRegions(regions));
    LONGTAKE_ASSIGN_OR_RETURN(
        std::vector<AvailabilityEvent> events,
        store_->ListEvents(std::max<int64_t>(after_id, 0), filter, limit > 0 ? limit : 1000));
    for (AvailabilityEvent& e : events) e.user = parent;
    return events;
  }

  absl::StatusOr<bool> EventConcernsUser(const AvailabilityEvent& event,
                                         const std::string& parent,
                                         const std::vector<std::string>& regions) {
    LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(parent));
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<std::string> wanted_regions, NormaliseRegions(regions));
    if (!wanted_regions.empty() &&
        std::find(wanted_regions.begin(), wanted_regions.end(), event.offer.region) ==
            wanted_regions.end()) {
      return false;
    }
    LONGTAKE_ASSIGN_OR_RETURN(auto item, store_->FindUnwatchedItem(user, event.film));
    return item.has_value();
  }

  std::unique_ptr<EventSubscription> Subscribe(EventCallback callback) {
    auto slot = hub_->Add(std::move(callback));
    return std::make_unique<HubSubscription>(hub_, std::move(slot));
  }

  absl::StatusOr<int> PollNewEvents() {
    int total = 0;
    while (true) {
      constexpr int kBatch = 1000;
      LONGTAKE_ASSIGN_OR_RETURN(std::vector<AvailabilityEvent> events,
                                store_->ListEvents(hub_->polled_upto(), {}, kBatch));
      total += hub_->PublishPolled(events);
      if (static_cast<int>(events.size()) < kBatch) break;
    }
    return total;
  }

  int64_t last_event_id() const { return hub_->last_seen(); }

  // ---- Seed ----

  absl::Status LoadSeedIfEmpty(const std::string& path) {
    LONGTAKE_ASSIGN_OR_RETURN(int64_t count, store_->CountProviders());
    if (count > 0) return absl::OkStatus();
    std::ifstream in(path);
    if (!in) {
      return absl::NotFoundError(absl::StrCat("offers seed file ", path, " cannot be read"));
    }
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat("offers seed ", path, " is not valid JSON"));
    }
    try {
      int providers = 0, offers = 0;
      for (const auto& jp : j.value("providers", nlohmann::json::array())) {
        absl::Status error;
        Provider p;
        p.display_name = jp.value("display_name", "");
        p.kind = ParseEnum<ProviderKind>(jp, "kind",
                                         {{"STREAMING_SERVICE", ProviderKind::kStreamingService},
                                          {"RETAILER", ProviderKind::kRetailer},
                                          {"BROADCASTER", ProviderKind::kBroadcaster}},
                                         &error);
        p.regions = jp.value("regions", std::vector<std::string>{});
        p.home_page_uri = jp.value("home_page_uri", "");
        LONGTAKE_RETURN_IF_ERROR(error);
        auto created = CreateProvider(p, jp.value("id", ""), {});
        if (!created.ok()) {
          return absl::Status(created.status().code(),
                              absl::StrCat("seed provider ", jp.value("id", ""), ": ",
                                           created.status().message()));
        }
        ++providers;
      }
      for (const auto& jo : j.value("offers", nlohmann::json::array())) {
        absl::Status error;
        Offer o;
        o.film = jo.value("film", "");
        o.provider = jo.value("provider", "");
        o.monetization = ParseEnum<Monetization>(
            jo, "monetization",
            {{"SUBSCRIPTION", Monetization::kSubscription},
             {"RENT", Monetization::kRent},
             {"BUY", Monetization::kBuy},
             {"FREE", Monetization::kFree},
             {"ADS", Monetization::kAds}},
            &error);
        o.format = ParseEnum<Format>(jo, "format",
                                     {{"STREAMING", Format::kStreaming},
                                      {"DIGITAL_DOWNLOAD", Format::kDigitalDownload},
                                      {"UHD_BLU_RAY", Format::kUhdBluRay},
                                      {"BLU_RAY", Format::kBluRay},
                                      {"DVD", Format::kDvd}},
                                     &error);
        o.quality = ParseEnum<Quality>(
            jo, "quality",
            {{"SD", Quality::kSd}, {"HD", Quality::kHd}, {"UHD_4K", Quality::kUhd4k}}, &error);
        o.region = jo.value("region", "");
        if (jo.contains("price") && jo.at("price").is_object()) {
          const auto& jm = jo.at("price");
          o.price = Money{jm.value("currency_code", ""), jm.value("units", int64_t{0}),
                          jm.value("nanos", int32_t{0})};
        }
        o.deep_link_uri = jo.value("deep_link_uri", "");
        o.edition = jo.value("edition", "");
        o.extras = jo.value("extras", std::vector<std::string>{});
        o.available_from = ParseSeedTime(jo, "available_from", absl::InfinitePast(), &error);
        o.available_until = ParseSeedTime(jo, "available_until", absl::InfiniteFuture(), &error);
        o.last_verify_time = ParseSeedTime(jo, "last_verify_time", absl::InfinitePast(), &error);
        LONGTAKE_RETURN_IF_ERROR(error);
        auto created = CreateOffer(o, jo.value("id", ""), {});
        if (!created.ok()) {
          return absl::Status(created.status().code(),
                              absl::StrCat("seed offer ", jo.value("id", ""), ": ",
                                           created.status().message()));
        }
        ++offers;
      }
      Log(LogLevel::kInfo, absl::StrCat("watchlist: seeded ", providers, " providers and ",
                                        offers, " offers from ", path));
    } catch (const nlohmann::json::exception& e) {
      return absl::InvalidArgumentError(absl::StrCat("offers seed ", path, ": ", e.what()));
    }
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<WatchlistStore> store_;
  FilmDirectory* directory_;
  WatchlistOptions options_;
  std::shared_ptr<EventHub> hub_;
  absl::Mutex rng_mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(rng_mu_);
};

// ---- Watchlist ----

absl::StatusOr<std::unique_ptr<Watchlist>> Watchlist::Open(std::unique_ptr<WatchlistStore> store,
                                                           FilmDirectory* directory,
                                                           WatchlistOptions options) {
  if (store == nullptr || directory == nullptr) {
    return absl::InvalidArgumentError("Watchlist::Open needs a store and a film directory");
  }
  LONGTAKE_ASSIGN_OR_RETURN(int64_t last_id, store->LastEventId());
  auto impl = std::make_unique<Impl>(std::move(store), directory, std::move(options), last_id);
  return std::unique_ptr<Watchlist>(new Watchlist(std::move(impl)));
}

Watchlist::Watchlist(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Watchlist::~Watchlist() = default;

absl::Status Watchlist::LoadSeedIfEmpty(const std::string& seed_path) {
  return impl_->LoadSeedIfEmpty(seed_path);
}
absl::StatusOr<Provider> Watchlist::GetProvider(const std::string& name) {
  return impl_->GetProvider(name);
}
absl::StatusOr<ProviderPage> Watchlist::ListProviders(int page_size,
                                                      const std::string& page_token) {
  return impl_->ListProviders(page_size, page_token);
}
absl::StatusOr<Provider> Watchlist::CreateProvider(Provider provider,
                                                   const std::string& provider_id,
                                                   const WriteOptions& options) {
  return impl_->CreateProvider(std::move(provider), provider_id, options);
}
absl::StatusOr<Provider> Watchlist::UpdateProvider(Provider provider, const FieldMask& update_mask,
                                                   const WriteOptions& options) {
  return impl_->UpdateProvider(std::move(provider), update_mask, options);
}
absl::Status Watchlist::DeleteProvider(const std::string& name, const std::string& etag,
                                       const WriteOptions& options) {
  return impl_->DeleteProvider(name, etag, options);
}
absl::StatusOr<Offer> Watchlist::GetOffer(const std::string& name) {
  return impl_->GetOffer(name);
}
absl::StatusOr<OfferPage> Watchlist::ListOffers(const ListOffersQuery& query) {
  return impl_->ListOffers(query);
}
absl::StatusOr<Offer> Watchlist::CreateOffer(Offer offer, const std::string& offer_id,
                                             const WriteOptions& options) {
  return impl_->CreateOffer(std::move(offer), offer_id, options);
}
absl::StatusOr<Offer> Watchlist::UpdateOffer(Offer offer, const FieldMask& update_mask,
                                             const WriteOptions& options) {
  return impl_->UpdateOffer(std::move(offer), update_mask, options);
}
absl::Status Watchlist::DeleteOffer(const std::string& name, const std::string& etag,
                                    const WriteOptions& options) {
  return impl_->DeleteOffer(name, etag, options);
}
absl::StatusOr<WhereToWatchResult> Watchlist::WhereToWatch(const WhereToWatchQuery& query) {
  return impl_->WhereToWatch(query);
}
absl::StatusOr<WatchlistItem> Watchlist::CreateItem(const std::string& parent, WatchlistItem item,
                                                    const WriteOptions& options) {
  return impl_->CreateItem(parent, std::move(item), options);
}
absl::StatusOr<WatchlistItem> Watchlist::GetItem(const std::string& name) {
  return impl_->GetItem(name);
}
absl::StatusOr<ItemPage> Watchlist::ListItems(const ListItemsQuery& query) {
  return impl_->ListItems(query);
}
absl::StatusOr<WatchlistItem> Watchlist::UpdateItem(WatchlistItem item,
                                                    const FieldMask& update_mask,
                                                    const WriteOptions& options) {
  return impl_->UpdateItem(std::move(item), update_mask, options);
}
absl::Status Watchlist::DeleteItem(const std::string& name, const WriteOptions& options) {
  return impl_->DeleteItem(name, options);
}
absl::StatusOr<std::vector<WatchlistItem>> Watchlist::ReorderItems(
    const std::string& parent, const std::vector<std::string>& names) {
  return impl_->ReorderItems(parent, names);
}
absl::StatusOr<WatchlistItem> Watchlist::MarkWatched(const std::string& name,
                                                     const WriteOptions& options) {
  return impl_->MarkWatched(name, options);
}
absl::StatusOr<ItemPage> Watchlist::ListHistory(const std::string& parent, int page_size,
                                                const std::string& page_token) {
  return impl_->ListHistory(parent, page_size, page_token);
}
absl::StatusOr<int> Watchlist::ScanLeavingSoon(absl::Time now) {
  return impl_->ScanLeavingSoon(now);
}
absl::StatusOr<std::vector<AvailabilityEvent>> Watchlist::EventsAfter(
    const std::string& user, const std::vector<std::string>& regions, int64_t after_id,
    int limit) {
  return impl_->EventsAfter(user, regions, after_id, limit);
}
absl::StatusOr<bool> Watchlist::EventConcernsUser(const AvailabilityEvent& event,
                                                  const std::string& user,
                                                  const std::vector<std::string>& regions) {
  return impl_->EventConcernsUser(event, user, regions);
}
std::unique_ptr<EventSubscription> Watchlist::Subscribe(EventCallback callback) {
  return impl_->Subscribe(std::move(callback));
}
absl::StatusOr<int> Watchlist::PollNewEvents() { return impl_->PollNewEvents(); }
int64_t Watchlist::last_event_id() const { return impl_->last_event_id(); }

}  // namespace longtake::watchlist
