#pragma once

// Update masks (AIP-134) for domain code, without protobuf: a mask is the
// list of field paths in proto naming ("title", "original_titles"); "*"
// means every updatable field. Each resource declares its updatable fields
// once, as a table of setters, and both services apply masks through
// ApplyMask, so the errors read the same everywhere.
//
//   static const MaskSetters<Film> kFilmSetters = {
//       {"title", [](Film& to, const Film& from) { to.title = from.title; }},
//       {"year", [](Film& to, const Film& from) { to.year = from.year; }},
//   };
//   Film merged = *current;
//   LONGTAKE_RETURN_IF_ERROR(ApplyMask(mask, kFilmSetters, update, &merged));

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/domain/field_limits.h"
#include "common/status/errors.h"

namespace longtake {

using FieldMask = std::vector<std::string>;

template <typename T>
using MaskSetters =
    std::vector<std::pair<std::string, std::function<void(T&, const T&)>>>;

// Copies the fields named by `mask` from `from` into `to`. An empty mask,
// or a path that is not in `setters`, is INVALID_ARGUMENT naming
// update_mask (with every bad path as a field violation); `to` is then
// left partly updated, so callers merge into a copy. More than
// kMaxListEntries paths is INVALID_ARGUMENT naming update_mask.paths.
template <typename T>
absl::Status ApplyMask(const FieldMask& mask, const MaskSetters<T>& setters,
                       const T& from, T* to) {
  std::vector<std::string> names;
  for (const auto& [name, set] : setters) names.push_back(name);
  if (mask.empty()) {
    return InvalidArgument(
        "update_mask", absl::StrCat("is required: list the fields to replace (",
                                    absl::StrJoin(names, ", "), ") or \"*\""));
  }
  LONGTAKE_RETURN_IF_ERROR(
      CheckEntries(mask.size(), "update_mask.paths", kMaxListEntries));
  std::vector<FieldViolation> violations;
  for (size_t i = 0; i < mask.size(); ++i) {
    const std::string& path = mask[i];
    bool found = false;
    for (const auto& [name, set] : setters) {
      if (path == "*" || path == name) {
        set(*to, from);
        found = true;
      }
    }
    if (!found) {
      violations.push_back(
          {absl::StrCat("update_mask.paths[", i, "]"),
           absl::StrCat("\"", path, "\" is not an updatable field; use one of ",
                        absl::StrJoin(names, ", "), " or *")});
    }
  }
  if (!violations.empty()) return InvalidArguments(std::move(violations));
  return absl::OkStatus();
}

}  // namespace longtake
