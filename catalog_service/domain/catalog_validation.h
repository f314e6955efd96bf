#pragma once

// Checking and completing resources before they are written: field limits
// (their numbers are common/domain/field_limits.h's), resource names, credits
// resolved to people, sequence positions, derived timecode descriptions, and
// the etag/timestamps every stored resource gets. Shared by the writes
// (catalog_writes.cc), the importer and the seed loader.
//
//   Violations v;
//   PrepareFilm(&film, "film", StateResolver(state), &v);
//   if (!v.empty()) return InvalidArguments(std::move(v));
//   Stamp(&film, now, now);

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "catalog_service/domain/model.h"
#include "common/domain/field_limits.h"
#include "common/status/errors.h"

namespace longtake::catalog::internal {

class CatalogState;  // catalog_service/domain/catalog_state.h

using Violations = std::vector<FieldViolation>;

// ---- Resource names ----

// "films/{slug}" -> "slug"; nullopt when `name` does not match.
std::optional<std::string> ParseName(absl::string_view name,
                                     absl::string_view collection);
// "films/{film}/sequences/{seq}" -> {"films/{film}", "seq"}.
struct SequenceName {
  std::string film;  // "films/{film}"
  std::string id;
};
std::optional<SequenceName> ParseSequenceName(absl::string_view name);
// INVALID_ARGUMENT naming `field`: `name` does not match `pattern`.
absl::Status BadName(absl::string_view field, absl::string_view name,
                     absl::string_view pattern);
// `base`, or `base-2`, `base-3`, ... : the first id under `film` that neither
// the read model nor `taken` already has.
std::string UniqueSequenceId(const CatalogState& state, const std::string& film,
                             const std::string& base,
                             const absl::flat_hash_set<std::string>& taken);

// ---- Field checks ----

// "prefix.field".
std::string FieldPath(absl::string_view prefix, absl::string_view field);
bool Blank(absl::string_view s);
// "is required" when `required` and blank; too long above `max` bytes.
void CheckText(const std::string& value, const std::string& field,
               bool required, size_t max, Violations* v);

// What validation may look up besides the value itself.
struct Resolver {
  // The display name of the named person; nullopt when unknown.
  std::function<std::optional<std::string>(const std::string&)>
      person_display_name;
  std::function<bool(const std::string&)> era_exists;
  std::function<const Sequence*(const std::string&)> sequence;
  // The name of the film holding an external id (ExternalIdKeys form), or
  // empty.
  std::function<std::string(const std::string&)> film_with_external_id;
};
// Writes not yet in the read model (an import entry, the seed), looked up
// before it. When `sequences` is given, it holds the only sequences.
struct PendingWrites {
  const std::map<std::string, Person>* people = nullptr;
  const std::map<std::string, Era>* eras = nullptr;
  const std::map<std::string, Sequence>* sequences = nullptr;
};
// Looks everything up in the read model, with `pending` laid over it.
Resolver StateResolver(const CatalogState& state, PendingWrites pending = {});

// Each appends one violation per bad field, named under `prefix`.
// Validates a film and fills its credits' display names.
void PrepareFilm(Film* film, const std::string& prefix, const Resolver& r,
                 Violations* v);
void PreparePerson(Person* person, const std::string& prefix, Violations* v);
// Validates a sequence of `film` (its name already set) and derives the
// timecode description when empty.
void PrepareSequence(Sequence* sequence, const std::string& film,
                     const std::string& prefix, const Resolver& r,
                     Violations* v);

// ---- Timecodes ----

// "at 1:02:10", "around 25:00", "the opening", "about three quarters
// through", "before <title>"; `relative_title` is the title of
// start.relative_to.
std::string DescribeTimecode(const Timecode& start,
                             absl::string_view relative_title);
// "1:02:10" for 3730 s, "25:00" for 1500 s.
std::string FormatClock(absl::Duration d);

// ---- Etags and timestamps ----

// The fingerprint of the stored content (common/domain/etag.h).
std::string ComputeEtag(const Film& film);
std::string ComputeEtag(const Person& person);
std::string ComputeEtag(const Sequence& sequence);

template <typename T>
void Stamp(T* value, absl::Time create_time, absl::Time now) {
  value->create_time = create_time;
  value->update_time = now;
  value->etag = ComputeEtag(*value);
}

}  // namespace longtake::catalog::internal
