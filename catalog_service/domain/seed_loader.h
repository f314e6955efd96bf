#pragma once

// The seed file (data/README.md): eras, people and films with their
// sequences, read and validated as a whole into one write batch.
// Catalog::LoadSeedIfEmpty (defined in seed_loader.cc) commits it when the
// store holds no films.
//
//   LONGTAKE_ASSIGN_OR_RETURN(WriteBatch batch,
//                             ReadSeed("data/seed/catalog.json", state, now));

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "catalog_service/domain/catalog_store.h"

namespace longtake::catalog::internal {

class CatalogState;  // catalog_service/domain/catalog_state.h

// NOT_FOUND when the file cannot be read; INVALID_ARGUMENT naming the file
// and every bad field otherwise. People and eras already in `state` may be
// referred to. Names left empty are derived from titles.
absl::StatusOr<WriteBatch> ReadSeed(const std::string& path,
                                    const CatalogState& state, absl::Time now);

}  // namespace longtake::catalog::internal
