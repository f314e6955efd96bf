#pragma once

// Where-to-watch ranking and the sentences that explain it. Pure functions,
// shared by Watchlist::WhereToWatch and the best offer of watchlist items.

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "watchlist_service/domain/model.h"

namespace longtake::watchlist {

// Provider name -> display name ("providers/mr-bongo" -> "Mr Bongo").
using ProviderNames = absl::flat_hash_map<std::string, std::string>;

// "£12.99", "$3.99", "CA$4.99", "12.50 CHF".
std::string FormatMoney(const Money& money);

// "buy on DVD from Mr Bongo for £12.99", "included in your Criterion
// Channel subscription", "needs a Criterion Channel subscription".
std::string ExplainOffer(const Offer& offer, const ProviderNames& providers,
                         bool has_subscription);
// Without price or the user's situation, for the other-regions summary:
// "buy on DVD from Mr Bongo", "streaming with a Criterion Channel
// subscription".
std::string DescribeOfferShort(const Offer& offer,
                               const ProviderNames& providers);

// Ranks `offers` (already filtered to what is available now in one region):
// subscriptions the user has, free, ads, rent, buy (cheapest first within a
// kind), then subscriptions they don't have (available_to_user=false).
std::vector<RankedOffer> RankOffers(
    const std::vector<Offer>& offers,
    const absl::flat_hash_set<std::string>& subscriptions,
    const ProviderNames& providers);

}  // namespace longtake::watchlist
