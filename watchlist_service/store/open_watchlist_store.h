#pragma once

// Opens the WatchlistStore a URL names, SQLite or PostgreSQL, running its
// schema migrations.
//
//   LONGTAKE_ASSIGN_OR_RETURN(std::unique_ptr<WatchlistStore> store,
//                             OpenWatchlistStore("sqlite:///var/lib/w.db"));

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "watchlist_service/domain/watchlist_store.h"

namespace longtake::watchlist {

// "sqlite:///abs/path.db", "sqlite://relative.db", "sqlite::memory:",
// "postgres://user@host:5432/db" (or postgresql://; a database of its own).
// INVALID_ARGUMENT naming "store" for anything else.
absl::StatusOr<std::unique_ptr<WatchlistStore>> OpenWatchlistStore(
    const std::string& url);

}  // namespace longtake::watchlist
