#pragma once

// Sample resources shared by the watchlist tests that need a fully set
// value (row mapping, the offer codec, proto conversion), and the field by
// field comparison their round trips check.
//
//   const Offer offer = FullOffer();
//   ExpectSameOffer(RoundTrip(offer), offer);

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

inline void ExpectSameOffer(const Offer& a, const Offer& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.film, b.film);
  EXPECT_EQ(a.provider, b.provider);
  EXPECT_EQ(a.monetization, b.monetization);
  EXPECT_EQ(a.format, b.format);
  EXPECT_EQ(a.quality, b.quality);
  EXPECT_EQ(a.region, b.region);
  EXPECT_EQ(a.price, b.price);
  EXPECT_EQ(a.deep_link_uri, b.deep_link_uri);
  EXPECT_EQ(a.edition, b.edition);
  EXPECT_EQ(a.extras, b.extras);
  EXPECT_EQ(a.available_from, b.available_from);
  EXPECT_EQ(a.available_until, b.available_until);
  EXPECT_EQ(a.last_verify_time, b.last_verify_time);
  EXPECT_EQ(a.etag, b.etag);
  EXPECT_EQ(a.create_time, b.create_time);
  EXPECT_EQ(a.update_time, b.update_time);
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

inline void ExpectSameProvider(const Provider& a, const Provider& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.display_name, b.display_name);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.regions, b.regions);
  EXPECT_EQ(a.home_page_uri, b.home_page_uri);
  EXPECT_EQ(a.etag, b.etag);
  EXPECT_EQ(a.create_time, b.create_time);
  EXPECT_EQ(a.update_time, b.update_time);
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
