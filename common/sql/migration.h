#pragma once

// Versioned schema migrations, shared by the SQLite and PostgreSQL
// databases (common/sqlite, common/postgres): each applies, in order, every
// migration whose version it has not recorded yet, and refuses a database
// whose schema is newer than the binary, since an older binary must not run
// against a newer schema.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace longtake {

struct Migration {
  int version;      // strictly increasing, starting at 1
  std::string sql;  // one or more statements
};

// The highest version in `migrations`; INVALID_ARGUMENT when the versions do
// not strictly increase. `dialect` ("sqlite", "postgres") starts messages.
absl::StatusOr<int> LatestMigrationVersion(
    absl::string_view dialect, const std::vector<Migration>& migrations);

// FAILED_PRECONDITION for a database (named by `where`) at schema version
// `current`, newer than the `known` latest version of this binary.
absl::Status SchemaTooNewError(absl::string_view dialect,
                               absl::string_view where, int current, int known);

}  // namespace longtake
