#pragma once

// The SQLite WatchlistStore. Most code uses OpenWatchlistStore(url).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "watchlist_service/domain/watchlist_store.h"

namespace longtake::watchlist {

// `path` is a file path or ":memory:". WAL + synchronous=NORMAL; runs the
// versioned migrations (an older binary refuses a newer schema).
absl::StatusOr<std::unique_ptr<WatchlistStore>> OpenSqliteWatchlistStore(
    const std::string& path);

}  // namespace longtake::watchlist
