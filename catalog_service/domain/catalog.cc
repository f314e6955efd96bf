#include "catalog_service/domain/catalog.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "catalog_service/domain/catalog_internal.h"
#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/json_codec.h"
#include "catalog_service/domain/catalog_store.h"
#include "common/log/logger.h"
#include "common/paging/page_token.h"
#include "common/status/errors.h"

namespace longtake::catalog {

using internal::CatalogState;
using internal::FilmKey;
using internal::FilmOrder;
using internal::FilmRec;

namespace {

constexpr int kMinYear = 1870;
constexpr int kMaxYear = 2100;
constexpr size_t kMaxTextBytes = 1000;
constexpr size_t kMaxLongTextBytes = 20000;
constexpr size_t kMaxBatch = 1000;

using Violations = std::vector<FieldViolation>;

std::string Idx(const std::string& prefix, const char* field, size_t i) {
  return absl::StrCat(prefix, ".", field, "[", i, "]");
}
std::string F(const std::string& prefix, const char* field) {
  return absl::StrCat(prefix, ".", field);
}

bool Blank(const std::string& s) {
  return absl::StripAsciiWhitespace(s).empty();
}

void CheckText(const std::string& value, const std::string& field, bool required,
               size_t max, Violations* v) {
  if (required && Blank(value)) {
    v->push_back({field, "is required"});
  } else if (value.size() > max) {
    v->push_back({field, absl::StrCat("is too long (at most ", max, " bytes)")});
  }
}

void CheckTextList(const std::vector<std::string>& values, const std::string& prefix,
                   const char* field, Violations* v) {
  if (values.size() > kMaxBatch) {
    v->push_back({F(prefix, field), absl::StrCat("has too many entries (at most ", kMaxBatch, ")")});
    return;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    CheckText(values[i], Idx(prefix, field, i), true, kMaxTextBytes, v);
  }
}

void CheckYear(int year, const std::string& field, Violations* v) {
  if (year != 0 && (year < kMinYear || year > kMaxYear)) {
    v->push_back({field, absl::StrCat("must be between ", kMinYear, " and ", kMaxYear,
                                      ", or 0 when unknown (got ", year, ")")});
  }
}

bool IsCountryCode(const std::string& s) {
  return s.size() == 2 && absl::ascii_isupper(s[0]) && absl::ascii_isupper(s[1]);
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

template <typename T>
std::string ComputeEtag(const T& value) {
  T copy = value;
  copy.etag.clear();
  return absl::StrCat(absl::Hex(StableHash(ToJson(copy).dump()), absl::kZeroPad16));
}

// What validation may look up besides the value itself.
struct Resolver {
  std::function<const Person*(const std::string&)> person;
  std::function<bool(const std::string&)> era_exists;
  std::function<const Sequence*(const std::string&)> sequence;
};

// Validates a film and fills credits' display names.
void PrepareFilm(Film* film, const std::string& p, const Resolver& r, Violations* v) {
  CheckText(film->title, F(p, "title"), true, kMaxTextBytes, v);
  CheckTextList(film->original_titles, p, "original_titles", v);
  CheckTextList(film->aliases, p, "aliases", v);
  CheckYear(film->year, F(p, "year"), v);
  if (film->runtime_minutes < 0 || film->runtime_minutes > 10000) {
    v->push_back({F(p, "runtime_minutes"),
                  "must be between 0 and 10000 minutes (0 when unknown)"});
  }
  for (size_t i = 0; i < film->countries.size(); ++i) {
    if (!IsCountryCode(film->countries[i])) {
      v->push_back({Idx(p, "countries", i),
                    "must be an ISO 3166 alpha-2 code in upper case, such as \"SU\""});
    }
  }
  for (size_t i = 0; i < film->languages.size(); ++i) {
    if (!IsLanguageTag(film->languages[i])) {
      v->push_back({Idx(p, "languages", i), "must be a BCP-47 language tag, such as \"ru\""});
    }
  }
  CheckText(film->synopsis, F(p, "synopsis"), false, kMaxLongTextBytes, v);
  if (film->credits.size() > kMaxBatch) {
    v->push_back({F(p, "credits"), "has too many entries (at most 1000)"});
  } else {
    for (size_t i = 0; i < film->credits.size(); ++i) {
      Credit& c = film->credits[i];
      std::string cp = Idx(p, "credits", i);
      if (c.person.empty()) {
        v->push_back({F(cp, "person"), "is required"});
      } else if (!internal::ParseName(c.person, "people")) {
        v->push_back({F(cp, "person"),
                      "must be a person's resource name such as \"people/mikhail-kalatozov\""});
      } else if (const Person* person = r.person(c.person)) {
        c.display_name = person->display_name;
      } else {
        v->push_back({F(cp, "person"), absl::StrCat(c.person, " not found")});
      }
      if (c.role == CreditRole::kUnspecified || CreditRoleName(c.role).empty()) {
        v->push_back({F(cp, "role"), "is required (a CreditRole such as CREDIT_ROLE_DIRECTOR)"});
      }
      CheckText(c.character, F(cp, "character"), false, kMaxTextBytes, v);
      CheckText(c.note, F(cp, "note"), false, kMaxTextBytes, v);
    }
  }
  for (size_t i = 0; i < film->awards.size(); ++i) {
    std::string ap = Idx(p, "awards", i);
    CheckText(film->awards[i].name, F(ap, "name"), true, kMaxTextBytes, v);
    CheckText(film->awards[i].event, F(ap, "event"), false, kMaxTextBytes, v);
    CheckText(film->awards[i].category, F(ap, "category"), false, kMaxTextBytes, v);
    CheckYear(film->awards[i].year, F(ap, "year"), v);
  }
  for (size_t i = 0; i < film->eras.size(); ++i) {
    if (!internal::ParseName(film->eras[i], "eras")) {
      v->push_back({Idx(p, "eras", i), "must be an era's resource name such as \"eras/khrushchev-thaw\""});
    } else if (!r.era_exists(film->eras[i])) {
      v->push_back({Idx(p, "eras", i), absl::StrCat("unknown era ", film->eras[i])});
    }
  }
  CheckTextList(film->studios, p, "studios", v);
  CheckTextList(film->notes, p, "notes", v);
}

void PreparePerson(Person* person, const std::string& p, Violations* v) {
  CheckText(person->display_name, F(p, "display_name"), true, kMaxTextBytes, v);
  CheckTextList(person->aliases, p, "aliases", v);
  auto check = [&](int year, const char* field) {
    if (year != 0 && (year < 1000 || year > kMaxYear)) {
      v->push_back({F(p, field), absl::StrCat("must be between 1000 and ", kMaxYear,
                                              ", or 0 when unknown")});
    }
  };
  check(person->birth_year, "birth_year");
  check(person->death_year, "death_year");
  if (person->birth_year != 0 && person->death_year != 0 &&
      person->death_year < person->birth_year) {
    v->push_back({F(p, "death_year"), "must not be before birth_year"});
  }
  for (size_t i = 0; i < person->known_roles.size(); ++i) {
    if (person->known_roles[i] == CreditRole::kUnspecified ||
        CreditRoleName(person->known_roles[i]).empty()) {
      v->push_back({Idx(p, "known_roles", i), "must be a CreditRole other than UNSPECIFIED"});
    }
  }
  CheckText(person->biography, F(p, "biography"), false, kMaxLongTextBytes, v);
}

// Validates a sequence of `film` (its name already set) and derives the
// timecode description when empty.
void PrepareSequence(Sequence* s, const std::string& film, const std::string& p,
                     const Resolver& r, Violations* v) {
  using Pr = Timecode::Precision;
  CheckText(s->title, F(p, "title"), true, kMaxTextBytes, v);
  CheckText(s->description, F(p, "description"), false, kMaxLongTextBytes, v);
  CheckText(s->filming_method, F(p, "filming_method"), false, kMaxLongTextBytes, v);
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
        v->push_back({F(sp, "fraction"), "must be between 0.0 (the opening) and 1.0 (the end)"});
      }
      break;
    case Pr::kRelative: {
      if (t.relation != Timecode::Relation::kBefore && t.relation != Timecode::Relation::kAfter) {
        v->push_back({F(sp, "relation"), "is required for PRECISION_RELATIVE (RELATION_BEFORE or RELATION_AFTER)"});
      }
      auto target = internal::ParseSequenceName(t.relative_to);
      if (t.relative_to.empty()) {
        v->push_back({F(sp, "relative_to"), "is required for PRECISION_RELATIVE"});
      } else if (!target || target->film != film) {
        v->push_back({F(sp, "relative_to"),
                      absl::StrCat("must name another sequence of ", film, " (",
                                   film, "/sequences/...)")});
      } else if (t.relative_to == s->name) {
        v->push_back({F(sp, "relative_to"), "must not name the sequence itself"});
      } else {
        const Sequence* other = r.sequence(t.relative_to);
        if (other == nullptr) {
          v->push_back({F(sp, "relative_to"), absl::StrCat(t.relative_to, " not found")});
        } else {
          relative_title = other->title;
          // Follow the chain: it must not come back here.
          const Sequence* cur = other;
          for (int hops = 0; cur != nullptr && hops < 1000; ++hops) {
            if (cur->start.precision != Pr::kRelative) break;
            if (cur->start.relative_to == s->name) {
              v->push_back({F(sp, "relative_to"), "makes a cycle of relative positions"});
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
  CheckText(t.description, F(sp, "description"), false, kMaxTextBytes, v);
  if (t.description.empty()) t.description = internal::DescribeTimecode(t, relative_title);
  if (s->duration < absl::ZeroDuration() || s->duration > absl::Hours(48)) {
    v->push_back({F(p, "duration"), "must be between 0 and 48 hours"});
  }
  for (size_t i = 0; i < s->techniques.size(); ++i) {
    if (s->techniques[i] == CameraTechnique::kUnspecified ||
        CameraTechniqueName(s->techniques[i]).empty()) {
      v->push_back({Idx(p, "techniques", i), "must be a CameraTechnique other than UNSPECIFIED"});
    }
  }
}

absl::Status BadName(const char* field, absl::string_view name, absl::string_view pattern) {
  return InvalidArgument(field, absl::StrCat("\"", name, "\" is not a resource name of the form ",
                                             pattern));
}

std::vector<std::string> MatchedFieldNames(uint8_t bits) {
  std::vector<std::string> out;
  if (bits & (1u << static_cast<int>(SearchIndex::Field::kTitle))) out.push_back("title");
  if (bits & (1u << static_cast<int>(SearchIndex::Field::kOriginalTitle))) {
    out.push_back("original_titles");
  }
  if (bits & (1u << static_cast<int>(SearchIndex::Field::kAlias))) out.push_back("aliases");
  if (bits & (1u << static_cast<int>(SearchIndex::Field::kPerson))) out.push_back("people");
  return out;
}

absl::StatusOr<size_t> DecodeOffset(const std::string& token, const std::string& args) {
  LONGTAKE_ASSIGN_OR_RETURN(std::string position, DecodePageToken(token, args));
  if (position.empty()) return size_t{0};
  uint64_t offset = 0;
  if (!absl::SimpleAtoi(position, &offset)) {
    return InvalidArgument("page_token", "is malformed; use the token from the previous response");
  }
  return static_cast<size_t>(offset);
}

absl::Status EmptyMask() {
  return InvalidArgument("update_mask",
                         "is required: list the fields to replace, or \"*\" for all");
}

nlohmann::json ImportResultsToJson(const std::vector<ImportEntryResult>& results) {
  nlohmann::json out = nlohmann::json::array();
  for (const ImportEntryResult& r : results) {
    nlohmann::json j;
    j["source_line"] = r.source_line;
    j["film"] = r.film;
    j["code"] = static_cast<int>(r.status.code());
    j["message"] = std::string(r.status.message());
    j["reason"] = ErrorReason(r.status);
    j["resource"] = ErrorResource(r.status);
    nlohmann::json vs = nlohmann::json::array();
    for (const FieldViolation& fv : ErrorFieldViolations(r.status)) {
      vs.push_back({{"field", fv.field}, {"description", fv.description}});
    }
    j["violations"] = vs;
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<ImportEntryResult> ImportResultsFromJson(const std::string& text) {
  std::vector<ImportEntryResult> out;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (!e.is_object()) continue;
    ImportEntryResult r;
    r.source_line = e.value("source_line", int64_t{0});
    r.film = e.value("film", std::string());
    int code = e.value("code", 0);
    if (code != 0) {
      Violations vs;
      if (e.contains("violations") && e["violations"].is_array()) {
        for (const auto& fv : e["violations"]) {
          vs.push_back({fv.value("field", std::string()), fv.value("description", std::string())});
        }
      }
      if (!vs.empty()) {
        r.status = InvalidArguments(std::move(vs));
      } else {
        r.status = ErrorWithReason(static_cast<absl::StatusCode>(code),
                                   e.value("reason", std::string("UNKNOWN")),
                                   e.value("message", std::string()),
                                   e.value("resource", std::string()));
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------

class Catalog::Impl {
 public:
  explicit Impl(std::unique_ptr<CatalogStore> store)
      : store_(std::move(store)), state_(std::make_unique<CatalogState>()) {}

  absl::Status Load() {
    absl::Time t0 = absl::Now();
    LONGTAKE_ASSIGN_OR_RETURN(CatalogSnapshot snap, store_->LoadAll());
    absl::Time t1 = absl::Now();
    size_t film_count = snap.films.size();
    BuildTimings timings;
    auto state = Build(std::move(snap), &timings);
    // Decoding and building free many small blocks; hand the pages back.
    malloc_trim(0);
    absl::Time t2 = absl::Now();
    Log(LogLevel::kInfo,
        absl::StrCat("catalogue loaded: films=", film_count,
                     " load_ms=", absl::ToInt64Milliseconds(t1 - t0),
                     " build_ms=", absl::ToInt64Milliseconds(t2 - t1),
                     " (index_ms=", absl::ToInt64Milliseconds(timings.index),
                     " finish_ms=", absl::ToInt64Milliseconds(timings.finish),
                     ") search_index_mb=", state->search.MemoryBytesEstimate() >> 20,
                     " search_terms=", state->search.VocabularySize()));
    absl::WriterMutexLock lock(&mu_);
    state_ = std::move(state);
    return absl::OkStatus();
  }

  struct BuildTimings {
    absl::Duration index;   // films, people, eras, sequences into the state and search index
    absl::Duration finish;  // sorting the indexes, era lists, search index compaction
  };

  static std::unique_ptr<CatalogState> Build(CatalogSnapshot snap, BuildTimings* timings = nullptr) {
    absl::Time t0 = absl::Now();
    auto state = std::make_unique<CatalogState>();
    for (Era& e : snap.eras) state->eras[e.name] = std::make_shared<Era>(std::move(e));
    for (Person& p : snap.people) state->PutPerson(std::make_shared<Person>(std::move(p)));
    state->films.reserve(snap.films.size());
    state->docs.reserve(snap.films.size());
    for (auto& o : state->orders) o.reserve(snap.films.size());
    for (Film& f : snap.films) state->PutFilm(std::make_shared<Film>(std::move(f)), true);
    // The moved-from shells are dead weight (hundreds of MB at 1M films).
    std::vector<Film>().swap(snap.films);
    for (Sequence& s : snap.sequences) {
      if (state->FindFilm(s.name.substr(0, s.name.find("/sequences/"))) == nullptr) continue;
      state->PutSequence(std::make_shared<Sequence>(std::move(s)), true);
    }
    absl::Time t1 = absl::Now();
    state->FinishBulk();
    if (timings != nullptr) {
      timings->index = t1 - t0;
      timings->finish = absl::Now() - t1;
    }
    state->revision = snap.revision;
    return state;
  }

  Resolver StateResolver() const {
    const CatalogState* s = state_.get();
    return Resolver{
        [s](const std::string& n) { return s->FindPerson(n); },
        [s](const std::string& n) { return s->eras.count(n) > 0; },
        [s](const std::string& n) { return s->FindSequence(n); },
    };
  }

  // ---- reads ----

  absl::StatusOr<std::shared_ptr<const Film>> GetFilm(absl::string_view name) const {
    if (!internal::ParseName(name, "films")) return BadName("name", name, "films/{film}");
    absl::ReaderMutexLock lock(&mu_);
    const FilmRec* rec = state_->FindFilm(std::string(name));
    if (rec == nullptr) return NotFound(name);
    return rec->film;
  }

  absl::StatusOr<std::vector<std::shared_ptr<const Film>>> BatchGetFilms(
      const std::vector<std::string>& names) const {
    if (names.size() > kMaxBatch) {
      return InvalidArgument("names", absl::StrCat("at most ", kMaxBatch, " names per call"));
    }
    Violations v;
    for (size_t i = 0; i < names.size(); ++i) {
      if (!internal::ParseName(names[i], "films")) {
        v.push_back({absl::StrCat("names[", i, "]"),
                     absl::StrCat("\"", names[i], "\" is not of the form films/{film}")});
      }
    }
    if (!v.empty()) return InvalidArguments(std::move(v));
    std::vector<std::shared_ptr<const Film>> out;
    absl::ReaderMutexLock lock(&mu_);
    for (const std::string& n : names) {
      const FilmRec* rec = state_->FindFilm(n);
      if (rec == nullptr) return NotFound(n);
      out.push_back(rec->film);
    }
    return out;
  }

  bool Matches(const FilmRec* rec, const internal::FilmFilter& f) const {
    const Film& film = *rec->film;
    if (film.year < f.year_min || film.year > f.year_max) return false;
    for (const std::string& era : f.eras) {
      if (std::find(film.eras.begin(), film.eras.end(), era) == film.eras.end()) return false;
    }
    auto credited = [&](const std::string* person, const CreditRole* role) {
      for (const Credit& c : film.credits) {
        if ((person == nullptr || c.person == *person) && (role == nullptr || c.role == *role)) {
          return true;
        }
      }
      return false;
    };
    if (!f.persons.empty()) {
      for (const std::string& p : f.persons) {
        if (f.roles.empty()) {
          if (!credited(&p, nullptr)) return false;
        } else {
          for (const CreditRole& r : f.roles) {
            if (!credited(&p, &r)) return false;
          }
        }
      }
    } else {
      for (const CreditRole& r : f.roles) {
        if (!credited(nullptr, &r)) return false;
      }
    }
    for (CameraTechnique t : f.techniques) {
      if (!state_->technique_films[static_cast<size_t>(t)].contains(film.name)) return false;
    }
    return true;
  }

  absl::StatusOr<FilmPage> ListFilms(const ListFilmsQuery& q) const {
    LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(q.page_size, 50, 1000));
    FilmOrder order;
    std::string order_by(absl::StripAsciiWhitespace(q.order_by));
    std::vector<std::string> words = absl::StrSplit(order_by, ' ', absl::SkipEmpty());
    std::string normalized = absl::StrJoin(words, " ");
    if (normalized.empty() || normalized == "title" || normalized == "title asc") {
      order = FilmOrder::kTitle;
    } else if (normalized == "year" || normalized == "year asc") {
      order = FilmOrder::kYear;
    } else if (normalized == "year desc") {
      order = FilmOrder::kYearDesc;
    } else {
      return InvalidArgument("order_by", absl::StrCat("unsupported order \"", q.order_by,
                                                      "\"; use \"title\", \"year\" or \"year desc\""));
    }
    LONGTAKE_ASSIGN_OR_RETURN(internal::FilmFilter filter, internal::ParseFilmFilter(q.filter));
    std::string args = absl::StrCat("films|", q.filter, "|", normalized);
    LONGTAKE_ASSIGN_OR_RETURN(std::string position, DecodePageToken(q.page_token, args));
    std::optional<FilmKey> after;
    if (!position.empty()) {
      std::vector<std::string> parts = absl::StrSplit(position, '\x1f');
      FilmKey key;
      if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &key.year)) {
        return InvalidArgument("page_token", "is malformed; use the token from the previous response");
      }
      key.title_key = parts[1];
      key.name = parts[2];
      after = std::move(key);
    }

    FilmPage page;
    absl::ReaderMutexLock lock(&mu_);
    const CatalogState& s = *state_;
    std::vector<const FilmRec*> picked;
    const size_t want = static_cast<size_t>(size) + 1;
    if (filter.empty_range()) return page;

    // The smallest index set that any match must belong to.
    const internal::FilmSet* best = nullptr;
    static const internal::FilmSet kNone;
    auto consider = [&](const internal::FilmSet* set) {
      if (set == nullptr) set = &kNone;
      if (best == nullptr || set->size() < best->size()) best = set;
    };
    for (const std::string& p : filter.persons) {
      auto it = s.person_films.find(p);
      consider(it == s.person_films.end() ? nullptr : &it->second);
    }
    if (filter.persons.empty()) {
      for (CreditRole r : filter.roles) consider(&s.role_films[static_cast<size_t>(r)]);
    }
    for (const std::string& e : filter.eras) {
      auto it = s.era_films.find(e);
      consider(it == s.era_films.end() ? nullptr : &it->second);
    }
    size_t technique_best = SIZE_MAX;
    const absl::flat_hash_map<std::string, int>* technique_set = nullptr;
    for (CameraTechnique t : filter.techniques) {
      const auto& m = s.technique_films[static_cast<size_t>(t)];
      if (m.size() < technique_best) {
        technique_best = m.size();
        technique_set = &m;
      }
    }
    size_t year_count = SIZE_MAX;
    if (filter.year_min != INT_MIN || filter.year_max != INT_MAX) {
      year_count = 0;
      for (auto it = s.year_films.lower_bound(filter.year_min);
           it != s.year_films.end() && it->first <= filter.year_max; ++it) {
        year_count += it->second.size();
      }
    }
    size_t best_size = best != nullptr ? best->size() : SIZE_MAX;
    size_t candidates = std::min({best_size, technique_best, year_count});
    // A selective filter: gather its candidates, filter and sort them.
    // Otherwise walk the pre-sorted order from the position.
    // Gathering costs ~candidates; walking the order costs ~want * films / candidates. So a
    // large candidate set (a decade of a big catalogue) is cheaper to walk than to sort.
    const double walk_cost = static_cast<double>(want) * static_cast<double>(s.films.size());
    const bool use_index = candidates < s.films.size() / 4 + 64 && candidates != SIZE_MAX &&
                           (candidates <= 4096 ||
                            static_cast<double>(candidates) * static_cast<double>(candidates) <
                                walk_cost);
    auto after_pos = [&](const FilmRec* r) { return !after || FilmLess(order, *after, r); };
    if (use_index) {
      std::vector<const FilmRec*> cands;
      if (candidates == best_size) {
        cands.assign(best->begin(), best->end());
      } else if (candidates == technique_best) {
        for (const auto& [name, count] : *technique_set) {
          if (const FilmRec* r = s.FindFilm(name)) cands.push_back(r);
        }
      } else {
        for (auto it = s.year_films.lower_bound(filter.year_min);
             it != s.year_films.end() && it->first <= filter.year_max; ++it) {
          cands.insert(cands.end(), it->second.begin(), it->second.end());
        }
      }
      std::vector<const FilmRec*> matching;
      for (const FilmRec* r : cands) {
        if (after_pos(r) && Matches(r, filter)) matching.push_back(r);
      }
      auto less = [order](const FilmRec* a, const FilmRec* b) { return FilmLess(order, a, b); };
      if (matching.size() > want) {
        std::partial_sort(matching.begin(), matching.begin() + want, matching.end(), less);
        matching.resize(want);
      } else {
        std::sort(matching.begin(), matching.end(), less);
      }
      picked = std::move(matching);
    } else {
      const auto& v = s.orders[static_cast<size_t>(order)];
      auto it = v.begin();
      if (after) {
        it = std::upper_bound(v.begin(), v.end(), *after,
                              [order](const FilmKey& k, const FilmRec* r) {
                                return FilmLess(order, k, r);
                              });
      }
      for (; it != v.end() && picked.size() < want; ++it) {
        const FilmRec* r = *it;
        // In year order, stop once past the year range.
        if (order == FilmOrder::kYear && r->film->year > filter.year_max) break;
        if (order == FilmOrder::kYearDesc && r->film->year < filter.year_min) break;
        if (Matches(r, filter)) picked.push_back(r);
      }
    }
    bool more = picked.size() > static_cast<size_t>(size);
    if (more) picked.resize(size);
    for (const FilmRec* r : picked) page.films.push_back(r->film);
    if (more && !picked.empty()) {
      FilmKey k = internal::KeyOf(picked.back());
      page.next_page_token =
          EncodePageToken(args, absl::StrCat(k.year, "\x1f", k.title_key, "\x1f", k.name));
    }
    return page;
  }

  absl::StatusOr<SearchPage> SearchFilms(const SearchQuery& q) const {
    if (Blank(q.query)) return InvalidArgument("query", "must not be empty");
    if (q.query.size() > kMaxTextBytes) {
      return InvalidArgument("query", absl::StrCat("is too long (at most ", kMaxTextBytes, " bytes)"));
    }
    LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(q.page_size, 20, 100));
    std::string args = absl::StrCat("search|", q.query);
    LONGTAKE_ASSIGN_OR_RETURN(size_t offset, DecodeOffset(q.page_token, args));
    if (offset > 100000) return InvalidArgument("page_token", "is beyond the last result");
    SearchPage page;
    absl::ReaderMutexLock lock(&mu_);
    std::vector<SearchIndex::Hit> hits =
        state_->search.Search(std::string_view(q.query), offset + size + 1);
    for (size_t i = offset; i < hits.size() && page.results.size() < static_cast<size_t>(size); ++i) {
      auto it = state_->docs.find(hits[i].doc);
      if (it == state_->docs.end()) continue;
      page.results.push_back({it->second->film, hits[i].score, MatchedFieldNames(hits[i].matched_fields)});
    }
    if (hits.size() > offset + size) {
      page.next_page_token = EncodePageToken(args, absl::StrCat(offset + size));
    }
    return page;
  }

  absl::StatusOr<std::shared_ptr<const Person>> GetPerson(absl::string_view name) const {
    if (!internal::ParseName(name, "people")) return BadName("name", name, "people/{person}");
    absl::ReaderMutexLock lock(&mu_);
    auto it = state_->people.find(std::string(name));
    if (it == state_->people.end()) return NotFound(name);
    return it->second;
  }

  absl::StatusOr<PersonPage> ListPeople(const ListPeopleQuery& q) const {
    LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(q.page_size, 50, 1000));
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<internal::Condition> conds,
                              internal::ParseFilter(q.filter, {"role"}));
    std::vector<CreditRole> roles;
    for (const auto& c : conds) {
      auto role = ParseCreditRole(c.value);
      if (c.op != "=" || !role || *role == CreditRole::kUnspecified) {
        return InvalidArgument("filter", absl::StrCat("use role = \"CREDIT_ROLE_...\"; got role ",
                                                      c.op, " ", c.value), "INVALID_FILTER");
      }
      roles.push_back(*role);
    }
    std::string args = absl::StrCat("people|", q.filter);
    LONGTAKE_ASSIGN_OR_RETURN(std::string position, DecodePageToken(q.page_token, args));
    PersonPage page;
    absl::ReaderMutexLock lock(&mu_);
    const CatalogState& s = *state_;
    auto it = position.empty() ? s.people.begin() : s.people.upper_bound(position);
    std::vector<std::shared_ptr<const Person>> picked;
    for (; it != s.people.end() && picked.size() <= static_cast<size_t>(size); ++it) {
      const Person& p = *it->second;
      bool ok = true;
      for (CreditRole r : roles) {
        bool has = std::find(p.known_roles.begin(), p.known_roles.end(), r) != p.known_roles.end();
        if (!has) {
          auto pf = s.person_films.find(p.name);
          if (pf != s.person_films.end()) {
            for (const FilmRec* rec : pf->second) {
              for (const Credit& c : rec->film->credits) has = has || (c.person == p.name && c.role == r);
              if (has) break;
            }
          }
        }
        ok = ok && has;
      }
      if (ok) picked.push_back(it->second);
    }
    if (picked.size() > static_cast<size_t>(size)) {
      picked.resize(size);
      page.next_page_token = EncodePageToken(args, picked.back()->name);
    }
    page.people = std::move(picked);
    return page;
  }

  absl::StatusOr<CollaborationPage> ListCollaborations(const ListCollaborationsQuery& q) const {
    if (!internal::ParseName(q.person, "people")) return BadName("person", q.person, "people/{person}");
    LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(q.page_size, 50, 1000));
    std::string args = absl::StrCat("collaborations|", q.person);
    LONGTAKE_ASSIGN_OR_RETURN(size_t offset, DecodeOffset(q.page_token, args));
    absl::ReaderMutexLock lock(&mu_);
    const CatalogState& s = *state_;
    if (s.FindPerson(q.person) == nullptr) return NotFound(q.person);
    struct Acc {
      std::vector<const FilmRec*> films;
      std::vector<CreditRole> roles;
    };
    std::map<std::string, Acc> partners;
    auto pf = s.person_films.find(q.person);
    if (pf != s.person_films.end()) {
      for (const FilmRec* rec : pf->second) {
        for (const Credit& c : rec->film->credits) {
          if (c.person == q.person) continue;
          Acc& a = partners[c.person];
          if (std::find(a.films.begin(), a.films.end(), rec) == a.films.end()) a.films.push_back(rec);
          if (std::find(a.roles.begin(), a.roles.end(), c.role) == a.roles.end()) a.roles.push_back(c.role);
        }
      }
    }
    std::vector<Collaboration> all;
    for (auto& [partner, acc] : partners) {
      std::sort(acc.films.begin(), acc.films.end(), [](const FilmRec* a, const FilmRec* b) {
        return FilmLess(FilmOrder::kYear, a, b);
      });
      std::sort(acc.roles.begin(), acc.roles.end());
      Collaboration c;
      c.person = partner;
      const Person* p = s.FindPerson(partner);
      c.display_name = p != nullptr ? p->display_name : "";
      for (const FilmRec* r : acc.films) c.films.push_back(r->film->name);
      c.roles = acc.roles;
      all.push_back(std::move(c));
    }
    std::stable_sort(all.begin(), all.end(), [](const Collaboration& a, const Collaboration& b) {
      if (a.films.size() != b.films.size()) return a.films.size() > b.films.size();
      return a.person < b.person;
    });
    CollaborationPage page;
    for (size_t i = offset; i < all.size() && page.collaborations.size() < static_cast<size_t>(size); ++i) {
      page.collaborations.push_back(all[i]);
    }
    if (all.size() > offset + size) page.next_page_token = EncodePageToken(args, absl::StrCat(offset + size));
    return page;
  }

  absl::StatusOr<std::shared_ptr<const Sequence>> GetSequence(absl::string_view name) const {
    if (!internal::ParseSequenceName(name)) {
      return BadName("name", name, "films/{film}/sequences/{sequence}");
    }
    absl::ReaderMutexLock lock(&mu_);
    auto it = state_->sequences.find(std::string(name));
    if (it == state_->sequences.end()) return NotFound(name);
    return it->second;
  }

  absl::StatusOr<SequencePage> ListSequences(const ListSequencesQuery& q) const {
    bool all_films = q.parent == "films/-";
    if (!all_films && !internal::ParseName(q.parent, "films")) {
      return BadName("parent", q.parent, "films/{film} (or films/- for every film)");
    }
    LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(q.page_size, 50, 1000));
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<internal::Condition> conds,
                              internal::ParseFilter(q.filter, {"technique"}));
    std::vector<CameraTechnique> techniques;
    for (const auto& c : conds) {
      auto t = ParseCameraTechnique(c.value);
      if (c.op != "=" || !t || *t == CameraTechnique::kUnspecified) {
        return InvalidArgument("filter",
                               absl::StrCat("use technique = \"CAMERA_TECHNIQUE_...\"; got technique ",
                                            c.op, " ", c.value),
                               "INVALID_FILTER");
      }
      techniques.push_back(*t);
    }
    std::string args = absl::StrCat("sequences|", q.parent, "|", q.filter);
    LONGTAKE_ASSIGN_OR_RETURN(size_t offset, DecodeOffset(q.page_token, args));
    absl::ReaderMutexLock lock(&mu_);
    const CatalogState& s = *state_;
    if (!all_films && s.FindFilm(q.parent) == nullptr) return NotFound(q.parent);
    SequencePage page;
    size_t index = 0;
    bool more = false;
    auto visit = [&](const std::vector<std::string>& names) {
      for (const std::string& n : names) {
        const auto& seq = s.sequences.at(n);
        bool ok = true;
        for (CameraTechnique t : techniques) {
          ok = ok && std::find(seq->techniques.begin(), seq->techniques.end(), t) != seq->techniques.end();
        }
        if (!ok) continue;
        if (index++ < offset) continue;
        if (page.sequences.size() == static_cast<size_t>(size)) {
          more = true;
          return false;
        }
        page.sequences.push_back(seq);
      }
      return true;
    };
    if (all_films) {
      for (const auto& [film, names] : s.film_sequences) {
        if (!visit(names)) break;
      }
    } else {
      auto it = s.film_sequences.find(q.parent);
      if (it != s.film_sequences.end()) visit(it->second);
    }
    if (more) page.next_page_token = EncodePageToken(args, absl::StrCat(offset + size));
    return page;
  }

  absl::StatusOr<std::shared_ptr<const Era>> GetEra(absl::string_view name) const {
    if (!internal::ParseName(name, "eras")) return BadName("name", name, "eras/{era}");
    absl::ReaderMutexLock lock(&mu_);
    auto it = state_->eras.find(std::string(name));
    if (it == state_->eras.end()) return NotFound(name);
    return it->second;
  }

  absl::StatusOr<EraPage> ListEras(int page_size, const std::string& page_token) const {
    LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(page_size, 50, 1000));
    LONGTAKE_ASSIGN_OR_RETURN(std::string position, DecodePageToken(page_token, "eras"));
    EraPage page;
    absl::ReaderMutexLock lock(&mu_);
    auto it = position.empty() ? state_->eras.begin() : state_->eras.upper_bound(position);
    for (; it != state_->eras.end(); ++it) {
      if (page.eras.size() == static_cast<size_t>(size)) {
        page.next_page_token = EncodePageToken("eras", page.eras.back()->name);
        break;
      }
      page.eras.push_back(it->second);
    }
    return page;
  }

  size_t film_count() const {
    absl::ReaderMutexLock lock(&mu_);
    return state_->films.size();
  }

  // ---- writes (callers hold write_mu_, so state_ is stable without mu_) ----

  absl::StatusOr<std::optional<RequestRecord>> Recorded(const WriteOptions& o, const char* method) {
    if (o.request_id.empty() || o.validate_only) return std::optional<RequestRecord>();
    if (o.request_id.size() > 200) {
      return InvalidArgument("request_id", "is too long (at most 200 bytes; a UUID is a good choice)");
    }
    LONGTAKE_ASSIGN_OR_RETURN(std::optional<RequestRecord> rec, store_->LookupRequest(o.request_id));
    if (rec.has_value() && rec->method != method) {
      return InvalidArgument("request_id", absl::StrCat("was already used for a different request (",
                                                        rec->method, " ", rec->resource, ")"));
    }
    return rec;
  }

  static std::optional<RequestRecord> Record(const WriteOptions& o, const char* method,
                                             const std::string& resource, std::string response = "") {
    if (o.request_id.empty()) return std::nullopt;
    return RequestRecord{o.request_id, method, resource, std::move(response)};
  }

  // Writes the batch, then makes the change visible at once.
  absl::Status Commit(const WriteBatch& batch, const std::function<void(CatalogState&)>& apply) {
    int64_t before;
    {
      absl::ReaderMutexLock lock(&mu_);
      before = state_->revision;
    }
    LONGTAKE_RETURN_IF_ERROR(store_->Apply(batch));
    // Every batch moves the store's revision by one. If it moved by exactly
    // one, this write was the only change since the read model was in step,
    // so Refresh need not reload everything; otherwise another replica wrote
    // too, and -1 makes the next Refresh catch up.
    absl::StatusOr<int64_t> after = store_->Revision();
    absl::WriterMutexLock lock(&mu_);
    apply(*state_);
    const bool only_ours = before >= 0 && after.ok() && *after == before + 1;
    state_->revision = only_ours ? *after : -1;
    return absl::OkStatus();
  }

  template <typename T>
  static void Stamp(T* value, absl::Time create_time, absl::Time now) {
    value->create_time = create_time;
    value->update_time = now;
    value->etag = ComputeEtag(*value);
  }

  absl::StatusOr<std::shared_ptr<const Film>> CurrentFilm(const std::string& name) const {
    absl::ReaderMutexLock lock(&mu_);
    const FilmRec* rec = state_->FindFilm(name);
    if (rec == nullptr) return NotFound(name);
    return rec->film;
  }
  absl::StatusOr<std::shared_ptr<const Person>> CurrentPerson(const std::string& name) const {
    absl::ReaderMutexLock lock(&mu_);
    auto it = state_->people.find(name);
    if (it == state_->people.end()) return NotFound(name);
    return it->second;
  }
  absl::StatusOr<std::shared_ptr<const Sequence>> CurrentSequence(const std::string& name) const {
    absl::ReaderMutexLock lock(&mu_);
    auto it = state_->sequences.find(name);
    if (it == state_->sequences.end()) return NotFound(name);
    return it->second;
  }

  template <typename T>
  using Setters = std::vector<std::pair<const char*, std::function<void(T&, const T&)>>>;

  template <typename T>
  static void ApplyMask(const FieldMask& mask, const Setters<T>& setters, const T& from, T* to,
                        Violations* v) {
    std::vector<std::string> names;
    for (const auto& [n, f] : setters) names.push_back(n);
    for (size_t i = 0; i < mask.size(); ++i) {
      const std::string& path = mask[i];
      if (path == "*") {
        for (const auto& [n, f] : setters) f(*to, from);
        continue;
      }
      bool found = false;
      for (const auto& [n, f] : setters) {
        if (path == n) {
          f(*to, from);
          found = true;
        }
      }
      if (!found) {
        v->push_back({absl::StrCat("update_mask.paths[", i, "]"),
                      absl::StrCat("\"", path, "\" is not an updatable field; use one of ",
                                   absl::StrJoin(names, ", "), " or *")});
      }
    }
  }

  static const Setters<Film>& FilmSetters() {
    static const auto* s = new Setters<Film>{
        {"title", [](Film& t, const Film& f) { t.title = f.title; }},
        {"original_titles", [](Film& t, const Film& f) { t.original_titles = f.original_titles; }},
        {"aliases", [](Film& t, const Film& f) { t.aliases = f.aliases; }},
        {"year", [](Film& t, const Film& f) { t.year = f.year; }},
        {"runtime_minutes", [](Film& t, const Film& f) { t.runtime_minutes = f.runtime_minutes; }},
        {"countries", [](Film& t, const Film& f) { t.countries = f.countries; }},
        {"languages", [](Film& t, const Film& f) { t.languages = f.languages; }},
        {"synopsis", [](Film& t, const Film& f) { t.synopsis = f.synopsis; }},
        {"credits", [](Film& t, const Film& f) { t.credits = f.credits; }},
        {"awards", [](Film& t, const Film& f) { t.awards = f.awards; }},
        {"eras", [](Film& t, const Film& f) { t.eras = f.eras; }},
        {"studios", [](Film& t, const Film& f) { t.studios = f.studios; }},
        {"notes", [](Film& t, const Film& f) { t.notes = f.notes; }},
    };
    return *s;
  }
  static const Setters<Person>& PersonSetters() {
    static const auto* s = new Setters<Person>{
        {"display_name", [](Person& t, const Person& f) { t.display_name = f.display_name; }},
        {"aliases", [](Person& t, const Person& f) { t.aliases = f.aliases; }},
        {"birth_year", [](Person& t, const Person& f) { t.birth_year = f.birth_year; }},
        {"death_year", [](Person& t, const Person& f) { t.death_year = f.death_year; }},
        {"known_roles", [](Person& t, const Person& f) { t.known_roles = f.known_roles; }},
        {"biography", [](Person& t, const Person& f) { t.biography = f.biography; }},
    };
    return *s;
  }
  static const Setters<Sequence>& SequenceSetters() {
    static const auto* s = new Setters<Sequence>{
        {"title", [](Sequence& t, const Sequence& f) { t.title = f.title; }},
        {"description", [](Sequence& t, const Sequence& f) { t.description = f.description; }},
        {"start", [](Sequence& t, const Sequence& f) { t.start = f.start; }},
        {"duration", [](Sequence& t, const Sequence& f) { t.duration = f.duration; }},
        {"techniques", [](Sequence& t, const Sequence& f) { t.techniques = f.techniques; }},
        {"characters", [](Sequence& t, const Sequence& f) { t.characters = f.characters; }},
        {"filming_method", [](Sequence& t, const Sequence& f) { t.filming_method = f.filming_method; }},
    };
    return *s;
  }

  absl::StatusOr<std::shared_ptr<const Film>> CreateFilm(Film film, const std::string& film_id,
                                                         const WriteOptions& o) {
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "CreateFilm"));
    if (rec) return CurrentFilm(rec->resource);
    Violations v;
    std::string id = film_id.empty() ? Slugify(film.title, "film") : film_id;
    if (!IsValidSlug(id)) {
      v.push_back({"film_id", "must be 1 to 63 lower-case letters, digits and hyphens, starting "
                              "with a letter or digit"});
    }
    PrepareFilm(&film, "film", StateResolver(), &v);
    if (!v.empty()) return InvalidArguments(std::move(v));
    film.name = absl::StrCat("films/", id);
    if (state_->FindFilm(film.name) != nullptr) return AlreadyExists(film.name);
    absl::Time now = absl::Now();
    Stamp(&film, now, now);
    auto ptr = std::make_shared<const Film>(std::move(film));
    if (o.validate_only) return ptr;
    WriteBatch b;
    b.upsert_films.push_back(*ptr);
    b.request = Record(o, "CreateFilm", ptr->name);
    LONGTAKE_RETURN_IF_ERROR(Commit(b, [&](CatalogState& s) { s.PutFilm(ptr); }));
    return ptr;
  }

