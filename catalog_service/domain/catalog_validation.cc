#include "catalog_service/domain/catalog_validation.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/json_codec.h"
#include "common/domain/etag.h"
#include "common/domain/region_code.h"
#include "common/text/slug.h"

namespace longtake::catalog::internal {

std::optional<std::string> ParseName(absl::string_view name,
                                     absl::string_view collection) {
  std::string prefix = absl::StrCat(collection, "/");
  if (!absl::StartsWith(name, prefix)) return std::nullopt;
  absl::string_view id = name.substr(prefix.size());
  if (!IsValidSlug(id)) return std::nullopt;
  return std::string(id);
}

std::optional<SequenceName> ParseSequenceName(absl::string_view name) {
  constexpr absl::string_view kMid = "/sequences/";
  size_t pos = name.find(kMid);
  if (pos == absl::string_view::npos) return std::nullopt;
  absl::string_view film = name.substr(0, pos);
  absl::string_view id = name.substr(pos + kMid.size());
  if (!ParseName(film, "films") || !IsValidSlug(id)) return std::nullopt;
  return SequenceName{std::string(film), std::string(id)};
}

absl::Status BadName(absl::string_view field, absl::string_view name,
                     absl::string_view pattern) {
  return InvalidArgument(
      field, absl::StrCat("\"", name, "\" is not a resource name of the form ",
                          pattern));
}

std::string UniqueSequenceId(const CatalogState& state, const std::string& film,
                             const std::string& base,
                             const absl::flat_hash_set<std::string>& taken) {
  std::string id = base;
  for (int n = 2;
       state.FindSequence(absl::StrCat(film, "/sequences/", id)) != nullptr ||
       taken.contains(id);
       ++n) {
    std::string suffix = absl::StrCat("-", n);
    id = absl::StrCat(base.substr(0, 63 - suffix.size()), suffix);
  }
  return id;
}

std::string FieldPath(absl::string_view prefix, absl::string_view field) {
  return absl::StrCat(prefix, ".", field);
}

bool Blank(absl::string_view s) {
  return absl::StripAsciiWhitespace(s).empty();
}

void CheckText(const std::string& value, const std::string& field,
               bool required, size_t max, Violations* v) {
  if (required && Blank(value)) {
    v->push_back({field, "is required"});
  } else {
    CheckBytes(value, field, max, v);
  }
}

namespace {

constexpr int kMinYear = 1870;
constexpr int kMaxYear = 2100;

std::string Idx(const std::string& prefix, const char* field, size_t i) {
  return absl::StrCat(prefix, ".", field, "[", i, "]");
}
std::string F(const std::string& prefix, const char* field) {
  return FieldPath(prefix, field);
}

// The entries of a list are looked at only when there are not too many.
bool CheckListSize(size_t size, const std::string& prefix, const char* field,
                   Violations* v) {
  return CheckEntries(size, F(prefix, field), kMaxCatalogListEntries, v);
}

void CheckTextList(const std::vector<std::string>& values,
                   const std::string& prefix, const char* field,
                   Violations* v) {
  if (!CheckListSize(values.size(), prefix, field, v)) return;
  for (size_t i = 0; i < values.size(); ++i) {
    CheckText(values[i], Idx(prefix, field, i), true, kMaxCatalogTextBytes, v);
  }
}

void CheckYear(int year, const std::string& field, Violations* v) {
  if (year != 0 && (year < kMinYear || year > kMaxYear)) {
    v->push_back(
        {field, absl::StrCat("must be between ", kMinYear, " and ", kMaxYear,
                             ", or 0 when unknown (got ", year, ")")});
  }
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// Well-formed ids, each held by this film only.
void CheckExternalIds(const Film& film, const std::string& p, const Resolver& r,
                      Violations* v) {
  const ExternalIds& ids = film.external_ids;
  const std::string ids_path = F(p, "external_ids");
  absl::string_view imdb = ids.imdb_id;
  if (!imdb.empty() && !(absl::ConsumePrefix(&imdb, "tt") && imdb.size() >= 7 &&
                         imdb.size() <= 10 && AllDigits(imdb))) {
    v->push_back({F(ids_path, "imdb_id"),
                  "must be \"tt\" and 7 to 10 digits, e.g. \"tt0050634\""});
  }
  if (ids.tmdb_id < 0) {
    v->push_back(
        {F(ids_path, "tmdb_id"), "must be positive, or 0 when unknown"});
  }
  absl::string_view wikidata = ids.wikidata_id;
  if (!wikidata.empty() &&
      !(absl::ConsumePrefix(&wikidata, "Q") && wikidata.size() <= 12 &&
        AllDigits(wikidata) && wikidata[0] != '0')) {
    v->push_back({F(ids_path, "wikidata_id"),
                  "must be \"Q\" and digits, e.g. \"Q467545\""});
  }
  if (!r.film_with_external_id) return;
  for (const auto& [field, key] : ExternalIdKeys(ids)) {
    const std::string holder = r.film_with_external_id(key);
    if (!holder.empty() && holder != film.name) {
      v->push_back({F(ids_path, field.c_str()),
                    absl::StrCat("is already the id of ", holder)});
    }
  }
}

// Genres are lowercased here; each is a short phrase.
void PrepareGenres(std::vector<std::string>* genres, const std::string& p,
                   Violations* v) {
  if (!CheckListSize(genres->size(), p, "genres", v)) return;
  for (size_t i = 0; i < genres->size(); ++i) {
    std::string& genre = (*genres)[i];
    genre = absl::AsciiStrToLower(absl::StripAsciiWhitespace(genre));
    CheckText(genre, Idx(p, "genres", i), true, kMaxLabelBytes, v);
  }
}

void CheckRatings(const std::vector<Rating>& ratings, const std::string& p,
                  Violations* v) {
  if (!CheckListSize(ratings.size(), p, "ratings", v)) return;
  for (size_t i = 0; i < ratings.size(); ++i) {
    const std::string rp = Idx(p, "ratings", i);
    const Rating& rating = ratings[i];
    if (CheckBytes(rating.source, F(rp, "source"), kMaxLabelBytes, v) &&
        !IsValidSlug(rating.source)) {
      v->push_back(
          {F(rp, "source"), "must be a short lowercase name such as \"imdb\""});
    }
    for (size_t k = 0; k < i; ++k) {
      if (ratings[k].source == rating.source) {
        v->push_back(
            {F(rp, "source"), absl::StrCat("repeats ", rating.source,
                                           ": one rating per source")});
      }
    }
    if (!std::isfinite(rating.value) || rating.value < 0 || rating.value > 10) {
      v->push_back({F(rp, "value"), "must be between 0 and 10"});
    }
    if (rating.votes < 0) {
      v->push_back({F(rp, "votes"), "must be positive, or 0 when unknown"});
    }
  }
}

bool IsLanguageTag(const std::string& s) {
  if (s.empty() || s.size() > 35) return false;
  std::vector<std::string> parts = absl::StrSplit(s, '-');
  if (parts[0].size() < 2 || parts[0].size() > 8) return false;
  for (char c : parts[0]) {
    if (!absl::ascii_isalpha(c)) return false;
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].empty() || parts[i].size() > 8) return false;
    for (char c : parts[i]) {
      if (!absl::ascii_isalnum(c)) return false;
    }
  }
  return true;
}

// Countries and languages: codes, each bounded by its format.
void CheckFilmCountriesAndLanguages(const Film& film, const std::string& p,
                                    Violations* v) {
  if (CheckListSize(film.countries.size(), p, "countries", v)) {
    for (size_t i = 0; i < film.countries.size(); ++i) {
      if (!IsFilmCountry(film.countries[i])) {
        v->push_back(
            {Idx(p, "countries", i),
             "must be an ISO 3166 alpha-2 code in upper case, of today "
             "or of a former country, such as \"FR\" or \"SU\""});
      }
    }
  }
  if (CheckListSize(film.languages.size(), p, "languages", v)) {
    for (size_t i = 0; i < film.languages.size(); ++i) {
      if (!IsLanguageTag(film.languages[i])) {
        v->push_back({Idx(p, "languages", i),
                      "must be a BCP-47 language tag, such as \"ru\""});
      }
    }
  }
}

// Each credit names a known person (whose display name it takes) in a role.
void CheckCredits(std::vector<Credit>* credits, const std::string& p,
                  const Resolver& r, Violations* v) {
  if (!CheckListSize(credits->size(), p, "credits", v)) return;
  for (size_t i = 0; i < credits->size(); ++i) {
    Credit& c = (*credits)[i];
    std::string cp = Idx(p, "credits", i);
    if (c.person.empty()) {
      v->push_back({F(cp, "person"), "is required"});
    } else if (!ParseName(c.person, "people")) {
      v->push_back({F(cp, "person"),
                    "must be a person's resource name such as "
                    "\"people/mikhail-kalatozov\""});
    } else if (std::optional<std::string> display =
                   r.person_display_name(c.person)) {
      c.display_name = *std::move(display);
    } else {
      v->push_back({F(cp, "person"), absl::StrCat(c.person, " not found")});
    }
    if (c.role == CreditRole::kUnspecified || CreditRoleName(c.role).empty()) {
      v->push_back({F(cp, "role"),
                    "is required (a CreditRole such as CREDIT_ROLE_DIRECTOR)"});
    }
    CheckText(c.character, F(cp, "character"), false, kMaxCatalogTextBytes, v);
    CheckText(c.note, F(cp, "note"), false, kMaxCatalogTextBytes, v);
  }
}

void CheckAwards(const std::vector<Award>& awards, const std::string& p,
                 Violations* v) {
  if (!CheckListSize(awards.size(), p, "awards", v)) return;
  for (size_t i = 0; i < awards.size(); ++i) {
    std::string ap = Idx(p, "awards", i);
    CheckText(awards[i].name, F(ap, "name"), true, kMaxCatalogTextBytes, v);
    CheckText(awards[i].event, F(ap, "event"), false, kMaxCatalogTextBytes, v);
    CheckText(awards[i].category, F(ap, "category"), false,
              kMaxCatalogTextBytes, v);
    CheckYear(awards[i].year, F(ap, "year"), v);
  }
}

template <typename T>
std::string EtagWithoutEtag(const T& value) {
  T copy = value;
  copy.etag.clear();
  return EtagOf(ToJson(copy).dump());
}

// Each element must be a named value other than the enum's UNSPECIFIED.
template <typename E, typename NameFn>
void CheckEnumList(const std::vector<E>& values, NameFn name,
                   const std::string& prefix, const char* field,
                   const char* what, Violations* v) {
  if (!CheckListSize(values.size(), prefix, field, v)) return;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == E::kUnspecified || name(values[i]).empty()) {
      v->push_back({Idx(prefix, field, i), what});
    }
  }
}

}  // namespace

