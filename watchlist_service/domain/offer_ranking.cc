#include "watchlist_service/domain/offer_ranking.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace longtake::watchlist {
namespace {

std::string ProviderDisplay(const Offer& offer,
                            const ProviderNames& providers) {
  auto it = providers.find(offer.provider);
  if (it != providers.end() && !it->second.empty()) return it->second;
  absl::string_view id(offer.provider);
  absl::ConsumePrefix(&id, "providers/");
  return std::string(id);
}

// How an offer's format and quality read, one entry per enum value in
// order (model.h): "" for streaming, unspecified and unknown values.
constexpr std::array<absl::string_view, 6> kFormatPhrases = {
    "",
    "",
    " as a digital download",
    " on DVD",
    " on Blu-ray",
    " on 4K UHD Blu-ray"};
constexpr std::array<absl::string_view, 4> kQualityPhrases = {
    "", " in SD", " in HD", " in 4K"};

template <typename Enum, size_t N>
std::string Phrase(const std::array<absl::string_view, N>& phrases,
                   Enum value) {
  const size_t i = static_cast<size_t>(value);
  return i < N ? std::string(phrases[i]) : "";
}

// " on DVD", " as a digital download", "" for streaming.
std::string FormatPhrase(Format format) {
  return Phrase(kFormatPhrases, format);
}

std::string QualityPhrase(const Offer& offer) {
  if (offer.format != Format::kStreaming &&
      offer.format != Format::kDigitalDownload &&
      offer.format != Format::kUnspecified) {
    return "";  // a disc's format says it already
  }
  return Phrase(kQualityPhrases, offer.quality);
}

std::string PriceSuffix(const Offer& offer) {
  if (!offer.price) return "";
  return absl::StrCat(" for ", FormatMoney(*offer.price));
}

// Smaller first.
int Category(const Offer& offer, bool has_subscription) {
  switch (offer.monetization) {
    case Monetization::kSubscription:
      return has_subscription ? 0 : 5;
    case Monetization::kFree:
      return 1;
    case Monetization::kAds:
      return 2;
    case Monetization::kRent:
      return 3;
    case Monetization::kBuy:
      return 4;
    case Monetization::kUnspecified:
      return 6;
  }
  return 6;
}

// Price for ordering, exact without a wider integer: units then nanos (they
// carry the same sign); offers without a price sort first.
std::tuple<bool, int64_t, int32_t> PriceKey(const Offer& offer) {
  if (!offer.price) return {false, 0, 0};
  return {true, offer.price->units, offer.price->nanos};
}

}  // namespace

std::string FormatMoney(const Money& money) {
  // Two decimals are what shops show; round the nanos to cents.
  int64_t cents =
      money.units * 100 +
      (money.nanos + (money.nanos >= 0 ? 5000000 : -5000000)) / 10000000;
  bool negative = cents < 0;
  if (negative) cents = -cents;
  std::string amount = absl::StrFormat("%s%d.%02d", negative ? "-" : "",
                                       cents / 100, cents % 100);
  const std::string& c = money.currency_code;
  if (c == "GBP") return absl::StrCat("£", amount);
  if (c == "USD") return absl::StrCat("$", amount);
  if (c == "EUR") return absl::StrCat("€", amount);
  if (c == "CAD") return absl::StrCat("CA$", amount);
  if (c == "AUD") return absl::StrCat("A$", amount);
  return absl::StrCat(amount, " ", c);
}

std::string ExplainOffer(const Offer& offer, const ProviderNames& providers,
                         bool has_subscription) {
  std::string provider = ProviderDisplay(offer, providers);
  switch (offer.monetization) {
    case Monetization::kSubscription:
      if (has_subscription) {
        return absl::StrCat("included in your ", provider, " subscription");
      }
      return absl::StrCat("needs a ", provider, " subscription");
    case Monetization::kFree:
      return absl::StrCat("free", QualityPhrase(offer), " on ", provider);
    case Monetization::kAds:
      return absl::StrCat("free with ads", QualityPhrase(offer), " on ",
                          provider);
    case Monetization::kRent:
      return absl::StrCat("rent", FormatPhrase(offer.format),
                          QualityPhrase(offer), " from ", provider,
                          PriceSuffix(offer));
    case Monetization::kBuy:
      return absl::StrCat("buy", FormatPhrase(offer.format),
                          QualityPhrase(offer), " from ", provider,
                          PriceSuffix(offer));
    case Monetization::kUnspecified:
      break;
  }
  return absl::StrCat("offered by ", provider);
}

std::string DescribeOfferShort(const Offer& offer,
                               const ProviderNames& providers) {
  std::string provider = ProviderDisplay(offer, providers);
  switch (offer.monetization) {
    case Monetization::kSubscription:
      return absl::StrCat("streaming with a ", provider, " subscription");
    case Monetization::kFree:
      return absl::StrCat("free on ", provider);
    case Monetization::kAds:
      return absl::StrCat("free with ads on ", provider);
    case Monetization::kRent:
      return absl::StrCat("rent", FormatPhrase(offer.format), " from ",
                          provider);
    case Monetization::kBuy:
      return absl::StrCat("buy", FormatPhrase(offer.format), " from ",
                          provider);
    case Monetization::kUnspecified:
      break;
  }
  return absl::StrCat("offered by ", provider);
}

std::vector<RankedOffer> RankOffers(
    const std::vector<Offer>& offers,
    const absl::flat_hash_set<std::string>& subscriptions,
    const ProviderNames& providers) {
  struct Entry {
    int category;
    RankedOffer ranked;
  };
  std::vector<Entry> entries;
  entries.reserve(offers.size());
  for (const Offer& offer : offers) {
    bool has = subscriptions.contains(offer.provider);
    Entry e;
    e.category = Category(offer, has);
    e.ranked.offer = offer;
    e.ranked.explanation = ExplainOffer(offer, providers, has);
    e.ranked.available_to_user =
        offer.monetization != Monetization::kSubscription || has;
    entries.push_back(std::move(e));
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) {
                     const Offer& x = a.ranked.offer;
                     const Offer& y = b.ranked.offer;
                     // Better quality first at equal price; names keep the
                     // order stable.
                     return std::make_tuple(a.category, PriceKey(x),
                                            -static_cast<int>(x.quality),
                                            x.provider, x.name) <
                            std::make_tuple(b.category, PriceKey(y),
                                            -static_cast<int>(y.quality),
                                            y.provider, y.name);
                   });
  std::vector<RankedOffer> out;
  out.reserve(entries.size());
  for (Entry& e : entries) out.push_back(std::move(e.ranked));
  return out;
}

}  // namespace longtake::watchlist
