#pragma once

// The PostgreSQL CatalogStore, shared by several catalogue replicas. Most
// code uses OpenCatalogStore("postgres://user@host:5432/catalog").

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "catalog_service/domain/catalog_store.h"

namespace longtake::catalog {

// `url` is a libpq URI (postgres:// or postgresql://) naming a database of
// the catalogue's own. Runs the versioned migrations (an older binary refuses
// a newer schema). Same semantics as the SQLite store: one JSON document per
// resource, every Apply one transaction, LoadAll one consistent snapshot.
absl::StatusOr<std::unique_ptr<CatalogStore>> OpenPostgresCatalogStore(
    const std::string& url);

}  // namespace longtake::catalog
