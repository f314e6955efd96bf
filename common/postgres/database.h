#pragma once

// A small helper over libpqxx shared by the services' PostgreSQL stores:
// connect by URL, versioned migrations (a schema_migrations table, like
// common/sqlite), and a transaction runner. Nothing throws: pqxx exceptions
// become absl::Status by SQLSTATE.
//
//   LONGTAKE_ASSIGN_OR_RETURN(auto db,
//   postgres::Database::Open("postgres://u@host/db"));
//   LONGTAKE_RETURN_IF_ERROR(postgres::RunMigrations(*db, {{1, "CREATE TABLE
//   t(k TEXT)"}})); LONGTAKE_RETURN_IF_ERROR(db->InTransaction([&](pqxx::work&
//   tx) -> absl::Status {
//     tx.exec_params("INSERT INTO t VALUES($1)", "x");
//     return absl::OkStatus();  // commits; an error status or exception rolls
//     back
//   }));
//
// Each service needs a database of its own (or its own schema through the
// URL's options=-csearch_path=...): both keep their version in a table called
// schema_migrations. A Database is one connection and is not thread-safe:
// callers serialise access (the stores hold a mutex). A lost connection
// answers UNAVAILABLE and is re-opened by libpqxx on the next call.

#include <exception>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/sql/migration.h"

namespace longtake::postgres {

// True for postgres:// and postgresql:// URLs.
bool IsPostgresUrl(absl::string_view url);

// The URL without its password, for messages and logs.
std::string RedactUrl(absl::string_view url);

// Maps an exception from libpqxx (or anything else) to a status:
// unique_violation -> ALREADY_EXISTS, foreign_key_violation ->
// FAILED_PRECONDITION, serialization failure/deadlock -> ABORTED, lost
// connection or server shutting down -> UNAVAILABLE, else INTERNAL.
absl::Status StatusFromException(const std::exception& e,
                                 absl::string_view what);

// A text[] literal for passing a list as ONE query parameter:
//   tx.exec_params("... WHERE film = ANY($1::text[])",
//   TextArrayLiteral(films));
// Every element is quoted and escaped, so values cannot change the query.
std::string TextArrayLiteral(const std::vector<std::string>& values);

class Database {
 public:
  // `url` is a libpq connection URI (postgres://user:pass@host:port/db?...).
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& url);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `fn` in one READ COMMITTED transaction: commits when it returns OK,
  // rolls back when it returns an error or throws (the exception becomes a
  // status). Writes that must see a stable row lock it (SELECT ... FOR UPDATE).
  absl::Status InTransaction(
      const std::function<absl::Status(pqxx::work&)>& fn);
  // Runs `fn` without an explicit transaction (each statement commits on its
  // own): the cheapest way to run a single read.
  absl::Status Query(
      const std::function<absl::Status(pqxx::transaction_base&)>& fn);
  // Runs `fn` in a read-only REPEATABLE READ transaction (one consistent
  // snapshot).
  absl::Status InReadTransaction(
      const std::function<absl::Status(pqxx::transaction_base&)>& fn);

  const std::string& redacted_url() const { return redacted_url_; }
  pqxx::connection& raw() { return *conn_; }

 private:
  Database(std::unique_ptr<pqxx::connection> conn, std::string redacted_url)
      : conn_(std::move(conn)), redacted_url_(std::move(redacted_url)) {}
  std::unique_ptr<pqxx::connection> conn_;
  std::string redacted_url_;
};

using ::longtake::Migration;  // common/sql/migration.h

// Applies, in order, each migration whose version is not yet recorded in the
// schema_migrations table, each in its own transaction under an advisory lock
// (replicas starting together apply each migration once). Fails (and applies
// nothing further) when the database already has a version this binary does
// not know, since an older binary must not run against a newer schema.
absl::Status RunMigrations(Database& db,
                           const std::vector<Migration>& migrations);
// The highest applied version (0 for a fresh database).
absl::StatusOr<int> SchemaVersion(Database& db);

}  // namespace longtake::postgres
