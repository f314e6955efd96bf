// The statements and Commit sequence of both SQL watchlist stores
// (sql_watchlist_store.h).

#include "watchlist_service/store/sql_watchlist_store.h"

#include <type_traits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/status/errors.h"

namespace longtake::watchlist {
namespace {

// Times are unix micros (NULL: unset); lists are JSON text.
constexpr const char* kSchema = R"sql(
CREATE TABLE providers(
  name $KEY,
  display_name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  regions TEXT NOT NULL,            -- JSON array
  home_page_uri TEXT NOT NULL,
  etag TEXT NOT NULL,
  create_time $INT,
  update_time $INT);
CREATE TABLE offers(
  name $KEY,
  film TEXT NOT NULL,
  provider TEXT NOT NULL,
  monetization INTEGER NOT NULL,
  format INTEGER NOT NULL,
  quality INTEGER NOT NULL,
  region TEXT NOT NULL,
  price_currency TEXT,              -- NULL: no price
  price_units $INT,
  price_nanos INTEGER,
  deep_link_uri TEXT NOT NULL,
  edition TEXT NOT NULL,
  extras TEXT NOT NULL,             -- JSON array
  available_from $INT,
  available_until $INT,
  last_verify_time $INT,
  etag TEXT NOT NULL,
  create_time $INT,
  update_time $INT);
CREATE INDEX offers_by_film ON offers(film, region);
CREATE INDEX offers_by_provider ON offers(provider);
CREATE TABLE items(
  name $KEY,
  $USER TEXT NOT NULL,              -- "{user}" of users/{user}/...
  film TEXT NOT NULL,
  note TEXT NOT NULL,
  rank $INT NOT NULL,
  add_time $INT,
  watch_time $INT,                  -- NULL: on the list
  etag TEXT NOT NULL);
CREATE UNIQUE INDEX items_one_unwatched_per_film ON items($USER, film) WHERE watch_time IS NULL;
CREATE INDEX items_by_user ON items($USER, rank, name);
CREATE INDEX items_by_film ON items(film);
CREATE TABLE events(
  event_id $EVENT_KEY,
  kind INTEGER NOT NULL,
  film TEXT NOT NULL,
  region TEXT NOT NULL,
  offer TEXT NOT NULL,              -- JSON snapshot
  previous_currency TEXT,
  previous_units $INT,
  previous_nanos INTEGER,
  event_time $INT);
CREATE INDEX events_by_film ON events(film, event_id);
CREATE TABLE leaving_soon_marks(
  offer TEXT NOT NULL,
  available_until $INT NOT NULL,
  PRIMARY KEY(offer, available_until));
CREATE TABLE requests(
  key TEXT PRIMARY KEY,
  resource TEXT NOT NULL,
  create_time $INT NOT NULL);
)sql";

// "?, ?, ?" for an IN list of `n` values.
std::string Marks(size_t n) {
  return absl::StrJoin(std::vector<std::string>(n, "?"), ", ");
}

// Appends " AND column IN (?, ...)" and its arguments; nothing for no values
// (any value matches). Enums are stored as their numbers.
template <typename T>
void AppendAnyOf(absl::string_view column, const std::vector<T>& values,
                 std::string* sql, SqlRow* args) {
  if (values.empty()) return;
  absl::StrAppend(sql, " AND ", column, " IN (", Marks(values.size()), ")");
  for (const T& value : values) {
    if constexpr (std::is_enum_v<T>) {
      args->emplace_back(std::in_place_type<int64_t>,
                         static_cast<int64_t>(value));
    } else {
      args->emplace_back(value);
    }
  }
}

// The table holding a resource, by its name's collection.
const char* TableOf(const std::string& name) {
  return absl::StartsWith(name, "providers/") ? "providers"
         : absl::StartsWith(name, "offers/")  ? "offers"
         : absl::StartsWith(name, "users/")   ? "items"
                                              : nullptr;
}

// A statement whose unique-index clash is ALREADY_EXISTS naming `what`.
absl::Status RunUnique(SqlSession& session, const std::string& sql,
                       const SqlRow& args, absl::string_view what) {
  absl::Status s = session.Run(sql, args);
  if (s.code() == absl::StatusCode::kAlreadyExists) return AlreadyExists(what);
  return s;
}

absl::Status CheckEtag(SqlSession& session, const std::string& name,
                       const std::string& etag, const std::string& lock_rows) {
  const char* table = TableOf(name);
  if (table == nullptr) {
    return absl::InternalError(
        absl::StrCat("etag check on unknown resource ", name));
  }
  std::optional<std::string> stored;
  LONGTAKE_RETURN_IF_ERROR(session.Query(
      absl::StrCat("SELECT etag FROM ", table, " WHERE name = ?", lock_rows),
      {name}, [&stored](const RowReader& row) {
        stored = row.Text(0);
        return absl::OkStatus();
      }));
  if (etag.empty()) {
    if (stored.has_value()) return AlreadyExists(name);
    return absl::OkStatus();
  }
  if (!stored.has_value()) return NotFound(name);
  if (*stored != etag) return EtagMismatch(name);
  return absl::OkStatus();
}

absl::Status DeleteAll(SqlSession& session, const char* table,
                       const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    LONGTAKE_RETURN_IF_ERROR(session.Run(
        absl::StrCat("DELETE FROM ", table, " WHERE name = ?"), {name}));
  }
  return absl::OkStatus();
}

