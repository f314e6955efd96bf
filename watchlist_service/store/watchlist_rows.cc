#include "watchlist_service/store/watchlist_rows.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/errors.h"
#include "watchlist_service/store/offer_codec.h"

namespace longtake::watchlist {
namespace {

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

absl::Time ReadTime(const RowReader& row, int column, absl::Time if_unset) {
  if (row.IsNull(column)) return if_unset;
  return absl::FromUnixMicros(row.Int(column));
}

// Three columns: currency, units, nanos (all NULL for no price).
void AppendMoney(const std::optional<Money>& money, SqlRow* row) {
  if (!money) {
    row->insert(row->end(), 3, std::monostate());
    return;
  }
  row->push_back(money->currency_code);
  row->push_back(money->units);
  row->push_back(int64_t{money->nanos});
}

std::optional<Money> ReadMoney(const RowReader& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return Money{row.Text(column), row.Int(column + 1),
               static_cast<int32_t>(row.Int(column + 2))};
}

int64_t Enum(auto value) { return static_cast<int64_t>(value); }

}  // namespace

bool SqlRowReader::IsNull(int column) const {
  return std::holds_alternative<std::monostate>(row_.at(column));
}
int64_t SqlRowReader::Int(int column) const {
  const int64_t* value = std::get_if<int64_t>(&row_.at(column));
  return value == nullptr ? 0 : *value;
}
std::string SqlRowReader::Text(int column) const {
  const std::string* value = std::get_if<std::string>(&row_.at(column));
  return value == nullptr ? std::string() : *value;
}

std::string Table::ColumnList() const { return absl::StrJoin(columns, ", "); }

std::string Table::Select() const {
  return absl::StrCat("SELECT ", ColumnList(), " FROM ", name);
}

std::string Table::Insert(bool dollar_params, bool on_conflict_update) const {
  std::vector<std::string> inserted(columns.begin() + (generated_key ? 1 : 0),
                                    columns.end());
  std::vector<std::string> params;
  for (size_t i = 0; i < inserted.size(); ++i) {
    params.push_back(dollar_params ? absl::StrCat("$", i + 1) : "?");
  }
  std::string sql =
      absl::StrCat("INSERT INTO ", name, "(", absl::StrJoin(inserted, ", "),
                   ") VALUES(", absl::StrJoin(params, ", "), ")");
  if (on_conflict_update) {
    std::vector<std::string> sets;
    for (size_t i = 1; i < columns.size(); ++i) {
      sets.push_back(absl::StrCat(columns[i], " = excluded.", columns[i]));
    }
    absl::StrAppend(&sql, " ON CONFLICT(", columns[0], ") DO UPDATE SET ",
                    absl::StrJoin(sets, ", "));
  }
  return sql;
}

const Table& ProviderTable() {
  static const auto* table =
      new Table{"providers",
                {"name", "display_name", "kind", "regions", "home_page_uri",
                 "etag", "create_time", "update_time"}};
  return *table;
}

const Table& OfferTable() {
  static const auto* table =
      new Table{"offers",
                {"name", "film", "provider", "monetization", "format",
                 "quality", "region", "price_currency", "price_units",
                 "price_nanos", "deep_link_uri", "edition", "extras",
                 "available_from", "available_until", "last_verify_time",
                 "etag", "create_time", "update_time"}};
  return *table;
}

const Table& ItemTable() {
  static const auto* table =
      new Table{"items",
                {"name", "user_id", "film", "note", "rank", "add_time",
                 "watch_time", "etag"}};
  return *table;
}

const Table& EventTable() {
  static const auto* table = new Table{
      "events",
      {"event_id", "kind", "film", "region", "offer", "previous_currency",
       "previous_units", "previous_nanos", "event_time"},
      /*generated_key=*/true};
  return *table;
}

SqlValue TimeValue(absl::Time t) {
  std::optional<int64_t> micros = TimeToMicros(t);
  if (!micros) return std::monostate();
  return *micros;
}

SqlRow ProviderRow(const Provider& p) {
  return {p.name,
          p.display_name,
          Enum(p.kind),
          StringsJson(p.regions),
          p.home_page_uri,
          p.etag,
          TimeValue(p.create_time),
          TimeValue(p.update_time)};
}

Provider ReadProvider(const RowReader& row) {
  Provider p;
  p.name = row.Text(0);
  p.display_name = row.Text(1);
  p.kind = static_cast<ProviderKind>(row.Int(2));
  p.regions = JsonStrings(row.Text(3));
  p.home_page_uri = row.Text(4);
  p.etag = row.Text(5);
  p.create_time = ReadTime(row, 6, absl::InfinitePast());
  p.update_time = ReadTime(row, 7, absl::InfinitePast());
  return p;
}

SqlRow OfferRow(const Offer& o) {
  SqlRow row = {
      o.name,         o.film,          o.provider, Enum(o.monetization),
      Enum(o.format), Enum(o.quality), o.region};
  AppendMoney(o.price, &row);
  for (SqlValue value :
       {SqlValue(o.deep_link_uri), SqlValue(o.edition),
        SqlValue(StringsJson(o.extras)), TimeValue(o.available_from),
        TimeValue(o.available_until), TimeValue(o.last_verify_time),
        SqlValue(o.etag), TimeValue(o.create_time), TimeValue(o.update_time)}) {
    row.push_back(std::move(value));
  }
  return row;
}

Offer ReadOffer(const RowReader& row) {
  Offer o;
  o.name = row.Text(0);
  o.film = row.Text(1);
  o.provider = row.Text(2);
  o.monetization = static_cast<Monetization>(row.Int(3));
  o.format = static_cast<Format>(row.Int(4));
  o.quality = static_cast<Quality>(row.Int(5));
  o.region = row.Text(6);
  o.price = ReadMoney(row, 7);
  o.deep_link_uri = row.Text(10);
  o.edition = row.Text(11);
  o.extras = JsonStrings(row.Text(12));
  o.available_from = ReadTime(row, 13, absl::InfinitePast());
  o.available_until = ReadTime(row, 14, absl::InfiniteFuture());
  o.last_verify_time = ReadTime(row, 15, absl::InfinitePast());
  o.etag = row.Text(16);
  o.create_time = ReadTime(row, 17, absl::InfinitePast());
  o.update_time = ReadTime(row, 18, absl::InfinitePast());
  return o;
}

SqlRow ItemRow(const WatchlistItem& item) {
  return {item.name,
          UserOfItem(item.name),
          item.film,
          item.note,
          item.rank,
          TimeValue(item.add_time),
          TimeValue(item.watch_time),
          item.etag};
}

WatchlistItem ReadItem(const RowReader& row) {
  WatchlistItem item;
  item.name = row.Text(0);
  // Column 1 (user_id) is derived from the name.
  item.film = row.Text(2);
  item.note = row.Text(3);
  item.rank = row.Int(4);
  item.add_time = ReadTime(row, 5, absl::InfinitePast());
  item.watch_time = ReadTime(row, 6, absl::InfinitePast());
  item.etag = row.Text(7);
  return item;
}

SqlRow EventRow(const AvailabilityEvent& e) {
  SqlRow row = {Enum(e.kind), e.offer.film, e.offer.region,
                EncodeOfferJson(e.offer)};
  AppendMoney(e.previous_price, &row);
  row.push_back(TimeValue(e.event_time));
  return row;
}

absl::StatusOr<AvailabilityEvent> ReadEvent(const RowReader& row) {
  AvailabilityEvent e;
  e.event_id = row.Int(0);
  e.kind = static_cast<AvailabilityEvent::Kind>(row.Int(1));
  // Columns 2 and 3 (film, region) repeat the snapshot's, for filtering.
  LONGTAKE_ASSIGN_OR_RETURN(e.offer, DecodeOfferJson(row.Text(4)));
  e.film = e.offer.film;
  e.previous_price = ReadMoney(row, 5);
  e.event_time = ReadTime(row, 8, absl::InfinitePast());
  return e;
}

}  // namespace longtake::watchlist
