#pragma once

// Versioned schema migrations, shared by the SQLite and PostgreSQL
// databases (common/sqlite, common/postgres): each applies, in order, every
// migration whose version it has not recorded yet, and refuses a database
// whose schema is newer than the binary, since an older binary must not run
// against a newer schema.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status/errors.h"

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

// A migration both services' stores run (their `requests` tables agree):
// request records keep the fingerprint of their request
// (common/domain/request_record.h), so a reused request id is refused.
inline constexpr char kAddRequestHashColumn[] =
    "ALTER TABLE requests ADD COLUMN request_hash TEXT NOT NULL DEFAULT ''";

// What every store does first: opens the database (sqlite::Database or
// postgres::Database, at a path or URL) and brings its schema up to date.
//
//   LONGTAKE_ASSIGN_OR_RETURN(auto db,
//       OpenMigrated<sqlite::Database>(path, Migrations()));
template <typename Database>
absl::StatusOr<std::unique_ptr<Database>> OpenMigrated(
    const std::string& where, const std::vector<Migration>& migrations) {
  LONGTAKE_ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
                            Database::Open(where));
  // RunMigrations of the database's own namespace (found by ADL).
  LONGTAKE_RETURN_IF_ERROR(RunMigrations(*db, migrations));
  return db;
}

}  // namespace longtake
