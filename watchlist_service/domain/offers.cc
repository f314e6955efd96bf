// Watchlist: providers and offers (curated) and where to watch.

#include <map>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/domain/field_limits.h"
#include "common/paging/page_token.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/event_hub.h"
#include "watchlist_service/domain/masked_update.h"
#include "watchlist_service/domain/resource_etags.h"
#include "watchlist_service/domain/watchlist.h"
#include "watchlist_service/domain/watchlist_errors.h"
#include "watchlist_service/domain/watchlist_store.h"
#include "watchlist_service/domain/watchlist_validation.h"

namespace longtake::watchlist {
namespace {

using Kind = AvailabilityEvent::Kind;

template <typename T, auto Field>
std::pair<std::string, std::function<void(T&, const T&)>> Set(
    const char* path) {
  return {path, [](T& to, const T& from) { to.*Field = from.*Field; }};
}

const MaskSetters<Provider>& ProviderSetters() {
  static const auto* setters = new MaskSetters<Provider>{
      Set<Provider, &Provider::display_name>("display_name"),
      Set<Provider, &Provider::kind>("kind"),
      Set<Provider, &Provider::regions>("regions"),
      Set<Provider, &Provider::home_page_uri>("home_page_uri"),
  };
  return *setters;
}

const MaskSetters<Offer>& OfferSetters() {
  static const auto* setters = new MaskSetters<Offer>{
      Set<Offer, &Offer::film>("film"),
      Set<Offer, &Offer::provider>("provider"),
      Set<Offer, &Offer::monetization>("monetization"),
      Set<Offer, &Offer::format>("format"),
      Set<Offer, &Offer::quality>("quality"),
      Set<Offer, &Offer::region>("region"),
      Set<Offer, &Offer::price>("price"),
      Set<Offer, &Offer::deep_link_uri>("deep_link_uri"),
      Set<Offer, &Offer::edition>("edition"),
      Set<Offer, &Offer::extras>("extras"),
      Set<Offer, &Offer::available_from>("available_from"),
      Set<Offer, &Offer::available_until>("available_until"),
      Set<Offer, &Offer::last_verify_time>("last_verify_time"),
  };
  return *setters;
}

// The events an offer update causes, for watchers of `current` and `next`.
std::vector<AvailabilityEvent> UpdateEvents(const Offer& current,
                                            const Offer& next, absl::Time now) {
  std::vector<AvailabilityEvent> events;
  if (next.film != current.film || next.region != current.region) {
    // For watchers it is another offer: gone from one place, new in another.
    events.push_back(MakeEvent(Kind::kOfferRemoved, current, now));
    events.push_back(MakeEvent(Kind::kOfferAvailable, next, now));
    return events;
  }
  if (current.price != next.price) {
    AvailabilityEvent e = MakeEvent(Kind::kPriceChanged, next, now);
    e.previous_price = current.price;
    events.push_back(std::move(e));
  }
  if (!current.AvailableAt(now) && next.AvailableAt(now)) {
    events.push_back(MakeEvent(Kind::kOfferAvailable, next, now));
  }
  return events;
}

// The validate_only answer of a create: the resource as it would be
// stored, or ALREADY_EXISTS when its name is taken.
template <typename T, typename Lookup>
absl::StatusOr<T> AsIfCreated(T resource, Lookup lookup) {
  LONGTAKE_ASSIGN_OR_RETURN(auto existing, lookup(resource.name));
  if (existing) return AlreadyExists(resource.name);
  return resource;
}

// A batch that writes a new resource `name`: it fails if one exists.
WriteBatch CreateBatch(const std::string& name) {
  WriteBatch batch;
  batch.expect_etags.push_back({name, ""});
  return batch;
}

// What a ListOffers page token is bound to: the parsed filter, so spellings
// of one filter share tokens. A film and region filter gives the arguments
// tokens had before the other fields, so those stay valid.
std::string OfferListArgs(const OfferFilter& f) {
  std::string args = absl::StrCat("offers|", absl::StrJoin(f.films, ","), "|",
                                  absl::StrJoin(f.regions, ","));
  if (!f.providers.empty() || !f.monetizations.empty() || !f.formats.empty()) {
    auto number = [](std::string* out, auto value) {
      absl::StrAppend(out, static_cast<int>(value));
    };
    absl::StrAppend(&args, "|", absl::StrJoin(f.providers, ","), "|",
                    absl::StrJoin(f.monetizations, ",", number), "|",
                    absl::StrJoin(f.formats, ",", number));
  }
  return args;
}

}  // namespace

// ---- Providers ----

absl::StatusOr<Provider> Watchlist::GetProvider(const std::string& name) {
  LONGTAKE_RETURN_IF_ERROR(CheckProviderName(name));
  LONGTAKE_ASSIGN_OR_RETURN(std::optional<Provider> p,
                            store_->GetProvider(name));
  if (!p) return NotFound(name);
  return *std::move(p);
}

absl::StatusOr<ProviderPage> Watchlist::ListProviders(
    int page_size, const std::string& page_token) {
  LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(page_size, 50, 1000));
  LONGTAKE_ASSIGN_OR_RETURN(std::string after,
                            DecodePageToken(page_token, "providers"));
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

absl::StatusOr<Provider> Watchlist::CreateProvider(
    Provider p, const std::string& id, const WriteOptions& options) {
  LONGTAKE_ASSIGN_OR_RETURN(auto prior,
                            PriorRequest("CreateProvider", options));
  if (prior) return GetProvider(prior->resource);
  LONGTAKE_RETURN_IF_ERROR(CheckNewId(id, "provider_id"));
  p.name = absl::StrCat("providers/", id);
  std::vector<FieldViolation> v;
  ValidateProvider(p, &v);
  if (!v.empty()) return InvalidArguments(std::move(v));
  p.create_time = p.update_time = Now();
  p.etag = ProviderEtag(p);
  if (options.validate_only) {
    return AsIfCreated(std::move(p), [this](const std::string& name) {
      return store_->GetProvider(name);
    });
  }
  WriteBatch batch = CreateBatch(p.name);
  batch.put_providers.push_back(p);
  LONGTAKE_RETURN_IF_ERROR(
      CommitRequest(batch, "CreateProvider", options, p.name));
  return p;
}

absl::StatusOr<Provider> Watchlist::UpdateProvider(
    Provider p, const FieldMask& mask, const WriteOptions& options) {
  LONGTAKE_ASSIGN_OR_RETURN(auto prior,
                            PriorRequest("UpdateProvider", options));
  if (prior) return GetProvider(prior->resource);
  Provider next;
  LONGTAKE_ASSIGN_OR_RETURN(
      Provider current,
      MaskedUpdate(
          mask, ProviderSetters(), p,
          CheckProviderName(p.name, "provider.name"), "provider.etag",
          [this](const std::string& name) { return GetProvider(name); },
          &next));
  std::vector<FieldViolation> v;
  ValidateProvider(next, &v);
  if (!v.empty()) return InvalidArguments(std::move(v));
  next.update_time = Now();
  next.etag = ProviderEtag(next);
  if (options.validate_only) return next;
  WriteBatch batch;
  batch.expect_etags.push_back({next.name, current.etag});
  batch.put_providers.push_back(next);
  LONGTAKE_RETURN_IF_ERROR(
      CommitRequest(batch, "UpdateProvider", options, next.name));
  return next;
}

absl::Status Watchlist::DeleteProvider(const std::string& name,
                                       const std::string& etag,
                                       const WriteOptions& options) {
  LONGTAKE_ASSIGN_OR_RETURN(auto prior,
                            PriorRequest("DeleteProvider", options));
  if (prior) return absl::OkStatus();
  LONGTAKE_RETURN_IF_ERROR(CheckBytes(etag, "etag", kMaxEtagBytes));
  LONGTAKE_ASSIGN_OR_RETURN(Provider current, GetProvider(name));
  if (!etag.empty() && etag != current.etag) return EtagMismatch(name);
  OfferFilter filter;
  filter.providers = {name};
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<Offer> offers,
                            store_->ListOffers(filter, "", 1));
  if (!offers.empty()) {
    return FailedPrecondition(
        kProviderHasOffers,
        absl::StrCat(name, " still has offers (e.g. ", offers[0].name,
                     "); delete them first"),
        name);
  }
  if (options.validate_only) return absl::OkStatus();
  WriteBatch batch;
  batch.expect_etags.push_back({name, current.etag});
  batch.delete_providers.push_back(name);
  return CommitRequest(batch, "DeleteProvider", options, name);
}

