#pragma once

// The catalogue's domain logic, with no gRPC in sight: validation, the
// in-memory read model every read is served from, filters, pagination,
// search, collaborations, sequence ordering, and writes that go to the store
// first and then become visible atomically.
//
//   // OpenCatalogStore: catalog_service/store/open_catalog_store.h
//   LONGTAKE_ASSIGN_OR_RETURN(auto store, OpenCatalogStore("sqlite::memory:"));
//   LONGTAKE_ASSIGN_OR_RETURN(auto catalog, Catalog::Open(std::move(store)));
//   LONGTAKE_RETURN_IF_ERROR(catalog->LoadSeedIfEmpty(seed_path));
//   auto film = catalog->GetFilm("films/the-cranes-are-flying");
//
// Thread-safety: reads are const and may run concurrently with each other and
// with one write; they never touch the store. Writes block on the store, so
// callers on gRPC callback threads hand them to a WorkQueue.
//
// The class is defined across several files, one per concern: catalog.cc
// (open, reads, refresh), catalog_writes.cc (create/update/delete, commit,
// request ids), film_importer.cc (ImportFilms) and seed_loader.cc
// (LoadSeedIfEmpty), catalog_snapshot.cc (the read model snapshot); the
// ListFilms planner is film_query.cc and the checks every write makes are
// catalog_validation.cc.
//
// With a snapshot path, a start loads the read model from its snapshot
// (read_model_snapshot.h) and catches up through the store's change log,
// instead of reading and indexing the whole store:
//
//   LONGTAKE_ASSIGN_OR_RETURN(
//       auto catalog,
//       Catalog::Open(std::move(store), {.snapshot_path =
//       "/data/x.snapshot"}));
//   ...
//   LONGTAKE_RETURN_IF_ERROR(catalog->WriteSnapshot());  // at shutdown

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "catalog_service/domain/model.h"
#include "common/domain/field_mask.h"
#include "common/domain/request_record.h"

namespace longtake::catalog {

// catalog_service/domain/catalog_store.h
class CatalogStore;
struct WriteBatch;
namespace internal {
class CatalogState;  // catalog_service/domain/catalog_state.h
class FilmRecord;    // catalog_service/domain/film_record.h
}  // namespace internal

struct ListFilmsQuery {
  int page_size = 0;  // 0: default 50; max 1000
  std::string page_token;
  std::string filter;    // see CatalogService.ListFilms in the proto
  std::string order_by;  // "", "title", "year", "year desc"
};
struct FilmPage {
  std::vector<std::shared_ptr<const Film>> films;
  std::string next_page_token;
};

struct SearchQuery {
  std::string query;
  int page_size = 0;  // 0: default 20; max 100
  std::string page_token;
};
struct SearchResult {
  std::shared_ptr<const Film> film;
  double score = 0;
  std::vector<std::string>
      matched_fields;  // "title", "original_titles", "aliases", "people"
};
struct SearchPage {
  std::vector<SearchResult> results;
  std::string next_page_token;
};

struct ListPeopleQuery {
  int page_size = 0;
  std::string page_token;
  std::string filter;  // role = "CREDIT_ROLE_..."
};
struct PersonPage {
  std::vector<std::shared_ptr<const Person>> people;
  std::string next_page_token;
};

struct ListCollaborationsQuery {
  std::string person;
  int page_size = 0;
  std::string page_token;
};
struct CollaborationPage {
  std::vector<Collaboration> collaborations;
  std::string next_page_token;
};

struct ListSequencesQuery {
  std::string parent;  // "films/{film}" or "films/-"
  int page_size = 0;
  std::string page_token;
  std::string filter;  // technique = "CAMERA_TECHNIQUE_..."
};
struct SequencePage {
  std::vector<std::shared_ptr<const Sequence>> sequences;
  std::string next_page_token;
};

struct EraPage {
  std::vector<std::shared_ptr<const Era>> eras;
  std::string next_page_token;
};

// Options shared by every write.
struct WriteOptions {
  std::string request_id;  // idempotency key (AIP-155); may be empty
  bool validate_only = false;
  // Whose request id it is (the token's subject): records are per caller.
  std::string caller{};
  // Fingerprint of the request (common/grpc/request_fingerprint.h), so a
  // request id reused for a different request is refused.
  std::string request_hash{};
};

// Update masks are field paths in proto naming ("title", "credits",
// "original_titles"); {"*"} replaces every updatable field. An empty mask is
// INVALID_ARGUMENT naming update_mask (common/domain/field_mask.h).
using FieldMask = longtake::FieldMask;

struct ImportEntry {
  Film film;
  std::string film_id;
  std::vector<Person> people;
  std::vector<Sequence> sequences;
  int64_t source_line = 0;
};
struct ImportEntryResult {
  int64_t source_line = 0;
  std::string film;  // created film name, when written
  absl::Status
      status;  // OK, INVALID_ARGUMENT (with field violations), ALREADY_EXISTS
};

// How Catalog::Open builds and keeps its read model.
struct CatalogOptions {
  // Where the read model snapshot is kept; empty: no snapshot. Open loads
  // it when it is intact, was made from this store, and the store's change
  // log still reaches back to its revision, and catches up from there;
  // otherwise it reads the whole store as without one, logging "snapshot
  // ignored: <why>". After every full load or reload the model is written
  // there on a thread of its own (WriteSnapshot).
  std::string snapshot_path;
};

class Catalog {
 public:
  static absl::StatusOr<std::unique_ptr<Catalog>> Open(
      std::unique_ptr<CatalogStore> store, CatalogOptions options = {});
  // Waits for a snapshot being written.
  ~Catalog();

