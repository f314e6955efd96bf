#pragma once

// SearchFilms' ranking on top of the search index: the index finds films
// whose texts match every query word; this puts first what a person typing
// the query most likely means.
//
//   1. A year in the query ("titanic 1997"): films of that year first. The
//      year is not a word to match, unless it is the whole query ("1941").
//   2. The film whose title is the query ("Titanic" before "Raise the
//      Titanic"), punctuation aside ("ET" finds "E.T.", "MASH" "M*A*S*H").
//   3. The index's score (exact words before prefixes before typos).
//   4. The better known film: more votes over its ratings.
//
//   std::vector<RankedFilm> ranked = RankSearch(state, "titanic 1997", 21);

#include <cstddef>
#include <string>
#include <vector>

#include "catalog_service/domain/catalog_state.h"

namespace longtake::catalog::internal {

struct RankedFilm {
  FilmIndex film = 0;
  double score = 0;
  uint8_t matched_fields = 0;  // SearchIndex::Hit::matched_fields
};

// At least the best `want` matches of `query`, best first.
std::vector<RankedFilm> RankSearch(const CatalogState& state,
                                   const std::string& query, size_t want);

// The title with the punctuation inside words taken out and fractions
// spelled ("E.T." -> "ET", "M*A*S*H" -> "MASH", "8½" -> "8 1/2"): indexed
// beside the title so that either spelling finds the film.
std::string CompactTitle(const std::string& title);

}  // namespace longtake::catalog::internal
