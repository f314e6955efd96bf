// Name, value and filter checks
// (watchlist_service/domain/watchlist_validation.h).

#include "watchlist_service/domain/watchlist_validation.h"

#include <string>
#include <utility>
#include <vector>

#include "common/domain/field_limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake::watchlist {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(WatchlistValidationTest, UserParent) {
  ASSERT_OK_AND_ASSIGN(std::string user, ParseUserParent("users/alice_1"));
  EXPECT_EQ(user, "alice_1");
}

TEST(WatchlistValidationTest, ItemNames) {
  ASSERT_OK_AND_ASSIGN(ItemName name,
                       ParseItemName("users/bo/watchlist/items/i-am-cuba"));
  EXPECT_EQ(name.user, "bo");
  EXPECT_EQ(name.id, "i-am-cuba");
}

TEST(WatchlistValidationTest, RegionsAreUpperCased) {
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> regions,
                       NormaliseRegions({"gb", "US"}));
  EXPECT_THAT(regions, ElementsAre("GB", "US"));
}

TEST(WatchlistValidationTest, Filters) {
  ASSERT_OK_AND_ASSIGN(OfferFilter f,
                       ParseOfferFilter("film = \"films/x\" AND region = gb"));
  EXPECT_THAT(f.films, ElementsAre("films/x"));
  EXPECT_THAT(f.regions, ElementsAre("GB"));
  ASSERT_OK_AND_ASSIGN(bool watchable_now,
                       ParseItemFilter(" watchable_now = true "));
  EXPECT_TRUE(watchable_now);
  ASSERT_OK_AND_ASSIGN(watchable_now, ParseItemFilter("watchable_now=false"));
  EXPECT_FALSE(watchable_now);
}

