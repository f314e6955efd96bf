#include "catalog_service/store/catalog_rows.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "catalog_service/domain/json_codec.h"
#include "catalog_service/store/doc_codec.h"
#include "common/log/logger.h"
#include "common/status/errors.h"
#include "nlohmann/json.hpp"

namespace longtake::catalog::rows {
namespace {

std::string Placeholder(Placeholders p, size_t index) {
  return p == Placeholders::kQuestionMark ? std::string("?")
                                          : absl::StrCat("$", index + 1);
}

template <typename T>
absl::Status AddDecoded(const Table& table, const std::string& op,
                        const std::string& name, absl::string_view doc,
                        std::vector<T>* upserts,
                        std::vector<std::string>* deletes) {
  if (op == "delete") {
    deletes->push_back(name);
    return absl::OkStatus();
  }
  if (op != "upsert") {
    return absl::DataLossError(absl::StrCat("store: change_log row of ", name,
                                            " has an unknown op \"", op, "\""));
  }
  T value;
  LONGTAKE_RETURN_IF_ERROR(FromRow(table, name, doc, &value));
  upserts->push_back(std::move(value));
  return absl::OkStatus();
}

std::string InsertSql(const Table& table, Placeholders p) {
  std::vector<std::string> values;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    values.push_back(Placeholder(p, i));
  }
  return absl::StrCat("INSERT INTO ", table.name, "(",
                      absl::StrJoin(table.columns, ", "), ") VALUES (",
                      absl::StrJoin(values, ", "), ")");
}

}  // namespace

const Table& ErasTable() {
  static const auto* t = new Table{"eras", {"name", "doc"}};
  return *t;
}
const Table& PeopleTable() {
  static const auto* t = new Table{"people", {"name", "doc"}};
  return *t;
}
const Table& FilmsTable() {
  static const auto* t = new Table{"films", {"name", "doc"}};
  return *t;
}
const Table& SequencesTable() {
  static const auto* t = new Table{"sequences", {"name", "film", "doc"}};
  return *t;
}
const Table& RequestsTable() {
  static const auto* t = new Table{
      "requests",
      {"request_id", "method", "resource", "response", "request_hash"}};
  return *t;
}

const Table& ChangeLogTable() {
  static const auto* t =
      new Table{"change_log", {"revision", "seq", "kind", "op", "name", "doc"}};
  return *t;
}

const std::vector<DocTable>& DocTables() {
  static const auto* t =
      new std::vector<DocTable>{{&ErasTable(), "era"},
                                {&PeopleTable(), "person"},
                                {&FilmsTable(), "film"},
                                {&SequencesTable(), "sequence"}};
  return *t;
}

absl::StatusOr<std::optional<std::string>> BinaryDocOf(absl::string_view kind,
                                                       const std::string& name,
                                                       absl::string_view doc) {
  if (IsBinaryDoc(doc)) return std::optional<std::string>();
  WriteBatch decoded;
  LONGTAKE_RETURN_IF_ERROR(
      AddChange(std::string(kind), "upsert", name, doc, &decoded));
  // AddChange put the one resource in its own upsert list.
  std::optional<std::string> out;
  if (!decoded.upsert_eras.empty()) out = EncodeDoc(decoded.upsert_eras[0]);
  if (!decoded.upsert_people.empty()) {
    out = EncodeDoc(decoded.upsert_people[0]);
  }
  if (!decoded.upsert_films.empty()) out = EncodeDoc(decoded.upsert_films[0]);
  if (!decoded.upsert_sequences.empty()) {
    out = EncodeDoc(decoded.upsert_sequences[0]);
  }
  return out;
}

std::string UpdateDocSql(const Table& table, Placeholders p) {
  return absl::StrCat("UPDATE ", table.name, " SET doc = ", Placeholder(p, 0),
                      " WHERE ", table.columns[0], " = ", Placeholder(p, 1));
}

std::string SelectLoggedDocsSql() {
  return "SELECT revision, seq, kind, name, doc FROM change_log "
         "WHERE op = 'upsert'";
}

std::string UpdateLoggedDocSql(Placeholders p) {
  return absl::StrCat("UPDATE change_log SET doc = ", Placeholder(p, 0),
                      " WHERE revision = ", Placeholder(p, 1),
                      " AND seq = ", Placeholder(p, 2));
}

int DocColumn(const Table& table) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (table.columns[i] == "doc") return static_cast<int>(i);
  }
  return -1;
}

Row ToRow(const Era& era) { return {era.name, EncodeDoc(era)}; }
Row ToRow(const Person& person) { return {person.name, EncodeDoc(person)}; }
Row ToRow(const Film& film) { return {film.name, EncodeDoc(film)}; }
Row ToRow(const Sequence& sequence) {
  return {sequence.name, FilmOfSequence(sequence.name), EncodeDoc(sequence)};
}
Row ToRow(const RequestRecord& request) {
  return {request.request_id, request.method, request.resource,
          request.response, request.request_hash};
}

RequestRecord RequestFromRow(const Row& row) {
  RequestRecord r;
  if (row.size() == 5) r = {row[0], row[1], row[2], row[3], row[4]};
  return r;
}