  // Loads a seed file (see data/README.md) when the store holds no films.
  absl::Status LoadSeedIfEmpty(const std::string& seed_path);

  // Reads: in memory only.
  absl::StatusOr<std::shared_ptr<const Film>> GetFilm(
      absl::string_view name) const;
  // The film's etag alone, without decoding the film (to check a cache).
  absl::StatusOr<std::string> GetFilmEtag(absl::string_view name) const;
  absl::StatusOr<FilmPage> ListFilms(const ListFilmsQuery& query) const;
  // All or nothing, in the order asked; at most 1000 names.
  absl::StatusOr<std::vector<std::shared_ptr<const Film>>> BatchGetFilms(
      const std::vector<std::string>& names) const;
  absl::StatusOr<SearchPage> SearchFilms(const SearchQuery& query) const;
  absl::StatusOr<std::shared_ptr<const Person>> GetPerson(
      absl::string_view name) const;
  absl::StatusOr<PersonPage> ListPeople(const ListPeopleQuery& query) const;
  absl::StatusOr<CollaborationPage> ListCollaborations(
      const ListCollaborationsQuery& query) const;
  absl::StatusOr<std::shared_ptr<const Sequence>> GetSequence(
      absl::string_view name) const;
  absl::StatusOr<SequencePage> ListSequences(
      const ListSequencesQuery& query) const;
  absl::StatusOr<std::shared_ptr<const Era>> GetEra(
      absl::string_view name) const;
  absl::StatusOr<EraPage> ListEras(int page_size,
                                   const std::string& page_token) const;

