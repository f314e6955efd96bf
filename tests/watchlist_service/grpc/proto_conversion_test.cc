#include "watchlist_service/grpc/proto_conversion.h"

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/watchlist_service/sample_resources.h"

namespace longtake::watchlist {
namespace {

using ::longtake::testing::IsOkAndHolds;
using ::testing::ElementsAre;

TEST(ProtoConversionTest, OfferRoundTripKeepsEveryField) {
  Offer offer = testing::FullOffer();
  offer.available_from =
      absl::FromUnixSeconds(1700000000) + absl::Milliseconds(250);
  offer.available_until = absl::InfiniteFuture();
  offer.last_verify_time = absl::InfinitePast();
  offer.etag = "e1";

  v1::Offer proto;
  ToProto(offer, &proto);
  EXPECT_EQ(proto.monetization(), v1::MONETIZATION_BUY);
  EXPECT_EQ(proto.format(), v1::FORMAT_DVD);
  EXPECT_EQ(proto.price().currency_code(), "GBP");
  EXPECT_EQ(proto.price().units(), 12);
  EXPECT_EQ(proto.price().nanos(), 990000000);
  EXPECT_TRUE(proto.has_available_from());
  EXPECT_EQ(proto.available_from().seconds(), 1700000000);
  EXPECT_EQ(proto.available_from().nanos(), 250000000);
  EXPECT_FALSE(proto.has_available_until());  // until further notice
  EXPECT_FALSE(proto.has_last_verify_time());

  ASSERT_OK_AND_ASSIGN(Offer back, FromProto(proto));
  EXPECT_EQ(back.name, offer.name);
  EXPECT_EQ(back.provider, offer.provider);
  EXPECT_EQ(back.monetization, Monetization::kBuy);
  ASSERT_TRUE(back.price.has_value());
  EXPECT_EQ(*back.price, *offer.price);
  EXPECT_THAT(back.extras, ElementsAre("Booklet", "Commentary"));
  EXPECT_EQ(back.available_from, offer.available_from);
  EXPECT_EQ(back.available_until, absl::InfiniteFuture());
  EXPECT_EQ(back.last_verify_time, absl::InfinitePast());
  EXPECT_EQ(back.etag, "e1");
}

TEST(ProtoConversionTest, OfferWithoutPriceHasNoPrice) {
  v1::Offer proto;
  proto.set_monetization(v1::MONETIZATION_SUBSCRIPTION);
  ASSERT_OK_AND_ASSIGN(Offer converted, FromProto(proto));
  EXPECT_FALSE(converted.price.has_value());
  Offer offer;
  v1::Offer out;
  ToProto(offer, &out);
  EXPECT_FALSE(out.has_price());
}

TEST(ProtoConversionTest, TimesBeforeTheEpochKeepNonNegativeNanos) {
  google::protobuf::Timestamp ts;
  const absl::Time t = absl::FromUnixSeconds(-10) + absl::Milliseconds(-300);
  TimeToProto(t, &ts);
  EXPECT_EQ(ts.seconds(), -11);
  EXPECT_EQ(ts.nanos(), 700000000);
  EXPECT_THAT(TimeFromProto(ts, "t", true), IsOkAndHolds(t));
}

TEST(ProtoConversionTest, UnenrichedItemHasNoFilmSummary) {
  WatchlistItem item;
  item.name = "users/alice/watchlist/items/1";
  item.film = "films/i-am-cuba";
  item.film_summary = {"I Am Cuba", 1964};
  item.enriched = false;
  v1::WatchlistItem proto;
  ToProto(item, &proto);
  EXPECT_FALSE(proto.enriched());
  EXPECT_FALSE(proto.has_film_summary());
  EXPECT_FALSE(proto.has_watch_time());

  item.enriched = true;
  item.watch_time = absl::FromUnixSeconds(1);
  v1::WatchlistItem enriched;
  ToProto(item, &enriched);
  EXPECT_TRUE(enriched.enriched());
  EXPECT_EQ(enriched.film_summary().title(), "I Am Cuba");
  EXPECT_EQ(enriched.film_summary().year(), 1964);
  EXPECT_TRUE(enriched.has_watch_time());
}

TEST(ProtoConversionTest, EventCarriesPreviousPriceAndKind) {
  AvailabilityEvent event;
  event.event_id = 42;
  event.kind = AvailabilityEvent::Kind::kPriceChanged;
  event.user = "users/alice";
  event.film = "films/i-am-cuba";
  event.offer.price = Money{"GBP", 3, 0};
  event.previous_price = Money{"GBP", 4, 500000000};
  v1::AvailabilityEvent proto;
  ToProto(event, &proto);
  EXPECT_EQ(proto.event_id(), 42);
  EXPECT_EQ(proto.kind(), v1::AvailabilityEvent::KIND_PRICE_CHANGED);
  EXPECT_EQ(proto.user(), "users/alice");
  EXPECT_EQ(proto.previous_price().units(), 4);
  EXPECT_EQ(proto.offer().price().units(), 3);
  EXPECT_FALSE(proto.has_event_time());
}

}  // namespace
}  // namespace longtake::watchlist