// ---- Offers ----

absl::StatusOr<Offer> Watchlist::GetOffer(const std::string& name) {
  LONGTAKE_RETURN_IF_ERROR(CheckOfferName(name));
  LONGTAKE_ASSIGN_OR_RETURN(std::optional<Offer> o, store_->GetOffer(name));
  if (!o) return NotFound(name);
  return *std::move(o);
}

absl::StatusOr<OfferPage> Watchlist::ListOffers(const ListOffersQuery& query) {
  LONGTAKE_ASSIGN_OR_RETURN(int size,
                            ResolvePageSize(query.page_size, 50, 1000));
  LONGTAKE_ASSIGN_OR_RETURN(OfferFilter filter, ParseOfferFilter(query.filter));
  std::string args = OfferListArgs(filter);
  LONGTAKE_ASSIGN_OR_RETURN(std::string after,
                            DecodePageToken(query.page_token, args));
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

absl::Status Watchlist::ValidateOfferFully(Offer& offer, bool check_film) {
  std::vector<FieldViolation> v;
  ValidateOffer(offer, &v);
  if (IsProviderName(offer.provider)) {
    LONGTAKE_ASSIGN_OR_RETURN(auto provider,
                              store_->GetProvider(offer.provider));
    if (!provider) {
      v.push_back(
          {"offer.provider", absl::StrCat(offer.provider, " does not exist")});
    } else if (!provider->regions.empty() && IsIsoRegion(offer.region) &&
               !absl::c_linear_search(provider->regions, offer.region)) {
      v.push_back({"offer.region",
                   absl::StrCat(offer.provider, " does not serve ",
                                offer.region.substr(0, 16), " (it serves ",
                                absl::StrJoin(provider->regions, ", "), ")")});
    }
  }
  if (!v.empty()) return InvalidArguments(std::move(v));
  if (check_film) {
    // Only a film the catalogue has can be offered (one catalogue call).
    absl::StatusOr<FilmSummaryWithName> film = directory_->GetFilm(offer.film);
    if (!film.ok()) return CatalogueError(film.status(), offer.film);
  }
  return absl::OkStatus();
}

absl::StatusOr<Offer> Watchlist::CreateOffer(Offer offer,
                                             const std::string& offer_id,
                                             const WriteOptions& options) {
  return AddOffer(std::move(offer), offer_id, options, /*check_film=*/true);
}

absl::StatusOr<Offer> Watchlist::AddOffer(Offer offer,
                                          const std::string& offer_id,
                                          const WriteOptions& options,
                                          bool check_film) {
  LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("CreateOffer", options));
  if (prior) return GetOffer(prior->resource);
  const std::string id = offer_id.empty() ? RandomHex(12) : offer_id;
  LONGTAKE_RETURN_IF_ERROR(CheckNewId(id, "offer_id"));
  offer.name = absl::StrCat("offers/", id);
  LONGTAKE_RETURN_IF_ERROR(ValidateOfferFully(offer, check_film));
  absl::Time now = Now();
  offer.create_time = offer.update_time = now;
  offer.etag = OfferEtag(offer);
  if (options.validate_only) {
    return AsIfCreated(std::move(offer), [this](const std::string& name) {
      return store_->GetOffer(name);
    });
  }
  WriteBatch batch = CreateBatch(offer.name);
  batch.put_offers.push_back(offer);
  // Announced on create, with its window, even when it starts later.
  batch.append_events.push_back(MakeEvent(Kind::kOfferAvailable, offer, now));
  LONGTAKE_RETURN_IF_ERROR(
      CommitRequest(batch, "CreateOffer", options, offer.name));
  return offer;
}

