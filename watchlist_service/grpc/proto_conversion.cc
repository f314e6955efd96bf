#include "watchlist_service/grpc/proto_conversion.h"

#include <utility>
#include <vector>

#include "common/status/errors.h"

namespace longtake::watchlist {

namespace {

// Each value converted into a repeated message field.
template <typename T, typename Repeated>
void AddAll(const std::vector<T>& values, Repeated* out) {
  for (const T& value : values) ToProto(value, out->Add());
}

// A page's resources, and the repeated field of the list response for them.
const auto& Values(const ProviderPage& page) { return page.providers; }
const auto& Values(const OfferPage& page) { return page.offers; }
const auto& Values(const ItemPage& page) { return page.items; }
auto* Resources(wlv1::ListProvidersResponse* out) {
  return out->mutable_providers();
}
auto* Resources(wlv1::ListOffersResponse* out) { return out->mutable_offers(); }
auto* Resources(wlv1::ListWatchlistItemsResponse* out) {
  return out->mutable_items();
}
auto* Resources(wlv1::ListHistoryResponse* out) { return out->mutable_items(); }

}  // namespace

void ToProto(const Provider& provider, wlv1::Provider* out) {
  out->set_name(provider.name);
  out->set_display_name(provider.display_name);
  out->set_kind(static_cast<wlv1::Provider::Kind>(provider.kind));
  for (const std::string& region : provider.regions) out->add_regions(region);
  out->set_home_page_uri(provider.home_page_uri);
  out->set_etag(provider.etag);
  StampsToProto(provider, out);
}

Provider FromProto(const wlv1::Provider& provider) {
  Provider out;
  out.name = provider.name();
  out.display_name = provider.display_name();
  out.kind = static_cast<ProviderKind>(provider.kind());
  out.regions.assign(provider.regions().begin(), provider.regions().end());
  out.home_page_uri = provider.home_page_uri();
  out.etag = provider.etag();
  return out;
}

void ToProto(const Offer& offer, wlv1::Offer* out) {
  out->set_name(offer.name);
  out->set_film(offer.film);
  out->set_provider(offer.provider);
  out->set_monetization(static_cast<wlv1::Monetization>(offer.monetization));
  out->set_format(static_cast<wlv1::Format>(offer.format));
  out->set_quality(static_cast<wlv1::Quality>(offer.quality));
  out->set_region(offer.region);
  if (offer.price.has_value()) MoneyToProto(*offer.price, out->mutable_price());
  out->set_deep_link_uri(offer.deep_link_uri);
  out->set_edition(offer.edition);
  for (const std::string& extra : offer.extras) out->add_extras(extra);
  if (HasTime(offer.available_from))
    TimeToProto(offer.available_from, out->mutable_available_from());
  if (HasTime(offer.available_until))
    TimeToProto(offer.available_until, out->mutable_available_until());
  if (HasTime(offer.last_verify_time))
    TimeToProto(offer.last_verify_time, out->mutable_last_verify_time());
  out->set_etag(offer.etag);
  StampsToProto(offer, out);
}

absl::StatusOr<Offer> FromProto(const wlv1::Offer& offer) {
  Offer out;
  out.name = offer.name();
  out.film = offer.film();
  out.provider = offer.provider();
  out.monetization = static_cast<Monetization>(offer.monetization());
  out.format = static_cast<Format>(offer.format());
  out.quality = static_cast<Quality>(offer.quality());
  out.region = offer.region();
  if (offer.has_price()) out.price = MoneyFromProto(offer.price());
  out.deep_link_uri = offer.deep_link_uri();
  out.edition = offer.edition();
  out.extras.assign(offer.extras().begin(), offer.extras().end());
  LONGTAKE_ASSIGN_OR_RETURN(
      out.available_from,
      TimeFromProto(offer.available_from(), "offer.available_from",
                    offer.has_available_from()));
  LONGTAKE_ASSIGN_OR_RETURN(
      out.available_until,
      TimeFromProto(offer.available_until(), "offer.available_until",
                    offer.has_available_until(), absl::InfiniteFuture()));
  LONGTAKE_ASSIGN_OR_RETURN(
      out.last_verify_time,
      TimeFromProto(offer.last_verify_time(), "offer.last_verify_time",
                    offer.has_last_verify_time()));
  out.etag = offer.etag();
  return out;
}

void ToProto(const WatchlistItem& item, wlv1::WatchlistItem* out) {
  out->set_name(item.name);
  out->set_film(item.film);
  out->set_note(item.note);
  out->set_rank(item.rank);
  if (HasTime(item.add_time))
    TimeToProto(item.add_time, out->mutable_add_time());
  if (HasTime(item.watch_time))
    TimeToProto(item.watch_time, out->mutable_watch_time());
  if (item.enriched) {
    out->mutable_film_summary()->set_title(item.film_summary.title);
    out->mutable_film_summary()->set_year(item.film_summary.year);
  }
  if (item.best_offer.has_value())
    ToProto(*item.best_offer, out->mutable_best_offer());
  out->set_enriched(item.enriched);
  out->set_etag(item.etag);
}

WatchlistItem FromProto(const wlv1::WatchlistItem& item) {
  WatchlistItem out;
  out.name = item.name();
  out.film = item.film();
  out.note = item.note();
  out.rank = item.rank();
  out.etag = item.etag();
  return out;
}

void ToProto(const AvailabilityEvent& event, wlv1::AvailabilityEvent* out) {
  out->set_event_id(event.event_id);
  out->set_kind(static_cast<wlv1::AvailabilityEvent::Kind>(event.kind));
  out->set_user(event.user);
  out->set_film(event.film);
  ToProto(event.offer, out->mutable_offer());
  if (event.previous_price.has_value()) {
    MoneyToProto(*event.previous_price, out->mutable_previous_price());
  }
  if (HasTime(event.event_time))
    TimeToProto(event.event_time, out->mutable_event_time());
}

void ToProto(const RankedOffer& ranked, wlv1::RankedOffer* out) {
  ToProto(ranked.offer, out->mutable_offer());
  out->set_explanation(ranked.explanation);
  out->set_available_to_user(ranked.available_to_user);
}

void ToProto(const WhereToWatchResult& result,
             wlv1::WhereToWatchResponse* out) {
  AddAll(result.offers, out->mutable_offers());
  for (const std::string& region : result.available_in_regions) {
    out->add_available_in_regions(region);
  }
  out->set_summary(result.summary);
}

template <typename Page, typename Response>
void ToProto(const Page& page, Response* out) {
  AddAll(Values(page), Resources(out));
  out->set_next_page_token(page.next_page_token);
}
template void ToProto(const ProviderPage&, wlv1::ListProvidersResponse*);
template void ToProto(const OfferPage&, wlv1::ListOffersResponse*);
template void ToProto(const ItemPage&, wlv1::ListWatchlistItemsResponse*);
template void ToProto(const ItemPage&, wlv1::ListHistoryResponse*);

void ToProto(const std::vector<WatchlistItem>& items,
             wlv1::ReorderWatchlistItemsResponse* out) {
  AddAll(items, out->mutable_items());
}

}  // namespace longtake::watchlist
