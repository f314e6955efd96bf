#pragma once

// Which catalogue field a key of an import file stands for, the same for
// every format (JSON keys, CSV headers): keys are compared by their letters
// and digits only, in any case ("Running Time (min)" -> "runningtimemin",
// "release_date" = "Release Date"), and the usual words of film lists are
// synonyms ("Release Date" -> year, "Overview" -> synopsis, "Actors" ->
// cast). What the table lacks the user names with --map:
//
//   KeyMap keys;
//   absl::Status s = keys.Add("Premiere=year,Photography=cinematographers");
//   keys.Find("Release Date");  // ImportField::kYear (a synonym)
//   keys.Find("premiere");      // ImportField::kYear (from --map)
//   keys.Find("Budget");        // nullopt: reported as an unknown key

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace longtake::cli {

enum class ImportField {
  kTitle,
  kYear,
  kRuntimeMinutes,
  kOriginalTitles,
  kAliases,
  kCountries,
  kLanguages,
  kStudios,
  kNotes,
  kSynopsis,
  kFilmId,
  kDirectors,
  kCinematographers,
  kCast,
  kWriters,
  kComposers,
  kCredits,
  kSequences,
  kGenres,
  kImdbId,
  kTmdbId,
  kWikidataId,
  kRatings,  // [{"source": "imdb", "value": 8.3, "votes": 30000}]
  kImdbRating,
  kImdbVotes,
  kTmdbRating,
  kTmdbVotes,
};

// The field's own name, as docs/cli.md lists it: "title", "runtime_minutes".
std::string FieldName(ImportField field);

// Lower-case ASCII letters and digits only (bytes beyond ASCII are kept, so
// a Cyrillic key still means itself): "Release_Date" -> "releasedate".
std::string NormalizeKey(absl::string_view key);

class KeyMap {
 public:
  // Adds "KEY=FIELD" mappings, several separated by ','. FIELD is a field's
  // name or synonym. InvalidArgument naming the item for an unknown FIELD or
  // an item that is not KEY=FIELD.
  absl::Status Add(absl::string_view spec);

  // The field `key` stands for: a --map mapping first, then the field names
  // and synonyms; nullopt when the importer does not know the key.
  std::optional<ImportField> Find(absl::string_view key) const;

 private:
  std::map<std::string, ImportField> mapped_;  // by normalized key
};

}  // namespace longtake::cli
