#include "common/sql/migration.h"

#include "absl/strings/str_cat.h"

namespace longtake {

absl::StatusOr<int> LatestMigrationVersion(
    absl::string_view dialect, const std::vector<Migration>& migrations) {
  int latest = 0;
  for (const Migration& m : migrations) {
    if (m.version <= latest) {
      return absl::InvalidArgumentError(
          absl::StrCat(dialect, ": migration versions must increase; ",
                       m.version, " after ", latest));
    }
    latest = m.version;
  }
  return latest;
}

absl::Status SchemaTooNewError(absl::string_view dialect,
                               absl::string_view where, int current,
                               int known) {
  return absl::FailedPreconditionError(
      absl::StrCat(dialect, ": database ", where, " has schema version ",
                   current, ", newer than this binary knows (", known, ")"));
}

}  // namespace longtake
