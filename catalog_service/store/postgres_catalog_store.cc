// PostgreSQL implementation of CatalogStore, the twin of
// sqlite_catalog_store.cc: one JSON document per resource plus key columns.
// Names use the "C" collation so LoadAll's order matches SQLite's byte order
// whatever the database's locale.

#include "catalog_service/store/postgres_catalog_store.h"

#include <mutex>

#include "absl/strings/str_cat.h"
#include "catalog_service/domain/json_codec.h"
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
  };
  return *migrations;
}

// "films/x/sequences/y" -> "films/x".
std::string FilmOfSequence(const std::string& name) {
  size_t pos = name.find("/sequences/");
  return pos == std::string::npos ? std::string() : name.substr(0, pos);
}

// Table names below come from this file, never from requests.
void Upsert(pqxx::work& tx, const char* table, const std::string& name, const std::string& doc) {
  tx.exec_params(absl::StrCat("INSERT INTO ", table,
                              "(name, doc) VALUES ($1, $2) "
                              "ON CONFLICT (name) DO UPDATE SET doc = excluded.doc"),
                 name, doc);
}

void Delete(pqxx::work& tx, const char* table, const std::string& name) {
  tx.exec_params(absl::StrCat("DELETE FROM ", table, " WHERE name = $1"), name);
}

template <typename T, typename Decode>
absl::Status LoadTable(pqxx::transaction_base& tx, const char* table, Decode decode,
                       std::vector<T>* out) {
  for (const pqxx::row& r :
       tx.exec(absl::StrCat("SELECT name, doc FROM ", table, " ORDER BY name"))) {
    std::string name = r[0].as<std::string>();
    nlohmann::json j = nlohmann::json::parse(r[1].as<std::string>(), nullptr, false);
    absl::StatusOr<T> value = decode(j, name);
    if (j.is_discarded() || !value.ok()) {
      return absl::DataLossError(absl::StrCat(
          "store: cannot decode ", table, " row ", name, ": ",
          j.is_discarded() ? "bad JSON" : std::string(value.status().message())));
    }
    out->push_back(*std::move(value));
  }
  return absl::OkStatus();
}

int64_t ReadRevision(pqxx::transaction_base& tx) {
  pqxx::result r = tx.exec("SELECT value FROM store_meta WHERE key = 'revision'");
  return r.empty() ? 0 : r[0][0].as<int64_t>();
}

class PostgresCatalogStore : public CatalogStore {
 public:
  explicit PostgresCatalogStore(std::unique_ptr<postgres::Database> db) : db_(std::move(db)) {}

  absl::StatusOr<CatalogSnapshot> LoadAll() override {
    std::lock_guard<std::mutex> lock(mu_);
    CatalogSnapshot s;
    // REPEATABLE READ: every table and the revision from one snapshot.
    LONGTAKE_RETURN_IF_ERROR(
        db_->InReadTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
          LONGTAKE_RETURN_IF_ERROR(LoadTable(tx, "eras", EraFromJson, &s.eras));
          LONGTAKE_RETURN_IF_ERROR(LoadTable(tx, "people", PersonFromJson, &s.people));
          LONGTAKE_RETURN_IF_ERROR(LoadTable(tx, "films", FilmFromJson, &s.films));
          LONGTAKE_RETURN_IF_ERROR(LoadTable(tx, "sequences", SequenceFromJson, &s.sequences));
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
        pqxx::result claimed = tx.exec_params(
            "INSERT INTO requests(request_id, method, resource, response) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (request_id) DO NOTHING",
            r.request_id, r.method, r.resource, r.response);
        if (claimed.affected_rows() == 0) {
          return AlreadyExists(absl::StrCat("requests/", r.request_id));
        }
      }
      for (const Era& e : batch.upsert_eras) Upsert(tx, "eras", e.name, ToJson(e).dump());
      for (const Person& p : batch.upsert_people) Upsert(tx, "people", p.name, ToJson(p).dump());
      for (const Film& f : batch.upsert_films) Upsert(tx, "films", f.name, ToJson(f).dump());
      for (const Sequence& s : batch.upsert_sequences) {
        try {
          tx.exec_params(
              "INSERT INTO sequences(name, film, doc) VALUES ($1, $2, $3) "
              "ON CONFLICT (name) DO UPDATE SET film = excluded.film, doc = excluded.doc",
              s.name, FilmOfSequence(s.name), ToJson(s).dump());
        } catch (const pqxx::foreign_key_violation&) {
          return absl::FailedPreconditionError(
              absl::StrCat("store: ", s.name, " belongs to no stored film"));
        }
      }
      for (const std::string& name : batch.delete_sequences) Delete(tx, "sequences", name);
      for (const std::string& name : batch.delete_films) Delete(tx, "films", name);
      for (const std::string& name : batch.delete_people) Delete(tx, "people", name);
      for (const std::string& name : batch.delete_eras) Delete(tx, "eras", name);
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
      pqxx::result r = tx.exec_params(
          "SELECT method, resource, response FROM requests WHERE request_id = $1", request_id);
      if (!r.empty()) {
        out = RequestRecord{request_id, r[0][0].as<std::string>(), r[0][1].as<std::string>(),
                            r[0][2].as<std::string>()};
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

absl::StatusOr<std::unique_ptr<CatalogStore>> OpenPostgresCatalogStore(const std::string& url) {
  LONGTAKE_ASSIGN_OR_RETURN(std::unique_ptr<postgres::Database> db,
                            postgres::Database::Open(url));
  LONGTAKE_RETURN_IF_ERROR(postgres::RunMigrations(*db, Migrations()));
  return std::unique_ptr<CatalogStore>(new PostgresCatalogStore(std::move(db)));
}

}  // namespace longtake::catalog
