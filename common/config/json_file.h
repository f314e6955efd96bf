#pragma once

// Reads a JSON file whose top level must be an object (the seed files of both
// services), with one wording for the two ways it can fail.
//
//   LONGTAKE_ASSIGN_OR_RETURN(nlohmann::json seed,
//                             ReadJsonObjectFile(path, "offers seed file"));

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace longtake {

// NOT_FOUND "<what> <path> cannot be read", or INVALID_ARGUMENT
// "<what> <path> is not a JSON object".
absl::StatusOr<nlohmann::json> ReadJsonObjectFile(const std::string& path,
                                                  absl::string_view what);

}  // namespace longtake
