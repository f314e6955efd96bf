#include "catalog_service/store/open_catalog_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catalog_service/store/postgres_catalog_store.h"
#include "catalog_service/store/sqlite_catalog_store.h"
#include "common/status/errors.h"

namespace longtake::catalog {

absl::StatusOr<std::unique_ptr<CatalogStore>> OpenCatalogStore(
    const std::string& url) {
  constexpr char kSupported[] =
      "supported stores: sqlite:///absolute/path.db, "
      "sqlite://relative/path.db, "
      "sqlite::memory:, postgres://user@host:5432/db (or postgresql://)";
  if (url == "sqlite::memory:") return OpenSqliteCatalogStore(":memory:");
  constexpr absl::string_view kSqlite = "sqlite://";
  if (absl::StartsWith(url, kSqlite)) {
    std::string path = url.substr(kSqlite.size());
    if (path.empty()) {
      return InvalidArgument(
          "store", absl::StrCat("\"", url, "\" has no path; ", kSupported));
    }
    return OpenSqliteCatalogStore(path);
  }
  if (absl::StartsWith(url, "postgres://") ||
      absl::StartsWith(url, "postgresql://")) {
    return OpenPostgresCatalogStore(url);
  }
  return InvalidArgument("store", absl::StrCat("unsupported store URL \"", url,
                                               "\"; ", kSupported));
}

}  // namespace longtake::catalog
