#pragma once

// Where the catalogue keeps its resources. The domain (catalog.h) reads
// everything once at start (LoadAll) into its in-memory read model and writes
// each change as one atomic batch (Apply); reads never come here.
//
//   LONGTAKE_ASSIGN_OR_RETURN(auto store, OpenCatalogStore("sqlite:///var/lib/c.db"));
//   WriteBatch batch;
//   batch.upsert_films.push_back(film);
//   batch.request = RequestRecord{"req-1", "CreateFilm", film.name, ""};
//   LONGTAKE_RETURN_IF_ERROR(store->Apply(batch));
//
// Implementations: SQLite (sqlite_catalog_store.cc), PostgreSQL
// (postgres_catalog_store.cc). Every
// implementation must pass tests/catalog_service/store/catalog_store_conformance_test.cc.
// Thread-safety: implementations are safe to call from several threads.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "catalog_service/domain/model.h"

namespace longtake::catalog {

// What a request id (AIP-155) produced, so a retry returns the first result.
struct RequestRecord {
  std::string request_id;
  std::string method;    // "CreateFilm", "DeletePerson", ...
  std::string resource;  // name of the resource written ("" if none)
  std::string response;  // optional method-specific payload (e.g. import results as JSON)
};

// Everything the store holds, for building the read model.
struct CatalogSnapshot {
  std::vector<Film> films;
  std::vector<Person> people;
  std::vector<Sequence> sequences;
  std::vector<Era> eras;
  // Increases with every applied batch; equal revisions mean equal contents.
  int64_t revision = 0;
};

// One atomic change: all of it is written, or none of it.
// Upserts replace the whole resource by name. Deleting a film deletes its
// sequences. Order inside a batch: upserts (eras, people, films, sequences),
// then deletes (sequences, films, people, eras).
struct WriteBatch {
  std::vector<Film> upsert_films;
  std::vector<Person> upsert_people;
  std::vector<Sequence> upsert_sequences;
  std::vector<Era> upsert_eras;
  std::vector<std::string> delete_films;
  std::vector<std::string> delete_people;
  std::vector<std::string> delete_sequences;
  std::vector<std::string> delete_eras;
  // Recorded in the same transaction. A request id already recorded makes the
  // whole batch fail with ALREADY_EXISTS.
  std::optional<RequestRecord> request;

  bool empty() const {
    return upsert_films.empty() && upsert_people.empty() && upsert_sequences.empty() &&
           upsert_eras.empty() && delete_films.empty() && delete_people.empty() &&
           delete_sequences.empty() && delete_eras.empty() && !request.has_value();
  }
};

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

  virtual absl::StatusOr<CatalogSnapshot> LoadAll() = 0;
  virtual absl::Status Apply(const WriteBatch& batch) = 0;
  // nullopt when the request id was never recorded.
  virtual absl::StatusOr<std::optional<RequestRecord>> LookupRequest(
      const std::string& request_id) = 0;
  // The current revision (see CatalogSnapshot::revision), cheap to ask.
  virtual absl::StatusOr<int64_t> Revision() = 0;
};

// Opens a store by URL:
//   sqlite:///abs/path.db, sqlite://relative/path.db, sqlite::memory:,
//   postgres://user@host:5432/db or postgresql://... (a database of its own);
// anything else is INVALID_ARGUMENT naming `store`.
absl::StatusOr<std::unique_ptr<CatalogStore>> OpenCatalogStore(const std::string& url);

// The SQLite store on a file path or ":memory:".
absl::StatusOr<std::unique_ptr<CatalogStore>> OpenSqliteCatalogStore(
    const std::string& path);

}  // namespace longtake::catalog
