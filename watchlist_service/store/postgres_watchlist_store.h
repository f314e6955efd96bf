#pragma once

// The PostgreSQL WatchlistStore, shared by several watchlist replicas. Most
// code uses OpenWatchlistStore("postgres://user@host:5432/watchlist").

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "watchlist_service/domain/watchlist_store.h"

namespace longtake::watchlist {

// `url` is a libpq URI (postgres:// or postgresql://) naming a database of
// the watchlist's own. Runs the versioned migrations (an older binary refuses
// a newer schema). Same semantics as the SQLite store: every Commit is one
// transaction; event ids are assigned in commit order, so a replica reading
// events with id > the last it saw misses none.
absl::StatusOr<std::unique_ptr<WatchlistStore>> OpenPostgresWatchlistStore(
    const std::string& url);

}  // namespace longtake::watchlist
