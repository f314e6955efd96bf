#pragma once

// JSON encoding of offers, used by stores to keep an offer's snapshot inside
// an availability event (the offer may change or vanish afterwards).

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "watchlist_service/domain/model.h"

namespace longtake::watchlist {

std::string EncodeOfferJson(const Offer& offer);
absl::StatusOr<Offer> DecodeOfferJson(const std::string& json);

// Times as microseconds since the epoch; the infinities (unset) as nullopt.
std::optional<int64_t> TimeToMicros(absl::Time t);
absl::Time MicrosToTime(std::optional<int64_t> micros, absl::Time if_unset);

// "users/{user}/watchlist/items/{item}" -> "{user}"; "" for other names.
// Stores keep the owner in its own column to list a user's items.
std::string UserOfItem(const std::string& item_name);

}  // namespace longtake::watchlist
