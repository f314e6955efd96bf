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
#include <optional>
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
#include "catalog_service/store/doc_codec.h"

namespace longtake::catalog::rows {

// A table both stores keep. The first column is the primary key. Resource
// tables end with `doc`, the resource in the stores' binary form
// (store/doc_codec.h; JSON from domain/json_codec.h before migration 4, and
// still read), kept as a BLOB in SQLite and a BYTEA in PostgreSQL.
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
// revision, seq, kind, op, name, doc: one row per resource a batch changed,
// in the batch's order (seq); kind is "era", "person", "film" or
// "sequence", op "upsert" (doc is the resource's doc) or "delete" (doc "").
const Table& ChangeLogTable();

// The store_meta keys: the store's revision, and the revision up to which
// the change log was trimmed (it holds every change after it).
inline constexpr char kRevisionKey[] = "revision";
inline constexpr char kLogTrimmedThroughKey[] = "change_log_trimmed_through";
// A random number set once when the store is created (migration 5), so that
// a read model snapshot (catalog_service/domain/read_model_snapshot.h) made
// from one store is never applied to another at the same revision.
inline constexpr char kStoreIdKey[] = "store_id";
// The migration (the same in both dialects) that adds the change log. The
// log of an existing store starts at its current revision: replicas behind
// it reload.
inline constexpr char kAddChangeLogMigration[] = R"sql(
  CREATE TABLE change_log (
    revision BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    op TEXT NOT NULL,
    name TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (revision, seq));
  INSERT INTO store_meta(key, value)
    SELECT 'change_log_trimmed_through', value FROM store_meta
    WHERE key = 'revision';
)sql";

// A row: one text value per column of its table, in column order (the doc
// column holds bytes).
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
                     absl::string_view doc, T* out) {
  absl::Status status;
  if (IsBinaryDoc(doc)) {
    status = DecodeDoc(doc, out);
  } else {
    // A JSON doc: a store not yet converted by migration 4.
    nlohmann::json j = nlohmann::json::parse(doc, nullptr, false);
    absl::StatusOr<T> value = j.is_discarded()
                                  ? absl::InvalidArgumentError("bad JSON")
                                  : FromJson<T>(j, name);
    status = value.status();
    if (value.ok()) *out = *std::move(value);
  }
  if (!status.ok()) {
    return absl::DataLossError(absl::StrCat("store: cannot decode ", table.name,
                                            " row ", name, ": ",
                                            status.message()));
  }
  return absl::OkStatus();
}
// `row` holds RequestsTable()'s columns (SelectRequestSql).
RequestRecord RequestFromRow(const Row& row);

// The change log rows of `batch` committed as `revision`
// (ChangeLogTable()'s columns), in the order Apply writes them.
std::vector<Row> ChangeRows(const WriteBatch& batch, int64_t revision);
// Adds one change log row (its kind, op, name and doc columns) to `out`;
// DATA_LOSS when the row does not decode.
absl::Status AddChange(const std::string& kind, const std::string& op,
                       const std::string& name, absl::string_view doc,
                       WriteBatch* out);

// Logs (info) what LoadAll read and how long reading the rows and decoding
// them took: "store read: films=... read_ms=... decode_ms=...".
void LogLoaded(const CatalogSnapshot& snapshot, absl::Duration reading,
               absl::Duration decoding);

// "films/x/sequences/y" -> "films/x" (the sequences.film column).
std::string FilmOfSequence(absl::string_view sequence_name);

// The SQL is the same in both dialects but for the placeholders.
enum class Placeholders {
  kQuestionMark,
  kDollar
};  // SQLite "?", PostgreSQL "$1"

// Migration 4 (the SQL differs per dialect: PostgreSQL changes the doc
// columns' type to BYTEA) marks the store with this store_meta key; the
// store then rewrites every JSON doc, the change log's included, in the
// binary form (ConvertDocsToBinary in each store) and removes the key, in
// one transaction.
inline constexpr char kBinaryDocsPendingKey[] = "binary_docs_pending";
inline constexpr char kMarkBinaryDocsPending[] =
    "INSERT INTO store_meta(key, value) VALUES ('binary_docs_pending', 1)";
// The resource tables and the change log kind of their rows.
struct DocTable {
  const Table* table;
  const char* kind;
};
const std::vector<DocTable>& DocTables();
// The binary form of a stored `doc` of `kind` ("film", ...), or nullopt when
// it is already binary; DATA_LOSS when it does not decode.
absl::StatusOr<std::optional<std::string>> BinaryDocOf(absl::string_view kind,
                                                       const std::string& name,
                                                       absl::string_view doc);
// UPDATE table SET doc = first placeholder WHERE key = second.
std::string UpdateDocSql(const Table& table, Placeholders p);
// SELECT revision, seq, kind, name, doc of every upsert in the change log;
// UPDATE its doc (first placeholder) by revision and seq (second, third).
std::string SelectLoggedDocsSql();
std::string UpdateLoggedDocSql(Placeholders p);
// The index of the table's `doc` column (bound as bytes), -1 when none.
int DocColumn(const Table& table);
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
// INSERT every column (no conflict expected).
std::string AppendSql(const Table& table, Placeholders p);
// SELECT revision, kind, op, name, doc of the change log rows with
// first < revision <= second placeholder, in log order.
std::string SelectChangesSql(Placeholders p);
// SELECT / UPDATE (to the first placeholder) a store_meta value by key.
std::string SelectMetaSql(absl::string_view key);
std::string UpdateMetaSql(absl::string_view key, Placeholders p);
// DELETE the change log rows with revision <= the placeholder.
std::string TrimChangesSql(Placeholders p);

}  // namespace longtake::catalog::rows
