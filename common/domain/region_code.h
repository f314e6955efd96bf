#pragma once

// ISO 3166 region and country codes: one list and one error for both
// services, so "XX", "XYZ" and "gb" get the same answer wherever a region is
// taken.
//
//   IsIsoRegion("GB");                    // true; "XX", "gb", "GBR": false
//   NormaliseRegion("gb", "region");      // "GB"
//   NormaliseRegion("XX", "offer.region") // INVALID_ARGUMENT naming the field
//   IsFilmCountry("SU");                  // true: films name former countries

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace longtake {

// An officially assigned ISO 3166-1 alpha-2 code, in upper case.
bool IsIsoRegion(absl::string_view code);

// A region of today or a former country (ISO 3166-3: SU, YU, DD, CS...), in
// upper case: where a film was made.
bool IsFilmCountry(absl::string_view code);

// Upper-cases a region given in any case ("gb" -> "GB") and checks it is one
// of IsIsoRegion's; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> NormaliseRegion(absl::string_view region,
                                            absl::string_view field);

// The one description of a bad region, for validators that collect field
// violations instead of returning at the first.
std::string RegionError(absl::string_view region);

}  // namespace longtake
