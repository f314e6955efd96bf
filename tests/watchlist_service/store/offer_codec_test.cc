// The JSON snapshot of an offer kept in availability events, and the small
// helpers next to it (watchlist_service/store/offer_codec.h).

#include "watchlist_service/store/offer_codec.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/watchlist_service/sample_resources.h"

namespace longtake::watchlist {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;

using testing::ExpectSame;
using testing::FullOffer;

TEST(OfferCodecTest, OfferRoundTripsThroughJson) {
  const Offer offer = FullOffer();
  ASSERT_OK_AND_ASSIGN(Offer back, DecodeOfferJson(EncodeOfferJson(offer)));
  ExpectSame(back, offer);
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
