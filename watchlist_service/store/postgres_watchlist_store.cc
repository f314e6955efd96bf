// WatchlistStore over PostgreSQL (common/postgres): one connection guarded by
// a mutex; every Commit is one transaction. The schema mirrors the SQLite
// store's (same column names, times as unix micros, NULL for unset; lists as
// JSON text) and rows map to structs in watchlist_rows.h; names use the "C"
// collation so ordering and paging match SQLite's byte order whatever the
// database's locale.

#include "watchlist_service/store/postgres_watchlist_store.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/postgres/database.h"
#include "common/status/errors.h"
#include "watchlist_service/store/watchlist_rows.h"

namespace longtake::watchlist {
namespace {

using postgres::Database;

// pg_advisory_xact_lock key taken by every transaction that appends events
// ("ltevnt"): ids are drawn and committed in the same order, so a reader of
// "event_id > last" never skips an id that commits later.
constexpr int64_t kEventLockKey = 0x6c746576'6e74;

const std::vector<postgres::Migration>& Migrations() {
  static const auto* migrations = new std::vector<postgres::Migration>{
      {1, R"sql(
CREATE TABLE providers(
  name TEXT COLLATE "C" PRIMARY KEY,
  display_name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  regions TEXT NOT NULL,            -- JSON array
  home_page_uri TEXT NOT NULL,
  etag TEXT NOT NULL,
  create_time BIGINT,               -- unix micros; NULL: unset
  update_time BIGINT);
CREATE TABLE offers(
  name TEXT COLLATE "C" PRIMARY KEY,
  film TEXT NOT NULL,
  provider TEXT NOT NULL,
  monetization INTEGER NOT NULL,
  format INTEGER NOT NULL,
  quality INTEGER NOT NULL,
  region TEXT NOT NULL,
  price_currency TEXT,              -- NULL: no price
  price_units BIGINT,
  price_nanos INTEGER,
  deep_link_uri TEXT NOT NULL,
  edition TEXT NOT NULL,
  extras TEXT NOT NULL,             -- JSON array
  available_from BIGINT,
  available_until BIGINT,
  last_verify_time BIGINT,
  etag TEXT NOT NULL,
  create_time BIGINT,
  update_time BIGINT);
CREATE INDEX offers_by_film ON offers(film, region);
CREATE INDEX offers_by_provider ON offers(provider);
CREATE TABLE items(
  name TEXT COLLATE "C" PRIMARY KEY,
  user_id TEXT NOT NULL,            -- "{user}" of users/{user}/...
  film TEXT NOT NULL,
  note TEXT NOT NULL,
  rank BIGINT NOT NULL,
  add_time BIGINT,
  watch_time BIGINT,                -- NULL: on the list
  etag TEXT NOT NULL);
CREATE UNIQUE INDEX items_one_unwatched_per_film ON items(user_id, film) WHERE watch_time IS NULL;
CREATE INDEX items_by_user ON items(user_id, rank, name);
CREATE INDEX items_by_film ON items(film);
CREATE TABLE events(
  event_id BIGSERIAL PRIMARY KEY,
  kind INTEGER NOT NULL,
  film TEXT NOT NULL,
  region TEXT NOT NULL,
  offer TEXT NOT NULL,              -- JSON snapshot
  previous_currency TEXT,
  previous_units BIGINT,
  previous_nanos INTEGER,
  event_time BIGINT);
CREATE INDEX events_by_film ON events(film, event_id);
CREATE TABLE leaving_soon_marks(
  offer TEXT NOT NULL,
  available_until BIGINT NOT NULL,
  PRIMARY KEY(offer, available_until));
CREATE TABLE requests(
  key TEXT PRIMARY KEY,
  resource TEXT NOT NULL,
  create_time BIGINT NOT NULL);
)sql"},
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

pqxx::result Exec(pqxx::transaction_base& tx, const std::string& sql,
                  const SqlRow& values) {
  return tx.exec_params(sql,
                        pqxx::prepare::make_dynamic_params(Params(values)));
}

// LIMIT NULL means no limit.
SqlValue Limit(int limit) {
  return limit > 0 ? SqlValue(int64_t{limit}) : SqlValue();
}

// An optional filter: NULL when empty, so the statement text is fixed.
SqlValue Optional(const std::string& value) {
  return value.empty() ? SqlValue() : SqlValue(value);
}
SqlValue OptionalArray(const std::vector<std::string>& values) {
  return values.empty() ? SqlValue()
                        : SqlValue(postgres::TextArrayLiteral(values));
}

class PostgresWatchlistStore : public WatchlistStore {
 public:
  explicit PostgresWatchlistStore(std::unique_ptr<Database> db)
      : db_(std::move(db)) {}

  absl::StatusOr<CommitResult> Commit(const WriteBatch& batch) override {
    absl::MutexLock lock(&mu_);
    CommitResult result;
    LONGTAKE_RETURN_IF_ERROR(
        db_->InTransaction([&](pqxx::work& tx) -> absl::Status {
          return CommitIn(tx, batch, &result);
        }));
    return result;
  }

  absl::StatusOr<std::optional<Provider>> GetProvider(
      const std::string& name) override {
    return GetByName<Provider>(ProviderTable(), name, ReadProvider);
  }

  absl::StatusOr<std::vector<Provider>> ListProviders(
      const std::string& after_name, int limit) override {
    return ReadAll<Provider>(
        absl::StrCat(ProviderTable().Select(),
                     " WHERE name > $1 ORDER BY name LIMIT $2"),
        {after_name, Limit(limit)}, ReadProvider);
  }

  absl::StatusOr<int64_t> CountProviders() override {
    return ScalarInt("SELECT COUNT(*) FROM providers", {});
  }

  absl::StatusOr<std::optional<Offer>> GetOffer(
      const std::string& name) override {
    return GetByName<Offer>(OfferTable(), name, ReadOffer);
  }

  absl::StatusOr<std::vector<Offer>> ListOffers(const OfferFilter& filter,
                                                const std::string& after_name,
                                                int limit) override {
    return ReadAll<Offer>(
        absl::StrCat(OfferTable().Select(),
                     " WHERE name > $1"
                     " AND ($2::text[] IS NULL OR film = ANY($2::text[]))"
                     " AND ($3::text IS NULL OR region = $3)"
                     " AND ($4::text IS NULL OR provider = $4)"
                     " ORDER BY name LIMIT $5"),
        {after_name, OptionalArray(filter.films), Optional(filter.region),
         Optional(filter.provider), Limit(limit)},
        ReadOffer);
  }

  absl::StatusOr<std::optional<WatchlistItem>> GetItem(
      const std::string& name) override {
    return GetByName<WatchlistItem>(ItemTable(), name, ReadItem);
  }

  absl::StatusOr<std::optional<WatchlistItem>> FindUnwatchedItem(
      const std::string& user, const std::string& film) override {
    LONGTAKE_ASSIGN_OR_RETURN(
        std::vector<WatchlistItem> items,
        ReadAll<WatchlistItem>(
            absl::StrCat(ItemTable().Select(),
                         " WHERE user_id = $1 AND film = $2 AND "
                         "watch_time IS NULL"),
            {user, film}, ReadItem));
    if (items.empty()) return std::optional<WatchlistItem>();
    return std::optional<WatchlistItem>(std::move(items.front()));
  }

  absl::StatusOr<std::vector<WatchlistItem>> ListItems(const std::string& user,
                                                       bool watched,
                                                       int64_t offset,
                                                       int limit) override {
    return ReadAll<WatchlistItem>(
        absl::StrCat(
            ItemTable().Select(), " WHERE user_id = $1 AND ",
            watched ? "watch_time IS NOT NULL ORDER BY watch_time DESC, name"
                    : "watch_time IS NULL ORDER BY rank, name",
            " LIMIT $2 OFFSET $3"),
        {user, Limit(limit), offset < 0 ? int64_t{0} : offset}, ReadItem);
  }

  absl::StatusOr<int64_t> MaxRank(const std::string& user) override {
    return ScalarInt(
        "SELECT COALESCE(MAX(rank), 0) FROM items "
        "WHERE user_id = $1 AND watch_time IS NULL",
        {user});
  }

  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& method, const std::string& request_id) override {
    LONGTAKE_ASSIGN_OR_RETURN(
        std::vector<std::string> resources,
        ReadAll<std::string>("SELECT resource FROM requests WHERE key = $1",
                             {absl::StrCat(method, ":", request_id)},
                             [](const RowReader& r) { return r.Text(0); }));
    if (resources.empty()) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(
        RequestRecord{request_id, method, resources.front(), ""});
  }

  absl::StatusOr<std::vector<AvailabilityEvent>> ListEvents(
      int64_t after_id, const EventFilter& filter, int limit) override {
    absl::MutexLock lock(&mu_);
    std::vector<AvailabilityEvent> out;
    LONGTAKE_RETURN_IF_ERROR(
        db_->Query([&](pqxx::transaction_base& tx) -> absl::Status {
          pqxx::result rows = Exec(
              tx,
              absl::StrCat(
                  EventTable().Select(),
                  " WHERE event_id > $1"
                  " AND ($2::text IS NULL OR film IN (SELECT film FROM items"
                  " WHERE user_id = $2 AND watch_time IS NULL))"
                  " AND ($3::text[] IS NULL OR region = ANY($3::text[]))"
                  " ORDER BY event_id LIMIT $4"),
              {after_id, Optional(filter.user), OptionalArray(filter.regions),
               Limit(limit)});
          for (const pqxx::row& r : rows) {
            LONGTAKE_ASSIGN_OR_RETURN(AvailabilityEvent e,
                                      ReadEvent(PostgresRow(r)));
            out.push_back(std::move(e));
          }
          return absl::OkStatus();
        }));
    return out;
  }

  absl::StatusOr<int64_t> LastEventId() override {
    return ScalarInt("SELECT COALESCE(MAX(event_id), 0) FROM events", {});
  }

  absl::StatusOr<bool> HasLeavingSoonMark(
      const LeavingSoonMark& mark) override {
    LONGTAKE_ASSIGN_OR_RETURN(
        int64_t count,
        ScalarInt("SELECT COUNT(*) FROM leaving_soon_marks WHERE offer = $1 "
                  "AND available_until = $2",
                  {mark.offer, TimeValue(mark.available_until)}));
    return count > 0;
  }

 private:
  absl::Status CommitIn(pqxx::work& tx, const WriteBatch& batch,
                        CommitResult* result) {
    for (const auto& [name, etag] : batch.expect_etags) {
      LONGTAKE_RETURN_IF_ERROR(CheckEtag(tx, name, etag));
    }
    if (batch.request) {
      std::string key =
          absl::StrCat(batch.request->method, ":", batch.request->request_id);
      pqxx::result r =
          Exec(tx,
               "INSERT INTO requests(key, resource, create_time) "
               "VALUES($1, $2, $3) ON CONFLICT (key) DO NOTHING",
               {key, batch.request->resource, absl::ToUnixMicros(absl::Now())});
      if (r.affected_rows() == 0) {
        return AlreadyExists(absl::StrCat("request_id ", key));
      }
    }
    for (const Provider& p : batch.put_providers) {
      Exec(tx, ProviderTable().Upsert(true), ProviderRow(p));
    }
    DeleteAll(tx, "providers", batch.delete_providers);
    for (const Offer& o : batch.put_offers) {
      Exec(tx, OfferTable().Upsert(true), OfferRow(o));
    }
    DeleteAll(tx, "offers", batch.delete_offers);
    for (const WatchlistItem& item : batch.put_items) {
      LONGTAKE_RETURN_IF_ERROR(PutItem(tx, item));
    }
    DeleteAll(tx, "items", batch.delete_items);
    if (!batch.append_events.empty()) {
      tx.exec_params("SELECT pg_advisory_xact_lock($1)", kEventLockKey);
    }
    for (const AvailabilityEvent& e : batch.append_events) {
      result->event_ids.push_back(
          Exec(tx,
               absl::StrCat(EventTable().Insert(true, false),
                            " RETURNING event_id"),
               EventRow(e))[0][0]
              .as<int64_t>());
    }
    for (const LeavingSoonMark& mark : batch.leaving_soon_marks) {
      pqxx::result r =
          Exec(tx,
               "INSERT INTO leaving_soon_marks(offer, available_until) "
               "VALUES($1, $2) ON CONFLICT DO NOTHING",
               {mark.offer, TimeValue(mark.available_until)});
      if (r.affected_rows() == 0) {
        return AlreadyExists(
            absl::StrCat("leaving-soon mark for ", mark.offer));
      }
    }
    return absl::OkStatus();
  }

  template <typename T, typename Read>
  absl::StatusOr<std::vector<T>> ReadAll(const std::string& sql,
                                         const SqlRow& args, Read read) {
    absl::MutexLock lock(&mu_);
    std::vector<T> out;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      for (const pqxx::row& r : Exec(tx, sql, args)) {
        out.push_back(read(PostgresRow(r)));
      }
      return absl::OkStatus();
    }));
    return out;
  }