  // Writes: validated, written to the store in one transaction, then visible.
  absl::StatusOr<std::shared_ptr<const Film>> CreateFilm(
      Film film, const std::string& film_id, const WriteOptions& options);
  absl::StatusOr<std::shared_ptr<const Film>> UpdateFilm(
      Film film, const FieldMask& update_mask, const WriteOptions& options);
  absl::Status DeleteFilm(const std::string& name, const std::string& etag,
                          const WriteOptions& options);
  absl::StatusOr<std::shared_ptr<const Person>> CreatePerson(
      Person person, const std::string& person_id, const WriteOptions& options);
  absl::StatusOr<std::shared_ptr<const Person>> UpdatePerson(
      Person person, const FieldMask& update_mask, const WriteOptions& options);
  absl::Status DeletePerson(const std::string& name, const std::string& etag,
                            const WriteOptions& options);
  absl::StatusOr<std::shared_ptr<const Sequence>> CreateSequence(
      const std::string& parent, Sequence sequence,
      const std::string& sequence_id, const WriteOptions& options);
  absl::StatusOr<std::shared_ptr<const Sequence>> UpdateSequence(
      Sequence sequence, const FieldMask& update_mask,
      const WriteOptions& options);
  absl::Status DeleteSequence(const std::string& name, const std::string& etag,
                              const WriteOptions& options);
  // Each entry on its own: good ones are kept, bad ones reported. At most
  // 1000 entries. Each entry commits in its own short transaction, so other
  // writers wait for one entry at most, never for the whole import; imports
  // run one at a time.
  absl::StatusOr<std::vector<ImportEntryResult>> ImportFilms(
      std::vector<ImportEntry> entries, const WriteOptions& options);
  // For shutdown: a running import stops after its current entry, and the
  // entries it did not reach (and any later import's) answer UNAVAILABLE
  // SHUTTING_DOWN, so that the process can exit within its grace. A retry
  // imports them (the ones written answer ALREADY_EXISTS).
  void StopImports() { imports_stopped_ = true; }

  // Catches up with writes other replicas made to the shared store: applies
  // the store's change log after the model's revision (logged at info as
  // "applied N changes up to revision R"), or reloads everything when the
  // log was trimmed past it ("change log trimmed past R: full reload").
  // Returns whether anything changed.
  absl::StatusOr<bool> Refresh();

  // How the model has caught up since Open (for tests and the log).
  struct RefreshStats {
    int64_t full_reloads = 0;     // whole read model rebuilt from LoadAll
    int64_t applied_batches = 0;  // logged batches applied as deltas
    int64_t applied_changes = 0;  // resource changes in those batches
  };
  RefreshStats refresh_stats() const;
  // The store revision the read model reflects (-1 when unknown).
  int64_t revision() const;

  // Drops the store's change log but for the last `keep` revisions (see
  // CatalogStore::TrimChangeLog); replicas further behind reload.
  absl::StatusOr<int64_t> TrimChangeLog(int64_t keep);
  // Whether WaitForStoreCommit is told of commits (PostgreSQL); otherwise
  // replicas only poll with Refresh.
  bool store_notifies_commits() const;
  // Blocks until the store may have committed a batch or `timeout` passes
  // (CatalogStore::WaitForCommit); true when woken. Then call Refresh.
  absl::StatusOr<bool> WaitForStoreCommit(absl::Duration timeout);

  size_t film_count() const;

  // Writes the read model to CatalogOptions::snapshot_path, unless it is
  // there already at the model's revision (or there is no path). Writes
  // wait while the model is read (about a second a million films); reads go
  // on. At shutdown, so that the next start catches up from here.
  absl::Status WriteSnapshot();

  // How Open built the read model, for the start's log line and tests.
  struct LoadStats {
    bool from_snapshot = false;
    std::string snapshot_ignored;  // why not, when there was a path
    absl::Duration snapshot;       // reading the snapshot
    absl::Duration catch_up;       // the change log after it
    int64_t snapshot_revision = -1;
  };
  const LoadStats& load_stats() const { return load_stats_; }

  // What the read model holds and how fresh it is (for metrics).
  struct ReadModelStats {
    size_t films = 0;
    size_t people = 0;
    size_t sequences = 0;
    int64_t revision = -1;  // the store revision it reflects; -1 unknown
    absl::Time loaded;      // last built from the store (open or reload)
    absl::Time refreshed;   // last known to match the store (open, Refresh)
  };
  ReadModelStats read_model_stats() const;

