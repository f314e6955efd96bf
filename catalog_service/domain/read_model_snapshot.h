#pragma once

// A persisted snapshot of the catalogue's read model (CatalogState: records,
// interned strings, orders, indexes and the search index, as flat arrays),
// so that a start loads it in bulk instead of reading and indexing the whole
// store, then catches up through the store's change log from the revision
// it reflects (Catalog::Open with CatalogOptions::snapshot_path).
//
//   LONGTAKE_RETURN_IF_ERROR(
//       WriteReadModelSnapshot(state, store_id, "/var/lib/x.snapshot"));
//   LONGTAKE_ASSIGN_OR_RETURN(SnapshotInfo info,
//                             ReadSnapshotInfo("/var/lib/x.snapshot"));
//   if (info.store_id == store_id && info.revision <= store_revision) {
//     auto state = std::make_unique<CatalogState>();
//     LONGTAKE_RETURN_IF_ERROR(ReadReadModelSnapshot(path, store_id, *state));
//   }
//
// The file: a magic, the format version and a byte-order mark, then
// sections, each its length, its bytes and an XXH3-64 checksum of them
// (checked before the section is used), the first holding the store's id
// and revision, the search index's sections last, then an end section (an
// end mark and where the search index starts, so that a load reads it on a
// second thread while the first reads the rest). Every length and index is
// checked against the file's size and the model's, so a damaged or
// truncated file is an error (DATA_LOSS), never a crash or a huge
// allocation. Written to a temporary file beside the target, fsynced and
// renamed over it, so a crash mid-write leaves the previous snapshot.
//
// Thread-safety: WriteReadModelSnapshot only reads `state`; the caller keeps
// writers out while it runs (Catalog holds its writer mutex: readers go on).

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "catalog_service/domain/catalog_state.h"

namespace longtake::catalog::internal {

// Bumped whenever the layout of a section, or of what it saves, changes:
// a snapshot of another version is ignored (and rewritten).
inline constexpr uint32_t kSnapshotFormatVersion = 1;

// What a snapshot says of itself (its header and first section).
struct SnapshotInfo {
  std::string store_id;   // CatalogStore::StoreId of the store it was made of
  int64_t revision = -1;  // the store revision the model reflected
  uint64_t film_slots = 0;
  uint64_t bytes = 0;  // the file's size
};

// How a write went.
struct SnapshotWriteStats {
  uint64_t bytes = 0;
  absl::Duration serialize;  // writing the sections (the caller's lock held)
  absl::Duration sync;       // fsync and rename
};

// Writes `state` (made from the store `store_id`) to `path` atomically.
// Calls `serialized` (if set) once the state has been read in full and only
// the file's fsync and rename remain: the caller may let writers in.
absl::StatusOr<SnapshotWriteStats> WriteReadModelSnapshot(
    const CatalogState& state, const std::string& store_id,
    const std::string& path, const std::function<void()>& serialized = {});

// Reads and checks the header and first section only (cheap). NOT_FOUND when
// there is no file; DATA_LOSS when it is not an intact snapshot of this
// format version.
absl::StatusOr<SnapshotInfo> ReadSnapshotInfo(const std::string& path);

// Loads the snapshot at `path` into `state`, which must be new (empty).
// FAILED_PRECONDITION when it was made from a store other than `store_id`;
// DATA_LOSS when it is damaged. On error `state` holds part of the snapshot
// and must be dropped.
absl::Status ReadReadModelSnapshot(const std::string& path,
                                   const std::string& store_id,
                                   CatalogState& state);

}  // namespace longtake::catalog::internal
