// Loading the offers seed (watchlist_service/domain/seed_loader.h).

#include "watchlist_service/domain/seed_loader.h"

#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/watchlist_service/domain/watchlist_test_fixture.h"

namespace longtake::watchlist {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;

TEST_F(WatchlistTest, SeedHasProvidersAndOffers) {
  auto providers = watchlist_->ListProviders(0, "");
  ASSERT_OK(providers);
  ASSERT_EQ(providers->providers.size(), 2u);
  EXPECT_EQ(providers->providers[0].name, "providers/criterion-channel");
  EXPECT_THAT(providers->providers[0].regions, ElementsAre("US", "CA"));
  EXPECT_EQ(providers->providers[1].name, "providers/mr-bongo");
  EXPECT_EQ(providers->providers[1].kind, ProviderKind::kRetailer);
  auto offers = watchlist_->ListOffers({});
  ASSERT_OK(offers);
  EXPECT_EQ(offers->offers.size(), 5u);
  // Loading again does nothing.
  ASSERT_OK(watchlist_->LoadSeedIfEmpty(SeedPath()));
  EXPECT_EQ(watchlist_->ListOffers({})->offers.size(), 5u);
}

TEST(ReadOffersSeedTest, MissingFileIsNotFound) {
  EXPECT_THAT(ReadOffersSeed("/nonexistent/offers.json"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(ReadOffersSeedTest, ReadsProvidersAndOffersInFileOrder) {
  ASSERT_OK_AND_ASSIGN(OffersSeed seed, ReadOffersSeed(SeedPath()));
  ASSERT_EQ(seed.providers.size(), 2u);
  EXPECT_EQ(seed.providers[0].first, "criterion-channel");
  EXPECT_EQ(seed.offers.size(), 5u);
}

TEST(ReadOffersSeedTest, EnumsMayCarryTheirPrefixAndAnyCase) {
  const std::string path = ::testing::TempDir() + "/prefixed_offers.json";
  std::ofstream(path) << R"({"offers": [
      {"id": "a", "format": "FORMAT_UHD_BLU_RAY", "monetization": "buy",
       "quality": "QUALITY_UHD_4K"},
      {"id": "b", "format": "blu_ray", "monetization": "MONETIZATION_ADS"}]})";
  ASSERT_OK_AND_ASSIGN(OffersSeed seed, ReadOffersSeed(path));
  ASSERT_EQ(seed.offers.size(), 2u);
  EXPECT_EQ(seed.offers[0].second.format, Format::kUhdBluRay);
  EXPECT_EQ(seed.offers[0].second.monetization, Monetization::kBuy);
  EXPECT_EQ(seed.offers[0].second.quality, Quality::kUhd4k);
  EXPECT_EQ(seed.offers[1].second.format, Format::kBluRay);
  EXPECT_EQ(seed.offers[1].second.monetization, Monetization::kAds);
}

TEST(ReadOffersSeedTest, UnknownEnumValueNamesTheKey) {
  const std::string path = ::testing::TempDir() + "/bad_offers.json";
  std::ofstream(path) << R"({"offers": [{"id": "a", "format": "VHS"}]})";
  absl::StatusOr<OffersSeed> seed = ReadOffersSeed(path);
  ASSERT_THAT(seed, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(seed.status().message(),
              ::testing::HasSubstr("unknown format \"VHS\""));
}

}  // namespace
}  // namespace longtake::watchlist