 private:
  Catalog(std::unique_ptr<CatalogStore> store, CatalogOptions options);
  absl::Status Load();
  // The snapshot's half of Load (catalog_snapshot.cc): loads the snapshot
  // and catches up; an error says why it was not used.
  absl::Status LoadSnapshot();
  // LoadSnapshot, logging what happened ("snapshot ignored: <why>"); false
  // when the store must be read in full.
  bool LoadSnapshotOrSayWhy();
  // Has WriteSnapshot run on the snapshot thread (again, if it is running).
  void ScheduleSnapshot();
  // Runs `read` on the named film's record under the reader lock;
  // INVALID_ARGUMENT for a malformed name, NOT_FOUND when absent.
  absl::Status ReadFilm(
      absl::string_view name,
      const std::function<void(const internal::FilmRecord&)>& read) const;

  // ---- Write helpers (catalog_writes.cc); callers hold write_mu_ ----

  // The record of an earlier call with options.request_id, if any.
  // INVALID_ARGUMENT naming request_id when it was used for another method.
  absl::StatusOr<std::optional<RequestRecord>> Recorded(
      const WriteOptions& options, absl::string_view method);
  // Writes `batch` to the store, then applies it to the read model
  // (CatalogState::ApplyBatch) under the writer lock, so the change becomes
  // visible at once.
  absl::Status Commit(const WriteBatch& batch);
  // Refresh's work; callers hold write_mu_.
  absl::StatusOr<bool> CatchUpLocked();
  // Rebuilds the whole read model from the store; callers hold write_mu_.
  absl::Status ReloadLocked();
  // What a replayed request answers: the resource as it is now.
  absl::StatusOr<std::shared_ptr<const Film>> CurrentFilm(
      const std::string& name) const;
  absl::StatusOr<std::shared_ptr<const Person>> CurrentPerson(
      const std::string& name) const;
  absl::StatusOr<std::shared_ptr<const Sequence>> CurrentSequence(
      const std::string& name) const;

  std::unique_ptr<CatalogStore> store_;
  mutable absl::Mutex mu_;  // guards state_ (readers share, writers exclusive)
  absl::Mutex write_mu_;    // serialises writers; held across the store write
  // Serialises imports (taken before write_mu_): an import releases write_mu_
  // between entries, and its request record is written after the last one.
  absl::Mutex import_mu_;
  std::atomic<bool> imports_stopped_{false};
  // Unix nanoseconds of ReadModelStats::loaded and ::refreshed.
  std::atomic<int64_t> loaded_unix_ns_{0};
  std::atomic<int64_t> refreshed_unix_ns_{0};
  // Writers waiting for write_mu_ outside an import. An import takes the
  // lock for its next entry only when this is 0: absl::Mutex lets a thread
  // that just unlocked take the lock again ahead of waiters, so without it a
  // write would wait behind many entries instead of one.
  std::atomic<int> writers_waiting_{0};
  class WriterLock;
  std::unique_ptr<internal::CatalogState> state_;
  const CatalogOptions options_;
  LoadStats load_stats_;
  std::string store_id_;  // CatalogStore::StoreId, guarded by write_mu_
  // The revision of the snapshot file as this process last read or wrote it.
  std::atomic<int64_t> snapshot_revision_{-1};
  // Held across a whole WriteSnapshot (one file, one writer at a time);
  // taken before write_mu_, never while holding it.
  absl::Mutex snapshot_file_mu_;
  absl::Mutex snapshot_mu_;  // guards the three below
  std::thread snapshot_thread_;
  bool snapshot_running_ = false;
  bool snapshot_again_ = false;
  std::atomic<int64_t> full_reloads_{0};
  std::atomic<int64_t> applied_batches_{0};
  std::atomic<int64_t> applied_changes_{0};
};

// Holds write_mu_ for an ordinary write (announced in writers_waiting_ while
// it waits, so an import gives way to it between entries).
class Catalog::WriterLock {
 public:
  explicit WriterLock(Catalog* catalog) : mu_(&catalog->write_mu_) {
    ++catalog->writers_waiting_;
    mu_->Lock();
    --catalog->writers_waiting_;
  }
  ~WriterLock() { mu_->Unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  absl::Mutex* mu_;
};

}  // namespace longtake::catalog
