#pragma once

// Where a service finds its seed file when neither its --seed flag nor
// LONGTAKE_SEED names one:
//   1. data/seed/<file_name> of the source tree, when the binary runs from
//      <source>/build/bin (scripts/up.sh, tests);
//   2. /usr/share/longtake/seed/<file_name> (container images).
// Empty when neither exists.
//
//   absl::StatusOr<std::string> seed =
//       ResolveSeedPath(*seed_flag, "catalog.json");

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace longtake {

std::string DefaultSeedPath(absl::string_view file_name);

// `configured` (from --seed / LONGTAKE_SEED) when set, NOT_FOUND if that file
// does not exist; else DefaultSeedPath(file_name), possibly empty.
absl::StatusOr<std::string> ResolveSeedPath(const std::string& configured,
                                            absl::string_view file_name);

}  // namespace longtake
