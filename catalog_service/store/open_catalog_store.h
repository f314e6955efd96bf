#pragma once

// Opens the catalogue's store named by a URL, so main.cc and tools pick the
// implementation with one flag.
//
//   LONGTAKE_ASSIGN_OR_RETURN(std::unique_ptr<CatalogStore> store,
//                             OpenCatalogStore(*store_url));

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "catalog_service/domain/catalog_store.h"

namespace longtake::catalog {

// Opens a store by URL:
//   sqlite:///abs/path.db, sqlite://relative/path.db, sqlite::memory:,
//   postgres://user@host:5432/db or postgresql://... (a database of its own);
// anything else is INVALID_ARGUMENT naming `store`.
absl::StatusOr<std::unique_ptr<CatalogStore>> OpenCatalogStore(
    const std::string& url);

}  // namespace longtake::catalog
