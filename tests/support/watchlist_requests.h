#pragma once

// Write requests the watchlist integration tests send to a real server: a
// streaming service and an HD streaming rental from it, with the fields
// every such test sets (the test sets what it checks).
//
//   wlv1::CreateProviderRequest provider = StreamingProviderRequest(
//       "test-stream", "Test Stream", {"GB"}, "https://stream.example.com");
//   wlv1::CreateOfferRequest offer = StreamingRentalRequest(
//       "films/i-am-cuba", "providers/test-stream", "GB", {"GBP", 3},
//       "https://stream.example.com/watch");

#include <cstdint>
#include <string>
#include <vector>

#include "longtake/watchlist/v1/watchlist_service.pb.h"

namespace longtake::testing {

// Creates "providers/<id>", a streaming service in `regions`.
inline ::longtake::watchlist::v1::CreateProviderRequest
StreamingProviderRequest(const std::string& id, const std::string& display_name,
                         const std::vector<std::string>& regions,
                         const std::string& home_page_uri) {
  ::longtake::watchlist::v1::CreateProviderRequest request;
  request.set_provider_id(id);
  auto* provider = request.mutable_provider();
  provider->set_display_name(display_name);
  provider->set_kind(
      ::longtake::watchlist::v1::Provider::KIND_STREAMING_SERVICE);
  for (const std::string& region : regions) provider->add_regions(region);
  provider->set_home_page_uri(home_page_uri);
  return request;
}

// The price of a rental: `units`.`nanos` of `currency`.
struct RentalPrice {
  std::string currency;
  int64_t units = 0;
  int32_t nanos = 0;
};

// An HD streaming rental of `film` from `provider` in `region`, linking to
// `deep_link_uri`.
inline ::longtake::watchlist::v1::CreateOfferRequest StreamingRentalRequest(
    const std::string& film, const std::string& provider,
    const std::string& region, const RentalPrice& price,
    const std::string& deep_link_uri) {
  namespace v1 = ::longtake::watchlist::v1;
  v1::CreateOfferRequest request;
  v1::Offer* offer = request.mutable_offer();
  offer->set_film(film);
  offer->set_provider(provider);
  offer->set_monetization(v1::MONETIZATION_RENT);
  offer->set_format(v1::FORMAT_STREAMING);
  offer->set_quality(v1::QUALITY_HD);
  offer->set_region(region);
  offer->mutable_price()->set_currency_code(price.currency);
  offer->mutable_price()->set_units(price.units);
  offer->mutable_price()->set_nanos(price.nanos);
  offer->set_deep_link_uri(deep_link_uri);
  return request;
}

}  // namespace longtake::testing
