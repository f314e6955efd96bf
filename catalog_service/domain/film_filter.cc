#include "catalog_service/domain/film_filter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog_validation.h"
#include "catalog_service/domain/json_codec.h"
#include "common/status/errors.h"
#include "common/text/text_folding.h"

namespace longtake::catalog::internal {
namespace {

struct FieldSpec {
  const char* name;
  FilmField field;
  bool numeric;  // compared with <, <=, >, >= too
};

const std::vector<FieldSpec>& FieldSpecs() {
  static const auto* specs = new std::vector<FieldSpec>{
      {"year", FilmField::kYear, true},
      {"runtime", FilmField::kRuntime, true},
      {"rating", FilmField::kRating, true},
      {"title", FilmField::kTitle, false},
      {"country", FilmField::kCountry, false},
      {"language", FilmField::kLanguage, false},
      {"genre", FilmField::kGenre, false},
      {"person", FilmField::kPerson, false},
      {"role", FilmField::kRole, false},
      {"era", FilmField::kEra, false},
      {"technique", FilmField::kTechnique, false},
      {"imdb_id", FilmField::kImdbId, false},
      {"tmdb_id", FilmField::kTmdbId, true},
      {"wikidata_id", FilmField::kWikidataId, false},
  };
  return *specs;
}

absl::Status NeedsResourceName(const Condition& c, const char* example) {
  return InvalidFilter(absl::StrCat(c.field,
                                    " needs a resource name such as \"",
                                    example, "\"; got \"", c.value, "\""));
}

// Checks and converts one condition's value for its field.
absl::StatusOr<FilmCondition> Convert(const Condition& c) {
  const FieldSpec* spec = nullptr;
  for (const FieldSpec& s : FieldSpecs()) {
    if (c.field == s.name) spec = &s;
  }
  FilmCondition out;
  out.field = spec->field;
  out.op = c.op;
  if (!spec->numeric && c.op != "=" && c.op != "!=") {
    return InvalidFilter(absl::StrCat(c.field, " supports only = and !="));
  }
  if (spec->numeric) {
    if (c.quoted || !absl::SimpleAtod(c.value, &out.number) ||
        std::abs(out.number) > 1e15) {
      return InvalidFilter(absl::StrCat(c.field, " needs a number, e.g. ",
                                        c.field, " >= 1955; got \"", c.value,
                                        "\""));
    }
    return out;
  }
  switch (out.field) {
    case FilmField::kTitle:
      out.prefix = absl::EndsWith(c.value, "*");
      out.text = FoldText(out.prefix ? c.value.substr(0, c.value.size() - 1)
                                     : c.value);
      if (out.text.empty()) {
        return InvalidFilter("title needs some letters or digits");
      }
      break;
    case FilmField::kCountry:
      out.text = absl::AsciiStrToUpper(c.value);
      break;
    case FilmField::kLanguage:
    case FilmField::kGenre:
      out.text = absl::AsciiStrToLower(c.value);
      break;
    case FilmField::kPerson:
      if (!ParseName(c.value, "people")) {
        return NeedsResourceName(c, "people/mikhail-kalatozov");
      }
      out.text = c.value;
      break;
    case FilmField::kEra:
      if (!ParseName(c.value, "eras")) {
        return NeedsResourceName(c, "eras/khrushchev-thaw");
      }
      out.text = c.value;
      break;
    case FilmField::kRole: {
      auto role = ParseCreditRole(c.value);
      if (!role || *role == CreditRole::kUnspecified) {
        return InvalidFilter(absl::StrCat("unknown role \"", c.value,
                                          "\"; use a CreditRole name such as "
                                          "\"CREDIT_ROLE_DIRECTOR\""));
      }
      out.role = *role;
      break;
    }
    case FilmField::kTechnique: {
      auto technique = ParseCameraTechnique(c.value);
      if (!technique || *technique == CameraTechnique::kUnspecified) {
        return InvalidFilter(
            absl::StrCat("unknown technique \"", c.value,
                         "\"; use a CameraTechnique name such as "
                         "\"CAMERA_TECHNIQUE_CRANE_SHOT\""));
      }
      out.technique = *technique;
      break;
    }
    default:  // imdb_id, wikidata_id
      out.text = c.value;
      break;
  }
  return out;
}

absl::StatusOr<FilmPredicate> Compile(const FilterExpr& e) {
  FilmPredicate p;
  p.kind = e.kind;
  if (e.kind == FilterExpr::Kind::kCondition) {
    LONGTAKE_ASSIGN_OR_RETURN(p.condition, Convert(e.condition));
    return p;
  }
  for (const FilterExpr& operand : e.operands) {
    LONGTAKE_ASSIGN_OR_RETURN(FilmPredicate compiled, Compile(operand));
    p.operands.push_back(std::move(compiled));
  }
  return p;
}

bool Compare(double value, const std::string& op, double wanted) {
  if (op == "=") return value == wanted;
  if (op == "!=") return value != wanted;
  if (op == "<") return value < wanted;
  if (op == "<=") return value <= wanted;
  if (op == ">") return value > wanted;
  return value >= wanted;
}

bool Contains(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

// Whether the film satisfies `c` read as an equality (the caller negates
// for !=); numeric fields compare with the operator.
bool Holds(const CatalogState& state, const FilmRecord& rec, const Film& film,
           const FilmCondition& c) {
  switch (c.field) {
    case FilmField::kYear:
      return Compare(rec.year(), c.op, c.number);
    case FilmField::kRuntime:
      return Compare(rec.runtime_minutes(), c.op, c.number);
    case FilmField::kRating:
      return rec.rating() >= 0 && Compare(rec.rating(), c.op, c.number);
    case FilmField::kTmdbId:
      return Compare(static_cast<double>(film.external_ids.tmdb_id), c.op,
                     c.number);
    case FilmField::kTitle:
      return c.prefix ? rec.title_key().starts_with(c.text)
                      : rec.title_key() == c.text;
    case FilmField::kCountry:
      return Contains(film.countries, c.text);
    case FilmField::kLanguage:
      return Contains(film.languages, c.text);
    case FilmField::kGenre:
      return Contains(film.genres, c.text);
    case FilmField::kEra:
      return Contains(film.eras, c.text);
    case FilmField::kPerson:
      return std::any_of(film.credits.begin(), film.credits.end(),
                         [&](const Credit& k) { return k.person == c.text; });
    case FilmField::kRole:
      return std::any_of(film.credits.begin(), film.credits.end(),
                         [&](const Credit& k) { return k.role == c.role; });
    case FilmField::kTechnique:
      return state.TechniqueCount(c.technique, state.IndexOf(rec)) > 0;
    case FilmField::kImdbId:
      return film.external_ids.imdb_id == c.text;
    case FilmField::kWikidataId:
      return film.external_ids.wikidata_id == c.text;
  }
  return false;
}

bool Evaluate(const CatalogState& state, const FilmRecord& rec,
              const Film& film, const FilmPredicate& p) {
  switch (p.kind) {
    case FilterExpr::Kind::kCondition: {
      const FilmCondition& c = p.condition;
      const bool numeric =
          c.field == FilmField::kYear || c.field == FilmField::kRuntime ||
          c.field == FilmField::kRating || c.field == FilmField::kTmdbId;
      if (numeric || c.op == "=") return Holds(state, rec, film, c);
      return !Holds(state, rec, film, c);  // !=
    }
    case FilterExpr::Kind::kAnd:
      return std::all_of(p.operands.begin(), p.operands.end(),
                         [&](const FilmPredicate& o) {
                           return Evaluate(state, rec, film, o);
                         });
    case FilterExpr::Kind::kOr:
      return std::any_of(p.operands.begin(), p.operands.end(),
                         [&](const FilmPredicate& o) {
                           return Evaluate(state, rec, film, o);
                         });
    case FilterExpr::Kind::kNot:
      return !Evaluate(state, rec, film, p.operands[0]);
  }
  return false;
}

// Narrows the year range by `year op n`; false for != (not a range).
bool AddYearRange(const FilmCondition& c, FilmFilter* f) {
  const double n = c.number;
  const int year =
      static_cast<int>(std::clamp(n, double{INT_MIN + 1}, double{INT_MAX - 1}));
  const bool whole = n == year;
  if (c.op == "=") {
    if (!whole) {
      f->year_min = INT_MAX;  // no year is 1957.5
      f->year_max = INT_MIN;
      return true;
    }
    f->year_min = std::max(f->year_min, year);
    f->year_max = std::min(f->year_max, year);
  } else if (c.op == ">=" || c.op == ">") {
    int lowest = (c.op == ">" && whole) ? year + 1 : year + (whole ? 0 : 1);
    if (!whole && n < 0) lowest = year;
    f->year_min = std::max(f->year_min, lowest);
  } else if (c.op == "<=" || c.op == "<") {
    int highest = (c.op == "<" && whole) ? year - 1 : year;
    if (!whole && n < 0) highest = year - 1;
    f->year_max = std::min(f->year_max, highest);
  } else {
    return false;
  }
  return true;
}

// Moves a top-level condition into the index terms when one can answer it.
bool AddIndexTerm(const FilmCondition& c, FilmFilter* f) {
  if (c.field == FilmField::kYear) return AddYearRange(c, f);
  if (c.op != "=") return false;
  // Fields whose value is a key of an index of the same name.
  const std::pair<FilmField, std::vector<std::string>*> keyed[] = {
      {FilmField::kPerson, &f->persons},
      {FilmField::kEra, &f->eras},
      {FilmField::kGenre, &f->genres}};
  for (const auto& [field, keys] : keyed) {
    if (c.field != field) continue;
    keys->push_back(c.text);
    return true;
  }
  switch (c.field) {
    case FilmField::kRole:
      f->roles.push_back(c.role);
      return true;
    case FilmField::kTechnique:
      f->techniques.push_back(c.technique);
      return true;
    case FilmField::kImdbId:
    case FilmField::kWikidataId:
      f->external_ids.push_back(absl::StrCat(
          c.field == FilmField::kImdbId ? "imdb:" : "wikidata:", c.text));
      return true;
    case FilmField::kTmdbId:
      if (c.number != static_cast<double>(static_cast<int64_t>(c.number))) {
        return false;
      }
      f->external_ids.push_back(
          absl::StrCat("tmdb:", static_cast<int64_t>(c.number)));
      return true;
    case FilmField::kTitle:
      if (!c.prefix || !f->title_prefix.empty()) return false;
      f->title_prefix = c.text;
      return true;
    default:
      return false;
  }
}

}  // namespace

const std::vector<std::string>& FilmFields() {
  static const auto* names = [] {
    auto* v = new std::vector<std::string>();
    for (const FieldSpec& s : FieldSpecs()) v->push_back(s.name);
    return v;
  }();
  return *names;
}

absl::StatusOr<FilmFilter> ParseFilmFilter(absl::string_view filter) {
  LONGTAKE_ASSIGN_OR_RETURN(FilterExpr e,
                            ParseFilterExpr(filter, FilmFields()));
  LONGTAKE_ASSIGN_OR_RETURN(FilmPredicate all, Compile(e));
  std::vector<FilmPredicate> conjuncts;
  if (all.kind == FilterExpr::Kind::kAnd) {
    conjuncts = std::move(all.operands);
  } else {
    conjuncts.push_back(std::move(all));
  }
  FilmFilter f;
  for (FilmPredicate& p : conjuncts) {
    if (p.kind == FilterExpr::Kind::kCondition &&
        AddIndexTerm(p.condition, &f)) {
      continue;
    }
    f.rest.push_back(std::move(p));
  }
  return f;
}

bool MatchesFilmFilter(const CatalogState& state, const FilmRecord& rec,
                       const FilmFilter& f) {
  if (rec.year() < f.year_min || rec.year() > f.year_max) return false;
  for (const std::string& key : f.external_ids) {
    if (state.FindByExternalId(key) != &rec) return false;
  }
  if (!f.title_prefix.empty() && !rec.title_key().starts_with(f.title_prefix)) {
    return false;
  }
  // What the indexes answer, without decoding the film.
  const FilmIndex i = state.IndexOf(rec);
  auto in = [i](const FilmSet* set) {
    return set != nullptr && set->contains(i);
  };
  for (CameraTechnique t : f.techniques) {
    if (state.TechniqueCount(t, i) == 0) return false;
  }
  for (const std::string& era : f.eras) {
    if (!in(state.EraFilms(era))) return false;
  }
  for (const std::string& genre : f.genres) {
    if (!in(state.GenreFilms(genre))) return false;
  }
  for (const std::string& p : f.persons) {
    if (!in(state.PersonFilms(p))) return false;
  }
  if (f.persons.empty()) {
    for (CreditRole r : f.roles) {
      if (!in(&state.role_films[static_cast<size_t>(r)])) return false;
    }
  }
  const bool person_roles = !f.persons.empty() && !f.roles.empty();
  if (!person_roles && f.rest.empty()) return true;
  const Film film = state.Decode(rec);
  auto credited = [&](const std::string& person, CreditRole role) {
    for (const Credit& c : film.credits) {
      if (c.person == person && c.role == role) return true;
    }
    return false;
  };
  if (person_roles) {
    for (const std::string& p : f.persons) {
      for (CreditRole r : f.roles) {
        if (!credited(p, r)) return false;
      }
    }
  }
  for (const FilmPredicate& p : f.rest) {
    if (!Evaluate(state, rec, film, p)) return false;
  }
  return true;
}

}  // namespace longtake::catalog::internal
