// PostgreSQL implementation of CatalogStore, the twin of
// sqlite_catalog_store.cc: one JSON document per resource plus key columns,
// with the same tables and columns (store/catalog_rows.h).
// Names use the "C" collation so LoadAll's order matches SQLite's byte order
// whatever the database's locale.

#include "catalog_service/store/postgres_catalog_store.h"

#include <mutex>

#include "absl/strings/str_cat.h"
#include "catalog_service/store/catalog_rows.h"
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
  };
  return *migrations;
}

constexpr rows::Placeholders kDollar = rows::Placeholders::kDollar;

// Runs `sql` with `values` bound to $1, $2, ... in order.
pqxx::result Run(pqxx::transaction_base& tx, const std::string& sql,
                 const rows::Row& values) {
  return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(values));
}

void Upsert(pqxx::transaction_base& tx, const rows::Table& table,
            const rows::Row& row) {
  Run(tx, rows::UpsertSql(table, kDollar), row);
}

void Delete(pqxx::transaction_base& tx, const rows::Table& table,
            const std::string& key) {
  Run(tx, rows::DeleteSql(table, kDollar), {key});
}

template <typename T>
absl::Status LoadTable(pqxx::transaction_base& tx, const rows::Table& table,
                       std::vector<T>* out) {
  for (const pqxx::row& r : tx.exec(rows::SelectDocsSql(table))) {
    T value;
    LONGTAKE_RETURN_IF_ERROR(rows::FromRow(table, r[0].as<std::string>(),
                                           r[1].as<std::string>(), &value));
    out->push_back(std::move(value));
  }
  return absl::OkStatus();
}

int64_t ReadRevision(pqxx::transaction_base& tx) {
  pqxx::result r =
      tx.exec("SELECT value FROM store_meta WHERE key = 'revision'");
  return r.empty() ? 0 : r[0][0].as<int64_t>();
}

class PostgresCatalogStore : public CatalogStore {
 public:
  explicit PostgresCatalogStore(std::unique_ptr<postgres::Database> db)
      : db_(std::move(db)) {}

  absl::StatusOr<CatalogSnapshot> LoadAll() override {
    std::lock_guard<std::mutex> lock(mu_);
    CatalogSnapshot s;
    // REPEATABLE READ: every table and the revision from one snapshot.
    LONGTAKE_RETURN_IF_ERROR(
        db_->InReadTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
          LONGTAKE_RETURN_IF_ERROR(LoadTable(tx, rows::ErasTable(), &s.eras));
          LONGTAKE_RETURN_IF_ERROR(
              LoadTable(tx, rows::PeopleTable(), &s.people));
          LONGTAKE_RETURN_IF_ERROR(LoadTable(tx, rows::FilmsTable(), &s.films));
          LONGTAKE_RETURN_IF_ERROR(
              LoadTable(tx, rows::SequencesTable(), &s.sequences));
          s.revision = ReadRevision(tx);
          return absl::OkStatus();
        }));
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
      for (const Era& e : batch.upsert_eras) {
        Upsert(tx, rows::ErasTable(), rows::ToRow(e));
      }
      for (const Person& p : batch.upsert_people) {
        Upsert(tx, rows::PeopleTable(), rows::ToRow(p));
      }
      for (const Film& f : batch.upsert_films) {
        Upsert(tx, rows::FilmsTable(), rows::ToRow(f));
      }
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
      // The row lock also orders concurrent batches from several replicas.
      tx.exec("UPDATE store_meta SET value = value + 1 WHERE key = 'revision'");
      return absl::OkStatus();
    });
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

 private:
  std::mutex mu_;
  std::unique_ptr<postgres::Database> db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<CatalogStore>> OpenPostgresCatalogStore(
    const std::string& url) {
  LONGTAKE_ASSIGN_OR_RETURN(
      auto db, OpenMigrated<postgres::Database>(url, Migrations()));
  return std::unique_ptr<CatalogStore>(new PostgresCatalogStore(std::move(db)));
}

}  // namespace longtake::catalog
