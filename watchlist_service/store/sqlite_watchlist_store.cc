// WatchlistStore over SQLite (common/sqlite): one connection guarded by a
// mutex; every Commit is one BEGIN IMMEDIATE ... COMMIT. The schema and the
// statements are shared with the PostgreSQL store (sql_watchlist_store.h);
// this file only runs them. Replicas sharing the file are woken on each
// commit by an inotify watch (common/sqlite/commit_watcher.h).

#include "watchlist_service/store/sqlite_watchlist_store.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/sqlite/commit_watcher.h"
#include "common/sqlite/database.h"
#include "common/status/errors.h"
#include "watchlist_service/store/sql_watchlist_store.h"

namespace longtake::watchlist {
namespace {

using sqlite::Database;
using sqlite::Statement;

const SqlDialect& Dialect() {
  static const auto* dialect = new SqlDialect{
      .integer = "INTEGER",
      .key = "TEXT PRIMARY KEY",
      .event_key = "INTEGER PRIMARY KEY AUTOINCREMENT",
      .user_column = "user",
      .no_limit = int64_t{-1},  // "LIMIT -1" is no limit in SQLite
      .lock_rows = "",
  };
  return *dialect;
}

const std::vector<sqlite::Migration>& Migrations() {
  static const auto* migrations = new std::vector<sqlite::Migration>{
      {1, WatchlistSchema(Dialect())},
      // The PostgreSQL schema's name, so both stores share one column list
      // (watchlist_rows.h). The indexes follow the rename.
      {2, "ALTER TABLE items RENAME COLUMN user TO user_id;"},
      {3, kAddRequestHashColumn},
  };
  return *migrations;
}

// A result row of a stepped statement.
class SqliteRow : public RowReader {
 public:
  explicit SqliteRow(const Statement& st) : st_(st) {}
  bool IsNull(int column) const override { return st_.IsNull(column); }
  int64_t Int(int column) const override { return st_.ColumnInt(column); }
  std::string Text(int column) const override { return st_.ColumnText(column); }

 private:
  const Statement& st_;
};

absl::Status BindValue(Statement& st, int index, const SqlValue& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return st.Bind(index, *i);
  if (const auto* s = std::get_if<std::string>(&value)) {
    return st.Bind(index, *s);
  }
  return st.BindNull(index);
}

// Statements on the connection, under the store's lock.
class SqliteSession : public SqlSession {
 public:
  explicit SqliteSession(Database& db) : db_(db) {}

  absl::Status Run(const std::string& sql, const SqlRow& args) override {
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, Prepare(sql, args));
    return st.Run();
  }

  absl::Status Query(const std::string& sql, const SqlRow& args,
                     const RowFn& row) override {
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, Prepare(sql, args));
    while (true) {
      LONGTAKE_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) return absl::OkStatus();
      LONGTAKE_RETURN_IF_ERROR(row(SqliteRow(st)));
    }
  }

  absl::StatusOr<int64_t> InsertEvent(const SqlRow& row) override {
    LONGTAKE_RETURN_IF_ERROR(Run(EventTable().Insert(false, false), row));
    return db_.last_insert_rowid();
  }

 private:
  absl::StatusOr<Statement> Prepare(const std::string& sql,
                                    const SqlRow& args) {
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, db_.Prepare(sql));
    for (size_t i = 0; i < args.size(); ++i) {
      LONGTAKE_RETURN_IF_ERROR(BindValue(st, static_cast<int>(i) + 1, args[i]));
    }
    return st;
  }

  Database& db_;
};

class SqliteConnection : public SqlConnection {
 public:
  explicit SqliteConnection(std::unique_ptr<Database> db)
      : db_(std::move(db)) {}

  absl::Status InTransaction(const SessionWork& work) override {
    LONGTAKE_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::Begin(*db_));
    SqliteSession session(*db_);
    LONGTAKE_RETURN_IF_ERROR(work(session));
    return tx.Commit();
  }

  absl::Status Read(const SessionWork& work) override {
    SqliteSession session(*db_);
    return work(session);
  }

 private:
  std::unique_ptr<Database> db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<WatchlistStore>> OpenSqliteWatchlistStore(
    const std::string& path) {
  LONGTAKE_ASSIGN_OR_RETURN(auto db,
                            OpenMigrated<Database>(path, Migrations()));
  return std::make_unique<SqlWatchlistStore>(
      Dialect(), std::make_unique<SqliteConnection>(std::move(db)),
      sqlite::WatchCommits(path));
}

}  // namespace longtake::watchlist
