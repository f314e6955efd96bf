#include "watchlist_service/domain/offer_ranking.h"

#include "gtest/gtest.h"

namespace longtake::watchlist {
namespace {

TEST(FormatMoneyTest, SymbolsAndRounding) {
  EXPECT_EQ(FormatMoney({"GBP", 12, 990000000}), "£12.99");
  EXPECT_EQ(FormatMoney({"USD", 3, 0}), "$3.00");
  EXPECT_EQ(FormatMoney({"CAD", 4, 995000000}), "CA$5.00");
  EXPECT_EQ(FormatMoney({"CHF", 0, 50000000}), "0.05 CHF");
}

TEST(ExplainOfferTest, Sentences) {
  ProviderNames names{{"providers/mr-bongo", "Mr Bongo"}};
  Offer dvd;
  dvd.provider = "providers/mr-bongo";
  dvd.monetization = Monetization::kBuy;
  dvd.format = Format::kDvd;
  dvd.quality = Quality::kSd;
  dvd.price = Money{"GBP", 12, 990000000};
  EXPECT_EQ(ExplainOffer(dvd, names, false),
            "buy on DVD from Mr Bongo for £12.99");
  EXPECT_EQ(DescribeOfferShort(dvd, names), "buy on DVD from Mr Bongo");
  Offer sub;
  sub.provider = "providers/unnamed";
  sub.monetization = Monetization::kSubscription;
  EXPECT_EQ(ExplainOffer(sub, names, true),
            "included in your unnamed subscription");
  EXPECT_EQ(ExplainOffer(sub, names, false), "needs a unnamed subscription");
}

TEST(RankOffersTest, CheapestFirstWithinKindAndMissingSubscriptionsLast) {
  Offer a, b, c;
  a.name = "offers/a";
  a.monetization = Monetization::kBuy;
  a.price = Money{"USD", 20, 0};
  b.name = "offers/b";
  b.monetization = Monetization::kBuy;
  b.price = Money{"USD", 9, 990000000};
  c.name = "offers/c";
  c.provider = "providers/p";
  c.monetization = Monetization::kSubscription;
  auto ranked = RankOffers({c, a, b}, {}, {});
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].offer.name, "offers/b");
  EXPECT_EQ(ranked[1].offer.name, "offers/a");
  EXPECT_EQ(ranked[2].offer.name, "offers/c");
  EXPECT_FALSE(ranked[2].available_to_user);
  ranked = RankOffers({a, b, c}, {"providers/p"}, {});
  EXPECT_EQ(ranked[0].offer.name, "offers/c");
  EXPECT_TRUE(ranked[0].available_to_user);
}

}  // namespace
}  // namespace longtake::watchlist