absl::StatusOr<Offer> Watchlist::UpdateOffer(Offer offer, const FieldMask& mask,
                                             const WriteOptions& options) {
  LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("UpdateOffer", options));
  if (prior) return GetOffer(prior->resource);
  Offer next;
  LONGTAKE_ASSIGN_OR_RETURN(
      Offer current,
      MaskedUpdate(
          mask, OfferSetters(), offer, CheckOfferName(offer.name, "offer.name"),
          "offer.etag",
          [this](const std::string& name) { return GetOffer(name); }, &next));
  LONGTAKE_RETURN_IF_ERROR(
      ValidateOfferFully(next, /*check_film=*/next.film != current.film));
  absl::Time now = Now();
  next.update_time = now;
  next.etag = OfferEtag(next);
  if (options.validate_only) return next;

  WriteBatch batch;
  batch.expect_etags.push_back({next.name, current.etag});
  batch.put_offers.push_back(next);
  batch.append_events = UpdateEvents(current, next, now);
  LONGTAKE_RETURN_IF_ERROR(
      CommitRequest(batch, "UpdateOffer", options, next.name));
  return next;
}

absl::Status Watchlist::DeleteOffer(const std::string& name,
                                    const std::string& etag,
                                    const WriteOptions& options) {
  LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("DeleteOffer", options));
  if (prior) return absl::OkStatus();
  LONGTAKE_RETURN_IF_ERROR(CheckBytes(etag, "etag", kMaxEtagBytes));
  LONGTAKE_ASSIGN_OR_RETURN(Offer current, GetOffer(name));
  if (!etag.empty() && etag != current.etag) return EtagMismatch(name);
  if (options.validate_only) return absl::OkStatus();
  WriteBatch batch;
  batch.expect_etags.push_back({name, current.etag});
  batch.delete_offers.push_back(name);
  batch.append_events.push_back(MakeEvent(Kind::kOfferRemoved, current, Now()));
  return CommitRequest(batch, "DeleteOffer", options, name);
}