  template <typename T, typename Read>
  absl::StatusOr<std::optional<T>> GetByName(const Table& table,
                                             const std::string& name,
                                             Read read) {
    LONGTAKE_ASSIGN_OR_RETURN(
        std::vector<T> rows,
        ReadAll<T>(absl::StrCat(table.Select(), " WHERE name = $1"), {name},
                   read));
    if (rows.empty()) return std::optional<T>();
    return std::optional<T>(std::move(rows.front()));
  }

  absl::StatusOr<int64_t> ScalarInt(const std::string& sql,
                                    const SqlRow& args) {
    LONGTAKE_ASSIGN_OR_RETURN(
        std::vector<int64_t> values,
        ReadAll<int64_t>(sql, args,
                         [](const RowReader& r) { return r.Int(0); }));
    return values.empty() ? int64_t{0} : values.front();
  }

  // FOR UPDATE: the row stays as checked until this transaction ends, so a
  // concurrent replica's write waits instead of slipping in between.
  static absl::Status CheckEtag(pqxx::work& tx, const std::string& name,
                                const std::string& etag) {
    const char* table = absl::StartsWith(name, "providers/") ? "providers"
                        : absl::StartsWith(name, "offers/")  ? "offers"
                        : absl::StartsWith(name, "users/")   ? "items"
                                                             : nullptr;
    if (table == nullptr) {
      return absl::InternalError(
          absl::StrCat("etag check on unknown resource ", name));
    }
    pqxx::result r = tx.exec_params(
        absl::StrCat("SELECT etag FROM ", table, " WHERE name = $1 FOR UPDATE"),
        name);
    if (etag.empty()) {
      if (!r.empty()) return AlreadyExists(name);
      return absl::OkStatus();
    }
    if (r.empty()) return NotFound(name);
    if (PostgresRow(r[0]).Text(0) != etag) return EtagMismatch(name);
    return absl::OkStatus();
  }

