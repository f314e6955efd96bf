// Catalog and its read model snapshot (read_model_snapshot.h): loading one
// at start and catching up from its revision, and writing one (after a full
// load or reload, on a thread of its own, and at shutdown).

#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/catalog_store.h"
#include "catalog_service/domain/read_model_snapshot.h"
#include "common/log/logger.h"
#include "common/status/errors.h"

namespace longtake::catalog {

using internal::CatalogState;

Catalog::~Catalog() {
  std::thread writer;
  {
    absl::MutexLock lock(&snapshot_mu_);
    writer = std::move(snapshot_thread_);
  }
  if (writer.joinable()) writer.join();
}

absl::Status Catalog::LoadSnapshot() {
  const absl::Time start = absl::Now();
  const std::string& path = options_.snapshot_path;
  // The head first: the store checks before the bulk of the file is read.
  LONGTAKE_ASSIGN_OR_RETURN(internal::SnapshotInfo info,
                            internal::ReadSnapshotInfo(path));
  LONGTAKE_ASSIGN_OR_RETURN(store_id_, store_->StoreId());
  if (info.store_id != store_id_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "made from store ", info.store_id, ", not this one (", store_id_, ")"));
  }
  LONGTAKE_ASSIGN_OR_RETURN(int64_t store_revision, store_->Revision());
  if (info.revision > store_revision) {
    return absl::FailedPreconditionError(
        absl::StrCat("at revision ", info.revision, ", ahead of the store's ",
                     store_revision));
  }
  if (info.revision < store_revision) {
    LONGTAKE_ASSIGN_OR_RETURN(ChangePage page,
                              store_->ChangesAfter(info.revision, 1));
    if (page.trimmed) {
      return absl::FailedPreconditionError(
          absl::StrCat("at revision ", info.revision,
                       ", which the store's change log is trimmed past (the "
                       "store is at ",
                       store_revision, ")"));
    }
  }
  auto state = std::make_unique<CatalogState>();
  LONGTAKE_RETURN_IF_ERROR(
      internal::ReadReadModelSnapshot(path, store_id_, *state));
  const absl::Time read = absl::Now();
  {
    absl::WriterMutexLock lock(&mu_);
    state_ = std::move(state);
  }
  snapshot_revision_ = info.revision;
  loaded_unix_ns_ = refreshed_unix_ns_ = absl::ToUnixNanos(read);
  {
    absl::MutexLock writer(&write_mu_);
    absl::StatusOr<bool> caught_up = CatchUpLocked();
    if (!caught_up.ok()) {
      // Open fails over to a full load: no half-caught-up model serves.
      absl::WriterMutexLock lock(&mu_);
      state_ = std::make_unique<CatalogState>();
      return absl::Status(
          caught_up.status().code(),
          absl::StrCat("catching up from it: ", caught_up.status().message()));
    }
  }
  load_stats_.from_snapshot = true;
  load_stats_.snapshot = read - start;
  load_stats_.catch_up = absl::Now() - read;
  load_stats_.snapshot_revision = info.revision;
  // A snapshot far behind would be caught up from again at every start.
  if (revision() != info.revision) ScheduleSnapshot();
  return absl::OkStatus();
}

bool Catalog::LoadSnapshotOrSayWhy() {
  if (const absl::Status s = LoadSnapshot(); !s.ok()) {
    load_stats_ = LoadStats();
    load_stats_.snapshot_ignored = std::string(s.message());
    Log(LogLevel::kInfo, absl::StrCat("snapshot ignored: ", s.message()));
    return false;
  }
  absl::ReaderMutexLock lock(&mu_);
  Log(LogLevel::kInfo,
      absl::StrCat(
          "catalogue loaded from snapshot: films=", state_->film_count(),
          " snapshot_ms=", absl::ToInt64Milliseconds(load_stats_.snapshot),
          " snapshot_revision=", load_stats_.snapshot_revision,
          " catch_up_ms=", absl::ToInt64Milliseconds(load_stats_.catch_up),
          " revision=", state_->revision,
          " model_mb=", state_->MemoryUsage().Total() >> 20));
  return true;
}

absl::Status Catalog::WriteSnapshot() {
  if (options_.snapshot_path.empty()) return absl::OkStatus();
  absl::MutexLock file(&snapshot_file_mu_);
  // Holding write_mu_ keeps every writer (local, catch-up, reload) away from
  // the model while it is read, without the reader lock that would stall
  // reads once a writer queued for it.
  write_mu_.Lock();
  bool locked = true;
  auto unlock = [&] {
    if (locked) write_mu_.Unlock();
    locked = false;
  };
  if (store_id_.empty()) {
    absl::StatusOr<std::string> id = store_->StoreId();
    if (!id.ok()) {
      unlock();
      return id.status();
    }
    store_id_ = *std::move(id);
  }
  const int64_t revision = state_->revision;
  const size_t films = state_->film_count();
  if (revision < 0 || revision == snapshot_revision_) {
    unlock();
    return absl::OkStatus();
  }
  absl::StatusOr<internal::SnapshotWriteStats> stats =
      internal::WriteReadModelSnapshot(*state_, store_id_,
                                       options_.snapshot_path, unlock);
  unlock();
  if (!stats.ok()) {
    Log(LogLevel::kWarning,
        absl::StrCat("writing the read model snapshot ", options_.snapshot_path,
                     ": ", stats.status().message()));
    return stats.status();
  }
  snapshot_revision_ = revision;
  Log(LogLevel::kInfo,
      absl::StrCat(
          "read model snapshot written: films=", films, " revision=", revision,
          " bytes=", stats->bytes,
          " serialize_ms=", absl::ToInt64Milliseconds(stats->serialize),
          " sync_ms=", absl::ToInt64Milliseconds(stats->sync),
          " path=", options_.snapshot_path));
  return absl::OkStatus();
}

void Catalog::ScheduleSnapshot() {
  if (options_.snapshot_path.empty()) return;
  absl::MutexLock lock(&snapshot_mu_);
  if (snapshot_running_) {
    snapshot_again_ = true;
    return;
  }
  if (snapshot_thread_.joinable()) snapshot_thread_.join();  // done already
  snapshot_running_ = true;
  snapshot_thread_ = std::thread([this] {
    while (true) {
      (void)WriteSnapshot();  // it logs a failure; the next one may succeed
      absl::MutexLock lock(&snapshot_mu_);
      if (!snapshot_again_) {
        snapshot_running_ = false;
        return;
      }
      snapshot_again_ = false;
    }
  });
}

}  // namespace longtake::catalog
