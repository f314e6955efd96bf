#pragma once

// The offers seed file (data/seed/offers.json, described in data/README.md):
// providers and offers to start a fresh store with. Parsing only; the
// Watchlist creates them through its ordinary writes (LoadSeedIfEmpty).
//
//   LONGTAKE_ASSIGN_OR_RETURN(OffersSeed seed, ReadOffersSeed(path));
//   for (const auto& [id, provider] : seed.providers) ...

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "watchlist_service/domain/model.h"

namespace longtake::watchlist {

struct OffersSeed {
  // {id, resource without name}: in file order.
  std::vector<std::pair<std::string, Provider>> providers;
  std::vector<std::pair<std::string, Offer>> offers;
};

// NOT_FOUND when the file cannot be read; INVALID_ARGUMENT (naming the file
// and the value) when it is not valid JSON or holds an unknown enum name or
// a bad time. Enum names may be short ("BUY") or full ("MONETIZATION_BUY").
absl::StatusOr<OffersSeed> ReadOffersSeed(const std::string& path);

}  // namespace longtake::watchlist
