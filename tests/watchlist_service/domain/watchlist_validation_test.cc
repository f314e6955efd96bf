// Name, value and filter checks
// (watchlist_service/domain/watchlist_validation.h).

#include "watchlist_service/domain/watchlist_validation.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake::watchlist {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;

TEST(WatchlistValidationTest, UserParent) {
  ASSERT_OK_AND_ASSIGN(std::string user, ParseUserParent("users/alice_1"));
  EXPECT_EQ(user, "alice_1");
  EXPECT_THAT(ParseUserParent("users/Alice"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ErrorFieldViolations(
                ParseUserParent("alice", "request.parent").status())[0]
                .field,
            "request.parent");
}

TEST(WatchlistValidationTest, ItemNames) {
  ASSERT_OK_AND_ASSIGN(ItemName name,
                       ParseItemName("users/bo/watchlist/items/i-am-cuba"));
  EXPECT_EQ(name.user, "bo");
  EXPECT_EQ(name.id, "i-am-cuba");
  EXPECT_THAT(ParseItemName("users/bo/items/x"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(WatchlistValidationTest, RegionsAreUpperCased) {
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> regions,
                       NormaliseRegions({"gb", "US"}));
  EXPECT_THAT(regions, ElementsAre("GB", "US"));
  EXPECT_EQ(
      ErrorFieldViolations(NormaliseRegions({"GB", "GBR"}).status())[0].field,
      "regions[1]");
}

TEST(WatchlistValidationTest, Filters) {
  ASSERT_OK_AND_ASSIGN(OfferQueryFilter f,
                       ParseOfferFilter("film = \"films/x\" AND region = gb"));
  EXPECT_EQ(f.film, "films/x");
  EXPECT_EQ(f.region, "GB");
  EXPECT_THAT(ParseOfferFilter("price < 3"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(bool watchable_now,
                       ParseItemFilter(" watchable_now = true "));
  EXPECT_TRUE(watchable_now);
  ASSERT_OK_AND_ASSIGN(watchable_now, ParseItemFilter("watchable_now=false"));
  EXPECT_FALSE(watchable_now);
  EXPECT_THAT(ParseItemFilter("rank > 2"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseOffset("-1"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(WatchlistValidationTest, OfferPriceOnlyForRentAndBuy) {
  Offer o;
  o.film = "films/i-am-cuba";
  o.provider = "providers/mr-bongo";
  o.monetization = Monetization::kFree;
  o.region = "GB";
  o.price = Money{"GBP", 1, 0};
  std::vector<FieldViolation> v;
  ValidateOffer(o, &v);
  EXPECT_TRUE(v.empty());
  EXPECT_FALSE(o.price.has_value());
  o.monetization = Monetization::kBuy;
  ValidateOffer(o, &v);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "offer.price");
}

}  // namespace
}  // namespace longtake::watchlist
