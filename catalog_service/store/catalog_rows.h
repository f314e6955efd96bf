#pragma once

// The one description of the catalogue's tables, shared by the SQLite and
// PostgreSQL stores: table and column names, how a resource becomes a row
// and back, and the SQL built from them. Both schemas use these column
// names; adding a column means adding it here (and to each store's
// migrations).
//
//   const rows::Table& films = rows::FilmsTable();
//   db->Prepare(rows::UpsertSql(films, rows::Placeholders::kQuestionMark));
//   rows::Row row = rows::ToRow(film);  // bind row[i] to column i

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "catalog_service/domain/catalog_store.h"
#include "catalog_service/domain/json_codec.h"
#include "catalog_service/domain/model.h"

namespace longtake::catalog::rows {

// A table both stores keep. The first column is the primary key. Resource
// tables end with `doc`, the resource as JSON (domain/json_codec.h), so new
// resource fields need no schema change.
struct Table {
  std::string name;
  std::vector<std::string> columns;
};
const Table& ErasTable();       // name, doc
const Table& PeopleTable();     // name, doc
const Table& FilmsTable();      // name, doc
const Table& SequencesTable();  // name, film, doc
// request_id, method, resource, response, request_hash
const Table& RequestsTable();

// A row: one text value per column of its table, in column order.
using Row = std::vector<std::string>;
Row ToRow(const Era& era);
Row ToRow(const Person& person);
Row ToRow(const Film& film);
Row ToRow(const Sequence& sequence);
Row ToRow(const RequestRecord& request);

// Resources are read back from their name and doc columns (SelectDocsSql);
// a row that does not decode is DATA_LOSS naming the table and the row.
// T is Era, Person, Film or Sequence.
template <typename T>
absl::Status FromRow(const Table& table, const std::string& name,
                     const std::string& doc, T* out) {
  nlohmann::json j = nlohmann::json::parse(doc, nullptr, false);
  absl::StatusOr<T> value = j.is_discarded()
                                ? absl::InvalidArgumentError("bad JSON")
                                : FromJson<T>(j, name);
  if (!value.ok()) {
    return absl::DataLossError(absl::StrCat("store: cannot decode ", table.name,
                                            " row ", name, ": ",
                                            value.status().message()));
  }
  *out = *std::move(value);
  return absl::OkStatus();
}
// `row` holds RequestsTable()'s columns (SelectRequestSql).
RequestRecord RequestFromRow(const Row& row);

// "films/x/sequences/y" -> "films/x" (the sequences.film column).
std::string FilmOfSequence(absl::string_view sequence_name);

// The SQL is the same in both dialects but for the placeholders.
enum class Placeholders {
  kQuestionMark,
  kDollar
};  // SQLite "?", PostgreSQL "$1"
// INSERT every column; a row with the same key replaces the other columns.
std::string UpsertSql(const Table& table, Placeholders p);
// INSERT every column; a row with the same key is left as it is (and the
// statement affects no row).
std::string InsertIfAbsentSql(const Table& table, Placeholders p);
// DELETE by key.
std::string DeleteSql(const Table& table, Placeholders p);
// SELECT name, doc of every row in key order.
std::string SelectDocsSql(const Table& table);
// SELECT every column of the row with the given key.
std::string SelectByKeySql(const Table& table, Placeholders p);

}  // namespace longtake::catalog::rows
