// WatchlistStore over SQLite (common/sqlite): one connection guarded by a
// mutex; every Commit is one BEGIN IMMEDIATE ... COMMIT.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/sqlite/database.h"
#include "common/status/errors.h"
#include "watchlist_service/store/offer_codec.h"
#include "watchlist_service/store/postgres_watchlist_store.h"
#include "watchlist_service/store/sqlite_watchlist_store.h"

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
  };
  return *migrations;
}

absl::Status BindTime(Statement& st, int index, absl::Time t) {
  std::optional<int64_t> micros = TimeToMicros(t);
  if (!micros) return st.BindNull(index);
  return st.Bind(index, *micros);
}

absl::Time ColumnTime(const Statement& st, int column, absl::Time if_unset) {
  if (st.IsNull(column)) return if_unset;
  return absl::FromUnixMicros(st.ColumnInt(column));
}

std::vector<std::string> JsonStrings(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string StringsJson(const std::vector<std::string>& values) {
  return nlohmann::json(values).dump();
}

constexpr char kProviderColumns[] =
    "name, display_name, kind, regions, home_page_uri, etag, create_time, update_time";

Provider ReadProvider(const Statement& st) {
  Provider p;
  p.name = st.ColumnText(0);
  p.display_name = st.ColumnText(1);
  p.kind = static_cast<ProviderKind>(st.ColumnInt(2));
  p.regions = JsonStrings(st.ColumnText(3));
  p.home_page_uri = st.ColumnText(4);
  p.etag = st.ColumnText(5);
  p.create_time = ColumnTime(st, 6, absl::InfinitePast());
  p.update_time = ColumnTime(st, 7, absl::InfinitePast());
  return p;
}

constexpr char kOfferColumns[] =
    "name, film, provider, monetization, format, quality, region, price_currency, "
    "price_units, price_nanos, deep_link_uri, edition, extras, available_from, "
    "available_until, last_verify_time, etag, create_time, update_time";

Offer ReadOffer(const Statement& st) {
  Offer o;
  o.name = st.ColumnText(0);
  o.film = st.ColumnText(1);
  o.provider = st.ColumnText(2);
  o.monetization = static_cast<Monetization>(st.ColumnInt(3));
  o.format = static_cast<Format>(st.ColumnInt(4));
  o.quality = static_cast<Quality>(st.ColumnInt(5));
  o.region = st.ColumnText(6);
  if (!st.IsNull(7)) {
    o.price = Money{st.ColumnText(7), st.ColumnInt(8), static_cast<int32_t>(st.ColumnInt(9))};
  }
  o.deep_link_uri = st.ColumnText(10);
  o.edition = st.ColumnText(11);
  o.extras = JsonStrings(st.ColumnText(12));
  o.available_from = ColumnTime(st, 13, absl::InfinitePast());
  o.available_until = ColumnTime(st, 14, absl::InfiniteFuture());
  o.last_verify_time = ColumnTime(st, 15, absl::InfinitePast());
  o.etag = st.ColumnText(16);
  o.create_time = ColumnTime(st, 17, absl::InfinitePast());
  o.update_time = ColumnTime(st, 18, absl::InfinitePast());
  return o;
}

constexpr char kItemColumns[] = "name, film, note, rank, add_time, watch_time, etag";

WatchlistItem ReadItem(const Statement& st) {
  WatchlistItem item;
  item.name = st.ColumnText(0);
  item.film = st.ColumnText(1);
  item.note = st.ColumnText(2);
  item.rank = st.ColumnInt(3);
  item.add_time = ColumnTime(st, 4, absl::InfinitePast());
  item.watch_time = ColumnTime(st, 5, absl::InfinitePast());
  item.etag = st.ColumnText(6);
  return item;
}

class SqliteWatchlistStore : public WatchlistStore {
 public:
  explicit SqliteWatchlistStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  absl::StatusOr<CommitResult> Commit(const WriteBatch& batch) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::Begin(*db_));
    for (const auto& [name, etag] : batch.expect_etags) {
      LONGTAKE_RETURN_IF_ERROR(CheckEtag(name, etag));
    }
    if (batch.request) {
      LONGTAKE_ASSIGN_OR_RETURN(
          Statement st,
          db_->Prepare("INSERT INTO requests(key, resource, create_time) VALUES(?, ?, ?)"));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(1, batch.request->key));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(2, batch.request->resource));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(3, absl::ToUnixMicros(absl::Now())));
      if (absl::Status s = st.Run(); !s.ok()) {
        if (s.code() == absl::StatusCode::kAlreadyExists) {
          return AlreadyExists(absl::StrCat("request_id ", batch.request->key));
        }
        return s;
      }
    }
    for (const Provider& p : batch.put_providers) LONGTAKE_RETURN_IF_ERROR(PutProvider(p));
    for (const std::string& name : batch.delete_providers) {
      LONGTAKE_RETURN_IF_ERROR(DeleteByName("providers", name));
    }
    for (const Offer& o : batch.put_offers) LONGTAKE_RETURN_IF_ERROR(PutOffer(o));
    for (const std::string& name : batch.delete_offers) {
      LONGTAKE_RETURN_IF_ERROR(DeleteByName("offers", name));
    }
    for (const WatchlistItem& item : batch.put_items) LONGTAKE_RETURN_IF_ERROR(PutItem(item));
    for (const std::string& name : batch.delete_items) {
      LONGTAKE_RETURN_IF_ERROR(DeleteByName("items", name));
    }
    CommitResult result;
    for (const AvailabilityEvent& e : batch.append_events) {
      LONGTAKE_ASSIGN_OR_RETURN(int64_t id, AppendEvent(e));
      result.event_ids.push_back(id);
    }
    for (const LeavingSoonMark& mark : batch.leaving_soon_marks) {
      LONGTAKE_ASSIGN_OR_RETURN(
          Statement st,
          db_->Prepare("INSERT INTO leaving_soon_marks(offer, available_until) VALUES(?, ?)"));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(1, mark.offer));
      LONGTAKE_RETURN_IF_ERROR(BindTime(st, 2, mark.available_until));
      if (absl::Status s = st.Run(); !s.ok()) {
        if (s.code() == absl::StatusCode::kAlreadyExists) {
          return AlreadyExists(absl::StrCat("leaving-soon mark for ", mark.offer));
        }
        return s;
      }
    }
    LONGTAKE_RETURN_IF_ERROR(tx.Commit());
    return result;
  }

  absl::StatusOr<std::optional<Provider>> GetProvider(const std::string& name) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare(absl::StrCat("SELECT ", kProviderColumns, " FROM providers WHERE name = ?")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, name));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<Provider>();
    return std::optional<Provider>(ReadProvider(st));
  }

  absl::StatusOr<std::vector<Provider>> ListProviders(const std::string& after_name,
                                                      int limit) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st, db_->Prepare(absl::StrCat("SELECT ", kProviderColumns,
                                                " FROM providers WHERE name > ? "
                                                "ORDER BY name LIMIT ?")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, after_name));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(2, static_cast<int64_t>(limit > 0 ? limit : -1)));
    std::vector<Provider> out;
    while (true) {
      LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadProvider(st));
    }
    return out;
  }

  absl::StatusOr<int64_t> CountProviders() override {
    absl::MutexLock lock(&mu_);
    return ScalarInt("SELECT COUNT(*) FROM providers");
  }

  absl::StatusOr<std::optional<Offer>> GetOffer(const std::string& name) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare(absl::StrCat("SELECT ", kOfferColumns, " FROM offers WHERE name = ?")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, name));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<Offer>();
    return std::optional<Offer>(ReadOffer(st));
  }

  absl::StatusOr<std::vector<Offer>> ListOffers(const OfferFilter& filter,
                                                const std::string& after_name,
                                                int limit) override {
    absl::MutexLock lock(&mu_);
    std::string sql = absl::StrCat("SELECT ", kOfferColumns, " FROM offers WHERE name > ?");
    if (!filter.films.empty()) {
      std::vector<std::string> marks(filter.films.size(), "?");
      absl::StrAppend(&sql, " AND film IN (", absl::StrJoin(marks, ","), ")");
    }
    if (!filter.region.empty()) absl::StrAppend(&sql, " AND region = ?");
    if (!filter.provider.empty()) absl::StrAppend(&sql, " AND provider = ?");
    absl::StrAppend(&sql, " ORDER BY name LIMIT ?");
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, db_->Prepare(sql));
    int i = 1;
    LONGTAKE_RETURN_IF_ERROR(st.Bind(i++, after_name));
    for (const std::string& film : filter.films) LONGTAKE_RETURN_IF_ERROR(st.Bind(i++, film));
    if (!filter.region.empty()) LONGTAKE_RETURN_IF_ERROR(st.Bind(i++, filter.region));
    if (!filter.provider.empty()) LONGTAKE_RETURN_IF_ERROR(st.Bind(i++, filter.provider));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(i++, static_cast<int64_t>(limit > 0 ? limit : -1)));
    std::vector<Offer> out;
    while (true) {
      LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadOffer(st));
    }
    return out;
  }

  absl::StatusOr<std::optional<WatchlistItem>> GetItem(const std::string& name) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare(absl::StrCat("SELECT ", kItemColumns, " FROM items WHERE name = ?")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, name));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<WatchlistItem>();
    return std::optional<WatchlistItem>(ReadItem(st));
  }

  absl::StatusOr<std::optional<WatchlistItem>> FindUnwatchedItem(
      const std::string& user, const std::string& film) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare(absl::StrCat("SELECT ", kItemColumns,
                                  " FROM items WHERE user = ? AND film = ? "
                                  "AND watch_time IS NULL")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, user));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(2, film));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<WatchlistItem>();
    return std::optional<WatchlistItem>(ReadItem(st));
  }

  absl::StatusOr<std::vector<WatchlistItem>> ListItems(const std::string& user, bool watched,
                                                       int64_t offset, int limit) override {
    absl::MutexLock lock(&mu_);
    std::string sql = absl::StrCat(
        "SELECT ", kItemColumns, " FROM items WHERE user = ? AND ",
        watched ? "watch_time IS NOT NULL ORDER BY watch_time DESC, name"
                : "watch_time IS NULL ORDER BY rank, name",
        " LIMIT ? OFFSET ?");
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, db_->Prepare(sql));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, user));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(2, static_cast<int64_t>(limit > 0 ? limit : -1)));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(3, offset < 0 ? int64_t{0} : offset));
    std::vector<WatchlistItem> out;
    while (true) {
      LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadItem(st));
    }
    return out;
  }

  absl::StatusOr<int64_t> MaxRank(const std::string& user) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st, db_->Prepare("SELECT COALESCE(MAX(rank), 0) FROM items "
                                   "WHERE user = ? AND watch_time IS NULL"));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, user));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.ColumnInt(0) : int64_t{0};
  }

  absl::StatusOr<std::optional<RequestRecord>> GetRequest(const std::string& key) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(Statement st,
                              db_->Prepare("SELECT key, resource FROM requests WHERE key = ?"));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, key));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(RequestRecord{st.ColumnText(0), st.ColumnText(1)});
  }

  absl::StatusOr<std::vector<AvailabilityEvent>> ListEvents(int64_t after_id,
                                                            const EventFilter& filter,
                                                            int limit) override {
    absl::MutexLock lock(&mu_);
    std::string sql =
        "SELECT event_id, kind, offer, previous_currency, previous_units, previous_nanos, "
        "event_time FROM events WHERE event_id > ?";
    if (!filter.user.empty()) {
      absl::StrAppend(&sql,
                      " AND film IN (SELECT film FROM items WHERE user = ? AND "
                      "watch_time IS NULL)");
    }
    if (!filter.regions.empty()) {
      std::vector<std::string> marks(filter.regions.size(), "?");
      absl::StrAppend(&sql, " AND region IN (", absl::StrJoin(marks, ","), ")");
    }
    absl::StrAppend(&sql, " ORDER BY event_id LIMIT ?");
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, db_->Prepare(sql));
    int i = 1;
    LONGTAKE_RETURN_IF_ERROR(st.Bind(i++, after_id));
    if (!filter.user.empty()) LONGTAKE_RETURN_IF_ERROR(st.Bind(i++, filter.user));
    for (const std::string& r : filter.regions) LONGTAKE_RETURN_IF_ERROR(st.Bind(i++, r));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(i++, static_cast<int64_t>(limit > 0 ? limit : -1)));
    std::vector<AvailabilityEvent> out;
    while (true) {
      LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      AvailabilityEvent e;
      e.event_id = st.ColumnInt(0);
      e.kind = static_cast<AvailabilityEvent::Kind>(st.ColumnInt(1));
      LONGTAKE_ASSIGN_OR_RETURN(e.offer, DecodeOfferJson(st.ColumnText(2)));
      e.film = e.offer.film;
      if (!st.IsNull(3)) {
        e.previous_price =
            Money{st.ColumnText(3), st.ColumnInt(4), static_cast<int32_t>(st.ColumnInt(5))};
      }
      e.event_time = ColumnTime(st, 6, absl::InfinitePast());
      out.push_back(std::move(e));
    }
    return out;
  }

  absl::StatusOr<int64_t> LastEventId() override {
    absl::MutexLock lock(&mu_);
    return ScalarInt("SELECT COALESCE(MAX(event_id), 0) FROM events");
  }

  absl::StatusOr<bool> HasLeavingSoonMark(const LeavingSoonMark& mark) override {
    absl::MutexLock lock(&mu_);
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st, db_->Prepare("SELECT 1 FROM leaving_soon_marks WHERE offer = ? AND "
                                   "available_until = ?"));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, mark.offer));
    LONGTAKE_RETURN_IF_ERROR(BindTime(st, 2, mark.available_until));
    return st.Step();
  }

 private:
  absl::StatusOr<int64_t> ScalarInt(const char* sql) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    LONGTAKE_ASSIGN_OR_RETURN(Statement st, db_->Prepare(sql));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.ColumnInt(0) : int64_t{0};
  }

  absl::Status CheckEtag(const std::string& name, const std::string& etag)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const char* table = absl::StartsWith(name, "providers/") ? "providers"
                        : absl::StartsWith(name, "offers/")  ? "offers"
                        : absl::StartsWith(name, "users/")   ? "items"
                                                             : nullptr;
    if (table == nullptr) {
      return absl::InternalError(absl::StrCat("etag check on unknown resource ", name));
    }
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st, db_->Prepare(absl::StrCat("SELECT etag FROM ", table, " WHERE name = ?")));
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

  absl::Status DeleteByName(const char* table, const std::string& name)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st, db_->Prepare(absl::StrCat("DELETE FROM ", table, " WHERE name = ?")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, name));
    return st.Run();
  }

  absl::Status PutProvider(const Provider& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st, db_->Prepare(absl::StrCat("INSERT OR REPLACE INTO providers(",
                                                kProviderColumns,
                                                ") VALUES(?, ?, ?, ?, ?, ?, ?, ?)")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, p.name));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(2, p.display_name));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(3, static_cast<int64_t>(p.kind)));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(4, StringsJson(p.regions)));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(5, p.home_page_uri));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(6, p.etag));
    LONGTAKE_RETURN_IF_ERROR(BindTime(st, 7, p.create_time));
    LONGTAKE_RETURN_IF_ERROR(BindTime(st, 8, p.update_time));
    return st.Run();
  }

  absl::Status PutOffer(const Offer& o) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare(absl::StrCat("INSERT OR REPLACE INTO offers(", kOfferColumns,
                                  ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                  "?, ?, ?)")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, o.name));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(2, o.film));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(3, o.provider));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(4, static_cast<int64_t>(o.monetization)));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(5, static_cast<int64_t>(o.format)));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(6, static_cast<int64_t>(o.quality)));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(7, o.region));
    if (o.price) {
      LONGTAKE_RETURN_IF_ERROR(st.Bind(8, o.price->currency_code));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(9, o.price->units));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(10, static_cast<int64_t>(o.price->nanos)));
    } else {
      LONGTAKE_RETURN_IF_ERROR(st.BindNull(8));
      LONGTAKE_RETURN_IF_ERROR(st.BindNull(9));
      LONGTAKE_RETURN_IF_ERROR(st.BindNull(10));
    }
    LONGTAKE_RETURN_IF_ERROR(st.Bind(11, o.deep_link_uri));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(12, o.edition));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(13, StringsJson(o.extras)));
    LONGTAKE_RETURN_IF_ERROR(BindTime(st, 14, o.available_from));
    LONGTAKE_RETURN_IF_ERROR(BindTime(st, 15, o.available_until));
    LONGTAKE_RETURN_IF_ERROR(BindTime(st, 16, o.last_verify_time));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(17, o.etag));
    LONGTAKE_RETURN_IF_ERROR(BindTime(st, 18, o.create_time));
    LONGTAKE_RETURN_IF_ERROR(BindTime(st, 19, o.update_time));
    return st.Run();
  }

  absl::Status PutItem(const WatchlistItem& item) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::string user = UserOfItem(item.name);
    if (user.empty()) {
      return absl::InternalError(absl::StrCat("bad item name ", item.name));
    }
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        // Not INSERT OR REPLACE: REPLACE would also resolve a clash on the
        // one-unwatched-item-per-film index by deleting the other item.
        db_->Prepare("INSERT INTO items(name, user, film, note, rank, add_time, watch_time, "
                     "etag) VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                     "user = excluded.user, film = excluded.film, note = excluded.note, "
                     "rank = excluded.rank, add_time = excluded.add_time, "
                     "watch_time = excluded.watch_time, etag = excluded.etag"));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, item.name));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(2, user));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(3, item.film));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(4, item.note));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(5, item.rank));
    LONGTAKE_RETURN_IF_ERROR(BindTime(st, 6, item.add_time));
    LONGTAKE_RETURN_IF_ERROR(BindTime(st, 7, item.watch_time));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(8, item.etag));
    if (absl::Status s = st.Run(); !s.ok()) {
      if (s.code() == absl::StatusCode::kAlreadyExists) {
        return AlreadyExists(absl::StrCat("users/", user, "/watchlist/items (film ", item.film,
                                          ")"));
      }
      return s;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> AppendEvent(const AvailabilityEvent& e)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    LONGTAKE_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare("INSERT INTO events(kind, film, region, offer, previous_currency, "
                     "previous_units, previous_nanos, event_time) "
                     "VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, static_cast<int64_t>(e.kind)));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(2, e.offer.film));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(3, e.offer.region));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(4, EncodeOfferJson(e.offer)));
    if (e.previous_price) {
      LONGTAKE_RETURN_IF_ERROR(st.Bind(5, e.previous_price->currency_code));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(6, e.previous_price->units));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(7, static_cast<int64_t>(e.previous_price->nanos)));
    } else {
      LONGTAKE_RETURN_IF_ERROR(st.BindNull(5));
      LONGTAKE_RETURN_IF_ERROR(st.BindNull(6));
      LONGTAKE_RETURN_IF_ERROR(st.BindNull(7));
    }
    LONGTAKE_RETURN_IF_ERROR(BindTime(st, 8, e.event_time));
    LONGTAKE_RETURN_IF_ERROR(st.Run());
    return db_->last_insert_rowid();
  }

  absl::Mutex mu_;
  std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<WatchlistStore>> OpenSqliteWatchlistStore(
    const std::string& path) {
  LONGTAKE_ASSIGN_OR_RETURN(auto db, Database::Open(path));
  LONGTAKE_RETURN_IF_ERROR(sqlite::RunMigrations(*db, Migrations()));
  return std::unique_ptr<WatchlistStore>(new SqliteWatchlistStore(std::move(db)));
}

absl::StatusOr<std::unique_ptr<WatchlistStore>> OpenWatchlistStore(const std::string& url) {
  absl::string_view rest(url);
  if (url == "sqlite::memory:") return OpenSqliteWatchlistStore(":memory:");
  if (absl::ConsumePrefix(&rest, "sqlite://")) {
    if (rest.empty()) return InvalidArgument("store", "sqlite:// URL without a path");
    return OpenSqliteWatchlistStore(std::string(rest));
  }
  if (absl::StartsWith(url, "postgres://") || absl::StartsWith(url, "postgresql://")) {
    return OpenPostgresWatchlistStore(url);
  }
  return InvalidArgument("store",
                         absl::StrCat("unsupported store URL \"", url,
                                      "\": expected sqlite:///abs/path.db, sqlite://rel.db, "
                                      "sqlite::memory: or postgres://..."));
}

}  // namespace longtake::watchlist
