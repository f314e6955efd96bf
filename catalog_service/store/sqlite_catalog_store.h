#pragma once

// The SQLite CatalogStore, for a single catalogue server. Most code uses
// OpenCatalogStore("sqlite:///var/lib/catalog.db") (open_catalog_store.h).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "catalog_service/domain/catalog_store.h"

namespace longtake::catalog {

// `path` is a file path or ":memory:". Runs the versioned migrations.
absl::StatusOr<std::unique_ptr<CatalogStore>> OpenSqliteCatalogStore(
    const std::string& path);

}  // namespace longtake::catalog
