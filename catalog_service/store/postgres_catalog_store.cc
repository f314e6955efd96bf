// PostgreSQL implementation of CatalogStore, the twin of
// sqlite_catalog_store.cc: one document per resource (the binary form of
// store/doc_codec.h, in a BYTEA) plus key columns, with the same tables and
// columns (store/catalog_rows.h).
// Every commit also NOTIFYs kChannel, so replicas waiting in WaitForCommit
// (a LISTEN on a connection of their own) catch up at once.
// Names use the "C" collation so LoadAll's order matches SQLite's byte order
// whatever the database's locale.

#include "catalog_service/store/postgres_catalog_store.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "catalog_service/store/catalog_rows.h"
#include "catalog_service/store/parallel_decode.h"
#include "common/log/logger.h"
#include "common/postgres/commit_listener.h"
#include "common/postgres/database.h"
#include "common/status/errors.h"

namespace longtake::catalog {
namespace {

const std::vector<postgres::Migration>& Migrations() {
  static const auto* migrations = new std::vector<postgres::Migration>{
      {1, R"sql(
        CREATE TABLE eras (name TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL);
        CREATE TABLE people (name TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL);
        CREATE TABLE films (name TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL);
        CREATE TABLE sequences (
          name TEXT COLLATE "C" PRIMARY KEY,
          film TEXT COLLATE "C" NOT NULL REFERENCES films(name) ON DELETE CASCADE,
          doc TEXT NOT NULL);
        CREATE INDEX sequences_by_film ON sequences(film);
        CREATE TABLE requests (
          request_id TEXT PRIMARY KEY,
          method TEXT NOT NULL,
          resource TEXT NOT NULL,
          response TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL DEFAULT now());
        CREATE TABLE store_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
        INSERT INTO store_meta(key, value) VALUES ('revision', 0);
      )sql"},
      {2, kAddRequestHashColumn},
      {3, rows::kAddChangeLogMigration},
      {4, absl::StrCat(R"sql(
        ALTER TABLE eras ALTER COLUMN doc TYPE BYTEA USING convert_to(doc, 'UTF8');
        ALTER TABLE people ALTER COLUMN doc TYPE BYTEA USING convert_to(doc, 'UTF8');
        ALTER TABLE films ALTER COLUMN doc TYPE BYTEA USING convert_to(doc, 'UTF8');
        ALTER TABLE sequences ALTER COLUMN doc TYPE BYTEA USING convert_to(doc, 'UTF8');
        ALTER TABLE change_log ALTER COLUMN doc TYPE BYTEA USING convert_to(doc, 'UTF8');
      )sql",
                       rows::kMarkBinaryDocsPending)},
      // The store's identity (rows::kStoreIdKey): 53 random bits (random()
      // is a double) and the creation time's microseconds.
      {5, R"sql(
        INSERT INTO store_meta(key, value)
        VALUES ('store_id',
                ((floor(random() * 9007199254740991)::bigint #
                  (extract(epoch from clock_timestamp()) * 1e6)::bigint)
                 & 9223372036854775807) | 1);
      )sql"},
  };
  return *migrations;
}

constexpr rows::Placeholders kDollar = rows::Placeholders::kDollar;

// Runs `sql` with `values` bound to $1, $2, ... in order, the one at
// `bytea_index` (a doc) in BYTEA's hex input form.
pqxx::result Run(pqxx::transaction_base& tx, const std::string& sql,
                 const rows::Row& values, int bytea_index = -1) {
  if (bytea_index < 0) {
    return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(values));
  }
  rows::Row params = values;
  std::string& doc = params[static_cast<size_t>(bytea_index)];
  doc = absl::StrCat("\\x", absl::BytesToHexString(doc));
  return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
}

void Upsert(pqxx::transaction_base& tx, const rows::Table& table,
            const rows::Row& row) {
  Run(tx, rows::UpsertSql(table, kDollar), row, rows::DocColumn(table));
}

