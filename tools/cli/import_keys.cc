#include "tools/cli/import_keys.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace longtake::cli {
namespace {

struct FieldKeys {
  ImportField field;
  const char* name;
  // Normalized synonyms (NormalizeKey) besides the name itself.
  std::vector<const char*> synonyms;
};

// The fields in the order docs/cli.md lists them, each with the words
// exported film lists (spreadsheets, TMDB/IMDb-like dumps) use for it.
const std::vector<FieldKeys>& Fields() {
  static const auto* fields = new std::vector<FieldKeys>{
      {ImportField::kTitle,
       "title",
       {"filmtitle", "movietitle", "primarytitle"}},
      {ImportField::kYear,
       "year",
       {"releasedate", "releaseyear", "date", "released", "startyear"}},
      {ImportField::kRuntimeMinutes,
       "runtime_minutes",
       {"runtime", "runtimemin", "runtimemins", "runtimeinminutes",
        "runningtime", "runningtimemin", "runningtimemins",
        "runningtimeminutes", "minutes"}},
      {ImportField::kOriginalTitles, "original_titles", {"originaltitle"}},
      {ImportField::kAliases,
       "aliases",
       {"alias", "aka", "akas", "alsoknownas", "alternativetitles"}},
      {ImportField::kCountries,
       "countries",
       {"country", "productioncountries", "countryoforigin"}},
      {ImportField::kLanguages,
       "languages",
       {"language", "originallanguage", "spokenlanguages"}},
      {ImportField::kStudios,
       "studios",
       {"studio", "productioncompanies", "productioncompany"}},
      {ImportField::kNotes, "notes", {"note"}},
      {ImportField::kSynopsis,
       "synopsis",
       {"overview", "plot", "plotsummary", "summary", "description"}},
      {ImportField::kFilmId, "film_id", {}},
      {ImportField::kDirectors, "directors", {"director", "directedby"}},
      {ImportField::kCinematographers,
       "cinematographers",
       {"cinematographer", "cinematography", "directorofphotography", "dop"}},
      {ImportField::kCast, "cast", {"actors", "actor", "stars", "starring"}},
      {ImportField::kWriters, "writers", {"writer", "writtenby", "screenplay"}},
      {ImportField::kComposers, "composers", {"composer", "music"}},
      {ImportField::kCredits, "credits", {}},
      {ImportField::kSequences, "sequences", {}},
      {ImportField::kGenres, "genres", {"genre"}},
      {ImportField::kImdbId,
       "imdb_id",
       {"imdb", "imdbtitleid", "tconst", "imdbidentifier"}},
      {ImportField::kTmdbId, "tmdb_id", {"tmdb", "tmdbmovieid"}},
      {ImportField::kWikidataId, "wikidata_id", {"wikidata", "wikidataitem"}},
      {ImportField::kRatings, "ratings", {}},
      {ImportField::kImdbRating, "imdb_rating", {"averagerating"}},
      {ImportField::kImdbVotes, "imdb_votes", {"numvotes"}},
      {ImportField::kTmdbRating, "tmdb_rating", {"voteaverage"}},
      {ImportField::kTmdbVotes, "tmdb_votes", {"votecount"}},
  };
  return *fields;
}

// Every name and synonym, normalized, with its field.
const std::map<std::string, ImportField>& KnownKeys() {
  static const auto* known = [] {
    auto* out = new std::map<std::string, ImportField>;
    for (const FieldKeys& f : Fields()) {
      out->emplace(NormalizeKey(f.name), f.field);
      for (const char* s : f.synonyms) out->emplace(s, f.field);
    }
    return out;
  }();
  return *known;
}

std::optional<ImportField> FindKnown(absl::string_view key) {
  auto it = KnownKeys().find(NormalizeKey(key));
  if (it == KnownKeys().end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::string FieldName(ImportField field) {
  for (const FieldKeys& f : Fields()) {
    if (f.field == field) return f.name;
  }
  return "";
}

std::string NormalizeKey(absl::string_view key) {
  std::string out;
  for (char c : key) {
    if (absl::ascii_isalnum(c) || static_cast<unsigned char>(c) >= 0x80) {
      out.push_back(absl::ascii_tolower(c));
    }
  }
  return out;
}

absl::Status KeyMap::Add(absl::string_view spec) {
  for (absl::string_view item : absl::StrSplit(spec, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) continue;
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    const absl::string_view key = absl::StripAsciiWhitespace(kv.first);
    const absl::string_view target = absl::StripAsciiWhitespace(kv.second);
    if (NormalizeKey(key).empty() || item.find('=') == item.npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--map \"", item, "\": expected KEY=FIELD"));
    }
    std::optional<ImportField> field = FindKnown(target);
    if (!field) {
      std::vector<std::string> names;
      for (const FieldKeys& f : Fields()) names.push_back(f.name);
      return absl::InvalidArgumentError(
          absl::StrCat("--map \"", item, "\": unknown field \"", target,
                       "\" (fields: ", absl::StrJoin(names, ", "), ")"));
    }
    mapped_[NormalizeKey(key)] = *field;
  }
  return absl::OkStatus();
}

std::optional<ImportField> KeyMap::Find(absl::string_view key) const {
  auto it = mapped_.find(NormalizeKey(key));
  if (it != mapped_.end()) return it->second;
  return FindKnown(key);
}

}  // namespace longtake::cli