Resolver StateResolver(const CatalogState& state, PendingWrites pending) {
  const CatalogState* s = &state;
  return Resolver{
      [s, pending](const std::string& n) -> std::optional<std::string> {
        if (pending.people != nullptr) {
          auto it = pending.people->find(n);
          if (it != pending.people->end()) return it->second.display_name;
        }
        const PersonRecord* rec = s->FindPerson(n);
        if (rec == nullptr) return std::nullopt;
        return std::string(rec->display_name());
      },
      [s, pending](const std::string& n) {
        return (pending.eras != nullptr && pending.eras->count(n) > 0) ||
               s->eras.count(n) > 0;
      },
      [s, pending](const std::string& n) -> const Sequence* {
        if (pending.sequences == nullptr) return s->FindSequence(n);
        auto it = pending.sequences->find(n);
        return it != pending.sequences->end() ? &it->second : nullptr;
      },
      [s](const std::string& key) -> std::string {
        const FilmRecord* rec = s->FindByExternalId(key);
        return rec == nullptr ? "" : std::string(rec->name());
      },
  };
}

// Validates a film and fills credits' display names.
void PrepareFilm(Film* film, const std::string& p, const Resolver& r,
                 Violations* v) {
  CheckText(film->title, F(p, "title"), true, kMaxCatalogTextBytes, v);
  CheckTextList(film->original_titles, p, "original_titles", v);
  CheckTextList(film->aliases, p, "aliases", v);
  CheckYear(film->year, F(p, "year"), v);
  if (film->runtime_minutes < 0 || film->runtime_minutes > 10000) {
    v->push_back({F(p, "runtime_minutes"),
                  "must be between 0 and 10000 minutes (0 when unknown)"});
  }
  CheckFilmCountriesAndLanguages(*film, p, v);
  CheckText(film->synopsis, F(p, "synopsis"), false, kMaxCatalogLongTextBytes,
            v);
  CheckCredits(&film->credits, p, r, v);
  CheckAwards(film->awards, p, v);
  if (CheckListSize(film->eras.size(), p, "eras", v)) {
    for (size_t i = 0; i < film->eras.size(); ++i) {
      if (!ParseName(film->eras[i], "eras")) {
        v->push_back({Idx(p, "eras", i),
                      "must be an era's resource name such as "
                      "\"eras/khrushchev-thaw\""});
      } else if (!r.era_exists(film->eras[i])) {
        v->push_back(
            {Idx(p, "eras", i), absl::StrCat("unknown era ", film->eras[i])});
      }
    }
  }
  CheckTextList(film->studios, p, "studios", v);
  CheckTextList(film->notes, p, "notes", v);
  CheckExternalIds(*film, p, r, v);
  PrepareGenres(&film->genres, p, v);
  CheckRatings(film->ratings, p, v);
}

