#pragma once

// The one mapping between the watchlist's resources and table rows, shared
// by the SQLite and PostgreSQL stores (their schemas use the same column
// names): column lists, statements built from them, struct -> row values and
// row -> struct. Adding a column is one edit here (plus a migration each).
//
//   // SQLite: bind each value of ProviderRow(p) to
//   ProviderTable().Upsert(false) Provider p =
//   ReadProvider(SqliteRow(statement));
//   // PostgreSQL: tx.exec_params(ProviderTable().Upsert(true),
//   //                            PqParams(ProviderRow(p)));

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "watchlist_service/domain/model.h"

namespace longtake::watchlist {

// One SQL value as both stores bind it: NULL, an integer or text.
using SqlValue = std::variant<std::monostate, int64_t, std::string>;
using SqlRow = std::vector<SqlValue>;

// One result row, read by column index; each store adapts its row type.
class RowReader {
 public:
  virtual ~RowReader() = default;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual std::string Text(int column) const = 0;  // "" for NULL
};

// A row held in memory, e.g. the values a *Row function produced.
class SqlRowReader : public RowReader {
 public:
  explicit SqlRowReader(const SqlRow& row) : row_(row) {}
  bool IsNull(int column) const override;
  int64_t Int(int column) const override;
  std::string Text(int column) const override;

 private:
  const SqlRow& row_;
};

struct Table {
  std::string name;
  // In row order; the first is the key. With generated_key it is assigned
  // by the database and left out of inserts and of *Row values.
  std::vector<std::string> columns;
  bool generated_key = false;

  // "name, film, ..." (every column).
  std::string ColumnList() const;
  // "SELECT <every column> FROM <name>"; callers append WHERE/ORDER BY.
  std::string Select() const;
  // INSERT of the row values; with `on_conflict_update`, an upsert on the
  // key replacing every other column. Parameters are $1, $2, ... with
  // `dollar_params` (PostgreSQL), else ? (SQLite).
  std::string Insert(bool dollar_params, bool on_conflict_update) const;
  std::string Upsert(bool dollar_params) const {
    return Insert(dollar_params, true);
  }
};

const Table& ProviderTable();
const Table& OfferTable();
// Has user_id ("{user}" of users/{user}/...) to list a user's items.
const Table& ItemTable();
// event_id is generated; the offer is a JSON snapshot (offer_codec.h).
const Table& EventTable();

SqlRow ProviderRow(const Provider& provider);
SqlRow OfferRow(const Offer& offer);
SqlRow ItemRow(const WatchlistItem& item);
SqlRow EventRow(const AvailabilityEvent& event);  // without event_id

// Rows in the order of the table's columns (as Select() returns them).
Provider ReadProvider(const RowReader& row);
Offer ReadOffer(const RowReader& row);
WatchlistItem ReadItem(const RowReader& row);
// DATA_LOSS when the offer snapshot cannot be decoded.
absl::StatusOr<AvailabilityEvent> ReadEvent(const RowReader& row);

// Times as SQL values: unix micros, NULL for the infinities (unset).
SqlValue TimeValue(absl::Time t);

}  // namespace longtake::watchlist
