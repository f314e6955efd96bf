#pragma once

// ListFilms' filter: the fields a film can be filtered on, checked once and
// turned into what the planner (film_query.h) can use. Conditions joined by
// AND at the top level that an index can answer (year range, person, role,
// era, technique, genre, external ids, a title prefix) become index terms;
// the rest (OR, NOT, other fields) is evaluated film by film.
//
//   LONGTAKE_ASSIGN_OR_RETURN(FilmFilter f, ParseFilmFilter(
//       "year >= 1955 AND (country = \"SU\" OR country = \"CU\")"));
//   if (MatchesFilmFilter(state, rec, f)) ...
//
// Fields (FilmFields()): year, runtime, rating (numbers: =, !=, <, <=, >,
// >=); title (case and accents ignored; "Cranes*" is a prefix), country,
// language, genre, person, role, era, technique, imdb_id, tmdb_id,
// wikidata_id (= and !=). `person = X AND role = R` at the top level means
// X credited in role R.

#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/filter.h"
#include "catalog_service/domain/model.h"

namespace longtake::catalog::internal {

enum class FilmField : uint8_t {
  kYear,
  kRuntime,
  kRating,
  kTitle,
  kCountry,
  kLanguage,
  kGenre,
  kPerson,
  kRole,
  kEra,
  kTechnique,
  kImdbId,
  kTmdbId,
  kWikidataId,
};

// One condition with its value checked and converted.
struct FilmCondition {
  FilmField field = FilmField::kYear;
  std::string op;       // as in Condition
  std::string text;     // normalised: folded title, upper country, ...
  double number = 0;    // year, runtime, rating, tmdb_id
  bool prefix = false;  // title ending in '*'
  CreditRole role = CreditRole::kUnspecified;
  CameraTechnique technique = CameraTechnique::kUnspecified;
};

struct FilmPredicate {
  FilterExpr::Kind kind = FilterExpr::Kind::kCondition;
  FilmCondition condition;
  std::vector<FilmPredicate> operands;
};

struct FilmFilter {
  // Index terms: each must hold.
  int year_min = INT_MIN;
  int year_max = INT_MAX;
  std::vector<std::string> persons;  // "people/..."
  std::vector<CreditRole> roles;
  std::vector<std::string> eras;  // "eras/..."
  std::vector<CameraTechnique> techniques;
  std::vector<std::string> genres;
  std::vector<std::string> external_ids;  // ExternalIdKeys form
  std::string title_prefix;               // folded
  // Everything else: each must hold.
  std::vector<FilmPredicate> rest;

  bool empty_range() const { return year_min > year_max; }
};

// The field names ListFilms' filter accepts.
const std::vector<std::string>& FilmFields();

// INVALID_ARGUMENT naming "filter" (reason INVALID_FILTER) on a bad field,
// operator or value.
absl::StatusOr<FilmFilter> ParseFilmFilter(absl::string_view filter);

// Whether `rec` passes every term of `filter`.
bool MatchesFilmFilter(const CatalogState& state, const FilmRecord& rec,
                       const FilmFilter& filter);

}  // namespace longtake::catalog::internal