void PreparePerson(Person* person, const std::string& p, Violations* v) {
  CheckText(person->display_name, F(p, "display_name"), true,
            kMaxCatalogTextBytes, v);
  CheckTextList(person->aliases, p, "aliases", v);
  auto check = [&](int year, const char* field) {
    if (year != 0 && (year < 1000 || year > kMaxYear)) {
      v->push_back(
          {F(p, field), absl::StrCat("must be between 1000 and ", kMaxYear,
                                     ", or 0 when unknown")});
    }
  };
  check(person->birth_year, "birth_year");
  check(person->death_year, "death_year");
  if (person->birth_year != 0 && person->death_year != 0 &&
      person->death_year < person->birth_year) {
    v->push_back({F(p, "death_year"), "must not be before birth_year"});
  }
  CheckEnumList(person->known_roles, CreditRoleName, p, "known_roles",
                "must be a CreditRole other than UNSPECIFIED", v);
  CheckText(person->biography, F(p, "biography"), false,
            kMaxCatalogLongTextBytes, v);
}

// Validates a sequence of `film` (its name already set) and derives the
// timecode description when empty.
void PrepareSequence(Sequence* s, const std::string& film, const std::string& p,
                     const Resolver& r, Violations* v) {
  using Pr = Timecode::Precision;
  CheckText(s->title, F(p, "title"), true, kMaxCatalogTextBytes, v);
  CheckText(s->description, F(p, "description"), false,
            kMaxCatalogLongTextBytes, v);
  CheckText(s->filming_method, F(p, "filming_method"), false,
            kMaxCatalogLongTextBytes, v);
  CheckTextList(s->characters, p, "characters", v);
  std::string sp = F(p, "start");
  Timecode& t = s->start;
  std::string relative_title;
  switch (t.precision) {
    case Pr::kExact:
    case Pr::kApproximate:
      if (t.offset < absl::ZeroDuration() || t.offset > absl::Hours(48)) {
        v->push_back({F(sp, "offset"), "must be between 0 and 48 hours"});
      }
      break;
    case Pr::kFractionOfRuntime:
      if (!std::isfinite(t.fraction) || t.fraction < 0 || t.fraction > 1) {
        v->push_back({F(sp, "fraction"),
                      "must be between 0.0 (the opening) and 1.0 (the end)"});
      }
      break;
    case Pr::kRelative: {
      if (t.relation != Timecode::Relation::kBefore &&
          t.relation != Timecode::Relation::kAfter) {
        v->push_back({F(sp, "relation"),
                      "is required for PRECISION_RELATIVE (RELATION_BEFORE or "
                      "RELATION_AFTER)"});
      }
      auto target = ParseSequenceName(t.relative_to);
      if (t.relative_to.empty()) {
        v->push_back(
            {F(sp, "relative_to"), "is required for PRECISION_RELATIVE"});
      } else if (!target || target->film != film) {
        v->push_back({F(sp, "relative_to"),
                      absl::StrCat("must name another sequence of ", film, " (",
                                   film, "/sequences/...)")});
      } else if (t.relative_to == s->name) {
        v->push_back(
            {F(sp, "relative_to"), "must not name the sequence itself"});
      } else {
        const Sequence* other = r.sequence(t.relative_to);
        if (other == nullptr) {
          v->push_back({F(sp, "relative_to"),
                        absl::StrCat(t.relative_to, " not found")});
        } else {
          relative_title = other->title;
          // Follow the chain: it must not come back here.
          const Sequence* cur = other;
          for (int hops = 0; cur != nullptr && hops < 1000; ++hops) {
            if (cur->start.precision != Pr::kRelative) break;
            if (cur->start.relative_to == s->name) {
              v->push_back({F(sp, "relative_to"),
                            "makes a cycle of relative positions"});
              break;
            }
            cur = r.sequence(cur->start.relative_to);
          }
        }
      }
      break;
    }
    case Pr::kUnspecified:
    default:
      v->push_back({F(sp, "precision"),
                    "is required: PRECISION_EXACT, PRECISION_APPROXIMATE, "
                    "PRECISION_FRACTION_OF_RUNTIME or PRECISION_RELATIVE"});
      break;
  }
  CheckText(t.description, F(sp, "description"), false, kMaxCatalogTextBytes,
            v);
  if (t.description.empty())
    t.description = DescribeTimecode(t, relative_title);
  if (s->duration < absl::ZeroDuration() || s->duration > absl::Hours(48)) {
    v->push_back({F(p, "duration"), "must be between 0 and 48 hours"});
  }
  CheckEnumList(s->techniques, CameraTechniqueName, p, "techniques",
                "must be a CameraTechnique other than UNSPECIFIED", v);
}

