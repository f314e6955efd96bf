// WatchlistStore over PostgreSQL (common/postgres): one connection guarded by
// a mutex; every Commit is one transaction, and one that appends events
// NOTIFYs the replicas waiting in WaitForCommit. The schema mirrors the SQLite
// store's (same column names, times as unix micros, NULL for unset; lists as
// JSON text; one schema and one set of statements, sql_watchlist_store.h);
// names use the "C" collation so ordering and paging match SQLite's byte
// order whatever the database's locale.

#include "watchlist_service/store/postgres_watchlist_store.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/postgres/commit_listener.h"
#include "common/postgres/database.h"
#include "common/status/errors.h"
#include "watchlist_service/store/sql_watchlist_store.h"

namespace longtake::watchlist {
namespace {

using postgres::Database;

// pg_advisory_xact_lock key taken by every transaction that appends events
// ("ltevnt"): ids are drawn and committed in the same order, so a reader of
// "event_id > last" never skips an id that commits later.
constexpr int64_t kEventLockKey = 0x6c746576'6e74;

// Notified by every transaction that appends events (one notification per
// commit), so replicas publish them to their streams at once.
constexpr char kEventsChannel[] = "longtake_watchlist_events";

const SqlDialect& Dialect() {
  static const auto* dialect = new SqlDialect{
      .integer = "BIGINT",
      .key = "TEXT COLLATE \"C\" PRIMARY KEY",
      .event_key = "BIGSERIAL PRIMARY KEY",
      .user_column = "user_id",
      .no_limit = SqlValue(),  // LIMIT NULL means no limit
      // The row stays as checked until the transaction ends, so a
      // concurrent replica's write waits instead of slipping in between.
      .lock_rows = " FOR UPDATE",
  };
  return *dialect;
}

const std::vector<postgres::Migration>& Migrations() {
  static const auto* migrations = new std::vector<postgres::Migration>{
      {1, WatchlistSchema(Dialect())},
      {2, kAddRequestHashColumn},
  };
  return *migrations;
}

class PostgresRow : public RowReader {
 public:
  explicit PostgresRow(const pqxx::row& row) : row_(row) {}
  bool IsNull(int column) const override { return row_[column].is_null(); }
  int64_t Int(int column) const override { return row_[column].as<int64_t>(); }
  std::string Text(int column) const override {
    return row_[column].is_null() ? std::string()
                                  : row_[column].as<std::string>();
  }

 private:
  const pqxx::row& row_;
};

// Row values as text parameters (NULL as nullopt); PostgreSQL casts them to
// the columns' types.
std::vector<std::optional<std::string>> Params(const SqlRow& values) {
  std::vector<std::optional<std::string>> out;
  out.reserve(values.size());
  for (const SqlValue& value : values) {
    if (const auto* i = std::get_if<int64_t>(&value)) {
      out.push_back(std::to_string(*i));
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      out.push_back(*s);
    } else {
      out.push_back(std::nullopt);
    }
  }
  return out;
}

// Statements in one pqxx transaction; ? marks become $1, $2, ...
class PostgresSession : public SqlSession {
 public:
  explicit PostgresSession(pqxx::transaction_base& tx) : tx_(tx) {}

  absl::Status Run(const std::string& sql, const SqlRow& args) override {
    try {
      Exec(sql, args);
    } catch (const pqxx::unique_violation& e) {
      return absl::AlreadyExistsError(e.what());
    }
    return absl::OkStatus();
  }

  absl::Status Query(const std::string& sql, const SqlRow& args,
                     const RowFn& row) override {
    for (const pqxx::row& r : Exec(sql, args)) {
      LONGTAKE_RETURN_IF_ERROR(row(PostgresRow(r)));
    }
    return absl::OkStatus();
  }

  // Under an advisory lock, so ids commit in the order they are drawn.
  absl::StatusOr<int64_t> InsertEvent(const SqlRow& row) override {
    tx_.exec_params("SELECT pg_advisory_xact_lock($1)", kEventLockKey);
    postgres::CommitListener::Notify(tx_, kEventsChannel, "");
    return Exec(absl::StrCat(EventTable().Insert(false, false),
                             " RETURNING event_id"),
                row)[0][0]
        .as<int64_t>();
  }

 private:
  pqxx::result Exec(const std::string& sql, const SqlRow& args) {
    return tx_.exec_params(NumberMarks(sql),
                           pqxx::prepare::make_dynamic_params(Params(args)));
  }

  pqxx::transaction_base& tx_;
};

class PostgresConnection : public SqlConnection {
 public:
  explicit PostgresConnection(std::unique_ptr<Database> db)
      : db_(std::move(db)) {}

  absl::Status InTransaction(const SessionWork& work) override {
    return db_->InTransaction([&](pqxx::work& tx) { return Run(tx, work); });
  }

  absl::Status Read(const SessionWork& work) override {
    return db_->Query(
        [&](pqxx::transaction_base& tx) { return Run(tx, work); });
  }

 private:
  static absl::Status Run(pqxx::transaction_base& tx, const SessionWork& work) {
    PostgresSession session(tx);
    return work(session);
  }

  std::unique_ptr<Database> db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<WatchlistStore>> OpenPostgresWatchlistStore(
    const std::string& url) {
  LONGTAKE_ASSIGN_OR_RETURN(auto db, OpenMigrated<Database>(url, Migrations()));
  return std::make_unique<SqlWatchlistStore>(
      Dialect(), std::make_unique<PostgresConnection>(std::move(db)),
      std::make_unique<postgres::CommitListener>(url, kEventsChannel));
}

}  // namespace longtake::watchlist
