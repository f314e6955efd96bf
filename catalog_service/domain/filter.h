#pragma once

// The filter language of the catalogue's List methods, a subset of AIP-160:
// conditions `field op value` combined with AND, OR, NOT and parentheses.
// As AIP-160 says, OR binds tighter than AND: `a AND b OR c` is
// `a AND (b OR c)`. ListFilms takes the whole language (film_filter.h);
// ListPeople and ListSequences take conditions joined with AND.
//
//   LONGTAKE_ASSIGN_OR_RETURN(
//       FilterExpr e, ParseFilterExpr("year >= 1955 AND (genre = \"war\" OR "
//                                     "genre = \"drama\")", {"year",
//                                     "genre"}));

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace longtake::catalog::internal {

// One comparison of a filter: `field op value`.
struct Condition {
  std::string field;
  std::string op;  // "=", "!=", "<", "<=", ">", ">=" (":" is read as "=")
  std::string value;
  bool quoted = false;
};

// A parsed filter. An empty filter is an AND of nothing (true).
struct FilterExpr {
  enum class Kind { kCondition, kAnd, kOr, kNot };
  Kind kind = Kind::kAnd;
  Condition condition;               // kCondition
  std::vector<FilterExpr> operands;  // kAnd, kOr: two or more; kNot: one
};

// Field names must be in `allowed`. INVALID_ARGUMENT naming "filter"
// (reason INVALID_FILTER) with the position or the word that is wrong; a
// filter longer than kMaxFilterBytes (common/domain/field_limits.h) is
// INVALID_ARGUMENT naming "filter", with reason INVALID_ARGUMENT.
absl::StatusOr<FilterExpr> ParseFilterExpr(
    absl::string_view filter, const std::vector<std::string>& allowed);

// For the methods that take conditions joined with AND only: OR, NOT and
// parentheses are INVALID_FILTER here.
absl::StatusOr<std::vector<Condition>> ParseFilter(
    absl::string_view filter, const std::vector<std::string>& allowed);

}  // namespace longtake::catalog::internal