  absl::StatusOr<std::shared_ptr<const Film>> UpdateFilm(Film film, const FieldMask& mask,
                                                         const WriteOptions& o) {
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "UpdateFilm"));
    if (rec) return CurrentFilm(rec->resource);
    if (!internal::ParseName(film.name, "films")) return BadName("film.name", film.name, "films/{film}");
    if (mask.empty()) return EmptyMask();
    const FilmRec* cur = state_->FindFilm(film.name);
    if (cur == nullptr) return NotFound(film.name);
    if (!film.etag.empty() && film.etag != cur->film->etag) return EtagMismatch(film.name);
    Film merged = *cur->film;
    Violations v;
    ApplyMask(mask, FilmSetters(), film, &merged, &v);
    PrepareFilm(&merged, "film", StateResolver(), &v);
    if (!v.empty()) return InvalidArguments(std::move(v));
    Stamp(&merged, merged.create_time, absl::Now());
    auto ptr = std::make_shared<const Film>(std::move(merged));
    if (o.validate_only) return ptr;
    WriteBatch b;
    b.upsert_films.push_back(*ptr);
    b.request = Record(o, "UpdateFilm", ptr->name);
    LONGTAKE_RETURN_IF_ERROR(Commit(b, [&](CatalogState& s) { s.PutFilm(ptr); }));
    return ptr;
  }

  absl::Status DeleteFilm(const std::string& name, const std::string& etag, const WriteOptions& o) {
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "DeleteFilm"));
    if (rec) return absl::OkStatus();
    if (!internal::ParseName(name, "films")) return BadName("name", name, "films/{film}");
    const FilmRec* cur = state_->FindFilm(name);
    if (cur == nullptr) return NotFound(name);
    if (!etag.empty() && etag != cur->film->etag) return EtagMismatch(name);
    if (o.validate_only) return absl::OkStatus();
    WriteBatch b;
    b.delete_films.push_back(name);
    auto fs = state_->film_sequences.find(name);
    if (fs != state_->film_sequences.end()) b.delete_sequences = fs->second;
    b.request = Record(o, "DeleteFilm", name);
    return Commit(b, [&](CatalogState& s) { s.RemoveFilm(name); });
  }

  absl::StatusOr<std::shared_ptr<const Person>> CreatePerson(Person person, const std::string& person_id,
                                                             const WriteOptions& o) {
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "CreatePerson"));
    if (rec) return CurrentPerson(rec->resource);
    Violations v;
    std::string id = person_id.empty() ? Slugify(person.display_name, "person") : person_id;
    if (!IsValidSlug(id)) {
      v.push_back({"person_id", "must be 1 to 63 lower-case letters, digits and hyphens, starting "
                                "with a letter or digit"});
    }
    PreparePerson(&person, "person", &v);
    if (!v.empty()) return InvalidArguments(std::move(v));
    person.name = absl::StrCat("people/", id);
    if (state_->FindPerson(person.name) != nullptr) return AlreadyExists(person.name);
    absl::Time now = absl::Now();
    Stamp(&person, now, now);
    auto ptr = std::make_shared<const Person>(std::move(person));
    if (o.validate_only) return ptr;
    WriteBatch b;
    b.upsert_people.push_back(*ptr);
    b.request = Record(o, "CreatePerson", ptr->name);
    LONGTAKE_RETURN_IF_ERROR(Commit(b, [&](CatalogState& s) { s.PutPerson(ptr); }));
    return ptr;
  }

  absl::StatusOr<std::shared_ptr<const Person>> UpdatePerson(Person person, const FieldMask& mask,
                                                             const WriteOptions& o) {
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "UpdatePerson"));
    if (rec) return CurrentPerson(rec->resource);
    if (!internal::ParseName(person.name, "people")) {
      return BadName("person.name", person.name, "people/{person}");
    }
    if (mask.empty()) return EmptyMask();
    const Person* cur = state_->FindPerson(person.name);
    if (cur == nullptr) return NotFound(person.name);
    if (!person.etag.empty() && person.etag != cur->etag) return EtagMismatch(person.name);
    Person merged = *cur;
    Violations v;
    ApplyMask(mask, PersonSetters(), person, &merged, &v);
    PreparePerson(&merged, "person", &v);
    if (!v.empty()) return InvalidArguments(std::move(v));
    absl::Time now = absl::Now();
    Stamp(&merged, merged.create_time, now);
    auto ptr = std::make_shared<const Person>(std::move(merged));
    if (o.validate_only) return ptr;
    WriteBatch b;
    b.upsert_people.push_back(*ptr);
    // Credits carry the person's display name: refresh the films crediting them.
    std::vector<std::shared_ptr<const Film>> films;
    std::vector<const FilmRec*> reindex;
    auto pf = state_->person_films.find(ptr->name);
    if (pf != state_->person_films.end()) {
      for (const FilmRec* r : pf->second) {
        if (cur->display_name != ptr->display_name) {
          Film f = *r->film;
          for (Credit& c : f.credits) {
            if (c.person == ptr->name) c.display_name = ptr->display_name;
          }
          f.etag = ComputeEtag(f);
          b.upsert_films.push_back(f);
          films.push_back(std::make_shared<const Film>(std::move(f)));
        } else if (cur->aliases != ptr->aliases) {
          reindex.push_back(r);
        }
      }
    }
    b.request = Record(o, "UpdatePerson", ptr->name);
    LONGTAKE_RETURN_IF_ERROR(Commit(b, [&](CatalogState& s) {
      s.PutPerson(ptr);
      for (auto& f : films) s.PutFilm(f);
      for (const FilmRec* r : reindex) s.Reindex(*r);
    }));
    return ptr;
  }

  absl::Status DeletePerson(const std::string& name, const std::string& etag, const WriteOptions& o) {
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "DeletePerson"));
    if (rec) return absl::OkStatus();
    if (!internal::ParseName(name, "people")) return BadName("name", name, "people/{person}");
    const Person* cur = state_->FindPerson(name);
    if (cur == nullptr) return NotFound(name);
    if (!etag.empty() && etag != cur->etag) return EtagMismatch(name);
    auto pf = state_->person_films.find(name);
    if (pf != state_->person_films.end() && !pf->second.empty()) {
      std::vector<std::string> films;
      for (const FilmRec* r : pf->second) films.push_back(r->film->name);
      std::sort(films.begin(), films.end());
      if (films.size() > 5) films.resize(5);
      return FailedPrecondition(
          "PERSON_STILL_CREDITED",
          absl::StrCat(name, " is still credited on ", pf->second.size(), " film(s) (",
                       absl::StrJoin(films, ", "), "); remove those credits first"),
          name);
    }
    if (o.validate_only) return absl::OkStatus();
    WriteBatch b;
    b.delete_people.push_back(name);
    b.request = Record(o, "DeletePerson", name);
    return Commit(b, [&](CatalogState& s) { s.RemovePerson(name); });
  }

  std::string UniqueSequenceId(const std::string& film, const std::string& base,
                               const absl::flat_hash_set<std::string>& taken) const {
    std::string id = base;
    for (int n = 2; state_->FindSequence(absl::StrCat(film, "/sequences/", id)) != nullptr ||
                    taken.contains(id);
         ++n) {
      std::string suffix = absl::StrCat("-", n);
      id = absl::StrCat(base.substr(0, 63 - suffix.size()), suffix);
    }
    return id;
  }

  absl::StatusOr<std::shared_ptr<const Sequence>> CreateSequence(const std::string& parent, Sequence seq,
                                                                 const std::string& sequence_id,
                                                                 const WriteOptions& o) {
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "CreateSequence"));
    if (rec) return CurrentSequence(rec->resource);
    if (!internal::ParseName(parent, "films")) return BadName("parent", parent, "films/{film}");
    if (state_->FindFilm(parent) == nullptr) return NotFound(parent);
    Violations v;
    std::string id = sequence_id;
    if (id.empty()) {
      id = UniqueSequenceId(parent, Slugify(seq.title, "sequence"), {});
    } else if (!IsValidSlug(id)) {
      v.push_back({"sequence_id", "must be 1 to 63 lower-case letters, digits and hyphens, "
                                  "starting with a letter or digit"});
    }
    seq.name = absl::StrCat(parent, "/sequences/", id);
    PrepareSequence(&seq, parent, "sequence", StateResolver(), &v);
    if (!v.empty()) return InvalidArguments(std::move(v));
    if (state_->FindSequence(seq.name) != nullptr) return AlreadyExists(seq.name);
    seq.film_order = 0;
    absl::Time now = absl::Now();
    Stamp(&seq, now, now);
    auto ptr = std::make_shared<const Sequence>(std::move(seq));
    if (o.validate_only) return ptr;
    WriteBatch b;
    b.upsert_sequences.push_back(*ptr);
    b.request = Record(o, "CreateSequence", ptr->name);
    std::shared_ptr<const Sequence> stored;
    LONGTAKE_RETURN_IF_ERROR(Commit(b, [&](CatalogState& s) {
      s.PutSequence(ptr);
      stored = s.sequences.at(ptr->name);
    }));
    return stored;
  }

  absl::StatusOr<std::shared_ptr<const Sequence>> UpdateSequence(Sequence seq, const FieldMask& mask,
                                                                 const WriteOptions& o) {
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "UpdateSequence"));
    if (rec) return CurrentSequence(rec->resource);
    auto parsed = internal::ParseSequenceName(seq.name);
    if (!parsed) return BadName("sequence.name", seq.name, "films/{film}/sequences/{sequence}");
    if (mask.empty()) return EmptyMask();
    const Sequence* cur = state_->FindSequence(seq.name);
    if (cur == nullptr) return NotFound(seq.name);
    if (!seq.etag.empty() && seq.etag != cur->etag) return EtagMismatch(seq.name);
    Sequence merged = *cur;
    Violations v;
    ApplyMask(mask, SequenceSetters(), seq, &merged, &v);
    PrepareSequence(&merged, parsed->film, "sequence", StateResolver(), &v);
    if (!v.empty()) return InvalidArguments(std::move(v));
    Stamp(&merged, merged.create_time, absl::Now());
    auto ptr = std::make_shared<const Sequence>(std::move(merged));
    if (o.validate_only) return ptr;
    WriteBatch b;
    b.upsert_sequences.push_back(*ptr);
    b.request = Record(o, "UpdateSequence", ptr->name);
    std::shared_ptr<const Sequence> stored;
    LONGTAKE_RETURN_IF_ERROR(Commit(b, [&](CatalogState& s) {
      s.PutSequence(ptr);
      stored = s.sequences.at(ptr->name);
    }));
    return stored;
  }

  absl::Status DeleteSequence(const std::string& name, const std::string& etag, const WriteOptions& o) {
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "DeleteSequence"));
    if (rec) return absl::OkStatus();
    auto parsed = internal::ParseSequenceName(name);
    if (!parsed) return BadName("name", name, "films/{film}/sequences/{sequence}");
    const Sequence* cur = state_->FindSequence(name);
    if (cur == nullptr) return NotFound(name);
    if (!etag.empty() && etag != cur->etag) return EtagMismatch(name);
    auto fs = state_->film_sequences.find(parsed->film);
    if (fs != state_->film_sequences.end()) {
      for (const std::string& other : fs->second) {
        const Sequence* s = state_->FindSequence(other);
        if (s != nullptr && s->start.precision == Timecode::Precision::kRelative &&
            s->start.relative_to == name) {
          return FailedPrecondition(
              "SEQUENCE_REFERENCED",
              absl::StrCat(name, " is the position reference of ", other,
                           "; change that sequence's start first"),
              name);
        }
      }
    }
    if (o.validate_only) return absl::OkStatus();
    WriteBatch b;
    b.delete_sequences.push_back(name);
    b.request = Record(o, "DeleteSequence", name);
    return Commit(b, [&](CatalogState& s) { s.RemoveSequence(name); });
  }

  // ---- import ----

  ImportEntryResult ImportOne(ImportEntry e, bool validate_only) {
    ImportEntryResult result;
    result.source_line = e.source_line;
    Violations v;
    absl::Time now = absl::Now();
    std::map<std::string, Person> new_people;
    for (size_t i = 0; i < e.people.size(); ++i) {
      Person p = e.people[i];
      std::string pp = absl::StrCat("people[", i, "]");
      if (p.name.empty()) {
        if (Blank(p.display_name)) {
          v.push_back({F(pp, "display_name"), "is required"});
          continue;
        }
        p.name = absl::StrCat("people/", Slugify(p.display_name, "person"));
      } else if (!internal::ParseName(p.name, "people")) {
        v.push_back({F(pp, "name"), "must be of the form people/{person}, or empty to derive it"});
        continue;
      }
      if (state_->FindPerson(p.name) != nullptr || new_people.count(p.name) > 0) continue;
      PreparePerson(&p, pp, &v);
      Stamp(&p, now, now);
      new_people[p.name] = std::move(p);
    }

    Film film = std::move(e.film);
    std::string id = e.film_id;
    if (!id.empty()) {
      if (!IsValidSlug(id)) {
        v.push_back({"film_id", "must be 1 to 63 lower-case letters, digits and hyphens"});
      }
    } else if (!Blank(film.title)) {
      id = Slugify(film.title, "film");
      const FilmRec* taken = state_->FindFilm(absl::StrCat("films/", id));
      if (taken != nullptr && taken->film->year == film.year &&
          taken->title_key == internal::TitleKey(film.title)) {
        // Same title and year: the same film imported again.
        result.status = AlreadyExists(taken->film->name);
        return result;
      }
      if (taken != nullptr && film.year != 0) {
        std::string suffix = absl::StrCat("-", film.year);
        id = absl::StrCat(id.substr(0, 63 - suffix.size()), suffix);
      }
    }
    std::string film_name = absl::StrCat("films/", id);

    std::map<std::string, Sequence> seqs;
    std::vector<std::string> seq_names;
    absl::flat_hash_set<std::string> taken;
    for (size_t k = 0; k < e.sequences.size(); ++k) {
      Sequence s = std::move(e.sequences[k]);
      std::string sp = absl::StrCat("sequences[", k, "]");
      std::string sid;
      if (!s.name.empty()) {
        if (auto parsed = internal::ParseSequenceName(s.name)) {
          sid = parsed->id;
        } else if (IsValidSlug(s.name)) {
          sid = s.name;
        } else {
          v.push_back({F(sp, "name"), "must be a sequence id, films/{film}/sequences/{id}, or empty"});
          seq_names.push_back("");
          continue;
        }
        if (taken.contains(sid)) {
          v.push_back({F(sp, "name"), absl::StrCat("duplicates another sequence id \"", sid, "\"")});
        }
      } else {
        sid = UniqueSequenceId(film_name, Slugify(s.title, "sequence"), taken);
      }
      taken.insert(sid);
      s.name = absl::StrCat(film_name, "/sequences/", sid);
      if (!s.start.relative_to.empty() && s.start.relative_to.find('/') == std::string::npos) {
        s.start.relative_to = absl::StrCat(film_name, "/sequences/", s.start.relative_to);
      }
      seq_names.push_back(s.name);
      seqs[s.name] = std::move(s);
    }

    Resolver r{
        [&](const std::string& n) -> const Person* {
          auto it = new_people.find(n);
          return it != new_people.end() ? &it->second : state_->FindPerson(n);
        },
        [&](const std::string& n) { return state_->eras.count(n) > 0; },
        [&](const std::string& n) -> const Sequence* {
          auto it = seqs.find(n);
          return it != seqs.end() ? &it->second : nullptr;
        },
    };
    PrepareFilm(&film, "film", r, &v);
    for (size_t k = 0; k < seq_names.size(); ++k) {
      if (seq_names[k].empty()) continue;
      Sequence& s = seqs[seq_names[k]];
      PrepareSequence(&s, film_name, absl::StrCat("sequences[", k, "]"), r, &v);
    }
    if (!v.empty()) {
      result.status = InvalidArguments(std::move(v));
      return result;
    }
    if (state_->FindFilm(film_name) != nullptr) {
      result.status = AlreadyExists(film_name);
      return result;
    }
    if (validate_only) return result;

    film.name = film_name;
    Stamp(&film, now, now);
    WriteBatch b;
    std::vector<std::shared_ptr<const Person>> people;
    for (auto& [n, p] : new_people) {
      people.push_back(std::make_shared<const Person>(p));
      b.upsert_people.push_back(p);
    }
    auto film_ptr = std::make_shared<const Film>(std::move(film));
    b.upsert_films.push_back(*film_ptr);
    std::vector<std::shared_ptr<const Sequence>> seq_ptrs;
    for (auto& [n, s] : seqs) {
      Stamp(&s, now, now);
      b.upsert_sequences.push_back(s);
      seq_ptrs.push_back(std::make_shared<const Sequence>(s));
    }
    absl::Status st = Commit(b, [&](CatalogState& s) {
      for (auto& p : people) s.PutPerson(p);
      s.PutFilm(film_ptr);
      for (auto& q : seq_ptrs) s.PutSequence(q);
    });
    if (!st.ok()) {
      result.status = st;
      return result;
    }
    result.film = film_name;
    return result;
  }

  absl::StatusOr<std::vector<ImportEntryResult>> ImportFilms(std::vector<ImportEntry> entries,
                                                             const WriteOptions& o) {
    if (entries.size() > kMaxBatch) {
      return InvalidArgument("entries", absl::StrCat("at most ", kMaxBatch, " entries per call (got ",
                                                     entries.size(), ")"));
    }
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "ImportFilms"));
    if (rec) return ImportResultsFromJson(rec->response);
    std::vector<ImportEntryResult> results;
    results.reserve(entries.size());
    for (ImportEntry& e : entries) results.push_back(ImportOne(std::move(e), o.validate_only));
    if (!o.request_id.empty() && !o.validate_only) {
      // Entries commit one by one; the request record follows the last one.
      WriteBatch b;
      b.request = Record(o, "ImportFilms", "", ImportResultsToJson(results).dump());
      LONGTAKE_RETURN_IF_ERROR(Commit(b, [](CatalogState&) {}));
    }
    return results;
  }

  // ---- seed and refresh ----

  absl::Status LoadSeedIfEmpty(const std::string& path) {
    absl::MutexLock w(&write_mu_);
    if (!state_->films.empty()) return absl::OkStatus();
    std::ifstream in(path);
    if (!in) return absl::NotFoundError(absl::StrCat("seed file ", path, " cannot be read"));
    std::stringstream buffer;
    buffer << in.rdbuf();
    nlohmann::json j = nlohmann::json::parse(buffer.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat("seed file ", path, " is not a JSON object"));
    }
    Violations v;
    auto collect = [&](const absl::Status& s) {
      if (s.ok()) return;
      auto fv = ErrorFieldViolations(s);
      if (fv.empty()) fv.push_back({"", std::string(s.message())});
      v.insert(v.end(), fv.begin(), fv.end());
    };
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() != "eras" && it.key() != "people" && it.key() != "films") {
        v.push_back({it.key(), "unknown top-level key (expected eras, people, films)"});
      }
    }
    auto array = [&](const char* key) -> nlohmann::json {
      if (!j.contains(key)) return nlohmann::json::array();
      if (!j[key].is_array()) {
        v.push_back({key, "must be an array"});
        return nlohmann::json::array();
      }
      return j[key];
    };
    absl::Time now = absl::Now();
    std::map<std::string, Era> eras;
    std::map<std::string, Person> people;
    std::vector<Film> films;
    std::map<std::string, Sequence> seqs;
    nlohmann::json era_array = array("eras");
    for (size_t i = 0; i < era_array.size(); ++i) {
      std::string p = absl::StrCat("eras[", i, "]");
      auto era = EraFromJson(era_array[i], p);
      collect(era.status());
      if (!era.ok()) continue;
      if (!internal::ParseName(era->name, "eras")) v.push_back({F(p, "name"), "must be eras/{era}"});
      CheckText(era->display_name, F(p, "display_name"), true, kMaxTextBytes, &v);
      era->films.clear();
      eras[era->name] = *era;
    }
    nlohmann::json people_array = array("people");
    for (size_t i = 0; i < people_array.size(); ++i) {
      std::string p = absl::StrCat("people[", i, "]");
      auto person = PersonFromJson(people_array[i], p);
      collect(person.status());
      if (!person.ok()) continue;
      if (person->name.empty()) {
        person->name = absl::StrCat("people/", Slugify(person->display_name, "person"));
      }
      if (!internal::ParseName(person->name, "people")) {
        v.push_back({F(p, "name"), "must be people/{person}"});
      }
      PreparePerson(&*person, p, &v);
      Stamp(&*person, now, now);
      people[person->name] = *person;
    }
    Resolver r{
        [&](const std::string& n) -> const Person* {
          auto it = people.find(n);
          return it != people.end() ? &it->second : state_->FindPerson(n);
        },
        [&](const std::string& n) { return eras.count(n) > 0 || state_->eras.count(n) > 0; },
        [&](const std::string& n) -> const Sequence* {
          auto it = seqs.find(n);
          return it != seqs.end() ? &it->second : nullptr;
        },
    };
    nlohmann::json film_array = array("films");
    std::vector<std::pair<std::string, std::string>> seq_paths;  // name, path
    absl::flat_hash_set<std::string> film_names;
    for (size_t i = 0; i < film_array.size(); ++i) {
      std::string p = absl::StrCat("films[", i, "]");
      auto film = FilmFromJson(film_array[i], p);
      collect(film.status());
      if (!film.ok()) continue;
      if (film->name.empty()) film->name = absl::StrCat("films/", Slugify(film->title, "film"));
      if (!internal::ParseName(film->name, "films")) v.push_back({F(p, "name"), "must be films/{film}"});
      if (!film_names.insert(film->name).second) v.push_back({F(p, "name"), "duplicates another film"});
      PrepareFilm(&*film, p, r, &v);
      Stamp(&*film, now, now);
      const nlohmann::json& fj = film_array[i];
      if (fj.contains("sequences")) {
        if (!fj["sequences"].is_array()) {
          v.push_back({F(p, "sequences"), "must be an array"});
        } else {
          absl::flat_hash_set<std::string> taken;
          for (size_t k = 0; k < fj["sequences"].size(); ++k) {
            std::string sp = absl::StrCat(p, ".sequences[", k, "]");
            auto seq = SequenceFromJson(fj["sequences"][k], sp);
            collect(seq.status());
            if (!seq.ok()) continue;
            if (seq->name.empty()) {
              seq->name = absl::StrCat(film->name, "/sequences/",
                                       UniqueSequenceId(film->name, Slugify(seq->title, "sequence"), taken));
            }
            auto parsed = internal::ParseSequenceName(seq->name);
            if (!parsed || parsed->film != film->name) {
              v.push_back({F(sp, "name"), absl::StrCat("must be ", film->name, "/sequences/{sequence}")});
              continue;
            }
            taken.insert(parsed->id);
            seq_paths.push_back({seq->name, sp});
            seqs[seq->name] = *seq;
          }
        }
      }
      films.push_back(*std::move(film));
    }
    for (const auto& [name, sp] : seq_paths) {
      Sequence& s = seqs[name];
      PrepareSequence(&s, name.substr(0, name.find("/sequences/")), sp, r, &v);
      s.film_order = 0;
      Stamp(&s, now, now);
    }
    if (!v.empty()) {
      absl::Status bad = InvalidArguments(std::move(v));
      return absl::InvalidArgumentError(absl::StrCat("seed file ", path, ": ", bad.message()));
    }
    WriteBatch b;
    for (auto& [n, e] : eras) b.upsert_eras.push_back(e);
    for (auto& [n, p] : people) b.upsert_people.push_back(p);
    b.upsert_films = films;
    for (auto& [n, s] : seqs) b.upsert_sequences.push_back(s);
    return Commit(b, [&](CatalogState& s) {
      for (auto& [n, e] : eras) s.eras[n] = std::make_shared<const Era>(e);
      for (auto& [n, p] : people) s.PutPerson(std::make_shared<const Person>(p));
      for (Film& f : films) s.PutFilm(std::make_shared<const Film>(std::move(f)));
      for (auto& [n, q] : seqs) s.PutSequence(std::make_shared<const Sequence>(q));
      absl::flat_hash_set<std::string> all;
      for (const auto& [n, e] : s.eras) all.insert(n);
      s.RebuildEras(all);
    });
  }

  absl::StatusOr<bool> Refresh() {
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(int64_t revision, store_->Revision());
    {
      absl::ReaderMutexLock lock(&mu_);
      if (state_->revision == revision) return false;
    }
    LONGTAKE_ASSIGN_OR_RETURN(CatalogSnapshot snap, store_->LoadAll());
    auto state = Build(std::move(snap));
    absl::WriterMutexLock lock(&mu_);
    state_ = std::move(state);
    return true;
  }

  std::unique_ptr<CatalogStore> store_;
  mutable absl::Mutex mu_;  // guards state_ (readers share, writers exclusive)
  absl::Mutex write_mu_;    // serialises writers; held across the store write
  std::unique_ptr<CatalogState> state_;
};