std::string FormatClock(absl::Duration d) {
  int64_t total = absl::ToInt64Seconds(d);
  if (total < 0) total = 0;
  int64_t h = total / 3600, m = (total / 60) % 60, s = total % 60;
  if (h > 0) return absl::StrFormat("%d:%02d:%02d", h, m, s);
  return absl::StrFormat("%d:%02d", m, s);
}

std::string DescribeTimecode(const Timecode& t,
                             absl::string_view relative_title) {
  using P = Timecode::Precision;
  switch (t.precision) {
    case P::kExact:
      return absl::StrCat("at ", FormatClock(t.offset));
    case P::kApproximate:
      return absl::StrCat("around ", FormatClock(t.offset));
    case P::kFractionOfRuntime: {
      double f = t.fraction;
      auto near = [&](double x) { return std::fabs(f - x) < 0.02; };
      if (f <= 0) return "the opening";
      if (f >= 1) return "the ending";
      if (f <= 0.1) return "very early";
      if (near(0.25)) return "about a quarter through";
      if (near(1.0 / 3)) return "about a third through";
      if (near(0.5)) return "about halfway through";
      if (near(2.0 / 3)) return "about two thirds through";
      if (near(0.75)) return "about three quarters through";
      if (f >= 0.9) return "near the end";
      return absl::StrCat("about ", static_cast<int>(std::lround(f * 100)),
                          "% through");
    }
    case P::kRelative: {
      const char* rel =
          t.relation == Timecode::Relation::kAfter ? "after " : "before ";
      return absl::StrCat(rel, relative_title.empty()
                                   ? absl::string_view(t.relative_to)
                                   : relative_title);
    }
    case P::kUnspecified:
      break;
  }
  return "";
}

std::string ComputeEtag(const Film& film) { return EtagWithoutEtag(film); }
std::string ComputeEtag(const Person& person) {
  return EtagWithoutEtag(person);
}
std::string ComputeEtag(const Sequence& sequence) {
  return EtagWithoutEtag(sequence);
}

}  // namespace longtake::catalog::internal
