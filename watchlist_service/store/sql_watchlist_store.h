#pragma once

// The WatchlistStore both SQL stores share: the schema, every statement and
// the order of a Commit are written once here; a store supplies only its
// dialect and a session that runs statements on its connection.
//
//   class SqliteConnection : public SqlConnection { ... };
//   return std::make_unique<SqlWatchlistStore>(
//       Dialect(), std::make_unique<SqliteConnection>(std::move(db)));
//
// Statements are written with ? marks; a PostgreSQL session numbers them
// ($1, $2, ...) before running them (NumberMarks).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "watchlist_service/domain/watchlist_store.h"
#include "watchlist_service/store/watchlist_rows.h"

namespace longtake::watchlist {

// Runs statements inside one transaction (or one read) of a store.
class SqlSession {
 public:
  using RowFn = std::function<absl::Status(const RowReader&)>;
  virtual ~SqlSession() = default;
  // Runs a statement; a unique-index clash is ALREADY_EXISTS.
  virtual absl::Status Run(const std::string& sql, const SqlRow& args) = 0;
  // Calls `row` for each result row, stopping at its first error.
  virtual absl::Status Query(const std::string& sql, const SqlRow& args,
                             const RowFn& row) = 0;
  // Inserts an EventRow(); returns the event_id the database assigned.
  virtual absl::StatusOr<int64_t> InsertEvent(const SqlRow& row) = 0;
};

// One database connection: runs work in a transaction or as a read. The
// store calls it under its lock, one call at a time.
class SqlConnection {
 public:
  using SessionWork = std::function<absl::Status(SqlSession&)>;
  virtual ~SqlConnection() = default;
  // Runs `work` in one transaction, committed when it returns OK.
  virtual absl::Status InTransaction(const SessionWork& work) = 0;
  // Runs `work` as a read (no writes).
  virtual absl::Status Read(const SessionWork& work) = 0;
};

// What differs between the SQL the two databases accept.
struct SqlDialect {
  std::string integer;      // 64-bit column type: "INTEGER" or "BIGINT"
  std::string key;          // name column: "TEXT PRIMARY KEY", maybe collated
  std::string event_key;    // generated event_id column
  std::string user_column;  // items' owner column in the first schema
  SqlValue no_limit;        // the LIMIT value that means none
  std::string lock_rows;    // appended to the etag check: " FOR UPDATE" or ""
};

// The first schema version in `dialect`: tables, indexes.
std::string WatchlistSchema(const SqlDialect& dialect);

// "a = ? AND b = ?" -> "a = $1 AND b = $2" (statements have no literal ?).
std::string NumberMarks(const std::string& sql);

class SqlWatchlistStore final : public WatchlistStore {
 public:
  // `commits`: how other processes' commits are learnt of (null: polled).
  SqlWatchlistStore(SqlDialect dialect,
                    std::unique_ptr<SqlConnection> connection,
                    std::unique_ptr<StoreCommits> commits = nullptr)
      : dialect_(std::move(dialect)),
        commits_(commits != nullptr ? std::move(commits)
                                    : std::make_unique<StoreCommits>()),
        connection_(std::move(connection)) {}

  // Not under mu_: waiting blocks no query.
  bool NotifiesCommits() const override { return commits_->NotifiesCommits(); }
  absl::StatusOr<bool> WaitForCommit(absl::Duration timeout) override {
    return commits_->WaitForCommit(timeout);
  }

  absl::StatusOr<CommitResult> Commit(const WriteBatch& batch) override;
  absl::StatusOr<std::optional<Provider>> GetProvider(
      const std::string& name) override;
  absl::StatusOr<std::vector<Provider>> ListProviders(
      const std::string& after_name, int limit) override;
  absl::StatusOr<int64_t> CountProviders() override;
  absl::StatusOr<std::optional<Offer>> GetOffer(
      const std::string& name) override;
  absl::StatusOr<std::vector<Offer>> ListOffers(const OfferFilter& filter,
                                                const std::string& after_name,
                                                int limit) override;
  absl::StatusOr<std::optional<WatchlistItem>> GetItem(
      const std::string& name) override;
  absl::StatusOr<std::optional<WatchlistItem>> FindUnwatchedItem(
      const std::string& user, const std::string& film) override;
  absl::StatusOr<std::vector<WatchlistItem>> ListItems(const std::string& user,
                                                       bool watched,
                                                       int64_t offset,
                                                       int limit) override;
  absl::StatusOr<int64_t> MaxRank(const std::string& user) override;
  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& method, const std::string& request_id) override;
  absl::StatusOr<std::vector<AvailabilityEvent>> ListEvents(
      int64_t after_id, const EventFilter& filter, int limit) override;
  absl::StatusOr<int64_t> LastEventId() override;
  absl::StatusOr<bool> HasLeavingSoonMark(const LeavingSoonMark& mark) override;

 private:
  absl::Status CommitIn(SqlSession& session, const WriteBatch& batch,
                        CommitResult* result);
  // Every row of a read, mapped by `read`.
  template <typename T, typename ReadFn>
  absl::StatusOr<std::vector<T>> ReadAll(const std::string& sql,
                                         const SqlRow& args, ReadFn read);
  template <typename T, typename ReadFn>
  absl::StatusOr<std::optional<T>> GetByName(const Table& table,
                                             const std::string& name,
                                             ReadFn read);
  absl::StatusOr<int64_t> ScalarInt(const std::string& sql, const SqlRow& args);
  SqlValue Limit(int limit) const;
  absl::Status InTransaction(const SqlConnection::SessionWork& work);
  absl::Status Read(const SqlConnection::SessionWork& work);

  const SqlDialect dialect_;
  const std::unique_ptr<StoreCommits> commits_;
  absl::Mutex mu_;
  std::unique_ptr<SqlConnection> connection_ ABSL_GUARDED_BY(mu_);
};

}  // namespace longtake::watchlist
