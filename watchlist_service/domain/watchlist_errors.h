#pragma once

// The watchlist service's error domain and the ErrorInfo reasons it adds to
// the shared ones of common/status/errors.h (ETAG_MISMATCH, ...). The adapter
// sends every error with this domain:
//
//   return ToGrpcStatus(status, kWatchlistErrorDomain);
//   return FailedPrecondition(kProviderHasOffers, "...", name);

#include "absl/strings/string_view.h"

namespace longtake::watchlist {

inline constexpr absl::string_view kWatchlistErrorDomain =
    "watchlist.longtake.dev";

// DeleteProvider while offers still reference the provider.
inline constexpr absl::string_view kProviderHasOffers = "PROVIDER_HAS_OFFERS";
// The catalogue could not be asked whether a film exists (UNAVAILABLE).
inline constexpr absl::string_view kCatalogUnavailable = "CATALOG_UNAVAILABLE";
// WatchAvailability resuming after an event id this deployment never issued
// (OUT_OF_RANGE; the message names the newest id).
inline constexpr absl::string_view kResumePointUnknown = "RESUME_POINT_UNKNOWN";
// A user touching another user's watchlist (PERMISSION_DENIED).
inline constexpr absl::string_view kNotResourceOwner = "NOT_RESOURCE_OWNER";

}  // namespace longtake::watchlist