// The most rows one multi-row statement writes (each a round trip fewer).
constexpr size_t kRowsPerStatement = 500;

// Writes `rows` into `table` with multi-row INSERTs of up to
// kRowsPerStatement rows: upserts by the key column when `upsert` (a key seen
// twice starts a new statement, as one statement cannot update a row twice,
// so the last row wins as it would row by row), plain inserts otherwise.
void WriteMany(pqxx::transaction_base& tx, const rows::Table& table,
               const std::vector<rows::Row>& rows, bool upsert) {
  const size_t width = table.columns.size();
  const int doc = rows::DocColumn(table);
  std::string conflict;
  if (upsert) {
    std::vector<std::string> updates;
    for (size_t i = 1; i < width; ++i) {
      updates.push_back(
          absl::StrCat(table.columns[i], " = excluded.", table.columns[i]));
    }
    conflict = absl::StrCat(" ON CONFLICT (", table.columns[0],
                            ") DO UPDATE SET ", absl::StrJoin(updates, ", "));
  }
  std::vector<std::string> params;
  std::string values;
  absl::flat_hash_set<std::string> keys;
  size_t count = 0;
  auto flush = [&] {
    if (count == 0) return;
    tx.exec_params(absl::StrCat("INSERT INTO ", table.name, " (",
                                absl::StrJoin(table.columns, ", "), ") VALUES ",
                                values, conflict),
                   pqxx::prepare::make_dynamic_params(params));
    params.clear();
    values.clear();
    keys.clear();
    count = 0;
  };
  for (const rows::Row& row : rows) {
    if (count == kRowsPerStatement || (upsert && !keys.insert(row[0]).second)) {
      flush();
      if (upsert) keys.insert(row[0]);
    }
    absl::StrAppend(&values, count == 0 ? "(" : ", (");
    for (size_t i = 0; i < width; ++i) {
      absl::StrAppend(&values, i == 0 ? "$" : ", $", params.size() + 1);
      if (static_cast<int>(i) == doc) {
        params.push_back(absl::StrCat("\\x", absl::BytesToHexString(row[i])));
      } else {
        params.push_back(row[i]);
      }
    }
    values += ")";
    ++count;
  }
  flush();
}

template <typename T>
void UpsertAll(pqxx::transaction_base& tx, const rows::Table& table,
               const std::vector<T>& items) {
  std::vector<rows::Row> out;
  out.reserve(items.size());
  for (const T& item : items) out.push_back(rows::ToRow(item));
  WriteMany(tx, table, out, /*upsert=*/true);
}

