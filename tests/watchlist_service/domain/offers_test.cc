// Providers, offers and where to watch (watchlist_service/domain/offers.cc).

#include <string>
#include <vector>

#include "common/domain/field_limits.h"
#include "common/domain/region_code.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/watchlist_service/domain/watchlist_test_fixture.h"

namespace longtake::watchlist {
namespace {

TEST_F(WatchlistTest, WhereToWatchIAmCubaInGbIsMrBongoDvd) {
  auto result = watchlist_->WhereToWatch({"films/i-am-cuba", "GB", {}});
  ASSERT_OK(result);
  ASSERT_EQ(result->offers.size(), 1u);
  const RankedOffer& r = result->offers[0];
  EXPECT_EQ(r.offer.provider, "providers/mr-bongo");
  EXPECT_EQ(r.offer.monetization, Monetization::kBuy);
  EXPECT_EQ(r.offer.format, Format::kDvd);
  ASSERT_TRUE(r.offer.price.has_value());
  EXPECT_EQ(r.offer.price->currency_code, "GBP");
  EXPECT_EQ(r.offer.price->units, 12);
  EXPECT_EQ(r.offer.price->nanos, 990000000);
  EXPECT_THAT(
      r.offer.extras,
      ElementsAre("Interview with Martin Scorsese",
                  "Retrospective documentary on the making of the film"));
  EXPECT_FALSE(r.offer.edition.empty());
  EXPECT_EQ(r.explanation, "buy on DVD from Mr Bongo for £12.99");
  EXPECT_TRUE(r.available_to_user);
  EXPECT_TRUE(result->available_in_regions.empty());
  EXPECT_THAT(result->summary, HasSubstr("Mr Bongo"));
}

TEST_F(WatchlistTest, WhereToWatchIAmCubaInUsSaysWhereElse) {
  auto result = watchlist_->WhereToWatch({"films/i-am-cuba", "us", {}});
  ASSERT_OK(result);
  EXPECT_TRUE(result->offers.empty());
  EXPECT_THAT(result->available_in_regions, ElementsAre("GB"));
  EXPECT_EQ(result->summary,
            "Not available in US. Available in GB (buy on DVD from Mr Bongo).");
}

TEST_F(WatchlistTest, WhereToWatchSubscriptionDependsOnWhatTheyHave) {
  auto with = watchlist_->WhereToWatch(
      {"films/the-cranes-are-flying", "US", {"providers/criterion-channel"}});
  ASSERT_OK(with);
  ASSERT_EQ(with->offers.size(), 1u);
  EXPECT_TRUE(with->offers[0].available_to_user);
  EXPECT_EQ(with->offers[0].explanation,
            "included in your Criterion Channel subscription");

  auto without =
      watchlist_->WhereToWatch({"films/the-cranes-are-flying", "CA", {}});
  ASSERT_OK(without);
  ASSERT_EQ(without->offers.size(), 1u);
  EXPECT_FALSE(without->offers[0].available_to_user);
  EXPECT_THAT(without->offers[0].explanation,
              HasSubstr("Criterion Channel subscription"));
}

TEST_F(WatchlistTest, WhereToWatchRanksByKindThenPrice) {
  AddProvider("film4", "Film4", {"GB"});
  AddProvider("bfi-player", "BFI Player", {"GB"});
  AddProvider("shop", "Shop", {"GB"});
  std::string film = NewFilm("ranking-film");
  struct Spec {
    std::string id;
    std::string provider;
    Monetization m;
    std::optional<Money> price;
  };
  std::vector<Spec> specs = {
      {"buy", "providers/shop", Monetization::kBuy, Money{"GBP", 9, 990000000}},
      {"rent-dear", "providers/shop", Monetization::kRent,
       Money{"GBP", 3, 490000000}},
      {"sub-missing", "providers/bfi-player", Monetization::kSubscription,
       std::nullopt},
      {"rent-cheap", "providers/shop", Monetization::kRent,
       Money{"GBP", 2, 990000000}},
      {"ads", "providers/film4", Monetization::kAds, std::nullopt},
      {"sub-have", "providers/mr-bongo", Monetization::kSubscription,
       std::nullopt},
      {"free", "providers/film4", Monetization::kFree, std::nullopt},
  };
  for (const Spec& s : specs) {
    auto created = watchlist_->CreateOffer(
        MakeOffer(film, s.provider, s.m, "GB", s.price), s.id);
    ASSERT_OK(created) << s.id;
  }
  auto result = watchlist_->WhereToWatch({film, "GB", {"providers/mr-bongo"}});
  ASSERT_OK(result);
  std::vector<std::string> order;
  for (const RankedOffer& r : result->offers) order.push_back(r.offer.name);
  EXPECT_THAT(order, ElementsAre("offers/sub-have", "offers/free", "offers/ads",
                                 "offers/rent-cheap", "offers/rent-dear",
                                 "offers/buy", "offers/sub-missing"));
  EXPECT_FALSE(result->offers.back().available_to_user);
  EXPECT_TRUE(result->offers[3].available_to_user);
  EXPECT_EQ(result->offers[3].explanation, "rent in HD from Shop for £2.99");
}

TEST_F(WatchlistTest, WhereToWatchOnlyOffersAvailableNow) {
  std::string film = NewFilm("windowed");
  Offer past = MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB");
  past.available_until = kNow - absl::Hours(1);
  past.available_from = kNow - absl::Hours(100);
  Offer future =
      MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB");
  future.available_from = kNow + absl::Hours(1);
  Offer current =
      MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB");
  current.available_from = kNow - absl::Hours(1);
  current.available_until = kNow + absl::Hours(1);
  ASSERT_OK(watchlist_->CreateOffer(past, "past"));
  ASSERT_OK(watchlist_->CreateOffer(future, "future"));
  ASSERT_OK(watchlist_->CreateOffer(current, "current"));
  auto result = watchlist_->WhereToWatch({film, "GB", {}});
  ASSERT_OK(result);
  ASSERT_EQ(result->offers.size(), 1u);
  EXPECT_EQ(result->offers[0].offer.name, "offers/current");
  now_ = kNow + absl::Hours(2);
  result = watchlist_->WhereToWatch({film, "GB", {}});
  ASSERT_OK(result);
  ASSERT_EQ(result->offers.size(), 1u);
  EXPECT_EQ(result->offers[0].offer.name, "offers/future");
}

TEST_F(WatchlistTest, WhereToWatchValidatesArguments) {
  auto bad_region = watchlist_->WhereToWatch({"films/i-am-cuba", "GBR", {}});
  EXPECT_THAT(bad_region, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(bad_region.status()), ElementsAre("region"));
  auto bad_film = watchlist_->WhereToWatch({"i-am-cuba", "GB", {}});
  EXPECT_THAT(ViolatedFields(bad_film.status()), ElementsAre("film"));
}

// ---- Offer validation, etags, idempotency ----

// One rule for regions wherever they are taken: any case in, upper case
// stored, only assigned ISO 3166-1 alpha-2 codes, one error text.
TEST_F(WatchlistTest, RegionsAreCheckedAgainstIsoEverywhere) {
  ASSERT_OK_AND_ASSIGN(
      Offer lower,
      watchlist_->CreateOffer(MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                                        Monetization::kFree, "gb"),
                              ""));
  EXPECT_EQ(lower.region, "GB");
  for (const std::string bad : {"XX", "XYZ"}) {
    auto offer = watchlist_->CreateOffer(
        MakeOffer("films/i-am-cuba", "providers/mr-bongo", Monetization::kFree,
                  bad),
        "");
    auto where = watchlist_->WhereToWatch({"films/i-am-cuba", bad, {}});
    auto events = watchlist_->EventsAfter("users/lee", {bad}, 0, 0);
    Provider provider;
    provider.display_name = "Somewhere";
    provider.regions = {bad};
    auto created = watchlist_->CreateProvider(provider, "somewhere");
    for (const absl::Status& s :
         {offer.status(), where.status(), events.status(), created.status()}) {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
      ASSERT_EQ(ErrorFieldViolations(s).size(), 1u) << s;
      EXPECT_EQ(ErrorFieldViolations(s)[0].description, RegionError(bad));
    }
  }
}

// The probe's curated offer had 100,000 extras: refused naming the list, as
// is every other field over its limit, on create and on update.
TEST_F(WatchlistTest, OfferAndProviderRequestsOverTheirLimitsNameTheField) {
  Offer crowded = MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                            Monetization::kFree, "GB");
  crowded.extras.assign(100000, "Booklet");
  crowded.edition = std::string(kMaxShortTextBytes + 1, 'e');
  auto created = watchlist_->CreateOffer(crowded, "crowded");
  EXPECT_THAT(created,
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
  EXPECT_THAT(ViolatedFields(created.status()),
              ElementsAre("offer.edition", "offer.extras"));
  EXPECT_THAT(watchlist_->GetOffer("offers/crowded"),
              StatusIs(absl::StatusCode::kNotFound));

  Offer fine = MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                         Monetization::kFree, "GB");
  WriteOptions long_id;
  long_id.request_id = std::string(kMaxRequestIdBytes + 1, 'r');
  EXPECT_THAT(
      ViolatedFields(watchlist_->CreateOffer(fine, "fine", long_id).status()),
      ElementsAre("request_id"));
  auto offer = watchlist_->CreateOffer(fine, "fine");
  ASSERT_OK(offer);
  Offer update = *offer;
  update.extras.assign(kMaxListEntries + 1, "Booklet");
  EXPECT_THAT(
      ViolatedFields(watchlist_->UpdateOffer(update, {"extras"}).status()),
      ElementsAre("offer.extras"));
  update.extras.clear();
  update.etag = std::string(kMaxEtagBytes + 1, 'e');
  EXPECT_THAT(
      ViolatedFields(watchlist_->UpdateOffer(update, {"extras"}).status()),
      ElementsAre("offer.etag"));
  EXPECT_THAT(ViolatedFields(watchlist_->DeleteOffer(offer->name, update.etag)),
              ElementsAre("etag"));

