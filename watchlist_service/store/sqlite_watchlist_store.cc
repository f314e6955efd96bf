// WatchlistStore over SQLite (common/sqlite): one connection guarded by a
// mutex; every Commit is one BEGIN IMMEDIATE ... COMMIT. Rows map to structs
// in watchlist_rows.h, shared with the PostgreSQL store.

#include "watchlist_service/store/sqlite_watchlist_store.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/sqlite/database.h"
#include "common/status/errors.h"
#include "watchlist_service/store/watchlist_rows.h"

namespace longtake::watchlist {
namespace {

using sqlite::Database;
using sqlite::Statement;

const std::vector<sqlite::Migration>& Migrations() {
  static const auto* migrations = new std::vector<sqlite::Migration>{
      {1, R"sql(
CREATE TABLE providers(
  name TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  regions TEXT NOT NULL,            -- JSON array
  home_page_uri TEXT NOT NULL,
  etag TEXT NOT NULL,
  create_time INTEGER,
  update_time INTEGER);
CREATE TABLE offers(
  name TEXT PRIMARY KEY,
  film TEXT NOT NULL,
  provider TEXT NOT NULL,
  monetization INTEGER NOT NULL,
  format INTEGER NOT NULL,
  quality INTEGER NOT NULL,
  region TEXT NOT NULL,
  price_currency TEXT,              -- NULL: no price
  price_units INTEGER,
  price_nanos INTEGER,
  deep_link_uri TEXT NOT NULL,
  edition TEXT NOT NULL,
  extras TEXT NOT NULL,             -- JSON array
  available_from INTEGER,           -- unix micros; NULL: unset
  available_until INTEGER,
  last_verify_time INTEGER,
  etag TEXT NOT NULL,
  create_time INTEGER,
  update_time INTEGER);
CREATE INDEX offers_by_film ON offers(film, region);
CREATE INDEX offers_by_provider ON offers(provider);
CREATE TABLE items(
  name TEXT PRIMARY KEY,
  user TEXT NOT NULL,
  film TEXT NOT NULL,
  note TEXT NOT NULL,
  rank INTEGER NOT NULL,
  add_time INTEGER,
  watch_time INTEGER,               -- NULL: on the list
  etag TEXT NOT NULL);
CREATE UNIQUE INDEX items_one_unwatched_per_film ON items(user, film) WHERE watch_time IS NULL;
CREATE INDEX items_by_user ON items(user, rank, name);
CREATE INDEX items_by_film ON items(film);
CREATE TABLE events(
  event_id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind INTEGER NOT NULL,
  film TEXT NOT NULL,
  region TEXT NOT NULL,
  offer TEXT NOT NULL,              -- JSON snapshot
  previous_currency TEXT,
  previous_units INTEGER,
  previous_nanos INTEGER,
  event_time INTEGER);
CREATE INDEX events_by_film ON events(film, event_id);
CREATE TABLE leaving_soon_marks(
  offer TEXT NOT NULL,
  available_until INTEGER NOT NULL,
  PRIMARY KEY(offer, available_until));
CREATE TABLE requests(
  key TEXT PRIMARY KEY,
  resource TEXT NOT NULL,
  create_time INTEGER NOT NULL);
)sql"},
      // The PostgreSQL schema's name, so both stores share one column list
      // (watchlist_rows.h). The indexes follow the rename.
      {2, "ALTER TABLE items RENAME COLUMN user TO user_id;"},
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

// Binds `values` to parameters first, first + 1, ...
absl::Status BindAll(Statement& st, const SqlRow& values, int first = 1) {
  for (size_t i = 0; i < values.size(); ++i) {
    LONGTAKE_RETURN_IF_ERROR(
        BindValue(st, first + static_cast<int>(i), values[i]));
  }
  return absl::OkStatus();
}

// Every row of a prepared and bound statement, mapped by `read`.
template <typename T, typename Read>
absl::StatusOr<std::vector<T>> ReadAll(Statement& st, Read read) {
  std::vector<T> out;
  while (true) {
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(read(SqliteRow(st)));
  }
  return out;
}

// "LIMIT -1" is no limit in SQLite.
int64_t Limit(int limit) { return limit > 0 ? limit : -1; }

// An ALREADY_EXISTS from a unique index, as the error the port promises.
absl::Status RunUnique(Statement& st, absl::string_view what) {
  absl::Status s = st.Run();
  if (s.code() == absl::StatusCode::kAlreadyExists) return AlreadyExists(what);
  return s;
}

class SqliteWatchlistStore : public WatchlistStore {
 public:
  explicit SqliteWatchlistStore(std::unique_ptr<Database> db)
      : db_(std::move(db)) {}

  absl::StatusOr<CommitResult> Commit(const WriteBatch& batch) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::Begin(*db_));
    for (const auto& [name, etag] : batch.expect_etags) {
      LONGTAKE_RETURN_IF_ERROR(CheckEtag(name, etag));
    }
    if (batch.request) {
      std::string key =
          absl::StrCat(batch.request->method, ":", batch.request->request_id);
      LONGTAKE_RETURN_IF_ERROR(
          Write("INSERT INTO requests(key, resource, create_time) "
                "VALUES(?, ?, ?)",
                {key, batch.request->resource, absl::ToUnixMicros(absl::Now())},
                absl::StrCat("request_id ", key)));
    }
    for (const Provider& p : batch.put_providers) {
      LONGTAKE_RETURN_IF_ERROR(Put(ProviderTable(), ProviderRow(p), p.name));
    }
    LONGTAKE_RETURN_IF_ERROR(DeleteAll("providers", batch.delete_providers));
    for (const Offer& o : batch.put_offers) {
      LONGTAKE_RETURN_IF_ERROR(Put(OfferTable(), OfferRow(o), o.name));
    }
    LONGTAKE_RETURN_IF_ERROR(DeleteAll("offers", batch.delete_offers));
    for (const WatchlistItem& item : batch.put_items) {
      // Not INSERT OR REPLACE: REPLACE would also resolve a clash on the
      // one-unwatched-item-per-film index by deleting the other item.
      SqlRow row = ItemRow(item);
      if (std::get<std::string>(row[1]).empty()) {
        return absl::InternalError(absl::StrCat("bad item name ", item.name));
      }
      LONGTAKE_RETURN_IF_ERROR(
          Put(ItemTable(), row,
              absl::StrCat("users/", std::get<std::string>(row[1]),
                           "/watchlist/items (film ", item.film, ")")));
    }
    LONGTAKE_RETURN_IF_ERROR(DeleteAll("items", batch.delete_items));
    CommitResult result;
    for (const AvailabilityEvent& e : batch.append_events) {
      LONGTAKE_RETURN_IF_ERROR(
          Write(EventTable().Insert(false, false), EventRow(e), "event"));
      result.event_ids.push_back(db_->last_insert_rowid());
    }
    for (const LeavingSoonMark& mark : batch.leaving_soon_marks) {
      LONGTAKE_RETURN_IF_ERROR(
          Write("INSERT INTO leaving_soon_marks(offer, available_until) "
                "VALUES(?, ?)",
                {mark.offer, TimeValue(mark.available_until)},
                absl::StrCat("leaving-soon mark for ", mark.offer)));
    }
    LONGTAKE_RETURN_IF_ERROR(tx.Commit());
    return result;
  }

  absl::StatusOr<std::optional<Provider>> GetProvider(
      const std::string& name) override {
    return GetByName<Provider>(ProviderTable(), name, ReadProvider);
  }

  absl::StatusOr<std::vector<Provider>> ListProviders(
      const std::string& after_name, int limit) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare(absl::StrCat(ProviderTable().Select(),
                                  " WHERE name > ? ORDER BY name LIMIT ?")));
    LONGTAKE_RETURN_IF_ERROR(BindAll(st, {after_name, Limit(limit)}));
    return ReadAll<Provider>(st, ReadProvider);
  }