// The bytes of a BYTEA field, read in its text form ("\x" and hex digits by
// default), into `out`.
absl::Status ByteaOf(const pqxx::field& field, std::string* out) {
  absl::string_view text(field.c_str(), field.size());
  if (!absl::ConsumePrefix(&text, "\\x")) {
    *out = pqxx::binarystring(field).str();  // the old escape form
    return absl::OkStatus();
  }
  if (text.size() % 2 != 0) {
    return absl::DataLossError("store: a BYTEA doc has an odd hex length");
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->resize(text.size() / 2);
  for (size_t i = 0; i < out->size(); ++i) {
    const int high = nibble(text[2 * i]), low = nibble(text[2 * i + 1]);
    if (high < 0 || low < 0) {
      return absl::DataLossError("store: a BYTEA doc is not hex");
    }
    (*out)[i] = static_cast<char>(high << 4 | low);
  }
  return absl::OkStatus();
}

void Delete(pqxx::transaction_base& tx, const rows::Table& table,
            const std::string& key) {
  Run(tx, rows::DeleteSql(table, kDollar), {key});
}

// The rows come in one result; they are decoded on every core.
template <typename T>
absl::Status LoadTable(pqxx::transaction_base& tx, const rows::Table& table,
                       std::vector<T>* out, absl::Duration* decoding) {
  const pqxx::result r = tx.exec(rows::SelectDocsSql(table));
  const absl::Time decode_start = absl::Now();
  absl::Status decoded = DecodeInParallel(
      r.size(),
      [&](size_t i, T* value) -> absl::Status {
        const pqxx::row row = r[static_cast<pqxx::result::size_type>(i)];
        thread_local std::string doc;
        LONGTAKE_RETURN_IF_ERROR(ByteaOf(row[1], &doc));
        return rows::FromRow(table, row[0].as<std::string>(), doc, value);
      },
      out);
  *decoding += absl::Now() - decode_start;
  return decoded;
}

// Migration 4's conversion: rewrites every JSON doc in the binary form, in
// one transaction, then drops the mark (rows::kBinaryDocsPendingKey).
absl::Status ConvertDocsToBinary(postgres::Database& db) {
  const absl::Time start = absl::Now();
  int64_t converted = 0;
  LONGTAKE_RETURN_IF_ERROR(db.InTransaction([&](pqxx::work& tx) {
    if (tx.exec(rows::SelectMetaSql(rows::kBinaryDocsPendingKey)).empty()) {
      return absl::OkStatus();
    }
    std::string doc;
    for (const rows::DocTable& t : rows::DocTables()) {
      const std::string update = rows::UpdateDocSql(*t.table, kDollar);
      for (const pqxx::row& r : tx.exec(rows::SelectDocsSql(*t.table))) {
        const std::string name = r[0].as<std::string>();
        LONGTAKE_RETURN_IF_ERROR(ByteaOf(r[1], &doc));
        LONGTAKE_ASSIGN_OR_RETURN(std::optional<std::string> binary,
                                  rows::BinaryDocOf(t.kind, name, doc));
        if (!binary.has_value()) continue;
        Run(tx, update, {*binary, name}, 0);
        ++converted;
      }
    }
    const std::string update = rows::UpdateLoggedDocSql(kDollar);
    for (const pqxx::row& r : tx.exec(rows::SelectLoggedDocsSql())) {
      LONGTAKE_RETURN_IF_ERROR(ByteaOf(r[4], &doc));
      LONGTAKE_ASSIGN_OR_RETURN(std::optional<std::string> binary,
                                rows::BinaryDocOf(r[2].as<std::string>(),
                                                  r[3].as<std::string>(), doc));
      if (!binary.has_value()) continue;
      Run(tx, update, {*binary, r[0].as<std::string>(), r[1].as<std::string>()},
          0);
      ++converted;
    }
    tx.exec(absl::StrCat("DELETE FROM store_meta WHERE key = '",
                         rows::kBinaryDocsPendingKey, "'"));
    return absl::OkStatus();
  }));
  if (converted > 0) {
    Log(LogLevel::kInfo,
        absl::StrCat("store: schema migration 4 converted ", converted,
                     " documents from JSON to the binary form in ",
                     absl::ToInt64Milliseconds(absl::Now() - start), " ms"));
  }
  return absl::OkStatus();
}

// The notification channel of catalogue commits; the payload is the
// revision committed.
constexpr char kChannel[] = "longtake_catalog_commits";

int64_t ReadMeta(pqxx::transaction_base& tx, absl::string_view key) {
  pqxx::result r = tx.exec(rows::SelectMetaSql(key));
  return r.empty() ? 0 : r[0][0].as<int64_t>();
}

int64_t ReadRevision(pqxx::transaction_base& tx) {
  return ReadMeta(tx, rows::kRevisionKey);
}

absl::Status ReadChanges(pqxx::transaction_base& tx, int64_t position,
                         int max_revisions, ChangePage* page) {
  page->revision = ReadRevision(tx);
  page->through = position;
  if (position < ReadMeta(tx, rows::kLogTrimmedThroughKey) ||
      position > page->revision) {
    page->trimmed = true;
    return absl::OkStatus();
  }
  page->through =
      std::min(page->revision, position + std::max(max_revisions, 1));
  pqxx::result r =
      tx.exec_params(rows::SelectChangesSql(kDollar), position, page->through);
  for (const pqxx::row& row : r) {
    int64_t revision = row[0].as<int64_t>();
    if (page->batches.empty() || page->batches.back().revision != revision) {
      page->batches.push_back({revision, {}});
    }
    std::string doc;
    LONGTAKE_RETURN_IF_ERROR(ByteaOf(row[4], &doc));
    LONGTAKE_RETURN_IF_ERROR(rows::AddChange(
        row[1].as<std::string>(), row[2].as<std::string>(),
        row[3].as<std::string>(), doc, &page->batches.back().changes));
  }
  return absl::OkStatus();
}

class PostgresCatalogStore : public CatalogStore {
 public:
  PostgresCatalogStore(std::unique_ptr<postgres::Database> db, std::string url)
      : db_(std::move(db)), url_(std::move(url)) {}

  absl::StatusOr<CatalogSnapshot> LoadAll() override {
    std::lock_guard<std::mutex> lock(mu_);
    CatalogSnapshot s;
    const absl::Time start = absl::Now();
    absl::Duration decoding;
    // REPEATABLE READ: every table and the revision from one snapshot.
    LONGTAKE_RETURN_IF_ERROR(
        db_->InReadTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
          LONGTAKE_RETURN_IF_ERROR(
              LoadTable(tx, rows::ErasTable(), &s.eras, &decoding));
          LONGTAKE_RETURN_IF_ERROR(
              LoadTable(tx, rows::PeopleTable(), &s.people, &decoding));
          LONGTAKE_RETURN_IF_ERROR(
              LoadTable(tx, rows::FilmsTable(), &s.films, &decoding));
          LONGTAKE_RETURN_IF_ERROR(
              LoadTable(tx, rows::SequencesTable(), &s.sequences, &decoding));
          s.revision = ReadRevision(tx);
          return absl::OkStatus();
        }));
    rows::LogLoaded(s, absl::Now() - start - decoding, decoding);
    return s;
  }

  absl::Status Apply(const WriteBatch& batch) override {
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&](pqxx::work& tx) -> absl::Status {
      if (batch.request.has_value()) {
        // Claimed first: a replica applying the same request id concurrently
        // waits here, then finds it taken.
        const RequestRecord& r = *batch.request;
        pqxx::result claimed =
            Run(tx, rows::InsertIfAbsentSql(rows::RequestsTable(), kDollar),
                rows::ToRow(r));
        if (claimed.affected_rows() == 0) {
          return AlreadyExists(absl::StrCat("requests/", r.request_id));
        }
      }
      // Many rows a statement; sequences stay one by one, so a missing
      // film names its sequence.
      UpsertAll(tx, rows::ErasTable(), batch.upsert_eras);
      UpsertAll(tx, rows::PeopleTable(), batch.upsert_people);
      UpsertAll(tx, rows::FilmsTable(), batch.upsert_films);
      for (const Sequence& s : batch.upsert_sequences) {
        try {
          Upsert(tx, rows::SequencesTable(), rows::ToRow(s));
        } catch (const pqxx::foreign_key_violation&) {
          return absl::FailedPreconditionError(
              absl::StrCat("store: ", s.name, " belongs to no stored film"));
        }
      }
      for (const std::string& name : batch.delete_sequences) {
        Delete(tx, rows::SequencesTable(), name);
      }
      for (const std::string& name : batch.delete_films) {
        Delete(tx, rows::FilmsTable(), name);
      }
      for (const std::string& name : batch.delete_people) {
        Delete(tx, rows::PeopleTable(), name);
      }
      for (const std::string& name : batch.delete_eras) {
        Delete(tx, rows::ErasTable(), name);
      }
      // The row lock also orders concurrent batches from several replicas,
      // so revisions commit in order and a snapshot that sees a revision
      // sees the log entries of every revision up to it.
      int64_t revision =
          tx.exec(
                "UPDATE store_meta SET value = value + 1 WHERE key = "
                "'revision' RETURNING value")[0][0]
              .as<int64_t>();
      WriteMany(tx, rows::ChangeLogTable(), rows::ChangeRows(batch, revision),
                /*upsert=*/false);
      // Delivered on commit, and only then.
      postgres::CommitListener::Notify(tx, kChannel, absl::StrCat(revision));
      return absl::OkStatus();
    });
  }

  absl::StatusOr<ChangePage> ChangesAfter(int64_t position,
                                          int max_revisions) override {
    std::lock_guard<std::mutex> lock(mu_);
    ChangePage page;
    LONGTAKE_RETURN_IF_ERROR(
        db_->InReadTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
          return ReadChanges(tx, position, max_revisions, &page);
        }));
    return page;
  }

  absl::StatusOr<int64_t> TrimChangeLog(int64_t keep) override {
    if (keep <= 0) return absl::InvalidArgumentError("keep must be positive");
    std::lock_guard<std::mutex> lock(mu_);
    int64_t trimmed = 0;
    LONGTAKE_RETURN_IF_ERROR(db_->InTransaction([&](pqxx::work& tx) {
      // Locks the mark, so replicas trimming together do it once.
      trimmed =
          tx.exec(absl::StrCat(rows::SelectMetaSql(rows::kLogTrimmedThroughKey),
                               " FOR UPDATE"))[0][0]
              .as<int64_t>();
      const int64_t cut = ReadRevision(tx) - keep;
      if (cut <= trimmed) return absl::OkStatus();
      tx.exec_params(rows::TrimChangesSql(kDollar), cut);
      tx.exec_params(rows::UpdateMetaSql(rows::kLogTrimmedThroughKey, kDollar),
                     cut);
      trimmed = cut;
      return absl::OkStatus();
    }));
    return trimmed;
  }

  bool NotifiesCommits() const override { return true; }

  absl::StatusOr<bool> WaitForCommit(absl::Duration timeout) override {
    return commits_.WaitForCommit(timeout);
  }

  absl::StatusOr<std::optional<RequestRecord>> LookupRequest(
      const std::string& request_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::optional<RequestRecord> out;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      const rows::Table& table = rows::RequestsTable();
      pqxx::result r =
          Run(tx, rows::SelectByKeySql(table, kDollar), {request_id});
      if (!r.empty()) {
        rows::Row values;
        for (size_t i = 0; i < table.columns.size(); ++i) {
          values.push_back(r[0][static_cast<int>(i)].as<std::string>());
        }
        out = rows::RequestFromRow(values);
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<int64_t> Revision() override {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t revision = 0;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      revision = ReadRevision(tx);
      return absl::OkStatus();
    }));
    return revision;
  }

  absl::StatusOr<std::string> StoreId() override {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t id = 0;
    LONGTAKE_RETURN_IF_ERROR(db_->Query([&](pqxx::transaction_base& tx) {
      id = ReadMeta(tx, rows::kStoreIdKey);
      return absl::OkStatus();
    }));
    return absl::StrCat("postgres:", absl::Hex(id));
  }

 private:
  std::mutex mu_;
  std::unique_ptr<postgres::Database> db_;
  const std::string url_;
  postgres::CommitListener commits_{url_, kChannel};
};

}  // namespace

absl::StatusOr<std::unique_ptr<CatalogStore>> OpenPostgresCatalogStore(
    const std::string& url) {
  LONGTAKE_ASSIGN_OR_RETURN(
      auto db, OpenMigrated<postgres::Database>(url, Migrations()));
  LONGTAKE_RETURN_IF_ERROR(ConvertDocsToBinary(*db));
  return std::unique_ptr<CatalogStore>(
      new PostgresCatalogStore(std::move(db), url));
}

}  // namespace longtake::catalog
