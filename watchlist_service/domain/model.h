#pragma once

// The watchlist service's domain types: plain C++ values, no protobuf or
// gRPC. The gRPC adapter converts them to and from longtake.watchlist.v1
// messages; their meaning is documented in
// proto/longtake/watchlist/v1/resources.proto.
//
// Times: absl::InfinitePast() stands for "unset" (proto field absent) in
// create/update/verify/add/watch times and available_from;
// absl::InfiniteFuture() for an unset available_until.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/domain/money.h"

namespace longtake::watchlist {

// Values match the proto enum numbers, so the adapter may static_cast.
enum class ProviderKind : uint8_t {
  kUnspecified = 0,
  kStreamingService = 1,
  kRetailer = 2,
  kBroadcaster = 3,
};

enum class Monetization : uint8_t {
  kUnspecified = 0,
  kSubscription = 1,
  kRent = 2,
  kBuy = 3,
  kFree = 4,
  kAds = 5,  // free with advertisements
};

enum class Format : uint8_t {
  kUnspecified = 0,
  kStreaming = 1,
  kDigitalDownload = 2,
  kDvd = 3,
  kBluRay = 4,
  kUhdBluRay = 5,
};

enum class Quality : uint8_t {
  kUnspecified = 0,
  kSd = 1,
  kHd = 2,
  kUhd4k = 3,
};

// google.type.Money: units + nanos/1e9, same sign; nanos in (-1e9, 1e9).
using Money = longtake::Money;

struct Provider {
  std::string name;  // "providers/{provider}"
  std::string display_name;
  ProviderKind kind = ProviderKind::kUnspecified;
  std::vector<std::string> regions;  // ISO 3166-1 alpha-2
  std::string home_page_uri;
  // Output only.
  std::string etag;
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
};

struct Offer {
  std::string name;      // "offers/{offer}"
  std::string film;      // "films/{film}"
  std::string provider;  // "providers/{provider}"
  Monetization monetization = Monetization::kUnspecified;
  Format format = Format::kUnspecified;
  Quality quality = Quality::kUnspecified;
  std::string region;  // ISO 3166-1 alpha-2, upper case
  // Set for rent and buy; always empty for subscription, free and ads offers
  // (a price given for those is dropped on write).
  std::optional<Money> price;
  std::string deep_link_uri;  // http(s)
  std::string edition;        // physical editions
  std::vector<std::string> extras;
  absl::Time available_from = absl::InfinitePast();  // unset: since forever
  absl::Time available_until =
      absl::InfiniteFuture();  // unset: until further notice
  absl::Time last_verify_time = absl::InfinitePast();
  // Output only.
  std::string etag;
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();

  // available_from <= now < available_until.
  bool AvailableAt(absl::Time now) const {
    return available_from <= now && now < available_until;
  }
};

struct FilmSummary {
  std::string title;
  int year = 0;  // 0: unknown
};

// A catalogue film as the FilmDirectory returns it.
struct FilmSummaryWithName {
  std::string name;  // "films/{film}"
  FilmSummary summary;
};

struct WatchlistItem {
  std::string name;  // "users/{user}/watchlist/items/{item}"
  std::string film;  // "films/{film}"
  std::string note;
  int64_t rank = 0;  // smaller first; assigned on add
  absl::Time add_time = absl::InfinitePast();
  // InfinitePast(): not watched (on the watchlist); otherwise in history.
  absl::Time watch_time = absl::InfinitePast();
  // Output only, filled on read.
  FilmSummary film_summary;
  std::optional<Offer> best_offer;  // only when a region was asked
  bool enriched = false;            // false: catalogue unreachable in time
  std::string etag;

  bool watched() const { return watch_time != absl::InfinitePast(); }
};

struct AvailabilityEvent {
  enum class Kind : uint8_t {
    kUnspecified = 0,
    kOfferAvailable = 1,
    kPriceChanged = 2,
    kLeavingSoon = 3,  // available_until within the leaving-soon window
    kOfferRemoved = 4,
  };
  int64_t event_id = 0;  // monotonic per deployment (store autoincrement)
  Kind kind = Kind::kUnspecified;
  // "users/{user}": set by Watchlist::EventsAfter / by the adapter when
  // sending to a subscriber; empty on events as published to Subscribe().
  std::string user;
  std::string film;  // == offer.film
  Offer offer;       // as it is now (as it was, for kOfferRemoved)
  std::optional<Money> previous_price;  // kPriceChanged
  absl::Time event_time = absl::InfinitePast();
};

// One WhereToWatch answer line.
struct RankedOffer {
  Offer offer;
  // "included in your Criterion Channel subscription",
  // "buy on DVD from Mr Bongo for £12.99".
  std::string explanation;
  // Whether the person can do this now without a new subscription.
  bool available_to_user = false;
};

struct WhereToWatchResult {
  std::vector<RankedOffer> offers;  // ranked best first
  // Set when `offers` is empty: regions with offers available now, sorted.
  std::vector<std::string> available_in_regions;
  // "Not available in US. Available in GB (buy on DVD from Mr Bongo)."
  std::string summary;
};

}  // namespace longtake::watchlist
