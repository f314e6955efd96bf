#pragma once

// proto <-> domain conversion for the watchlist gRPC adapter. No logic beyond
// representation: unset timestamps are absl::InfinitePast() (InfiniteFuture()
// for available_until), enums share their numbers, money maps field by field.
// Only an offer's conversion can fail: a timestamp outside the range
// Timestamp documents, named under "offer." (common/grpc/well_known_types.h).
// The output-only times of providers, offers and items are not read.
//
//   LONGTAKE_ASSIGN_OR_RETURN(Offer offer, FromProto(request->offer()));
//   ToProto(created, response);

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/grpc/well_known_types.h"
#include "google/protobuf/field_mask.pb.h"
#include "longtake/watchlist/v1/resources.pb.h"
#include "longtake/watchlist/v1/watchlist_service.pb.h"
#include "watchlist_service/domain/model.h"
#include "watchlist_service/domain/watchlist.h"

namespace longtake::watchlist {

namespace wlv1 = ::longtake::watchlist::v1;

// Times and money convert with common/grpc/well_known_types.h
// (TimeToProto, TimeFromProto, MoneyToProto, MoneyFromProto).

void ToProto(const Provider& provider, wlv1::Provider* out);
Provider FromProto(const wlv1::Provider& provider);

void ToProto(const Offer& offer, wlv1::Offer* out);
absl::StatusOr<Offer> FromProto(const wlv1::Offer& offer);

void ToProto(const WatchlistItem& item, wlv1::WatchlistItem* out);
WatchlistItem FromProto(const wlv1::WatchlistItem& item);

void ToProto(const AvailabilityEvent& event, wlv1::AvailabilityEvent* out);
void ToProto(const RankedOffer& ranked, wlv1::RankedOffer* out);
void ToProto(const WhereToWatchResult& result, wlv1::WhereToWatchResponse* out);

// List responses from a page (ProviderPage, OfferPage, ItemPage): its
// resources and next_page_token. Instantiated for the service's lists.
template <typename Page, typename Response>
void ToProto(const Page& page, Response* out);
void ToProto(const std::vector<WatchlistItem>& items,
             wlv1::ReorderWatchlistItemsResponse* out);

}  // namespace longtake::watchlist