std::vector<Row> ChangeRows(const WriteBatch& batch, int64_t revision) {
  std::vector<Row> out;
  const std::string rev = absl::StrCat(revision);
  auto add = [&](const char* kind, const char* op, const std::string& name,
                 std::string doc) {
    out.push_back(
        {rev, absl::StrCat(out.size()), kind, op, name, std::move(doc)});
  };
  // The order Apply writes them: upserts, then deletes.
  for (const Era& e : batch.upsert_eras)
    add("era", "upsert", e.name, ToRow(e).back());
  for (const Person& p : batch.upsert_people)
    add("person", "upsert", p.name, ToRow(p).back());
  for (const Film& f : batch.upsert_films)
    add("film", "upsert", f.name, ToRow(f).back());
  for (const Sequence& s : batch.upsert_sequences)
    add("sequence", "upsert", s.name, ToRow(s).back());
  for (const std::string& n : batch.delete_sequences)
    add("sequence", "delete", n, "");
  for (const std::string& n : batch.delete_films) add("film", "delete", n, "");
  for (const std::string& n : batch.delete_people)
    add("person", "delete", n, "");
  for (const std::string& n : batch.delete_eras) add("era", "delete", n, "");
  return out;
}

absl::Status AddChange(const std::string& kind, const std::string& op,
                       const std::string& name, absl::string_view doc,
                       WriteBatch* out) {
  if (kind == "era") {
    return AddDecoded(ErasTable(), op, name, doc, &out->upsert_eras,
                      &out->delete_eras);
  }
  if (kind == "person") {
    return AddDecoded(PeopleTable(), op, name, doc, &out->upsert_people,
                      &out->delete_people);
  }
  if (kind == "film") {
    return AddDecoded(FilmsTable(), op, name, doc, &out->upsert_films,
                      &out->delete_films);
  }
  if (kind == "sequence") {
    return AddDecoded(SequencesTable(), op, name, doc, &out->upsert_sequences,
                      &out->delete_sequences);
  }
  return absl::DataLossError(absl::StrCat("store: change_log row of ", name,
                                          " has an unknown kind \"", kind,
                                          "\""));
}

void LogLoaded(const CatalogSnapshot& snapshot, absl::Duration reading,
               absl::Duration decoding) {
  Log(LogLevel::kInfo,
      absl::StrCat("store read: films=", snapshot.films.size(),
                   " people=", snapshot.people.size(),
                   " sequences=", snapshot.sequences.size(),
                   " read_ms=", absl::ToInt64Milliseconds(reading),
                   " decode_ms=", absl::ToInt64Milliseconds(decoding)));
}

std::string FilmOfSequence(absl::string_view sequence_name) {
  size_t pos = sequence_name.find("/sequences/");
  return pos == absl::string_view::npos
             ? std::string()
             : std::string(sequence_name.substr(0, pos));
}

std::string UpsertSql(const Table& table, Placeholders p) {
  std::vector<std::string> updates;
  for (size_t i = 1; i < table.columns.size(); ++i) {
    updates.push_back(
        absl::StrCat(table.columns[i], " = excluded.", table.columns[i]));
  }
  return absl::StrCat(InsertSql(table, p), " ON CONFLICT (", table.columns[0],
                      ") DO UPDATE SET ", absl::StrJoin(updates, ", "));
}

std::string InsertIfAbsentSql(const Table& table, Placeholders p) {
  return absl::StrCat(InsertSql(table, p), " ON CONFLICT (", table.columns[0],
                      ") DO NOTHING");
}

std::string DeleteSql(const Table& table, Placeholders p) {
  return absl::StrCat("DELETE FROM ", table.name, " WHERE ", table.columns[0],
                      " = ", Placeholder(p, 0));
}

std::string SelectDocsSql(const Table& table) {
  return absl::StrCat("SELECT ", table.columns.front(), ", ",
                      table.columns.back(), " FROM ", table.name, " ORDER BY ",
                      table.columns.front());
}

std::string SelectByKeySql(const Table& table, Placeholders p) {
  return absl::StrCat("SELECT ", absl::StrJoin(table.columns, ", "), " FROM ",
                      table.name, " WHERE ", table.columns[0], " = ",
                      Placeholder(p, 0));
}

std::string AppendSql(const Table& table, Placeholders p) {
  return InsertSql(table, p);
}

std::string SelectChangesSql(Placeholders p) {
  return absl::StrCat(
      "SELECT revision, kind, op, name, doc FROM change_log WHERE revision > ",
      Placeholder(p, 0), " AND revision <= ", Placeholder(p, 1),
      " ORDER BY revision, seq");
}

std::string SelectMetaSql(absl::string_view key) {
  return absl::StrCat("SELECT value FROM store_meta WHERE key = '", key, "'");
}

std::string UpdateMetaSql(absl::string_view key, Placeholders p) {
  return absl::StrCat("UPDATE store_meta SET value = ", Placeholder(p, 0),
                      " WHERE key = '", key, "'");
}

std::string TrimChangesSql(Placeholders p) {
  return absl::StrCat("DELETE FROM change_log WHERE revision <= ",
                      Placeholder(p, 0));
}

}  // namespace longtake::catalog::rows
