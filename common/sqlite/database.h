#pragma once

// A small RAII wrapper over sqlite3 shared by the services' SQLite stores.
// Every call returns absl::Status; nothing throws.
//
//   LONGTAKE_ASSIGN_OR_RETURN(auto db,
//   sqlite::Database::Open("/var/lib/x.db"));
//   LONGTAKE_RETURN_IF_ERROR(sqlite::RunMigrations(*db, {{1, "CREATE TABLE t(k
//   TEXT)"}}));
//   {
//     LONGTAKE_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::Begin(*db));
//     LONGTAKE_ASSIGN_OR_RETURN(auto st, db->Prepare("INSERT INTO t
//     VALUES(?)")); LONGTAKE_RETURN_IF_ERROR(st.Bind(1, "x"));
//     LONGTAKE_RETURN_IF_ERROR(st.Run());
//     LONGTAKE_RETURN_IF_ERROR(tx.Commit());  // otherwise rolled back on scope
//     exit
//   }
//
// Files are opened in WAL mode with synchronous=NORMAL: every committed
// transaction survives a process crash (kill -9); a power cut may lose the
// last few. A Database is not thread-safe: callers serialise access (the
// stores hold a mutex).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/sql/migration.h"

struct sqlite3;
struct sqlite3_stmt;

namespace longtake::sqlite {

class Statement;

class Database {
 public:
  struct Options {
    int busy_timeout_ms = 5000;
  };
  // `path` is a file path or ":memory:".
  static absl::StatusOr<std::unique_ptr<Database>> Open(
      const std::string& path);
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                        const Options& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements with no results.
  absl::Status Exec(absl::string_view sql);
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  int64_t last_insert_rowid() const;
  int changes() const;  // rows changed by the last statement
  const std::string& path() const { return path_; }
  sqlite3* raw() { return db_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// A prepared statement. Parameter indexes start at 1, column indexes at 0.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  absl::Status Bind(int index, int64_t value);
  absl::Status Bind(int index, int value) {
    return Bind(index, static_cast<int64_t>(value));
  }
  absl::Status Bind(int index, double value);
  absl::Status Bind(int index, absl::string_view text);
  absl::Status Bind(int index, const char* text) {
    return Bind(index, absl::string_view(text));
  }
  absl::Status Bind(int index, const std::string& text) {
    return Bind(index, absl::string_view(text));
  }
  absl::Status BindBlob(int index, absl::string_view bytes);
  absl::Status BindNull(int index);

  // true: a row is available; false: done.
  absl::StatusOr<bool> Step();
  // Steps to completion, for statements without results.
  absl::Status Run();
  // Clears bindings and rewinds so the statement can run again.
  absl::Status Reset();

  int column_count() const;
  bool IsNull(int column) const;
  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;
  // The column's bytes (TEXT or BLOB) without a copy: valid until the next
  // Step, Reset or the statement's end.
  absl::string_view ColumnBytes(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  absl::Status Check(int rc, const char* what) const;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE on creation; ROLLBACK on destruction unless committed.
class Transaction {
 public:
  static absl::StatusOr<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  absl::Status Commit();
  absl::Status Rollback();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

using ::longtake::Migration;  // common/sql/migration.h

// Applies, in order, each migration whose version is not yet recorded in the
// schema_migrations table, each in its own transaction. Fails (and applies
// nothing further) when the database already has a version this binary does
// not know, since an older binary must not run against a newer schema.
absl::Status RunMigrations(Database& db,
                           const std::vector<Migration>& migrations);
// The highest applied version (0 for a fresh database).
absl::StatusOr<int> SchemaVersion(Database& db);

}  // namespace longtake::sqlite