// Enum values by short or proto name in any case; OR within one field, with
// or without parentheses; lists sorted without duplicates.
TEST(WatchlistValidationTest, OfferFilterProviderMonetizationAndFormat) {
  ASSERT_OK_AND_ASSIGN(
      OfferFilter f,
      ParseOfferFilter("provider = \"providers/mr-bongo\" AND "
                       "monetization = \"MONETIZATION_BUY\" AND "
                       "(format = \"blu_ray\" OR format = \"DVD\" OR "
                       "format = \"FORMAT_DVD\")"));
  EXPECT_THAT(f.providers, ElementsAre("providers/mr-bongo"));
  EXPECT_THAT(f.monetizations, ElementsAre(Monetization::kBuy));
  EXPECT_THAT(f.formats, ElementsAre(Format::kDvd, Format::kBluRay));
  EXPECT_TRUE(f.films.empty());
  ASSERT_OK_AND_ASSIGN(
      f, ParseOfferFilter("monetization = subscription OR monetization = ADS "
                          "AND region = \"us\""));
  EXPECT_THAT(f.monetizations,
              ElementsAre(Monetization::kSubscription, Monetization::kAds));
  EXPECT_THAT(f.regions, ElementsAre("US"));

  // Each refusal is INVALID_FILTER and says what is allowed.
  const std::pair<absl::string_view, absl::string_view> bad[] = {
      {"provider = \"mr-bongo\"", "providers/{provider}"},
      {"monetization = \"LEASE\"", "SUBSCRIPTION, RENT, BUY, FREE, ADS"},
      {"monetization = \"MONETIZATION_UNSPECIFIED\"", "SUBSCRIPTION"},
      {"format = \"VHS\"", "STREAMING, DIGITAL_DOWNLOAD, DVD, BLU_RAY"},
      {"colour = \"red\"", "film, region, provider, monetization, format"},
      {"format = \"DVD\" AND format = \"BLU_RAY\"", "OR"},
      {"(format = \"DVD\" OR region = \"GB\")", "one field"},
      {"(format = \"DVD\" AND region = \"GB\")", "parentheses"},
  };
  for (const auto& [filter, says] : bad) {
    absl::StatusOr<OfferFilter> parsed = ParseOfferFilter(filter);
    EXPECT_THAT(parsed,
                StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_FILTER"))
        << filter;
    EXPECT_THAT(parsed.status().message(), HasSubstr(says)) << filter;
  }
}

// Each parser rejects a malformed value as INVALID_ARGUMENT.
TEST(WatchlistValidationTest, MalformedInputIsInvalidArgument) {
  const absl::Status statuses[] = {
      ParseUserParent("users/Alice").status(),
      ParseItemName("users/bo/items/x").status(),
      ParseOfferFilter("price < 3").status(),
      ParseItemFilter("rank > 2").status(),
      ParseOffset("-1").status(),
  };
  for (const absl::Status& status : statuses) {
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  }
  // Bad filters carry the documented reason, as in the catalogue (API.md).
  for (absl::string_view filter : {"price < 3", "film = \"nope\"",
                                   "region = \"XX\"", "colour = \"red\""}) {
    EXPECT_THAT(ParseOfferFilter(filter),
                StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_FILTER"))
        << filter;
  }
  EXPECT_THAT(ParseItemFilter("rank > 2"),
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_FILTER"));
}

// The first violation names the offending field.
TEST(WatchlistValidationTest, ViolationsNameTheField) {
  const std::pair<absl::Status, std::string> cases[] = {
      {ParseUserParent("alice", "request.parent").status(), "request.parent"},
      {NormaliseRegions({"GB", "GBR"}).status(), "regions[1]"},
      {ParseOfferFilter("region = \"XX\"").status(), "filter"},
      {ParseItemFilter("rank > 2").status(), "filter"},
  };
  for (const auto& [status, field] : cases) {
    ASSERT_FALSE(ErrorFieldViolations(status).empty()) << status;
    EXPECT_EQ(ErrorFieldViolations(status)[0].field, field);
  }
}

// An offer every check accepts.
Offer GoodOffer() {
  Offer o;
  o.film = "films/i-am-cuba";
  o.provider = "providers/mr-bongo";
  o.monetization = Monetization::kBuy;
  o.region = "GB";
  o.price = Money{"GBP", 12, 990000000};
  return o;
}

TEST(WatchlistValidationTest, OfferPriceOnlyForRentAndBuy) {
  Offer o = GoodOffer();
  o.monetization = Monetization::kFree;
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

// ---- Documented limits (common/domain/field_limits.h, API.md "Limits") ----

// The fields of the violations, in order.
std::vector<std::string> FieldsOf(const std::vector<FieldViolation>& v) {
  std::vector<std::string> out;
  for (const FieldViolation& violation : v) out.push_back(violation.field);
  return out;
}

std::vector<std::string> FieldsOf(const absl::Status& status) {
  return FieldsOf(ErrorFieldViolations(status));
}

TEST(WatchlistValidationTest, OfferFieldsAtTheirLimitsPass) {
  Offer o = GoodOffer();
  o.deep_link_uri = "https://example.com/" +
                    std::string(kMaxUriBytes - 20, 'u');  // 20: the prefix
  o.edition = std::string(kMaxShortTextBytes, 'e');
  o.extras.assign(kMaxListEntries, std::string(kMaxShortTextBytes, 'x'));
  std::vector<FieldViolation> v;
  ValidateOffer(o, &v);
  EXPECT_THAT(FieldsOf(v), ElementsAre());
}

// The probe's offer: 100,000 extras. Refused naming the list, without a
// violation per entry.
TEST(WatchlistValidationTest, OfferFieldsOverTheirLimitsAreNamed) {
  Offer o = GoodOffer();
  o.deep_link_uri = "https://example.com/" + std::string(kMaxUriBytes, 'u');
  o.edition = std::string(kMaxShortTextBytes + 1, 'e');
  o.extras.assign(100000, "");
  std::vector<FieldViolation> v;
  ValidateOffer(o, &v);
  EXPECT_THAT(FieldsOf(v), ElementsAre("offer.deep_link_uri", "offer.edition",
                                       "offer.extras"));
  EXPECT_EQ(v.back().description,
            "has too many entries (at most 250; got 100000)");

  o = GoodOffer();
  o.extras = {"Booklet", std::string(kMaxShortTextBytes + 1, 'x')};
  v.clear();
  ValidateOffer(o, &v);
  EXPECT_THAT(FieldsOf(v), ElementsAre("offer.extras[1]"));
}

TEST(WatchlistValidationTest, ProviderFieldsOverTheirLimitsAreNamed) {
  Provider p;
  p.display_name = std::string(kMaxShortTextBytes + 1, 'd');
  p.regions.assign(kMaxListEntries + 1, "GB");
  p.home_page_uri = "https://example.com/" + std::string(kMaxUriBytes, 'h');
  std::vector<FieldViolation> v;
  ValidateProvider(p, &v);
  EXPECT_THAT(FieldsOf(v),
              ElementsAre("provider.display_name", "provider.regions",
                          "provider.home_page_uri"));
}

TEST(WatchlistValidationTest, ItemNoteOverItsLimitIsNamed) {
  WatchlistItem item;
  item.note = std::string(kMaxNoteBytes, 'n');
  std::vector<FieldViolation> v;
  ValidateItem(item, &v);
  EXPECT_TRUE(v.empty());
  item.note.push_back('!');
  ValidateItem(item, &v);
  EXPECT_THAT(FieldsOf(v), ElementsAre("item.note"));
  EXPECT_EQ(v[0].description, "is too long (at most 4096 bytes; got 4097)");
}

TEST(WatchlistValidationTest, RequestListsAndFiltersOverTheirLimitsAreNamed) {
  const std::vector<std::string> regions(kMaxListEntries + 1, "GB");
  EXPECT_THAT(FieldsOf(NormaliseRegions(regions).status()),
              ElementsAre("regions"));
  const std::vector<std::string> subscriptions(kMaxListEntries + 1,
                                               "providers/mubi");
  EXPECT_THAT(
      FieldsOf(ParseSubscriptions(subscriptions, "subscriptions").status()),
      ElementsAre("subscriptions"));
  const std::string filter(kMaxFilterBytes + 1, ' ');
  EXPECT_THAT(ParseOfferFilter(filter),
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
  EXPECT_THAT(FieldsOf(ParseOfferFilter(filter).status()),
              ElementsAre("filter"));
  EXPECT_THAT(FieldsOf(ParseItemFilter(filter).status()),
              ElementsAre("filter"));
}

}  // namespace
}  // namespace longtake::watchlist
