#pragma once

// Sample resources shared by the watchlist tests that need a fully set
// value (row mapping, the offer codec, proto conversion), and the field by
// field comparison their round trips check.
//
//   const Offer offer = FullOffer();
//   ExpectSame(RoundTrip(offer), offer);

#include <tuple>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "watchlist_service/domain/model.h"

namespace longtake::watchlist::testing {

inline const absl::Time kSampleTime =
    absl::FromUnixSeconds(1767225600);  // 2026-01-01

// An offer with every field set, with sub-second times.
inline Offer FullOffer() {
  Offer o;
  o.name = "offers/i-am-cuba-dvd";
  o.film = "films/i-am-cuba";
  o.provider = "providers/mr-bongo";
  o.monetization = Monetization::kBuy;
  o.format = Format::kDvd;
  o.quality = Quality::kSd;
  o.region = "GB";
  o.price = Money{"GBP", 12, 990000000};
  o.deep_link_uri = "https://example.com/cuba";
  o.edition = "Restored";
  o.extras = {"Booklet", "Commentary"};
  o.available_from = kSampleTime - absl::Microseconds(1500);
  o.available_until = kSampleTime + absl::Hours(24);
  o.last_verify_time = kSampleTime;
  o.etag = "0123456789abcdef";
  o.create_time = kSampleTime - absl::Hours(1);
  o.update_time = kSampleTime - absl::Minutes(1);
  return o;
}

// Every field of a resource, compared at once by ExpectSame.
inline auto Fields(const Offer& o) {
  return std::tie(o.name, o.film, o.provider, o.monetization, o.format,
                  o.quality, o.region, o.price, o.deep_link_uri, o.edition,
                  o.extras, o.available_from, o.available_until,
                  o.last_verify_time, o.etag, o.create_time, o.update_time);
}

// A provider with every field but update_time set.
inline Provider SampleProvider() {
  Provider p;
  p.name = "providers/mr-bongo";
  p.display_name = "Mr Bongo";
  p.kind = ProviderKind::kRetailer;
  p.regions = {"GB", "IE"};
  p.home_page_uri = "https://mrbongo.com";
  p.etag = "e";
  p.create_time = kSampleTime;
  return p;
}

inline auto Fields(const Provider& p) {
  return std::tie(p.name, p.display_name, p.kind, p.regions, p.home_page_uri,
                  p.etag, p.create_time, p.update_time);
}

// Every field of a and b (an Offer or a Provider) is the same.
template <typename T>
void ExpectSame(const T& a, const T& b) {
  EXPECT_EQ(Fields(a), Fields(b));
}

// An unwatched item on alice's list.
inline WatchlistItem SampleItem() {
  WatchlistItem item;
  item.name = "users/alice/watchlist/items/i-am-cuba";
  item.film = "films/i-am-cuba";
  item.note = "Havana";
  item.rank = 3;
  item.add_time = kSampleTime;
  item.etag = "e";
  return item;
}

}  // namespace longtake::watchlist::testing
