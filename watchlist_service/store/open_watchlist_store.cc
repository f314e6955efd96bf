#include "watchlist_service/store/open_watchlist_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status/errors.h"
#include "watchlist_service/store/postgres_watchlist_store.h"
#include "watchlist_service/store/sqlite_watchlist_store.h"

namespace longtake::watchlist {

absl::StatusOr<std::unique_ptr<WatchlistStore>> OpenWatchlistStore(
    const std::string& url) {
  absl::string_view rest(url);
  if (url == "sqlite::memory:") return OpenSqliteWatchlistStore(":memory:");
  if (absl::ConsumePrefix(&rest, "sqlite://")) {
    if (rest.empty()) {
      return InvalidArgument("store", "sqlite:// URL without a path");
    }
    return OpenSqliteWatchlistStore(std::string(rest));
  }
  if (absl::StartsWith(url, "postgres://") ||
      absl::StartsWith(url, "postgresql://")) {
    return OpenPostgresWatchlistStore(url);
  }
  return InvalidArgument("store",
                         absl::StrCat("unsupported store URL \"", url,
                                      "\": expected sqlite:///abs/path.db, "
                                      "sqlite://rel.db, sqlite::memory: or "
                                      "postgres://..."));
}

}  // namespace longtake::watchlist