  Provider wordy;
  wordy.display_name = std::string(kMaxShortTextBytes + 1, 'd');
  wordy.home_page_uri = "https://example.com/" + std::string(kMaxUriBytes, 'h');
  EXPECT_THAT(
      ViolatedFields(watchlist_->CreateProvider(wordy, "wordy").status()),
      ElementsAre("provider.display_name", "provider.home_page_uri"));
  EXPECT_THAT(ViolatedFields(watchlist_->DeleteProvider(
                  "providers/mr-bongo", std::string(kMaxEtagBytes + 1, 'e'))),
              ElementsAre("etag"));

  ExpectListQueryLimits(ListOffersQuery{}, [&](const ListOffersQuery& q) {
    return watchlist_->ListOffers(q);
  });
  EXPECT_THAT(
      ViolatedFields(
          watchlist_->ListProviders(0, std::string(kMaxPageTokenBytes + 1, 'p'))
              .status()),
      ElementsAre("page_token"));
  WhereToWatchQuery where{"films/i-am-cuba", "GB", {}};
  where.subscriptions.assign(kMaxListEntries + 1, "providers/mubi");
  EXPECT_THAT(ViolatedFields(watchlist_->WhereToWatch(where).status()),
              ElementsAre("subscriptions"));
}

TEST_F(WatchlistTest, OfferValidationNamesFields) {
  Offer o =
      MakeOffer("films/x y", "providers/nobody", Monetization::kBuy, "XX");
  o.deep_link_uri = "ftp://example.com";
  o.available_from = kNow;
  o.available_until = kNow - absl::Hours(1);
  auto created = watchlist_->CreateOffer(o, "");
  ASSERT_THAT(created, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(created.status()),
              UnorderedElementsAre(
                  "offer.film", "offer.provider", "offer.region", "offer.price",
                  "offer.deep_link_uri", "offer.available_until"));

  Offer unknown_provider = MakeOffer("films/i-am-cuba", "providers/nobody",
                                     Monetization::kFree, "GB");
  EXPECT_THAT(
      ViolatedFields(watchlist_->CreateOffer(unknown_provider, "").status()),
      ElementsAre("offer.provider"));

  Offer bad_money = MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                              Monetization::kRent, "GB", Money{"pounds", 1, 0});
  EXPECT_THAT(ViolatedFields(watchlist_->CreateOffer(bad_money, "").status()),
              ElementsAre("offer.price.currency_code"));
  Offer negative = MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                             Monetization::kRent, "GB", Money{"GBP", -1, 0});
  EXPECT_THAT(ViolatedFields(watchlist_->CreateOffer(negative, "").status()),
              ElementsAre("offer.price"));

  // A price on a subscription offer is ignored.
  Offer sub = MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                        Monetization::kSubscription, "GB", Money{"GBP", 5, 0});
  auto ok = watchlist_->CreateOffer(sub, "");
  ASSERT_OK(ok);
  EXPECT_FALSE(ok->price.has_value());
  EXPECT_THAT(ok->name, ::testing::StartsWith("offers/"));
}

