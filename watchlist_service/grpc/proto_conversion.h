#pragma once

// proto <-> domain conversion for the watchlist gRPC adapter. No logic beyond
// representation: unset timestamps are absl::InfinitePast() (InfiniteFuture()
// for available_until), enums share their numbers, money maps field by field.
//
//   watchlist::Offer offer = FromProto(request->offer());
//   ToProto(created, response);

#include <string>
#include <vector>

#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "longtake/watchlist/v1/resources.pb.h"
#include "longtake/watchlist/v1/watchlist_service.pb.h"
#include "watchlist_service/domain/model.h"
#include "watchlist_service/domain/watchlist.h"

namespace longtake::watchlist {

namespace wlv1 = ::longtake::watchlist::v1;

// Infinite times clear the field.
void TimeToProto(absl::Time time, google::protobuf::Timestamp* out);
bool HasTime(absl::Time time);
// Unset -> `unset` (InfinitePast by default).
absl::Time TimeFromProto(const google::protobuf::Timestamp& ts, bool has,
                         absl::Time unset = absl::InfinitePast());

void ToProto(const Money& money, google::type::Money* out);
Money FromProto(const google::type::Money& money);

void ToProto(const Provider& provider, wlv1::Provider* out);
Provider FromProto(const wlv1::Provider& provider);

void ToProto(const Offer& offer, wlv1::Offer* out);
Offer FromProto(const wlv1::Offer& offer);

void ToProto(const WatchlistItem& item, wlv1::WatchlistItem* out);
WatchlistItem FromProto(const wlv1::WatchlistItem& item);

void ToProto(const AvailabilityEvent& event, wlv1::AvailabilityEvent* out);
void ToProto(const RankedOffer& ranked, wlv1::RankedOffer* out);
void ToProto(const WhereToWatchResult& result, wlv1::WhereToWatchResponse* out);

FieldMask FromProto(const google::protobuf::FieldMask& mask);

}  // namespace longtake::watchlist