// Not INSERT OR REPLACE: REPLACE would also resolve a clash on the
// one-unwatched-item-per-film index by deleting the other item.
absl::Status PutItem(SqlSession& session, const WatchlistItem& item) {
  SqlRow row = ItemRow(item);
  const std::string& user = std::get<std::string>(row[1]);
  if (user.empty()) {
    return absl::InternalError(absl::StrCat("bad item name ", item.name));
  }
  return RunUnique(
      session, ItemTable().Upsert(false), row,
      absl::StrCat("users/", user, "/watchlist/items (film ", item.film, ")"));
}

}  // namespace

std::string WatchlistSchema(const SqlDialect& dialect) {
  return absl::StrReplaceAll(kSchema, {{"$EVENT_KEY", dialect.event_key},
                                       {"$KEY", dialect.key},
                                       {"$INT", dialect.integer},
                                       {"$USER", dialect.user_column}});
}

std::string NumberMarks(const std::string& sql) {
  std::string out;
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      absl::StrAppend(&out, "$", ++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::StatusOr<CommitResult> SqlWatchlistStore::Commit(
    const WriteBatch& batch) {
  CommitResult result;
  LONGTAKE_RETURN_IF_ERROR(InTransaction([&](SqlSession& session) {
    result = CommitResult();
    return CommitIn(session, batch, &result);
  }));
  return result;
}

absl::Status SqlWatchlistStore::CommitIn(SqlSession& session,
                                         const WriteBatch& batch,
                                         CommitResult* result) {
  for (const auto& [name, etag] : batch.expect_etags) {
    LONGTAKE_RETURN_IF_ERROR(
        CheckEtag(session, name, etag, dialect_.lock_rows));
  }
  if (batch.request) {
    std::string key =
        absl::StrCat(batch.request->method, ":", batch.request->request_id);
    LONGTAKE_RETURN_IF_ERROR(RunUnique(
        session,
        "INSERT INTO requests(key, resource, create_time, request_hash) "
        "VALUES(?, ?, ?, ?)",
        {key, batch.request->resource, absl::ToUnixMicros(absl::Now()),
         batch.request->request_hash},
        absl::StrCat("request_id ", key)));
  }
  for (const Provider& p : batch.put_providers) {
    LONGTAKE_RETURN_IF_ERROR(RunUnique(session, ProviderTable().Upsert(false),
                                       ProviderRow(p), p.name));
  }
  LONGTAKE_RETURN_IF_ERROR(
      DeleteAll(session, "providers", batch.delete_providers));
  for (const Offer& o : batch.put_offers) {
    LONGTAKE_RETURN_IF_ERROR(
        RunUnique(session, OfferTable().Upsert(false), OfferRow(o), o.name));
  }
  LONGTAKE_RETURN_IF_ERROR(DeleteAll(session, "offers", batch.delete_offers));
  for (const WatchlistItem& item : batch.put_items) {
    LONGTAKE_RETURN_IF_ERROR(PutItem(session, item));
  }
  LONGTAKE_RETURN_IF_ERROR(DeleteAll(session, "items", batch.delete_items));
  for (const AvailabilityEvent& e : batch.append_events) {
    LONGTAKE_ASSIGN_OR_RETURN(int64_t id, session.InsertEvent(EventRow(e)));
    result->event_ids.push_back(id);
  }
  for (const LeavingSoonMark& mark : batch.leaving_soon_marks) {
    LONGTAKE_RETURN_IF_ERROR(RunUnique(
        session,
        "INSERT INTO leaving_soon_marks(offer, available_until) VALUES(?, ?)",
        {mark.offer, TimeValue(mark.available_until)},
        absl::StrCat("leaving-soon mark for ", mark.offer)));
  }
  return absl::OkStatus();
}

template <typename T, typename ReadFn>
absl::StatusOr<std::vector<T>> SqlWatchlistStore::ReadAll(
    const std::string& sql, const SqlRow& args, ReadFn read) {
  std::vector<T> out;
  LONGTAKE_RETURN_IF_ERROR(Read([&](SqlSession& session) {
    out.clear();
    return session.Query(sql, args, [&](const RowReader& row) -> absl::Status {
      if constexpr (std::is_same_v<decltype(read(row)), absl::StatusOr<T>>) {
        LONGTAKE_ASSIGN_OR_RETURN(T value, read(row));
        out.push_back(std::move(value));
      } else {
        out.push_back(read(row));
      }
      return absl::OkStatus();
    });
  }));
  return out;
}

template <typename T, typename ReadFn>
absl::StatusOr<std::optional<T>> SqlWatchlistStore::GetByName(
    const Table& table, const std::string& name, ReadFn read) {
  LONGTAKE_ASSIGN_OR_RETURN(
      std::vector<T> rows,
      ReadAll<T>(absl::StrCat(table.Select(), " WHERE name = ?"), {name},
                 read));
  if (rows.empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows.front()));
}

absl::StatusOr<int64_t> SqlWatchlistStore::ScalarInt(const std::string& sql,
                                                     const SqlRow& args) {
  LONGTAKE_ASSIGN_OR_RETURN(
      std::vector<int64_t> values,
      ReadAll<int64_t>(sql, args, [](const RowReader& r) { return r.Int(0); }));
  return values.empty() ? int64_t{0} : values.front();
}

absl::Status SqlWatchlistStore::InTransaction(
    const SqlConnection::SessionWork& work) {
  absl::MutexLock lock(&mu_);
  return connection_->InTransaction(work);
}

absl::Status SqlWatchlistStore::Read(const SqlConnection::SessionWork& work) {
  absl::MutexLock lock(&mu_);
  return connection_->Read(work);
}

SqlValue SqlWatchlistStore::Limit(int limit) const {
  return limit > 0 ? SqlValue(int64_t{limit}) : dialect_.no_limit;
}

absl::StatusOr<std::optional<Provider>> SqlWatchlistStore::GetProvider(
    const std::string& name) {
  return GetByName<Provider>(ProviderTable(), name, ReadProvider);
}

absl::StatusOr<std::vector<Provider>> SqlWatchlistStore::ListProviders(
    const std::string& after_name, int limit) {
  return ReadAll<Provider>(
      absl::StrCat(ProviderTable().Select(),
                   " WHERE name > ? ORDER BY name LIMIT ?"),
      {after_name, Limit(limit)}, ReadProvider);
}

absl::StatusOr<int64_t> SqlWatchlistStore::CountProviders() {
  return ScalarInt("SELECT COUNT(*) FROM providers", {});
}

absl::StatusOr<std::optional<Offer>> SqlWatchlistStore::GetOffer(
    const std::string& name) {
  return GetByName<Offer>(OfferTable(), name, ReadOffer);
}

absl::StatusOr<std::vector<Offer>> SqlWatchlistStore::ListOffers(
    const OfferFilter& filter, const std::string& after_name, int limit) {
  std::string sql = absl::StrCat(OfferTable().Select(), " WHERE name > ?");
  SqlRow args = {after_name};
  // In the query, not after it: a page holds `limit` matches.
  AppendAnyOf("film", filter.films, &sql, &args);
  AppendAnyOf("region", filter.regions, &sql, &args);
  AppendAnyOf("provider", filter.providers, &sql, &args);
  AppendAnyOf("monetization", filter.monetizations, &sql, &args);
  AppendAnyOf("format", filter.formats, &sql, &args);
  absl::StrAppend(&sql, " ORDER BY name LIMIT ?");
  args.push_back(Limit(limit));
  return ReadAll<Offer>(sql, args, ReadOffer);
}

absl::StatusOr<std::optional<WatchlistItem>> SqlWatchlistStore::GetItem(
    const std::string& name) {
  return GetByName<WatchlistItem>(ItemTable(), name, ReadItem);
}

absl::StatusOr<std::optional<WatchlistItem>>
SqlWatchlistStore::FindUnwatchedItem(const std::string& user,
                                     const std::string& film) {
  LONGTAKE_ASSIGN_OR_RETURN(
      std::vector<WatchlistItem> items,
      ReadAll<WatchlistItem>(absl::StrCat(ItemTable().Select(),
                                          " WHERE user_id = ? AND film = ? "
                                          "AND watch_time IS NULL"),
                             {user, film}, ReadItem));
  if (items.empty()) return std::optional<WatchlistItem>();
  return std::optional<WatchlistItem>(std::move(items.front()));
}

absl::StatusOr<std::vector<WatchlistItem>> SqlWatchlistStore::ListItems(
    const std::string& user, bool watched, int64_t offset, int limit) {
  return ReadAll<WatchlistItem>(
      absl::StrCat(ItemTable().Select(), " WHERE user_id = ? AND ",
                   watched
                       ? "watch_time IS NOT NULL ORDER BY watch_time DESC, name"
                       : "watch_time IS NULL ORDER BY rank, name",
                   " LIMIT ? OFFSET ?"),
      {user, Limit(limit), offset < 0 ? int64_t{0} : offset}, ReadItem);
}

absl::StatusOr<int64_t> SqlWatchlistStore::MaxRank(const std::string& user) {
  return ScalarInt(
      "SELECT COALESCE(MAX(rank), 0) FROM items "
      "WHERE user_id = ? AND watch_time IS NULL",
      {user});
}

absl::StatusOr<std::optional<RequestRecord>> SqlWatchlistStore::GetRequest(
    const std::string& method, const std::string& request_id) {
  LONGTAKE_ASSIGN_OR_RETURN(
      std::vector<RequestRecord> records,
      ReadAll<RequestRecord>(
          "SELECT resource, request_hash FROM requests WHERE key = ?",
          {absl::StrCat(method, ":", request_id)}, [&](const RowReader& r) {
            return RequestRecord{request_id, method, r.Text(0), "", r.Text(1)};
          }));
  if (records.empty()) return std::optional<RequestRecord>();
  return std::optional<RequestRecord>(std::move(records.front()));
}

absl::StatusOr<std::vector<AvailabilityEvent>> SqlWatchlistStore::ListEvents(
    int64_t after_id, const EventFilter& filter, int limit) {
  std::string sql = absl::StrCat(EventTable().Select(), " WHERE event_id > ?");
  SqlRow args = {after_id};
  if (!filter.user.empty()) {
    absl::StrAppend(&sql,
                    " AND film IN (SELECT film FROM items WHERE user_id = ? "
                    "AND watch_time IS NULL)");
    args.push_back(filter.user);
  }
  AppendAnyOf("region", filter.regions, &sql, &args);
  absl::StrAppend(&sql, " ORDER BY event_id LIMIT ?");
  args.push_back(Limit(limit));
  return ReadAll<AvailabilityEvent>(sql, args, ReadEvent);
}

absl::StatusOr<int64_t> SqlWatchlistStore::LastEventId() {
  return ScalarInt("SELECT COALESCE(MAX(event_id), 0) FROM events", {});
}

absl::StatusOr<bool> SqlWatchlistStore::HasLeavingSoonMark(
    const LeavingSoonMark& mark) {
  LONGTAKE_ASSIGN_OR_RETURN(
      int64_t count,
      ScalarInt("SELECT COUNT(*) FROM leaving_soon_marks WHERE offer = ? "
                "AND available_until = ?",
                {mark.offer, TimeValue(mark.available_until)}));
  return count > 0;
}

}  // namespace longtake::watchlist
