// The JSON snapshot of an offer kept in availability events, and the small
// helpers next to it (watchlist_service/store/offer_codec.h).

#include "watchlist_service/store/offer_codec.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake::watchlist {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);

// Every field set, with sub-second times.
Offer FullOffer() {
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
  o.available_from = kT0 - absl::Microseconds(1500);
  o.available_until = kT0 + absl::Hours(24);
  o.last_verify_time = kT0;
  o.etag = "0123456789abcdef";
  o.create_time = kT0 - absl::Hours(1);
  o.update_time = kT0 - absl::Minutes(1);
  return o;
}

void ExpectSameOffer(const Offer& a, const Offer& b) {
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

TEST(OfferCodecTest, OfferRoundTripsThroughJson) {
  const Offer offer = FullOffer();
  ASSERT_OK_AND_ASSIGN(Offer back, DecodeOfferJson(EncodeOfferJson(offer)));
  ExpectSameOffer(back, offer);
}

TEST(OfferCodecTest, UnsetFieldsStayUnset) {
  Offer offer;
  offer.name = "offers/free";
  ASSERT_OK_AND_ASSIGN(Offer back, DecodeOfferJson(EncodeOfferJson(offer)));
  EXPECT_FALSE(back.price.has_value());
  EXPECT_EQ(back.available_from, absl::InfinitePast());
  EXPECT_EQ(back.available_until, absl::InfiniteFuture());
  EXPECT_TRUE(back.extras.empty());
}

TEST(OfferCodecTest, BadSnapshotIsDataLoss) {
  EXPECT_THAT(DecodeOfferJson("not json"),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeOfferJson(R"({"monetization": "lots"})"),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST(OfferCodecTest, TimesAsMicrosWithInfinitiesUnset) {
  EXPECT_EQ(TimeToMicros(absl::InfinitePast()), std::nullopt);
  EXPECT_EQ(TimeToMicros(absl::InfiniteFuture()), std::nullopt);
  EXPECT_EQ(TimeToMicros(absl::FromUnixMicros(42)), 42);
  EXPECT_EQ(MicrosToTime(std::nullopt, absl::InfiniteFuture()),
            absl::InfiniteFuture());
  EXPECT_EQ(MicrosToTime(42, absl::InfinitePast()), absl::FromUnixMicros(42));
}

TEST(OfferCodecTest, UserOfItem) {
  EXPECT_EQ(UserOfItem("users/alice/watchlist/items/x"), "alice");
  EXPECT_EQ(UserOfItem("offers/x"), "");
}

}  // namespace
}  // namespace longtake::watchlist