  static void DeleteAll(pqxx::work& tx, const char* table,
                        const std::vector<std::string>& names) {
    for (const std::string& name : names) {
      tx.exec_params(absl::StrCat("DELETE FROM ", table, " WHERE name = $1"),
                     name);
    }
  }

  static absl::Status PutItem(pqxx::work& tx, const WatchlistItem& item) {
    SqlRow row = ItemRow(item);
    const std::string& user = std::get<std::string>(row[1]);
    if (user.empty()) {
      return absl::InternalError(absl::StrCat("bad item name ", item.name));
    }
    try {
      Exec(tx, ItemTable().Upsert(true), row);
    } catch (const pqxx::unique_violation&) {
      // The only other unique index: one unwatched item per (user, film).
      return AlreadyExists(absl::StrCat(
          "users/", user, "/watchlist/items (film ", item.film, ")"));
    }
    return absl::OkStatus();
  }

  absl::Mutex mu_;
  std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<WatchlistStore>> OpenPostgresWatchlistStore(
    const std::string& url) {
  LONGTAKE_ASSIGN_OR_RETURN(auto db, Database::Open(url));
  LONGTAKE_RETURN_IF_ERROR(postgres::RunMigrations(*db, Migrations()));
  return std::unique_ptr<WatchlistStore>(
      new PostgresWatchlistStore(std::move(db)));
}

}  // namespace longtake::watchlist