// ---------------------------------------------------------------------------

Catalog::Catalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Catalog::~Catalog() = default;

absl::StatusOr<std::unique_ptr<Catalog>> Catalog::Open(std::unique_ptr<CatalogStore> store) {
  if (store == nullptr) return absl::InvalidArgumentError("Catalog::Open: no store");
  auto impl = std::make_unique<Impl>(std::move(store));
  LONGTAKE_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<Catalog>(new Catalog(std::move(impl)));
}

absl::Status Catalog::LoadSeedIfEmpty(const std::string& seed_path) {
  return impl_->LoadSeedIfEmpty(seed_path);
}
absl::StatusOr<std::shared_ptr<const Film>> Catalog::GetFilm(absl::string_view name) const {
  return impl_->GetFilm(name);
}
absl::StatusOr<FilmPage> Catalog::ListFilms(const ListFilmsQuery& query) const {
  return impl_->ListFilms(query);
}
absl::StatusOr<std::vector<std::shared_ptr<const Film>>> Catalog::BatchGetFilms(
    const std::vector<std::string>& names) const {
  return impl_->BatchGetFilms(names);
}
absl::StatusOr<SearchPage> Catalog::SearchFilms(const SearchQuery& query) const {
  return impl_->SearchFilms(query);
}
absl::StatusOr<std::shared_ptr<const Person>> Catalog::GetPerson(absl::string_view name) const {
  return impl_->GetPerson(name);
}
absl::StatusOr<PersonPage> Catalog::ListPeople(const ListPeopleQuery& query) const {
  return impl_->ListPeople(query);
}
absl::StatusOr<CollaborationPage> Catalog::ListCollaborations(
    const ListCollaborationsQuery& query) const {
  return impl_->ListCollaborations(query);
}
absl::StatusOr<std::shared_ptr<const Sequence>> Catalog::GetSequence(absl::string_view name) const {
  return impl_->GetSequence(name);
}
absl::StatusOr<SequencePage> Catalog::ListSequences(const ListSequencesQuery& query) const {
  return impl_->ListSequences(query);
}
absl::StatusOr<std::shared_ptr<const Era>> Catalog::GetEra(absl::string_view name) const {
  return impl_->GetEra(name);
}
absl::StatusOr<EraPage> Catalog::ListEras(int page_size, const std::string& page_token) const {
  return impl_->ListEras(page_size, page_token);
}
absl::StatusOr<std::shared_ptr<const Film>> Catalog::CreateFilm(Film film, const std::string& film_id,
                                                                const WriteOptions& options) {
  return impl_->CreateFilm(std::move(film), film_id, options);
}
absl::StatusOr<std::shared_ptr<const Film>> Catalog::UpdateFilm(Film film, const FieldMask& update_mask,
                                                                const WriteOptions& options) {
  return impl_->UpdateFilm(std::move(film), update_mask, options);
}
absl::Status Catalog::DeleteFilm(const std::string& name, const std::string& etag,
                                 const WriteOptions& options) {
  return impl_->DeleteFilm(name, etag, options);
}
absl::StatusOr<std::shared_ptr<const Person>> Catalog::CreatePerson(Person person,
                                                                    const std::string& person_id,
                                                                    const WriteOptions& options) {
  return impl_->CreatePerson(std::move(person), person_id, options);
}
absl::StatusOr<std::shared_ptr<const Person>> Catalog::UpdatePerson(Person person,
                                                                    const FieldMask& update_mask,
                                                                    const WriteOptions& options) {
  return impl_->UpdatePerson(std::move(person), update_mask, options);
}
absl::Status Catalog::DeletePerson(const std::string& name, const std::string& etag,
                                   const WriteOptions& options) {
  return impl_->DeletePerson(name, etag, options);
}
absl::StatusOr<std::shared_ptr<const Sequence>> Catalog::CreateSequence(
    const std::string& parent, Sequence sequence, const std::string& sequence_id,
    const WriteOptions& options) {
  return impl_->CreateSequence(parent, std::move(sequence), sequence_id, options);
}
absl::StatusOr<std::shared_ptr<const Sequence>> Catalog::UpdateSequence(
    Sequence sequence, const FieldMask& update_mask, const WriteOptions& options) {
  return impl_->UpdateSequence(std::move(sequence), update_mask, options);
}
absl::Status Catalog::DeleteSequence(const std::string& name, const std::string& etag,
                                     const WriteOptions& options) {
  return impl_->DeleteSequence(name, etag, options);
}
absl::StatusOr<std::vector<ImportEntryResult>> Catalog::ImportFilms(std::vector<ImportEntry> entries,
                                                                    const WriteOptions& options) {
  return impl_->ImportFilms(std::move(entries), options);
}
absl::StatusOr<bool> Catalog::Refresh() { return impl_->Refresh(); }
size_t Catalog::film_count() const { return impl_->film_count(); }

}  // namespace longtake::catalog
