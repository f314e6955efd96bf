// SQLite implementation of CatalogStore: one JSON document per resource plus
// key columns, so new resource fields need no schema change; the schema itself
// evolves through numbered migrations.

#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catalog_service/domain/json_codec.h"
#include "catalog_service/domain/catalog_store.h"
#include "catalog_service/store/postgres_catalog_store.h"
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
  };
  return *migrations;
}

// "films/x/sequences/y" -> "films/x".
std::string FilmOfSequence(const std::string& name) {
  size_t pos = name.find("/sequences/");
  return pos == std::string::npos ? std::string() : name.substr(0, pos);
}

class SqliteCatalogStore : public CatalogStore {
 public:
  explicit SqliteCatalogStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}

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
    LONGTAKE_ASSIGN_OR_RETURN(sqlite::Transaction tx, sqlite::Transaction::Begin(*db_));
    if (batch.request.has_value()) {
      LONGTAKE_ASSIGN_OR_RETURN(auto existing, LookupLocked(batch.request->request_id));
      if (existing.has_value()) {
        return AlreadyExists(absl::StrCat("requests/", batch.request->request_id));
      }
    }
    for (const Era& e : batch.upsert_eras) {
      LONGTAKE_RETURN_IF_ERROR(Upsert("eras", e.name, ToJson(e).dump()));
    }
    for (const Person& p : batch.upsert_people) {
      LONGTAKE_RETURN_IF_ERROR(Upsert("people", p.name, ToJson(p).dump()));
    }
    for (const Film& f : batch.upsert_films) {
      LONGTAKE_RETURN_IF_ERROR(Upsert("films", f.name, ToJson(f).dump()));
    }
    for (const Sequence& s : batch.upsert_sequences) {
      LONGTAKE_ASSIGN_OR_RETURN(
          sqlite::Statement st,
          db_->Prepare("INSERT INTO sequences(name, film, doc) VALUES (?, ?, ?) "
                       "ON CONFLICT(name) DO UPDATE SET film = excluded.film, doc = excluded.doc"));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(1, s.name));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(2, FilmOfSequence(s.name)));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(3, ToJson(s).dump()));
      absl::Status run = st.Run();
      if (absl::IsFailedPrecondition(run)) {
        return absl::FailedPreconditionError(
            absl::StrCat("store: ", s.name, " belongs to no stored film"));
      }
      LONGTAKE_RETURN_IF_ERROR(run);
    }
    for (const std::string& name : batch.delete_sequences) {
      LONGTAKE_RETURN_IF_ERROR(Delete("sequences", name));
    }
    for (const std::string& name : batch.delete_films) {
      LONGTAKE_RETURN_IF_ERROR(Delete("films", name));
    }
    for (const std::string& name : batch.delete_people) {
      LONGTAKE_RETURN_IF_ERROR(Delete("people", name));
    }
    for (const std::string& name : batch.delete_eras) {
      LONGTAKE_RETURN_IF_ERROR(Delete("eras", name));
    }
    if (batch.request.has_value()) {
      const RequestRecord& r = *batch.request;
      LONGTAKE_ASSIGN_OR_RETURN(
          sqlite::Statement st,
          db_->Prepare("INSERT INTO requests(request_id, method, resource, response) "
                       "VALUES (?, ?, ?, ?)"));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(1, r.request_id));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(2, r.method));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(3, r.resource));
      LONGTAKE_RETURN_IF_ERROR(st.Bind(4, r.response));
      LONGTAKE_RETURN_IF_ERROR(st.Run());
    }
    LONGTAKE_RETURN_IF_ERROR(
        db_->Exec("UPDATE store_meta SET value = value + 1 WHERE key = 'revision'"));
    return tx.Commit();
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

 private:
  absl::StatusOr<int64_t> RevisionLocked() {
    LONGTAKE_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db_->Prepare("SELECT value FROM store_meta WHERE key = 'revision'"));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.ColumnInt(0) : 0;
  }

  absl::StatusOr<std::optional<RequestRecord>> LookupLocked(const std::string& request_id) {
    LONGTAKE_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db_->Prepare("SELECT method, resource, response FROM requests WHERE request_id = ?"));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, request_id));
    LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(
        RequestRecord{request_id, st.ColumnText(0), st.ColumnText(1), st.ColumnText(2)});
  }

  absl::Status Upsert(const char* table, const std::string& name, const std::string& doc) {
    LONGTAKE_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db_->Prepare(absl::StrCat("INSERT INTO ", table,
                                  "(name, doc) VALUES (?, ?) "
                                  "ON CONFLICT(name) DO UPDATE SET doc = excluded.doc")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, name));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(2, doc));
    return st.Run();
  }

  absl::Status Delete(const char* table, const std::string& name) {
    LONGTAKE_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db_->Prepare(absl::StrCat("DELETE FROM ", table, " WHERE name = ?")));
    LONGTAKE_RETURN_IF_ERROR(st.Bind(1, name));
    return st.Run();
  }

  // Rows are read in batches; each batch is JSON-decoded on two threads (decoding, not SQLite,
  // dominates loading a large catalogue).
  template <typename T, typename Decode>
  absl::Status LoadTable(const char* table, Decode decode, std::vector<T>* out) {
    LONGTAKE_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db_->Prepare(absl::StrCat("SELECT name, doc FROM ", table, " ORDER BY name")));
    constexpr size_t kBatch = 16384;
    std::vector<std::pair<std::string, std::string>> rows;
    std::vector<std::optional<T>> decoded;
    std::vector<absl::Status> errors;
    auto decode_range = [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        nlohmann::json j = nlohmann::json::parse(rows[i].second, nullptr, false);
        if (j.is_discarded()) {
          errors[i] = absl::DataLossError(
              absl::StrCat("store: cannot decode ", table, " row ", rows[i].first, ": bad JSON"));
          continue;
        }
        absl::StatusOr<T> value = decode(j, rows[i].first);
        if (!value.ok()) {
          errors[i] = absl::DataLossError(absl::StrCat("store: cannot decode ", table, " row ",
                                                       rows[i].first, ": ",
                                                       std::string(value.status().message())));
          continue;
        }
        decoded[i].emplace(*std::move(value));
      }
    };
    bool done = false;
    while (!done) {
      rows.clear();
      while (rows.size() < kBatch) {
        LONGTAKE_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) {
          done = true;
          break;
        }
        rows.emplace_back(st.ColumnText(0), st.ColumnText(1));
      }
      decoded.assign(rows.size(), std::nullopt);
      errors.assign(rows.size(), absl::OkStatus());
      if (rows.size() >= 256) {
        size_t half = rows.size() / 2;
        std::thread helper(decode_range, half, rows.size());
        decode_range(0, half);
        helper.join();
      } else {
        decode_range(0, rows.size());
      }
      for (size_t i = 0; i < rows.size(); ++i) {
        if (!errors[i].ok()) return errors[i];
        out->push_back(*std::move(decoded[i]));
      }
    }
    return absl::OkStatus();
  }

  absl::Status LoadLocked(CatalogSnapshot* s) {
    LONGTAKE_RETURN_IF_ERROR(LoadTable("eras", EraFromJson, &s->eras));
    LONGTAKE_RETURN_IF_ERROR(LoadTable("people", PersonFromJson, &s->people));
    LONGTAKE_RETURN_IF_ERROR(LoadTable("films", FilmFromJson, &s->films));
    LONGTAKE_RETURN_IF_ERROR(LoadTable("sequences", SequenceFromJson, &s->sequences));
    LONGTAKE_ASSIGN_OR_RETURN(s->revision, RevisionLocked());
    return absl::OkStatus();
  }

  std::mutex mu_;
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<CatalogStore>> OpenSqliteCatalogStore(
    const std::string& path) {
  LONGTAKE_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Database> db,
                            sqlite::Database::Open(path));
  LONGTAKE_RETURN_IF_ERROR(sqlite::RunMigrations(*db, Migrations()));
  return std::unique_ptr<CatalogStore>(new SqliteCatalogStore(std::move(db)));
}

absl::StatusOr<std::unique_ptr<CatalogStore>> OpenCatalogStore(const std::string& url) {
  constexpr char kSupported[] =
      "supported stores: sqlite:///absolute/path.db, sqlite://relative/path.db, "
      "sqlite::memory:, postgres://user@host:5432/db (or postgresql://)";
  if (url == "sqlite::memory:") return OpenSqliteCatalogStore(":memory:");
  if (absl::StartsWith(url, "sqlite://")) {
    std::string path = url.substr(strlen("sqlite://"));
    if (path.empty()) {
      return InvalidArgument("store", absl::StrCat("\"", url, "\" has no path; ", kSupported));
    }
    return OpenSqliteCatalogStore(path);
  }
  if (absl::StartsWith(url, "postgres://") || absl::StartsWith(url, "postgresql://")) {
    return OpenPostgresCatalogStore(url);
  }
  return InvalidArgument("store", absl::StrCat("unsupported store URL \"", url, "\"; ",
                                               kSupported));
}

}  // namespace longtake::catalog
