#pragma once

// ImportFilms (Catalog::ImportFilms is defined in film_importer.cc): each
// entry is planned on its own against the read model, which already holds
// the entries committed before it. A good entry becomes one write batch (its
// new people, the film, its sequences); a bad one only a result.
//
//   ImportPlan plan = PlanImport(state, std::move(entry), absl::Now());
//   if (plan.result.status.ok()) { /* commit plan.batch */ }

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/domain/catalog_store.h"

namespace longtake::catalog::internal {

class CatalogState;  // catalog_service/domain/catalog_state.h

struct ImportPlan {
  // status: OK, INVALID_ARGUMENT (with field violations) or ALREADY_EXISTS
  // (the same title and year imported again). `film` is left empty.
  ImportEntryResult result;
  std::string film;  // "films/{id}" when the entry is good
  // When good: new people (those not yet stored), the film, its sequences,
  // validated and stamped.
  WriteBatch batch;
};
ImportPlan PlanImport(const CatalogState& state, ImportEntry entry,
                      absl::Time now);

// The results kept with an import's request id, so a retry returns them.
std::string ImportResultsToJson(const std::vector<ImportEntryResult>& results);
std::vector<ImportEntryResult> ImportResultsFromJson(const std::string& text);

}  // namespace longtake::catalog::internal
