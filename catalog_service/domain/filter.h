#pragma once

// The filter subset of AIP-160 the catalogue's List methods accept:
// conditions `field op value` joined with AND. ListFilms' fields become a
// FilmFilter; ListPeople and ListSequences read the conditions directly.
//
//   LONGTAKE_ASSIGN_OR_RETURN(FilmFilter f,
//       ParseFilmFilter("year >= 1955 AND role = CREDIT_ROLE_DIRECTOR"));

#include <climits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog_service/domain/model.h"

namespace longtake::catalog::internal {

// One comparison of a filter: `field op value`.
struct Condition {
  std::string field;
  std::string op;  // "=", "!=", "<", "<=", ">", ">="
  std::string value;
  bool quoted = false;
};
// Parses `a = "x" AND b >= 3 ...`. Conditions are AND-joined; OR, NOT and
// parentheses are not supported. Field names must be in `allowed`.
// INVALID_ARGUMENT naming "filter" (reason INVALID_FILTER) otherwise.
absl::StatusOr<std::vector<Condition>> ParseFilter(
    absl::string_view filter, const std::vector<std::string>& allowed);

// ListFilms' filter: year range, people, roles, eras, techniques.
struct FilmFilter {
  int year_min = INT_MIN;
  int year_max = INT_MAX;
  std::vector<std::string> persons;  // "people/..."
  std::vector<CreditRole> roles;
  std::vector<std::string> eras;  // "eras/..."
  std::vector<CameraTechnique> techniques;
  bool empty_range() const { return year_min > year_max; }
};
absl::StatusOr<FilmFilter> ParseFilmFilter(absl::string_view filter);

}  // namespace longtake::catalog::internal
