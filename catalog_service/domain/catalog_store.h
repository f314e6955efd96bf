#pragma once

// Where the catalogue keeps its resources. The domain (catalog.h) reads
// everything once at start (LoadAll) into its in-memory read model and writes
// each change as one atomic batch (Apply); reads never come here.
//
//   LONGTAKE_ASSIGN_OR_RETURN(auto store, OpenCatalogStore(url));
//   WriteBatch batch;
//   batch.upsert_films.push_back(film);
//   batch.request = RequestRecord{"req-1", "CreateFilm", film.name, ""};
//   LONGTAKE_RETURN_IF_ERROR(store->Apply(batch));
//
// Replicas sharing a store catch up through the change log: every Apply
// appends its changes under the revision it produced, in the same
// transaction, and ChangesAfter returns them, so a replica applies only what
// it has not seen (or learns that the log was trimmed past it and reloads).
//
//   LONGTAKE_ASSIGN_OR_RETURN(ChangePage page, store->ChangesAfter(rev, 100));
//   if (page.trimmed) { /* LoadAll */ }
//   for (const LoggedBatch& b : page.batches) { /* apply b.changes */ }
//   rev = page.through;  // more to read while rev < page.revision
//
// Implementations live in catalog_service/store/ (SQLite, PostgreSQL; opened
// by URL with OpenCatalogStore in store/open_catalog_store.h). Every
// implementation must pass the store conformance suite,
// tests/catalog_service/store/catalog_store_conformance_test.cc.
// Thread-safety: implementations are safe to call from several threads.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "catalog_service/domain/model.h"
#include "common/domain/request_record.h"
#include "common/domain/store_commits.h"

namespace longtake::catalog {

// What a request id (AIP-155) produced, so a retry returns the first result
// (method "CreateFilm", "DeletePerson", ...; response: import results as JSON).
using RequestRecord = longtake::RequestRecord;

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
    return upsert_films.empty() && upsert_people.empty() &&
           upsert_sequences.empty() && upsert_eras.empty() &&
           delete_films.empty() && delete_people.empty() &&
           delete_sequences.empty() && delete_eras.empty() &&
           !request.has_value();
  }
};

// One committed batch as the change log keeps it: its resource changes
// (never its request record) and the revision it produced, its position.
struct LoggedBatch {
  int64_t revision = 0;
  WriteBatch changes;
};

// A bounded run of the change log after a position
// (CatalogStore::ChangesAfter).
struct ChangePage {
  // In revision order. A batch that changed no resource (a request record
  // only) has no entry, but is covered by `through`.
  std::vector<LoggedBatch> batches;
  // Every change up to this revision is in `batches`: the next position.
  int64_t through = 0;
  // The store's revision when the page was read: more pages follow while
  // `through` is below it.
  int64_t revision = 0;
  // The log no longer holds every change after the position asked for (it
  // was trimmed, or the store predates the log): reload with LoadAll.
  bool trimmed = false;
};

class CatalogStore : public StoreCommits {
 public:
  virtual ~CatalogStore() = default;

  virtual absl::StatusOr<CatalogSnapshot> LoadAll() = 0;
  virtual absl::Status Apply(const WriteBatch& batch) = 0;
  // nullopt when the request id was never recorded.
  virtual absl::StatusOr<std::optional<RequestRecord>> LookupRequest(
      const std::string& request_id) = 0;
  // The current revision (see CatalogSnapshot::revision), cheap to ask.
  virtual absl::StatusOr<int64_t> Revision() = 0;
  // What tells this store from every other, even one at the same revision
  // (a random id made when the store was created): a read model snapshot
  // (read_model_snapshot.h) is only applied to the store it was made from.
  virtual absl::StatusOr<std::string> StoreId() = 0;

  // The changes of the revisions after `position`, at most `max_revisions`
  // of them, read from one consistent snapshot.
  virtual absl::StatusOr<ChangePage> ChangesAfter(int64_t position,
                                                  int max_revisions) = 0;
  // Drops the change log's entries of all but the last `keep` revisions
  // (keep > 0); a reader behind them then gets ChangePage::trimmed. Returns
  // the revision the log is now trimmed through (it holds every later one).
  virtual absl::StatusOr<int64_t> TrimChangeLog(int64_t keep) = 0;
};

}  // namespace longtake::catalog