// An offer names a film the catalogue has, in a region its provider serves.
TEST_F(WatchlistTest, OffersNeedAKnownFilmAndAServedRegion) {
  auto unknown = watchlist_->CreateOffer(
      MakeOffer("films/nope", "providers/mr-bongo", Monetization::kFree, "GB"),
      "");
  EXPECT_THAT(unknown, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(ErrorResource(unknown.status()), "films/nope");

  auto elsewhere =
      watchlist_->CreateOffer(MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                                        Monetization::kFree, "US"),
                              "");
  EXPECT_THAT(ViolatedFields(elsewhere.status()), ElementsAre("offer.region"));

  directory_.set_down(true);
  EXPECT_THAT(
      watchlist_->CreateOffer(MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                                        Monetization::kFree, "GB"),
                              ""),
      StatusIs(absl::StatusCode::kUnavailable, "CATALOG_UNAVAILABLE"));
  // A price change does not need the catalogue; a new film would.
  directory_.set_down(false);
  ASSERT_OK_AND_ASSIGN(
      Offer offer, watchlist_->CreateOffer(
                       MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                                 Monetization::kRent, "GB", Money{"GBP", 3, 0}),
                       ""));
  directory_.set_down(true);
  offer.price = Money{"GBP", 2, 0};
  ASSERT_OK_AND_ASSIGN(offer, watchlist_->UpdateOffer(offer, {"price"}));
  offer.film = "films/the-cranes-are-flying";
  EXPECT_THAT(watchlist_->UpdateOffer(offer, {"film"}),
              StatusIs(absl::StatusCode::kUnavailable));
  directory_.set_down(false);
}

