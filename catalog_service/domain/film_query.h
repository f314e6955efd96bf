#pragma once

// ListFilms: the request checked once (order, filter, page position), then
// planned and run against the read model. A selective filter gathers the
// candidates from the smallest matching index and sorts them; otherwise the
// pre-sorted order is walked from the page position.
//
//   LONGTAKE_ASSIGN_OR_RETURN(FilmQuery query, ParseFilmQuery(request));
//   absl::ReaderMutexLock lock(&mu);
//   FilmPage page = RunFilmQuery(state, query);

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/film_filter.h"

namespace longtake::catalog::internal {

struct FilmQuery {
  int page_size = 0;
  FilmOrder order = FilmOrder::kTitle;
  FilmFilter filter;
  std::optional<FilmKey> after;  // the last film of the previous page
  std::string token_args;        // what the page tokens are bound to
};

// INVALID_ARGUMENT naming page_size, order_by, filter or page_token.
absl::StatusOr<FilmQuery> ParseFilmQuery(const ListFilmsQuery& request);

// One page of films matching `query`, in its order.
FilmPage RunFilmQuery(const CatalogState& state, const FilmQuery& query);

}  // namespace longtake::catalog::internal