// ---- Where to watch ----

absl::StatusOr<WhereToWatchResult> Watchlist::WhereToWatch(
    const WhereToWatchQuery& query) {
  if (!IsFilmName(query.film)) {
    return InvalidArgument(
        "film", absl::StrCat("\"", query.film, "\" must be films/{film}"));
  }
  LONGTAKE_ASSIGN_OR_RETURN(std::string region,
                            NormaliseRegion(query.region, "region"));
  LONGTAKE_ASSIGN_OR_RETURN(
      auto subscriptions,
      ParseSubscriptions(query.subscriptions, "subscriptions"));
  OfferFilter filter;
  filter.films.push_back(query.film);
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<Offer> offers,
                            store_->ListOffers(filter, "", 0));
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
    std::vector<RankedOffer> ranked =
        RankOffers(list, subscriptions, providers);
    parts.push_back(absl::StrCat(
        other, " (", DescribeOfferShort(ranked.front().offer, providers), ")"));
  }
  if (parts.empty()) {
    result.summary = absl::StrCat("Not available in ", region,
                                  " or anywhere else right now.");
  } else {
    result.summary =
        absl::StrCat("Not available in ", region, ". Available in ",
                     absl::StrJoin(parts, ", "), ".");
  }
  return result;
}

}  // namespace longtake::watchlist
