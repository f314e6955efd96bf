#pragma once

// Resource ids (the last segment of "films/{id}", "users/{id}", ...) and the
// slugs made from free text. The one place both services and the CLI learn
// what an id may look like, so "Летят журавли" gives the same name
// everywhere.
//
//   IsValidSlug("the-cranes-are-flying")     -> true
//   Slugify("Летят журавли", "film")         -> "letyat-zhuravli"
//   Slugify("!!!", "film")                   -> "film"

#include <string>

#include "absl/strings/string_view.h"

namespace longtake {

// Longest id a resource may have (AIP-122 recommends 63).
inline constexpr size_t kMaxSlugLength = 63;

// Lower-case letters, digits and hyphens, 1..63 characters, starting with a
// letter or digit.
bool IsValidSlug(absl::string_view id);

// A slug for free text: folded with FoldText (accents dropped, Cyrillic
// transliterated), non-alphanumerics turned into single hyphens, cut to 63
// characters. Returns `fallback` when nothing usable remains.
std::string Slugify(absl::string_view text, absl::string_view fallback);

}  // namespace longtake
