#include "common/config/json_file.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace longtake {

absl::StatusOr<nlohmann::json> ReadJsonObjectFile(const std::string& path,
                                                  absl::string_view what) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(what, " ", path, " cannot be read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, " is not a JSON object"));
  }
  return j;
}

}  // namespace longtake
