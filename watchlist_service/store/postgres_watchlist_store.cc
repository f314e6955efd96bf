// WatchlistStore over PostgreSQL (common/postgres): one connection guarded by
// a mutex; every Commit is one transaction. The schema mirrors the SQLite
// store's (times as unix micros, NULL for unset; lists as JSON text); names
// use the "C" collation so ordering and paging match SQLite's byte order
// whatever the database's locale.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "common/postgres/database.h"
#include "common/status/errors.h"
#include "watchlist_service/store/offer_codec.h"
#include "watchlist_service/store/postgres_watchlist_store.h"

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

std::optional<int64_t> Micros(absl::Time t) { return TimeToMicros(t); }

absl::Time FieldTime(const pqxx::field& f, absl::Time if_unset) {
  if (f.is_null()) return if_unset;
  return absl::FromUnixMicros(f.as<int64_t>());
}

std::string FieldText(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }

// LIMIT NULL means no limit.
std::optional<int64_t> Limit(int limit) {
  return limit > 0 ? std::optional<int64_t>(limit) : std::nullopt;
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

Provider ReadProvider(const pqxx::row& r) {
  Provider p;
  p.name = FieldText(r[0]);
  p.display_name = FieldText(r[1]);
  p.kind = static_cast<ProviderKind>(r[2].as<int>());
  p.regions = JsonStrings(FieldText(r[3]));
  p.home_page_uri = FieldText(r[4]);
  p.etag = FieldText(r[5]);
  p.create_time = FieldTime(r[6], absl::InfinitePast());
  p.update_time = FieldTime(r[7], absl::InfinitePast());
  return p;
}

constexpr char kOfferColumns[] =
    "name, film, provider, monetization, format, quality, region, price_currency, "
    "price_units, price_nanos, deep_link_uri, edition, extras, available_from, "
    "available_until, last_verify_time, etag, create_time, update_time";

Offer ReadOffer(const pqxx::row& r) {
  Offer o;
  o.name = FieldText(r[0]);
  o.film = FieldText(r[1]);
  o.provider = FieldText(r[2]);
  o.monetization = static_cast<Monetization>(r[3].as<int>());
  o.format = static_cast<Format>(r[4].as<int>());
  o.quality = static_cast<Quality>(r[5].as<int>());
  o.region = FieldText(r[6]);
  if (!r[7].is_null()) {
    o.price = Money{FieldText(r[7]), r[8].as<int64_t>(), r[9].as<int32_t>()};
  }
  o.deep_link_uri = FieldText(r[10]);
  o.edition = FieldText(r[11]);
  o.extras = JsonStrings(FieldText(r[12]));
  o.available_from = FieldTime(r[13], absl::InfinitePast());
  o.available_until = FieldTime(r[14], absl::InfiniteFuture());
  o.last_verify_time = FieldTime(r[15], absl::InfinitePast());
  o.etag = FieldText(r[16]);
  o.create_time = FieldTime(r[17], absl::InfinitePast());
  o.update_time = FieldTime(r[18], absl::InfinitePast());
  return o;
}

constexpr char kItemColumns[] = "name, film, note, rank, add_time, watch_time, etag";

WatchlistItem ReadItem(const pqxx::row& r) {
  WatchlistItem item;
  item.name = FieldText(r[0]);
  item.film = FieldText(r[1]);
  item.note = FieldText(r[2]);
  item.rank = r[3].as<int64_t>();
  item.add_time = FieldTime(r[4], absl::InfinitePast());
  item.watch_time = FieldTime(r[5], absl::InfinitePast());
  item.etag = FieldText(r[6]);
  return item;
}

class PostgresWatchlistStore : public WatchlistStore {
 public:
  explicit PostgresWatchlistStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  absl::StatusOr<CommitResult> Commit(const WriteBatch& batch) override {
    absl::MutexLock lock(&mu_);
    CommitResult result;
    LONGTAKE_RETURN_IF_ERROR(db_->InTransaction([&](pqxx::work& tx) -> absl::Status {
      for (const auto& [name, etag] : batch.expect_etags) {
        LONGTAKE_RETURN_IF_ERROR(CheckEtag(tx, name, etag));
      }
      if (batch.request) {
        pqxx::result r = tx.exec_params(
            "INSERT INTO requests(key, resource, create_time) VALUES($1, $2, $3) "
            "ON CONFLICT (key) DO NOTHING",
            batch.request->key, batch.request->resource, absl::ToUnixMicros(absl::Now()));
        if (r.affected_rows() == 0) {
          return AlreadyExists(absl::StrCat("request_id ", batch.request->key));
        }
      }
      for (const Provider& p : batch.put_providers) PutProvider(tx, p);
      for (const std::string& name : batch.delete_providers) {
        tx.exec_params("DELETE FROM providers WHERE name = $1", name);
      }
      for (const Offer& o : batch.put_offers) PutOffer(tx, o);
      for (const std::string& name : batch.delete_offers) {
        tx.exec_params("DELETE FROM offers WHERE name = $1", name);
      }
      for (const WatchlistItem& item : batch.put_items) {
        LONGTAKE_RETURN_IF_ERROR(PutItem(tx, item));
      }
      for (const std::string& name : batch.delete_items) {
        tx.exec_params("DELETE FROM items WHERE name = $1", name);
      }
      if (!batch.append_events.empty()) {
        tx.exec_params("SELECT pg_advisory_xact_lock($1)", kEventLockKey);
      }
      for (const AvailabilityEvent& e : batch.append_events) {
        result.event_ids.push_back(AppendEvent(tx, e));
      }
      for (const LeavingSoonMark& mark : batch.leaving_soon_marks) {
        pqxx::result r = tx.exec_params(
            "INSERT INTO leaving_soon_marks(offer, available_until) VALUES($1, $2) "
            "ON CONFLICT DO NOTHING",
            mark.offer, Micros(mark.available_until));
        if (r.affected_rows() == 0) {
          return AlreadyExists(absl::StrCat("leaving-soon mark for ", mark.offer));
        }
      }
      return absl::OkStatus();
    }));
    return result;
  }

  absl::StatusOr<std::optional<Provider>> GetProvider(const std::string& name) override {
    return GetOne<Provider>(absl::StrCat("SELECT ", kProviderColumns, " FROM providers WHERE name = $1"),
                            name, ReadProvider);
  }

  absl::StatusOr<std::vector<Provider>> ListProviders(const std::string& after_name,
                                                      int limit) override {
    absl::MutexLock lock(&mu_);
    std::vector<Provider> out;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      for (const pqxx::row& r :
           tx.exec_params(absl::StrCat("SELECT ", kProviderColumns,
                                       " FROM providers WHERE name > $1 ORDER BY name LIMIT $2"),
                          after_name, Limit(limit))) {
        out.push_back(ReadProvider(r));
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<int64_t> CountProviders() override {
    return ScalarInt("SELECT COUNT(*) FROM providers");
  }

  absl::StatusOr<std::optional<Offer>> GetOffer(const std::string& name) override {
    return GetOne<Offer>(absl::StrCat("SELECT ", kOfferColumns, " FROM offers WHERE name = $1"),
                         name, ReadOffer);
  }

  absl::StatusOr<std::vector<Offer>> ListOffers(const OfferFilter& filter,
                                                const std::string& after_name,
                                                int limit) override {
    absl::MutexLock lock(&mu_);
    // Empty filters are NULL parameters, so the statement text is fixed.
    std::optional<std::string> films;
    if (!filter.films.empty()) films = postgres::TextArrayLiteral(filter.films);
    std::optional<std::string> region;
    if (!filter.region.empty()) region = filter.region;
    std::optional<std::string> provider;
    if (!filter.provider.empty()) provider = filter.provider;
    std::vector<Offer> out;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      for (const pqxx::row& r : tx.exec_params(
               absl::StrCat("SELECT ", kOfferColumns,
                            " FROM offers WHERE name > $1"
                            " AND ($2::text[] IS NULL OR film = ANY($2::text[]))"
                            " AND ($3::text IS NULL OR region = $3)"
                            " AND ($4::text IS NULL OR provider = $4)"
                            " ORDER BY name LIMIT $5"),
               after_name, films, region, provider, Limit(limit))) {
        out.push_back(ReadOffer(r));
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<std::optional<WatchlistItem>> GetItem(const std::string& name) override {
    return GetOne<WatchlistItem>(
        absl::StrCat("SELECT ", kItemColumns, " FROM items WHERE name = $1"), name, ReadItem);
  }

  absl::StatusOr<std::optional<WatchlistItem>> FindUnwatchedItem(
      const std::string& user, const std::string& film) override {
    absl::MutexLock lock(&mu_);
    std::optional<WatchlistItem> out;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      pqxx::result r = tx.exec_params(
          absl::StrCat("SELECT ", kItemColumns,
                       " FROM items WHERE user_id = $1 AND film = $2 AND watch_time IS NULL"),
          user, film);
      if (!r.empty()) out = ReadItem(r[0]);
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<std::vector<WatchlistItem>> ListItems(const std::string& user, bool watched,
                                                       int64_t offset, int limit) override {
    absl::MutexLock lock(&mu_);
    std::string sql = absl::StrCat(
        "SELECT ", kItemColumns, " FROM items WHERE user_id = $1 AND ",
        watched ? "watch_time IS NOT NULL ORDER BY watch_time DESC, name"
                : "watch_time IS NULL ORDER BY rank, name",
        " LIMIT $2 OFFSET $3");
    std::vector<WatchlistItem> out;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      for (const pqxx::row& r :
           tx.exec_params(sql, user, Limit(limit), offset < 0 ? int64_t{0} : offset)) {
        out.push_back(ReadItem(r));
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<int64_t> MaxRank(const std::string& user) override {
    absl::MutexLock lock(&mu_);
    int64_t out = 0;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      out = tx.exec_params("SELECT COALESCE(MAX(rank), 0) FROM items "
                           "WHERE user_id = $1 AND watch_time IS NULL",
                           user)[0][0]
                .as<int64_t>();
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<std::optional<RequestRecord>> GetRequest(const std::string& key) override {
    return GetOne<RequestRecord>(
        "SELECT key, resource FROM requests WHERE key = $1", key, [](const pqxx::row& r) {
          return RequestRecord{FieldText(r[0]), FieldText(r[1])};
        });
  }

  absl::StatusOr<std::vector<AvailabilityEvent>> ListEvents(int64_t after_id,
                                                            const EventFilter& filter,
                                                            int limit) override {
    absl::MutexLock lock(&mu_);
    std::optional<std::string> user;
    if (!filter.user.empty()) user = filter.user;
    std::optional<std::string> regions;
    if (!filter.regions.empty()) regions = postgres::TextArrayLiteral(filter.regions);
    std::vector<AvailabilityEvent> out;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) -> absl::Status {
      pqxx::result rows = tx.exec_params(
          "SELECT event_id, kind, offer, previous_currency, previous_units, previous_nanos, "
          "event_time FROM events WHERE event_id > $1"
          " AND ($2::text IS NULL OR film IN (SELECT film FROM items WHERE user_id = $2"
          " AND watch_time IS NULL))"
          " AND ($3::text[] IS NULL OR region = ANY($3::text[]))"
          " ORDER BY event_id LIMIT $4",
          after_id, user, regions, Limit(limit));
      for (const pqxx::row& r : rows) {
        AvailabilityEvent e;
        e.event_id = r[0].as<int64_t>();
        e.kind = static_cast<AvailabilityEvent::Kind>(r[1].as<int>());
        LONGTAKE_ASSIGN_OR_RETURN(e.offer, DecodeOfferJson(FieldText(r[2])));
        e.film = e.offer.film;
        if (!r[3].is_null()) {
          e.previous_price = Money{FieldText(r[3]), r[4].as<int64_t>(), r[5].as<int32_t>()};
        }
        e.event_time = FieldTime(r[6], absl::InfinitePast());
        out.push_back(std::move(e));
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<int64_t> LastEventId() override {
    return ScalarInt("SELECT COALESCE(MAX(event_id), 0) FROM events");
  }

  absl::StatusOr<bool> HasLeavingSoonMark(const LeavingSoonMark& mark) override {
    absl::MutexLock lock(&mu_);
    bool found = false;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      found = !tx.exec_params("SELECT 1 FROM leaving_soon_marks WHERE offer = $1 AND "
                              "available_until = $2",
                              mark.offer, Micros(mark.available_until))
                   .empty();
      return absl::OkStatus();
    }));
    return found;
  }

 private:
  template <typename T, typename Read>
  absl::StatusOr<std::optional<T>> GetOne(const std::string& sql, const std::string& key,
                                          Read read) {
    absl::MutexLock lock(&mu_);
    std::optional<T> out;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      pqxx::result r = tx.exec_params(sql, key);
      if (!r.empty()) out = read(r[0]);
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<int64_t> ScalarInt(const char* sql) {
    absl::MutexLock lock(&mu_);
    int64_t out = 0;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      out = tx.exec(sql)[0][0].as<int64_t>();
      return absl::OkStatus();
    }));
    return out;
  }

  // FOR UPDATE: the row stays as checked until this transaction ends, so a
  // concurrent replica's write waits instead of slipping in between.
  static absl::Status CheckEtag(pqxx::work& tx, const std::string& name,
                                const std::string& etag) {
    const char* sql = absl::StartsWith(name, "providers/")
                          ? "SELECT etag FROM providers WHERE name = $1 FOR UPDATE"
                      : absl::StartsWith(name, "offers/")
                          ? "SELECT etag FROM offers WHERE name = $1 FOR UPDATE"
                      : absl::StartsWith(name, "users/")
                          ? "SELECT etag FROM items WHERE name = $1 FOR UPDATE"
                          : nullptr;
    if (sql == nullptr) {
      return absl::InternalError(absl::StrCat("etag check on unknown resource ", name));
    }
    pqxx::result r = tx.exec_params(sql, name);
    if (etag.empty()) {
      if (!r.empty()) return AlreadyExists(name);
      return absl::OkStatus();
    }
    if (r.empty()) return NotFound(name);
    if (FieldText(r[0][0]) != etag) return EtagMismatch(name);
    return absl::OkStatus();
  }

  static void PutProvider(pqxx::work& tx, const Provider& p) {
    tx.exec_params(
        absl::StrCat("INSERT INTO providers(", kProviderColumns,
                     ") VALUES($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name) DO UPDATE SET "
                     "display_name = excluded.display_name, kind = excluded.kind, "
                     "regions = excluded.regions, home_page_uri = excluded.home_page_uri, "
                     "etag = excluded.etag, create_time = excluded.create_time, "
                     "update_time = excluded.update_time"),
        p.name, p.display_name, static_cast<int>(p.kind), StringsJson(p.regions),
        p.home_page_uri, p.etag, Micros(p.create_time), Micros(p.update_time));
  }

  static void PutOffer(pqxx::work& tx, const Offer& o) {
    std::optional<std::string> currency;
    std::optional<int64_t> units;
    std::optional<int32_t> nanos;
    if (o.price) {
      currency = o.price->currency_code;
      units = o.price->units;
      nanos = o.price->nanos;
    }
    tx.exec_params(
        absl::StrCat(
            "INSERT INTO offers(", kOfferColumns,
            ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
            "$17, $18, $19) ON CONFLICT (name) DO UPDATE SET film = excluded.film, "
            "provider = excluded.provider, monetization = excluded.monetization, "
            "format = excluded.format, quality = excluded.quality, region = excluded.region, "
            "price_currency = excluded.price_currency, price_units = excluded.price_units, "
            "price_nanos = excluded.price_nanos, deep_link_uri = excluded.deep_link_uri, "
            "edition = excluded.edition, extras = excluded.extras, "
            "available_from = excluded.available_from, "
            "available_until = excluded.available_until, "
            "last_verify_time = excluded.last_verify_time, etag = excluded.etag, "
            "create_time = excluded.create_time, update_time = excluded.update_time"),
        o.name, o.film, o.provider, static_cast<int>(o.monetization),
        static_cast<int>(o.format), static_cast<int>(o.quality), o.region, currency, units,
        nanos, o.deep_link_uri, o.edition, StringsJson(o.extras), Micros(o.available_from),
        Micros(o.available_until), Micros(o.last_verify_time), o.etag, Micros(o.create_time),
        Micros(o.update_time));
  }

  static absl::Status PutItem(pqxx::work& tx, const WatchlistItem& item) {
    std::string user = UserOfItem(item.name);
    if (user.empty()) return absl::InternalError(absl::StrCat("bad item name ", item.name));
    try {
      tx.exec_params(
          "INSERT INTO items(name, user_id, film, note, rank, add_time, watch_time, etag) "
          "VALUES($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name) DO UPDATE SET "
          "user_id = excluded.user_id, film = excluded.film, note = excluded.note, "
          "rank = excluded.rank, add_time = excluded.add_time, "
          "watch_time = excluded.watch_time, etag = excluded.etag",
          item.name, user, item.film, item.note, item.rank, Micros(item.add_time),
          Micros(item.watch_time), item.etag);
    } catch (const pqxx::unique_violation&) {
      // The only other unique index: one unwatched item per (user, film).
      return AlreadyExists(
          absl::StrCat("users/", user, "/watchlist/items (film ", item.film, ")"));
    }
    return absl::OkStatus();
  }

  static int64_t AppendEvent(pqxx::work& tx, const AvailabilityEvent& e) {
    std::optional<std::string> currency;
    std::optional<int64_t> units;
    std::optional<int32_t> nanos;
    if (e.previous_price) {
      currency = e.previous_price->currency_code;
      units = e.previous_price->units;
      nanos = e.previous_price->nanos;
    }
    return tx
        .exec_params1("INSERT INTO events(kind, film, region, offer, previous_currency, "
                      "previous_units, previous_nanos, event_time) "
                      "VALUES($1, $2, $3, $4, $5, $6, $7, $8) RETURNING event_id",
                      static_cast<int>(e.kind), e.offer.film, e.offer.region,
                      EncodeOfferJson(e.offer), currency, units, nanos, Micros(e.event_time))[0]
        .as<int64_t>();
  }

  absl::Mutex mu_;
  std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<WatchlistStore>> OpenPostgresWatchlistStore(
    const std::string& url) {
  LONGTAKE_ASSIGN_OR_RETURN(auto db, Database::Open(url));
  LONGTAKE_RETURN_IF_ERROR(postgres::RunMigrations(*db, Migrations()));
  return std::unique_ptr<WatchlistStore>(new PostgresWatchlistStore(std::move(db)));
}

}  // namespace longtake::watchlist
