#include "common/config/seed_path.h"

#include <filesystem>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace longtake {
namespace {

bool IsFile(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace

std::string DefaultSeedPath(absl::string_view file_name) {
  const std::string name(file_name);
  std::error_code ec;
  std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    std::filesystem::path candidate =
        exe.parent_path() / ".." / ".." / "data" / "seed" / name;
    if (IsFile(candidate)) return candidate.lexically_normal().string();
  }
  std::filesystem::path installed =
      std::filesystem::path("/usr/share/longtake/seed") / name;
  if (IsFile(installed)) return installed.string();
  return "";
}

absl::StatusOr<std::string> ResolveSeedPath(const std::string& configured,
                                            absl::string_view file_name) {
  if (configured.empty()) return DefaultSeedPath(file_name);
  if (!IsFile(configured)) {
    return absl::NotFoundError(
        absl::StrCat("seed file ", configured,
                     " (from --seed / LONGTAKE_SEED) does not exist"));
  }
  return configured;
}

}  // namespace longtake
