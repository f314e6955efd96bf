// SQLite implementation of CatalogStore: one document per resource (the
// binary form of store/doc_codec.h, in a BLOB) plus key columns
// (store/catalog_rows.h), so new resource fields need no schema change; the
// schema itself evolves through numbered migrations. Replicas sharing the
// file are woken on each commit by an inotify watch (common/sqlite/
// commit_watcher.h).

#include "catalog_service/store/sqlite_catalog_store.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalog_service/store/catalog_rows.h"
#include "catalog_service/store/parallel_decode.h"
#include "common/log/logger.h"
#include "common/sqlite/commit_watcher.h"
#include "common/sqlite/database.h"
#include "common/status/errors.h"

namespace longtake::catalog {
namespace {

const std::vector<sqlite::Migration>& Migrations() {
  static const auto* migrations = new std::vector<sqlite::Migration>{
      {1, R"sql(
        CREATE TABLE eras (name TEXT PRIMARY KEY, doc TEXT NOT NULL);
        CREATE TABLE people (name TEXT PRIMARY KEY, doc TEXT NOT NULL);
        CREATE TABLE films (name TEXT PRIMARY KEY, doc TEXT NOT NULL);
        CREATE TABLE sequences (
          name TEXT PRIMARY KEY,
          film TEXT NOT NULL REFERENCES films(name) ON DELETE CASCADE,
          doc TEXT NOT NULL);
        CREATE INDEX sequences_by_film ON sequences(film);
        CREATE TABLE requests (
          request_id TEXT PRIMARY KEY,
          method TEXT NOT NULL,
          resource TEXT NOT NULL,
          response TEXT NOT NULL,
          created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
        CREATE TABLE store_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO store_meta(key, value) VALUES ('revision', 0);
      )sql"},
      {2, kAddRequestHashColumn},
      {3, rows::kAddChangeLogMigration},
      // The doc columns keep their declared TEXT type: SQLite stores the
      // binary docs bound as BLOBs as they are.
      {4, rows::kMarkBinaryDocsPending},
      // The store's identity (rows::kStoreIdKey): 63 random bits.
      {5, R"sql(
        INSERT INTO store_meta(key, value)
        VALUES ('store_id', (random() & 9223372036854775807) | 1);
      )sql"},
  };
  return *migrations;
}

constexpr rows::Placeholders kQ = rows::Placeholders::kQuestionMark;

class SqliteCatalogStore : public CatalogStore {
 public:
  SqliteCatalogStore(std::unique_ptr<sqlite::Database> db,
                     std::unique_ptr<StoreCommits> commits)
      : db_(std::move(db)), commits_(std::move(commits)) {}

  bool NotifiesCommits() const override { return commits_->NotifiesCommits(); }
  absl::StatusOr<bool> WaitForCommit(absl::Duration timeout) override {
    return commits_->WaitForCommit(timeout);
  }

  absl::StatusOr<CatalogSnapshot> LoadAll() override {
    std::lock_guard<std::mutex> lock(mu_);
    CatalogSnapshot snapshot;
    // One read transaction so the snapshot is consistent.
    LONGTAKE_RETURN_IF_ERROR(db_->Exec("BEGIN"));
    absl::Status status = LoadLocked(&snapshot);
    (void)db_->Exec("COMMIT");
    if (!status.ok()) return status;
    return snapshot;
  }

  absl::Status Apply(const WriteBatch& batch) override {
    std::lock_guard<std::mutex> lock(mu_);
    LONGTAKE_ASSIGN_OR_RETURN(sqlite::Transaction tx,
                              sqlite::Transaction::Begin(*db_));
    if (batch.request.has_value()) {
      LONGTAKE_ASSIGN_OR_RETURN(auto existing,
                                LookupLocked(batch.request->request_id));
      if (existing.has_value()) {
        return AlreadyExists(
            absl::StrCat("requests/", batch.request->request_id));
      }
    }
    for (const Era& e : batch.upsert_eras) {
      LONGTAKE_RETURN_IF_ERROR(Upsert(rows::ErasTable(), rows::ToRow(e)));
    }
    for (const Person& p : batch.upsert_people) {
      LONGTAKE_RETURN_IF_ERROR(Upsert(rows::PeopleTable(), rows::ToRow(p)));
    }
    for (const Film& f : batch.upsert_films) {
      LONGTAKE_RETURN_IF_ERROR(Upsert(rows::FilmsTable(), rows::ToRow(f)));
    }
    for (const Sequence& s : batch.upsert_sequences) {
      absl::Status run = Upsert(rows::SequencesTable(), rows::ToRow(s));
      if (absl::IsFailedPrecondition(run)) {
        return absl::FailedPreconditionError(
            absl::StrCat("store: ", s.name, " belongs to no stored film"));
      }
      LONGTAKE_RETURN_IF_ERROR(run);
    }
    for (const std::string& name : batch.delete_sequences) {
      LONGTAKE_RETURN_IF_ERROR(Delete(rows::SequencesTable(), name));
    }
    for (const std::string& name : batch.delete_films) {
      LONGTAKE_RETURN_IF_ERROR(Delete(rows::FilmsTable(), name));
    }
    for (const std::string& name : batch.delete_people) {
      LONGTAKE_RETURN_IF_ERROR(Delete(rows::PeopleTable(), name));
    }
    for (const std::string& name : batch.delete_eras) {
      LONGTAKE_RETURN_IF_ERROR(Delete(rows::ErasTable(), name));
    }
    if (batch.request.has_value()) {
      // Looked up above in this transaction: absent, so this inserts.
      LONGTAKE_RETURN_IF_ERROR(
          Run(rows::InsertIfAbsentSql(rows::RequestsTable(), kQ),
              rows::ToRow(*batch.request)));
    }
    LONGTAKE_RETURN_IF_ERROR(db_->Exec(
        "UPDATE store_meta SET value = value + 1 WHERE key = 'revision'"));
    // The change log entry commits with the batch, under its revision.
    LONGTAKE_ASSIGN_OR_RETURN(int64_t revision, RevisionLocked());
    const std::string append = rows::AppendSql(rows::ChangeLogTable(), kQ);
    for (const rows::Row& row : rows::ChangeRows(batch, revision)) {
      LONGTAKE_RETURN_IF_ERROR(
          Run(append, row, rows::DocColumn(rows::ChangeLogTable())));
    }
    return tx.Commit();
  }

  absl::StatusOr<ChangePage> ChangesAfter(int64_t position,
                                          int max_revisions) override {
    std::lock_guard<std::mutex> lock(mu_);
    ChangePage page;
    // One read transaction: the revision, the trim mark and the rows agree.
    LONGTAKE_RETURN_IF_ERROR(db_->Exec("BEGIN"));
    absl::Status status = ChangesLocked(position, max_revisions, &page);
    (void)db_->Exec("COMMIT");
    if (!status.ok()) return status;
    return page;
  }

  absl::StatusOr<int64_t> TrimChangeLog(int64_t keep) override {
    if (keep <= 0) return absl::InvalidArgumentError("keep must be positive");
    std::lock_guard<std::mutex> lock(mu_);
    LONGTAKE_ASSIGN_OR_RETURN(sqlite::Transaction tx,
                              sqlite::Transaction::Begin(*db_));
    LONGTAKE_ASSIGN_OR_RETURN(int64_t revision, RevisionLocked());
    LONGTAKE_ASSIGN_OR_RETURN(int64_t trimmed,
                              MetaLocked(rows::kLogTrimmedThroughKey));
    const int64_t cut = revision - keep;
    if (cut <= trimmed) return trimmed;
    LONGTAKE_RETURN_IF_ERROR(
        Run(rows::TrimChangesSql(kQ), {absl::StrCat(cut)}));
    LONGTAKE_RETURN_IF_ERROR(
        Run(rows::UpdateMetaSql(rows::kLogTrimmedThroughKey, kQ),
            {absl::StrCat(cut)}));
    LONGTAKE_RETURN_IF_ERROR(tx.Commit());
    return cut;
  }

  absl::StatusOr<std::optional<RequestRecord>> LookupRequest(
      const std::string& request_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    return LookupLocked(request_id);
  }

  absl::StatusOr<int64_t> Revision() override {
    std::lock_guard<std::mutex> lock(mu_);
    return RevisionLocked();
  }

  absl::StatusOr<std::string> StoreId() override {
    std::lock_guard<std::mutex> lock(mu_);
    LONGTAKE_ASSIGN_OR_RETURN(int64_t id, MetaLocked(rows::kStoreIdKey));
    return absl::StrCat("sqlite:", absl::Hex(id));
  }

 private:
  absl::StatusOr<int64_t> RevisionLocked() {
    return MetaLocked(rows::kRevisionKey);
  }

  absl::StatusOr<int64_t> MetaLocked(absl::string_view key) {
    LONGTAKE_ASSIGN_OR_RETURN(sqlite::Statement st,
                              db_->Prepare(rows::SelectMetaSql(key)));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.ColumnInt(0) : 0;
  }

  absl::Status ChangesLocked(int64_t position, int max_revisions,
                             ChangePage* page) {
    LONGTAKE_ASSIGN_OR_RETURN(page->revision, RevisionLocked());
    LONGTAKE_ASSIGN_OR_RETURN(int64_t trimmed,
                              MetaLocked(rows::kLogTrimmedThroughKey));
    page->through = position;
    if (position < trimmed || position > page->revision) {
      page->trimmed = true;
      return absl::OkStatus();
    }
    page->through =
        std::min(page->revision, position + std::max(max_revisions, 1));
    LONGTAKE_ASSIGN_OR_RETURN(sqlite::Statement st,
                              db_->Prepare(rows::SelectChangesSql(kQ)));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, position));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(2, page->through));
    while (true) {
      LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      int64_t revision = st.ColumnInt(0);
      if (page->batches.empty() || page->batches.back().revision != revision) {
        page->batches.push_back({revision, {}});
      }
      LONGTAKE_RETURN_IF_ERROR(
          rows::AddChange(st.ColumnText(1), st.ColumnText(2), st.ColumnText(3),
                          st.ColumnText(4), &page->batches.back().changes));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<RequestRecord>> LookupLocked(
      const std::string& request_id) {
    const rows::Table& table = rows::RequestsTable();
    LONGTAKE_ASSIGN_OR_RETURN(sqlite::Statement st,
                              db_->Prepare(rows::SelectByKeySql(table, kQ)));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, request_id));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<RequestRecord>();
    rows::Row values;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      values.push_back(st.ColumnText(static_cast<int>(i)));
    }
    return std::optional<RequestRecord>(rows::RequestFromRow(values));
  }

  // Runs `sql` with `values` bound to its placeholders in order, the one at
  // `blob_index` (a doc) as a BLOB.
  absl::Status Run(const std::string& sql, const rows::Row& values,
                   int blob_index = -1) {
    LONGTAKE_ASSIGN_OR_RETURN(sqlite::Statement st, db_->Prepare(sql));
    for (size_t i = 0; i < values.size(); ++i) {
      const int index = static_cast<int>(i);
      LONGTAKE_RETURN_IF_ERROR(index == blob_index
                                   ? st.BindBlob(index + 1, values[i])
                                   : st.Bind(index + 1, values[i]));
    }
    return st.Run();
  }

  absl::Status Upsert(const rows::Table& table, const rows::Row& row) {
    return Run(rows::UpsertSql(table, kQ), row, rows::DocColumn(table));
  }

  absl::Status Delete(const rows::Table& table, const std::string& key) {
    return Run(rows::DeleteSql(table, kQ), {key});
  }

  // Rows are read in chunks, copied into one buffer, and each chunk is
  // decoded on every core (DecodeInParallel).
  template <typename T>
  absl::Status LoadTable(const rows::Table& table, std::vector<T>* out,
                         absl::Duration* decoding) {
    LONGTAKE_ASSIGN_OR_RETURN(sqlite::Statement st,
                              db_->Prepare(rows::SelectDocsSql(table)));
    constexpr size_t kChunk = 32768;
    std::string buffer;
    std::vector<size_t> ends;  // of each row's name, then of its doc
    bool done = false;
    while (!done) {
      buffer.clear();
      ends.clear();
      while (ends.size() < 2 * kChunk) {
        LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) {
          done = true;
          break;
        }
        for (int column : {0, 1}) {
          const absl::string_view bytes = st.ColumnBytes(column);
          buffer.append(bytes.data(), bytes.size());
          ends.push_back(buffer.size());
        }
      }
      auto field = [&](size_t k) {
        const size_t begin = k == 0 ? 0 : ends[k - 1];
        return absl::string_view(buffer).substr(begin, ends[k] - begin);
      };
      const absl::Time decode_start = absl::Now();
      absl::Status decoded = DecodeInParallel(
          ends.size() / 2,
          [&](size_t i, T* value) {
            return rows::FromRow(table, std::string(field(2 * i)),
                                 field(2 * i + 1), value);
          },
          out);
      *decoding += absl::Now() - decode_start;
      LONGTAKE_RETURN_IF_ERROR(decoded);
    }
    return absl::OkStatus();
  }

  // Migration 4's conversion: rewrites every JSON doc in the binary form,
  // in one transaction, then drops the mark (rows::kBinaryDocsPendingKey).
 public:
  absl::Status ConvertDocsToBinary() {
    std::lock_guard<std::mutex> lock(mu_);
    LONGTAKE_ASSIGN_OR_RETURN(int64_t pending,
                              MetaLocked(rows::kBinaryDocsPendingKey));
    if (pending == 0) return absl::OkStatus();
    const absl::Time start = absl::Now();
    LONGTAKE_ASSIGN_OR_RETURN(sqlite::Transaction tx,
                              sqlite::Transaction::Begin(*db_));
    int64_t converted = 0;
    // Read first, then written, so no statement scans rows being updated.
    for (const rows::DocTable& t : rows::DocTables()) {
      std::vector<rows::Row> updates;  // doc, name
      LONGTAKE_ASSIGN_OR_RETURN(sqlite::Statement st,
                                db_->Prepare(rows::SelectDocsSql(*t.table)));
      while (true) {
        LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        std::string name = st.ColumnText(0);
        LONGTAKE_ASSIGN_OR_RETURN(
            std::optional<std::string> doc,
            rows::BinaryDocOf(t.kind, name, st.ColumnBytes(1)));
        if (doc.has_value()) updates.push_back({*std::move(doc), name});
      }
      const std::string update = rows::UpdateDocSql(*t.table, kQ);
      for (const rows::Row& row : updates) {
        LONGTAKE_RETURN_IF_ERROR(Run(update, row, 0));
      }
      converted += static_cast<int64_t>(updates.size());
    }
    std::vector<rows::Row> updates;  // doc, revision, seq
    LONGTAKE_ASSIGN_OR_RETURN(sqlite::Statement st,
                              db_->Prepare(rows::SelectLoggedDocsSql()));
    while (true) {
      LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      LONGTAKE_ASSIGN_OR_RETURN(
          std::optional<std::string> doc,
          rows::BinaryDocOf(st.ColumnText(2), st.ColumnText(3),
                            st.ColumnBytes(4)));
      if (doc.has_value()) {
        updates.push_back(
            {*std::move(doc), st.ColumnText(0), st.ColumnText(1)});
      }
    }
    for (const rows::Row& row : updates) {
      LONGTAKE_RETURN_IF_ERROR(Run(rows::UpdateLoggedDocSql(kQ), row, 0));
    }
    converted += static_cast<int64_t>(updates.size());
    LONGTAKE_RETURN_IF_ERROR(
        db_->Exec(absl::StrCat("DELETE FROM store_meta WHERE key = '",
                               rows::kBinaryDocsPendingKey, "'")));
    LONGTAKE_RETURN_IF_ERROR(tx.Commit());
    if (converted > 0) {
      Log(LogLevel::kInfo,
          absl::StrCat("store: schema migration 4 converted ", converted,
                       " documents from JSON to the binary form in ",
                       absl::ToInt64Milliseconds(absl::Now() - start), " ms"));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status LoadLocked(CatalogSnapshot* s) {
    const absl::Time start = absl::Now();
    absl::Duration decoding;
    LONGTAKE_RETURN_IF_ERROR(LoadTable(rows::ErasTable(), &s->eras, &decoding));
    LONGTAKE_RETURN_IF_ERROR(
        LoadTable(rows::PeopleTable(), &s->people, &decoding));
    LONGTAKE_RETURN_IF_ERROR(
        LoadTable(rows::FilmsTable(), &s->films, &decoding));
    LONGTAKE_RETURN_IF_ERROR(
        LoadTable(rows::SequencesTable(), &s->sequences, &decoding));
    LONGTAKE_ASSIGN_OR_RETURN(s->revision, RevisionLocked());
    rows::LogLoaded(*s, absl::Now() - start - decoding, decoding);
    return absl::OkStatus();
  }

  std::mutex mu_;
  std::unique_ptr<sqlite::Database> db_;
  const std::unique_ptr<StoreCommits> commits_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<CatalogStore>> OpenSqliteCatalogStore(
    const std::string& path) {
  LONGTAKE_ASSIGN_OR_RETURN(auto db,
                            OpenMigrated<sqlite::Database>(path, Migrations()));
  auto store = std::make_unique<SqliteCatalogStore>(std::move(db),
                                                    sqlite::WatchCommits(path));
  LONGTAKE_RETURN_IF_ERROR(store->ConvertDocsToBinary());
  return std::unique_ptr<CatalogStore>(std::move(store));
}

}  // namespace longtake::catalog