TEST_F(WatchlistTest, OfferEtagAndRequestId) {
  std::string film = NewFilm("etag-film");
  WriteOptions options;
  options.request_id = "req-offer-1";
  auto first = watchlist_->CreateOffer(
      MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB"), "",
      options);
  ASSERT_OK(first);
  auto second = watchlist_->CreateOffer(
      MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB"), "",
      options);
  ASSERT_OK(second);
  EXPECT_EQ(first->name, second->name);
  ListOffersQuery q;
  q.filter = absl::StrCat("film = \"", film, "\"");
  EXPECT_EQ(watchlist_->ListOffers(q)->offers.size(), 1u);

  Offer stale = *first;
  stale.etag = "not-the-etag";
  stale.edition = "x";
  auto update = watchlist_->UpdateOffer(stale, {"edition"});
  EXPECT_THAT(update, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(ErrorReason(update.status()), "ETAG_MISMATCH");
  Offer fresh = *first;
  fresh.edition = "Special edition";
  auto updated = watchlist_->UpdateOffer(fresh, {"edition"});
  ASSERT_OK(updated);
  EXPECT_EQ(updated->edition, "Special edition");
  EXPECT_NE(updated->etag, first->etag);
  EXPECT_THAT(watchlist_->UpdateOffer(fresh, {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(WatchlistTest, ListOffersFiltersAndPages) {
  ListOffersQuery q;
  q.filter = "region = \"US\"";
  q.page_size = 1;
  std::vector<std::string> names;
  for (const OfferPage& page : AllPages(q)) {
    for (const Offer& o : page.offers) {
      EXPECT_EQ(o.region, "US");
      names.push_back(o.name);
    }
  }
  EXPECT_EQ(names.size(), 2u);
  q = {};
  q.filter = "film = \"films/i-am-cuba\" AND region = \"GB\"";
  EXPECT_EQ(watchlist_->ListOffers(q)->offers.size(), 1u);
  q.filter = "price < 3";
  EXPECT_THAT(ViolatedFields(watchlist_->ListOffers(q).status()),
              ElementsAre("filter"));
}

// The seed's offers by name: cranes-criterion-{ca,us}, i-am-cuba-mr-bongo-
// dvd-gb (the one BUY/DVD), letter-criterion-{ca,us}.
std::vector<std::string> OfferNames(const std::vector<OfferPage>& pages) {
  std::vector<std::string> names;
  for (const OfferPage& page : pages) {
    for (const Offer& o : page.offers) names.push_back(o.name);
  }
  return names;
}

TEST_F(WatchlistTest, ListOffersFiltersByProviderMonetizationAndFormat) {
  ListOffersQuery q;
  q.filter = "monetization = \"BUY\"";
  EXPECT_THAT(OfferNames(AllPages(q)),
              ElementsAre("offers/i-am-cuba-mr-bongo-dvd-gb"));
  q.filter = "provider = \"providers/criterion-channel\" AND region = \"CA\"";
  EXPECT_THAT(
      OfferNames(AllPages(q)),
      ElementsAre("offers/cranes-criterion-ca", "offers/letter-criterion-ca"));
  q.filter = "(format = \"FORMAT_DVD\" OR format = \"blu_ray\")";
  EXPECT_THAT(OfferNames(AllPages(q)),
              ElementsAre("offers/i-am-cuba-mr-bongo-dvd-gb"));
  q.filter = "format = \"STREAMING\" AND monetization = \"BUY\"";
  EXPECT_THAT(OfferNames(AllPages(q)), ElementsAre());

  // Full pages across the non-matching DVD offer, and a token that goes on.
  q.filter = "monetization = \"MONETIZATION_SUBSCRIPTION\"";
  q.page_size = 2;
  std::vector<OfferPage> pages = AllPages(q);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].offers.size(), 2u);
  EXPECT_FALSE(pages[0].next_page_token.empty());
  EXPECT_THAT(
      OfferNames(pages),
      ElementsAre("offers/cranes-criterion-ca", "offers/cranes-criterion-us",
                  "offers/letter-criterion-ca", "offers/letter-criterion-us"));
  // Another spelling of the same filter keeps the token; another filter
  // does not.
  q.page_token = pages[0].next_page_token;
  q.filter = "monetization = subscription";
  EXPECT_OK(watchlist_->ListOffers(q));
  q.filter = "monetization = \"BUY\"";
  EXPECT_EQ(ErrorReason(watchlist_->ListOffers(q).status()),
            "PAGE_TOKEN_MISMATCH");
}

TEST_F(WatchlistTest, ListOffersRefusesBadProviderMonetizationAndFormat) {
  for (const char* filter :
       {"provider = \"mr-bongo\"", "monetization = \"LEASE\"",
        "format = \"VHS\"", "format = \"DVD\" AND format = \"BLU_RAY\""}) {
    ListOffersQuery q;
    q.filter = filter;
    absl::StatusOr<OfferPage> page = watchlist_->ListOffers(q);
    EXPECT_THAT(page,
                StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_FILTER"))
        << filter;
    EXPECT_THAT(ViolatedFields(page.status()), ElementsAre("filter")) << filter;
  }
}

TEST_F(WatchlistTest, ProviderWithOffersCannotBeDeleted) {
  auto s = watchlist_->DeleteProvider("providers/mr-bongo", "");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ErrorReason(s), "PROVIDER_HAS_OFFERS");
  AddProvider("empty", "Empty", {"FR"});
  EXPECT_OK(watchlist_->DeleteProvider("providers/empty", ""));
  EXPECT_THAT(watchlist_->GetProvider("providers/empty"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(WatchlistTest, ProviderCrudAndValidation) {
  Provider bad;
  bad.regions = {"XX"};
  bad.home_page_uri = "mrbongo.com";
  auto created = watchlist_->CreateProvider(bad, "x");
  EXPECT_THAT(
      ViolatedFields(created.status()),
      UnorderedElementsAre("provider.display_name", "provider.regions[0]",
                           "provider.home_page_uri"));
  EXPECT_THAT(
      ViolatedFields(watchlist_->CreateProvider(bad, "Bad Id").status()),
      ElementsAre("provider_id"));
  Provider dup;
  dup.display_name = "Again";
  EXPECT_THAT(watchlist_->CreateProvider(dup, "mr-bongo"),
              StatusIs(absl::StatusCode::kAlreadyExists));

  auto current = watchlist_->GetProvider("providers/mr-bongo");
  ASSERT_OK(current);
  Provider change = *current;
  change.display_name = "Mr Bongo Films";
  change.regions = {"ZZ"};  // not in the mask: ignored
  auto updated = watchlist_->UpdateProvider(change, {"display_name"});
  ASSERT_OK(updated);
  EXPECT_EQ(updated->display_name, "Mr Bongo Films");
  EXPECT_THAT(updated->regions, ElementsAre("GB"));
  EXPECT_NE(updated->etag, current->etag);
  // The new name shows in explanations.
  auto where = watchlist_->WhereToWatch({"films/i-am-cuba", "GB", {}});
  EXPECT_EQ(where->offers[0].explanation,
            "buy on DVD from Mr Bongo Films for £12.99");
  // The old etag is stale now.
  EXPECT_THAT(watchlist_->UpdateProvider(change, {"display_name"}),
              StatusIs(absl::StatusCode::kAborted));
}

}  // namespace
}  // namespace longtake::watchlist
