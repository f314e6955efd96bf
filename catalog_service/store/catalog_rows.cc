#include "catalog_service/store/catalog_rows.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "catalog_service/domain/json_codec.h"
#include "nlohmann/json.hpp"

namespace longtake::catalog::rows {
namespace {

std::string Placeholder(Placeholders p, size_t index) {
  return p == Placeholders::kQuestionMark ? std::string("?")
                                          : absl::StrCat("$", index + 1);
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

Row ToRow(const Era& era) { return {era.name, ToJson(era).dump()}; }
Row ToRow(const Person& person) { return {person.name, ToJson(person).dump()}; }
Row ToRow(const Film& film) { return {film.name, ToJson(film).dump()}; }
Row ToRow(const Sequence& sequence) {
  return {sequence.name, FilmOfSequence(sequence.name),
          ToJson(sequence).dump()};
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

}  // namespace longtake::catalog::rows