  absl::StatusOr<int64_t> CountProviders() override {
    absl::MutexLock lock(&mu_);
    return ScalarInt("SELECT COUNT(*) FROM providers", {});
  }

  absl::StatusOr<std::optional<Offer>> GetOffer(
      const std::string& name) override {
    return GetByName<Offer>(OfferTable(), name, ReadOffer);
  }

  absl::StatusOr<std::vector<Offer>> ListOffers(const OfferFilter& filter,
                                                const std::string& after_name,
                                                int limit) override {
    absl::MutexLock lock(&mu_);
    std::string sql = absl::StrCat(OfferTable().Select(), " WHERE name > ?");
    SqlRow args = {after_name};
    if (!filter.films.empty()) {
      std::vector<std::string> marks(filter.films.size(), "?");
      absl::StrAppend(&sql, " AND film IN (", absl::StrJoin(marks, ","), ")");
      args.insert(args.end(), filter.films.begin(), filter.films.end());
    }
    if (!filter.region.empty()) {
      absl::StrAppend(&sql, " AND region = ?");
      args.push_back(filter.region);
    }
    if (!filter.provider.empty()) {
      absl::StrAppend(&sql, " AND provider = ?");
      args.push_back(filter.provider);
    }
    absl::StrAppend(&sql, " ORDER BY name LIMIT ?");
    args.push_back(Limit(limit));
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, db_->Prepare(sql));
    LONGTAKE_RETURN_IF_ERROR(BindAll(st, args));
    return ReadAll<Offer>(st, ReadOffer);
  }

  absl::StatusOr<std::optional<WatchlistItem>> GetItem(
      const std::string& name) override {
    return GetByName<WatchlistItem>(ItemTable(), name, ReadItem);
  }

  absl::StatusOr<std::optional<WatchlistItem>> FindUnwatchedItem(
      const std::string& user, const std::string& film) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare(absl::StrCat(ItemTable().Select(),
                                  " WHERE user_id = ? AND film = ? "
                                  "AND watch_time IS NULL")));
    LONGTAKE_RETURN_IF_ERROR(BindAll(st, {user, film}));
    LONGTAKE_ASSIGN_OR_RETURN(auto items, ReadAll<WatchlistItem>(st, ReadItem));
    if (items.empty()) return std::optional<WatchlistItem>();
    return std::optional<WatchlistItem>(std::move(items.front()));
  }

  absl::StatusOr<std::vector<WatchlistItem>> ListItems(const std::string& user,
                                                       bool watched,
                                                       int64_t offset,
                                                       int limit) override {
    absl::MutexLock lock(&mu_);
    std::string sql = absl::StrCat(
        ItemTable().Select(), " WHERE user_id = ? AND ",
        watched ? "watch_time IS NOT NULL ORDER BY watch_time DESC, name"
                : "watch_time IS NULL ORDER BY rank, name",
        " LIMIT ? OFFSET ?");
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, db_->Prepare(sql));
    LONGTAKE_RETURN_IF_ERROR(
        BindAll(st, {user, Limit(limit), offset < 0 ? int64_t{0} : offset}));
    return ReadAll<WatchlistItem>(st, ReadItem);
  }

  absl::StatusOr<int64_t> MaxRank(const std::string& user) override {
    absl::MutexLock lock(&mu_);
    return ScalarInt(
        "SELECT COALESCE(MAX(rank), 0) FROM items "
        "WHERE user_id = ? AND watch_time IS NULL",
        {user});
  }

  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& method, const std::string& request_id) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare("SELECT resource FROM requests WHERE key = ?"));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, absl::StrCat(method, ":", request_id)));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(
        RequestRecord{request_id, method, st.ColumnText(0), ""});
  }

  absl::StatusOr<std::vector<AvailabilityEvent>> ListEvents(
      int64_t after_id, const EventFilter& filter, int limit) override {
    absl::MutexLock lock(&mu_);
    std::string sql =
        absl::StrCat(EventTable().Select(), " WHERE event_id > ?");
    SqlRow args = {after_id};
    if (!filter.user.empty()) {
      absl::StrAppend(&sql,
                      " AND film IN (SELECT film FROM items WHERE user_id = ? "
                      "AND watch_time IS NULL)");
      args.push_back(filter.user);
    }
    if (!filter.regions.empty()) {
      std::vector<std::string> marks(filter.regions.size(), "?");
      absl::StrAppend(&sql, " AND region IN (", absl::StrJoin(marks, ","), ")");
      args.insert(args.end(), filter.regions.begin(), filter.regions.end());
    }
    absl::StrAppend(&sql, " ORDER BY event_id LIMIT ?");
    args.push_back(Limit(limit));
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, db_->Prepare(sql));
    LONGTAKE_RETURN_IF_ERROR(BindAll(st, args));
    std::vector<AvailabilityEvent> out;
    while (true) {
      LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      LONGTAKE_ASSIGN_OR_RETURN(AvailabilityEvent e, ReadEvent(SqliteRow(st)));
      out.push_back(std::move(e));
    }
    return out;
  }

  absl::StatusOr<int64_t> LastEventId() override {
    absl::MutexLock lock(&mu_);
    return ScalarInt("SELECT COALESCE(MAX(event_id), 0) FROM events", {});
  }

  absl::StatusOr<bool> HasLeavingSoonMark(
      const LeavingSoonMark& mark) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare("SELECT 1 FROM leaving_soon_marks WHERE offer = ? AND "
                     "available_until = ?"));
    LONGTAKE_RETURN_IF_ERROR(
        BindAll(st, {mark.offer, TimeValue(mark.available_until)}));
    return st.Step();
  }

 private:
  template <typename T, typename Read>
  absl::StatusOr<std::optional<T>> GetByName(const Table& table,
                                             const std::string& name,
                                             Read read) {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare(absl::StrCat(table.Select(), " WHERE name = ?")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, name));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<T>();
    return std::optional<T>(read(SqliteRow(st)));
  }

  absl::StatusOr<int64_t> ScalarInt(const char* sql, const SqlRow& args)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, db_->Prepare(sql));
    LONGTAKE_RETURN_IF_ERROR(BindAll(st, args));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.ColumnInt(0) : int64_t{0};
  }

  // Runs a write; a unique-index clash is ALREADY_EXISTS naming `what`.
  absl::Status Write(const std::string& sql, const SqlRow& values,
                     absl::string_view what)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, db_->Prepare(sql));
    LONGTAKE_RETURN_IF_ERROR(BindAll(st, values));
    return RunUnique(st, what);
  }

  absl::Status Put(const Table& table, const SqlRow& row,
                   absl::string_view what) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return Write(table.Upsert(false), row, what);
  }

  absl::Status CheckEtag(const std::string& name, const std::string& etag)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const char* table = absl::StartsWith(name, "providers/") ? "providers"
                        : absl::StartsWith(name, "offers/")  ? "offers"
                        : absl::StartsWith(name, "users/")   ? "items"
                                                             : nullptr;
    if (table == nullptr) {
      return absl::InternalError(
          absl::StrCat("etag check on unknown resource ", name));
    }
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st, db_->Prepare(absl::StrCat("SELECT etag FROM ", table,
                                                " WHERE name = ?")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, name));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (etag.empty()) {
      if (row) return AlreadyExists(name);
      return absl::OkStatus();
    }
    if (!row) return NotFound(name);
    if (st.ColumnText(0) != etag) return EtagMismatch(name);
    return absl::OkStatus();
  }

  absl::Status DeleteAll(const char* table,
                         const std::vector<std::string>& names)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const std::string& name : names) {
      LONGTAKE_ASSIGN_OR_RETURN(
          Statement st,
          db_->Prepare(absl::StrCat("DELETE FROM ", table, " WHERE name = ?")));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(1, name));
      LONGTAKE_RETURN_IF_ERROR(st.Run());
    }
    return absl::OkStatus();
  }

  absl::Mutex mu_;
  std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<WatchlistStore>> OpenSqliteWatchlistStore(
    const std::string& path) {
  LONGTAKE_ASSIGN_OR_RETURN(auto db, Database::Open(path));
  LONGTAKE_RETURN_IF_ERROR(sqlite::RunMigrations(*db, Migrations()));
  return std::unique_ptr<WatchlistStore>(
      new SqliteWatchlistStore(std::move(db)));
}

}  // namespace longtake::watchlist
