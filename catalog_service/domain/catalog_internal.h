#pragma once

// Helpers behind Catalog (catalog.cc), exposed for unit tests: slugs, resource
// names, the AIP-160 filter subset, and timecode descriptions.

#include <climits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog_service/domain/model.h"
#include "common/text/slug.h"

namespace longtake::catalog::internal {

// "films/{slug}" -> "slug"; nullopt when `name` does not match.
std::optional<std::string> ParseName(absl::string_view name, absl::string_view collection);
// "films/{film}/sequences/{seq}" -> {"films/{film}", "seq"}.
struct SequenceName {
  std::string film;  // "films/{film}"
  std::string id;
};
std::optional<SequenceName> ParseSequenceName(absl::string_view name);

// One comparison of a filter: `field op value`.
struct Condition {
  std::string field;
  std::string op;  // "=", "!=", "<", "<=", ">", ">="
  std::string value;
  bool quoted = false;
};
// Parses `a = "x" AND b >= 3 ...`. Conditions are AND-joined; OR, NOT and
// parentheses are not supported. Field names must be in `allowed`.
// INVALID_ARGUMENT naming "filter" otherwise.
absl::StatusOr<std::vector<Condition>> ParseFilter(absl::string_view filter,
                                                   const std::vector<std::string>& allowed);

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

// "at 1:02:10", "around 25:00", "the opening", "about three quarters through",
// "before <title>"; `relative_title` is the title of start.relative_to.
std::string DescribeTimecode(const Timecode& start, absl::string_view relative_title);
// "1:02:10" for 3730 s, "25:00" for 1500 s.
std::string FormatClock(absl::Duration d);

}  // namespace longtake::catalog::internal
