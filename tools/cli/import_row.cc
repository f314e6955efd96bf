// One row's values to an ImportFilmsEntry (import_row.h). Nested objects
// (credits, sequences) match their keys like the row does, in any case and
// spelling of spaces and underscores.

#include "tools/cli/import_row.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace longtake::cli {
namespace {

namespace v1 = ::longtake::catalog::v1;

// Null, or text of blanks only: absent.
bool IsAbsent(const ImportJson& v) {
  return v.is_null() ||
         (v.is_string() &&
          absl::StripAsciiWhitespace(v.get_ref<const std::string&>()).empty());
}

// The member of `obj` whose key normalizes like `key`; nullptr when there is
// none or it is absent.
const ImportJson* Member(const ImportJson& obj, absl::string_view key) {
  const std::string wanted = NormalizeKey(key);
  for (const auto& item : obj.items()) {
    if (NormalizeKey(item.key()) == wanted) {
      return IsAbsent(item.value()) ? nullptr : &item.value();
    }
  }
  return nullptr;
}

// Notes the members of a nested object that are none of `known`, as
// "<list>.<key>" ("credits.job").
void NoteUnknownMembers(const ImportJson& obj,
                        std::initializer_list<absl::string_view> known,
                        absl::string_view list, RowProblems* p) {
  for (const auto& item : obj.items()) {
    if (IsAbsent(item.value())) continue;
    const std::string key = NormalizeKey(item.key());
    bool is_known = false;
    for (absl::string_view k : known)
      is_known = is_known || NormalizeKey(k) == key;
    if (!is_known) p->unknown_keys.insert(absl::StrCat(list, ".", item.key()));
  }
}

// "credits[1].person_name" -> "credits.person_name": one name for the
// summary however many elements.
std::string WithoutIndices(absl::string_view field) {
  std::string out;
  bool in_index = false;
  for (char c : field) {
    if (c == '[') in_index = true;
    if (!in_index) out.push_back(c);
    if (c == ']') in_index = false;
  }
  return out;
}

// Text: a string, trimmed, or a number taken as text (noted for the
// summary: a title "1941" is a title). False, with a problem, otherwise.
bool Text(const ImportJson& v, const std::string& field, RowProblems* p,
          std::string* out) {
  if (v.is_string()) {
    *out = Trimmed(v.get_ref<const std::string&>());
    return true;
  }
  if (v.is_number()) {
    *out = v.dump();
    p->numbers_as_text.insert(WithoutIndices(field));
    return true;
  }
  p->Add(field, absl::StrCat("expected text, got ", JsonTypeName(v)));
  return false;
}

// Text of a member; false when it is absent or unusable.
bool MemberText(const ImportJson& obj, absl::string_view key,
                const std::string& field, RowProblems* p, std::string* out) {
  const ImportJson* v = Member(obj, key);
  return v != nullptr && Text(*v, field, p, out);
}

// A list of text: ["a", "b"] (nulls skipped), one text "a; b", or one
// number.
std::vector<std::string> TextList(const ImportJson& v, const std::string& field,
                                  RowProblems* p) {
  std::vector<std::string> out;
  std::string one;
  if (v.is_string()) return SplitList(v.get_ref<const std::string&>());
  if (v.is_number()) {
    if (Text(v, field, p, &one)) out.push_back(one);
    return out;
  }
  if (!v.is_array()) {
    p->Add(field,
           absl::StrCat("expected a list of text, got ", JsonTypeName(v)));
    return out;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (!IsAbsent(v[i]) &&
        Text(v[i], absl::StrCat(field, "[", i, "]"), p, &one)) {
      out.push_back(one);
    }
  }
  return out;
}

// A number, written as one or, when `text_too`, as text ("8.3",
// "12,345"). False, with a problem, otherwise.
bool Number(const ImportJson& v, const std::string& field, RowProblems* p,
            double* out, bool text_too = true) {
  if (v.is_number()) {
    *out = v.get<double>();
    return true;
  }
  if (text_too && v.is_string()) {
    std::string text = Trimmed(v.get_ref<const std::string&>());
    text.erase(std::remove(text.begin(), text.end(), ','), text.end());
    if (absl::SimpleAtod(text, out) && std::isfinite(*out)) return true;
    p->Add(field, absl::StrCat("\"", text, "\" is not a number"));
    return false;
  }
  p->Add(field, absl::StrCat("expected a number, got ", JsonTypeName(v)));
  return false;
}

// A JSON number that is whole (1958 or 1958.0). False, with a problem,
// otherwise.
bool WholeNumber(const ImportJson& v, const std::string& field, RowProblems* p,
                 int64_t* out) {
  if (v.is_number_integer()) {  // exact beyond a double's 53 bits
    *out = v.get<int64_t>();
    return true;
  }
  double d = 0;
  if (!Number(v, field, p, &d, /*text_too=*/false)) return false;
  if (std::floor(d) != d || std::fabs(d) >= 1e9) {
    p->Add(field, absl::StrCat(v.dump(), " is not a whole number"));
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

// {"source": "imdb", "value": 8.3, "votes": 30000}
void RatingFromJson(const ImportJson& r, const std::string& field,
                    absl::string_view list, v1::Film* film, RowProblems* p) {
  NoteUnknownMembers(r, {"source", "value", "votes"}, list, p);
  std::string source;
  double value = 0, votes = 0;
  const ImportJson* value_json = Member(r, "value");
  if (!MemberText(r, "source", field + ".source", p, &source) ||
      value_json == nullptr) {
    p->Add(field, "needs a source and a value");
    return;
  }
  if (!Number(*value_json, field + ".value", p, &value)) return;
  if (const ImportJson* v = Member(r, "votes");
      v != nullptr && !Number(*v, field + ".votes", p, &votes)) {
    return;
  }
  v1::Rating* rating = film->add_ratings();
  rating->set_source(absl::AsciiStrToLower(source));
  rating->set_value(value);
  rating->set_votes(static_cast<int64_t>(votes));
}

// A whole number from a JSON number or from text `from_text` reads (else
// the problem: the text, then `unreadable`), range-checked by `check`
// (CheckYear, CheckRuntime: 0 when out of range) and handed to `set`.
template <typename FromText, typename Set>
void SetCheckedNumber(const RowValue& v, RowProblems* p, FromText from_text,
                      const char* unreadable,
                      void (*check)(int64_t, const std::string&, RowProblems*,
                                    int32_t*),
                      Set set) {
  const std::string field(v.key);
  int64_t n = 0;
  if (v.value->is_string()) {
    const std::string text = Trimmed(v.value->get_ref<const std::string&>());
    if (!from_text(text, &n)) {
      p->Add(field, absl::StrCat("\"", text, "\" ", unreadable));
      return;
    }
  } else if (!WholeNumber(*v.value, field, p, &n)) {
    return;
  }
  int32_t checked = 0;
  check(n, field, p, &checked);
  set(checked);
}

// The year from a number (1998) or a date in text ("June 12, 1998").
void SetYear(const RowValue& v, RowProblems* p, v1::Film* film) {
  SetCheckedNumber(v, p, YearFromDate, "has no 4-digit year", CheckYear,
                   [film](int32_t year) { film->set_year(year); });
}

void SetRuntime(const RowValue& v, RowProblems* p, v1::Film* film) {
  SetCheckedNumber(
      v, p, MinutesFromText, "is not a whole number", CheckRuntime,
      [film](int32_t minutes) { film->set_runtime_minutes(minutes); });
}

// "Tatiana Samoilova (Veronika)" -> name and character.
void SplitCastMember(const std::string& text, std::string* name,
                     std::string* character) {
  *name = text;
  character->clear();
  if (!text.empty() && text.back() == ')') {
    size_t open = text.rfind('(');
    if (open != std::string::npos && open > 0) {
      *name = Trimmed(text.substr(0, open));
      *character = Trimmed(text.substr(open + 1, text.size() - open - 2));
    }
  }
}

// A list of names credited in one role ("Director": "A; B").
void AddPeople(const RowValue& v, v1::CreditRole role,
               v1::ImportFilmsEntry* entry, RowProblems* p) {
  const std::string field(v.key);
  for (const std::string& member : TextList(*v.value, field, p)) {
    std::string person = member, character;
    if (role == v1::CREDIT_ROLE_CAST) {
      SplitCastMember(member, &person, &character);
    }
    AddCredit(person, role, character, field, entry, p);
  }
}

// Calls read(element, "key[i]") for each object of `list`; a value that is
// not a list, or an element that is not an object, is a problem of its own.
template <typename Read>
void ForEachObject(const ImportJson& list, const std::string& key,
                   RowProblems* p, Read read) {
  if (!list.is_array()) {
    p->Add(key, absl::StrCat("expected a list, got ", JsonTypeName(list)));
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = absl::StrCat(key, "[", i, "]");
    if (list[i].is_object()) {
      read(list[i], field);
    } else {
      p->Add(field,
             absl::StrCat("expected an object, got ", JsonTypeName(list[i])));
    }
  }
}

void CreditFromJson(const ImportJson& c, const std::string& field,
                    absl::string_view list, v1::ImportFilmsEntry* entry,
                    RowProblems* p) {
  NoteUnknownMembers(c, {"person_name", "role", "character"}, list, p);
  const ImportJson* person_value = Member(c, "person_name");
  if (person_value == nullptr) {
    p->Add(field + ".person_name", "missing");
    return;
  }
  std::string person, role_text, character;
  if (!Text(*person_value, field + ".person_name", p, &person)) return;
  MemberText(c, "character", field + ".character", p, &character);
  const ImportJson* role_value = Member(c, "role");
  if (role_value == nullptr) {
    p->Add(field + ".role", "missing");
    return;
  }
  if (!Text(*role_value, field + ".role", p, &role_text)) return;
  const v1::CreditRole role = RoleFromText(role_text);
  if (role == v1::CREDIT_ROLE_UNSPECIFIED) {
    p->Add(field + ".role",
           absl::StrCat("unknown role \"", role_text,
                        "\" (director, cinematographer, cast, writer, "
                        "composer, producer, editor, presenter)"));
    return;
  }
  AddCredit(person, role, character, field + ".person_name", entry, p);
}

void SequenceFromJson(const ImportJson& s, const std::string& field,
                      absl::string_view list, v1::ImportFilmsEntry* entry,
                      RowProblems* p) {
  NoteUnknownMembers(s,
                     {"title", "description", "filming_method", "start",
                      "techniques", "characters"},
                     list, p);
  v1::Sequence* seq = entry->add_sequences();
  std::string text;
  if (const ImportJson* title = Member(s, "title"); title == nullptr) {
    p->Add(field + ".title", "missing: every sequence needs a title");
  } else if (Text(*title, field + ".title", p, &text)) {
    seq->set_title(text);
  }
  if (MemberText(s, "description", field + ".description", p, &text)) {
    seq->set_description(text);
  }
  if (MemberText(s, "filming_method", field + ".filming_method", p, &text)) {
    seq->set_filming_method(text);
  }
  if (MemberText(s, "start", field + ".start", p, &text) &&
      !ParseStart(text, seq->mutable_start())) {
    p->Add(field + ".start",
           absl::StrCat("\"", text,
                        "\" is not a timecode (use 25:00, ~25:00, 75% or "
                        "opening)"));
  }
  if (const ImportJson* list_value = Member(s, "techniques")) {
    for (const std::string& t :
         TextList(*list_value, field + ".techniques", p)) {
      v1::CameraTechnique technique = TechniqueFromText(t);
      if (technique == v1::CAMERA_TECHNIQUE_UNSPECIFIED) {
        p->Add(field + ".techniques",
               absl::StrCat("unknown technique \"", t, "\""));
      } else {
        seq->add_techniques(technique);
      }
    }
  }
  if (const ImportJson* list_value = Member(s, "characters")) {
    AddAll(TextList(*list_value, field + ".characters", p),
           seq->mutable_characters());
  }
}

}  // namespace

const char* JsonTypeName(const ImportJson& v) {
  if (v.is_number()) return "a number";
  if (v.is_string()) return "text";
  if (v.is_boolean()) return "true/false";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "an object";
  if (v.is_null()) return "null";
  return "something else";
}

std::vector<RowValue> RowFromObject(const ImportJson& object,
                                    const KeyMap& keys) {
  std::vector<RowValue> row;
  for (const auto& item : object.items()) {
    row.push_back({item.key(), keys.Find(item.key()), &item.value()});
  }
  return row;
}

v1::ImportFilmsEntry EntryFromRow(const std::vector<RowValue>& row,
                                  RowProblems* p) {
  // The row's values by field, in file order; absent ones left out.
  std::map<ImportField, std::vector<const RowValue*>> values;
  for (const RowValue& v : row) {
    if (IsAbsent(*v.value)) continue;
    if (!v.field) {
      p->unknown_keys.insert(std::string(v.key));
      continue;
    }
    values[*v.field].push_back(&v);
  }
  auto first = [&](ImportField f) -> const RowValue* {
    auto it = values.find(f);
    return it == values.end() ? nullptr : it->second.front();
  };
  auto each = [&](ImportField f, auto use) {
    auto it = values.find(f);
    if (it == values.end()) return;
    for (const RowValue* v : it->second) use(*v);
  };

  v1::ImportFilmsEntry entry;
  v1::Film* film = entry.mutable_film();
  std::string text;
  // One problem for the title: missing, or not usable as text.
  if (const RowValue* v = first(ImportField::kTitle); v == nullptr) {
    p->Add("title", "missing: every film needs a title");
  } else if (Text(*v->value, std::string(v->key), p, &text)) {
    film->set_title(text);
  }
  if (const RowValue* v = first(ImportField::kFilmId);
      v != nullptr && Text(*v->value, std::string(v->key), p, &text)) {
    entry.set_film_id(text);
  }
  if (const RowValue* v = first(ImportField::kYear)) SetYear(*v, p, film);
  if (const RowValue* v = first(ImportField::kRuntimeMinutes)) {
    SetRuntime(*v, p, film);
  }
  if (const RowValue* v = first(ImportField::kSynopsis);
      v != nullptr && Text(*v->value, std::string(v->key), p, &text)) {
    film->set_synopsis(text);
  }
  const std::pair<ImportField, google::protobuf::RepeatedPtrField<std::string>*>
      lists[] = {
          {ImportField::kOriginalTitles, film->mutable_original_titles()},
          {ImportField::kAliases, film->mutable_aliases()},
          {ImportField::kCountries, film->mutable_countries()},
          {ImportField::kLanguages, film->mutable_languages()},
          {ImportField::kStudios, film->mutable_studios()},
          {ImportField::kNotes, film->mutable_notes()},
          {ImportField::kGenres, film->mutable_genres()}};
  for (const auto& [field, out] : lists) {
    each(field, [&, out = out](const RowValue& v) {
      AddAll(TextList(*v.value, std::string(v.key), p), out);
    });
  }
  const std::pair<ImportField, v1::CreditRole> roles[] = {
      {ImportField::kDirectors, v1::CREDIT_ROLE_DIRECTOR},
      {ImportField::kCinematographers, v1::CREDIT_ROLE_CINEMATOGRAPHER},
      {ImportField::kCast, v1::CREDIT_ROLE_CAST},
      {ImportField::kWriters, v1::CREDIT_ROLE_WRITER},
      {ImportField::kComposers, v1::CREDIT_ROLE_COMPOSER}};
  for (const auto& [field, role] : roles) {
    each(field, [&, role = role](const RowValue& v) {
      AddPeople(v, role, &entry, p);
    });
  }
  each(ImportField::kCredits, [&](const RowValue& v) {
    ForEachObject(*v.value, std::string(v.key), p,
                  [&](const ImportJson& c, const std::string& field) {
                    CreditFromJson(c, field, v.key, &entry, p);
                  });
  });
  v1::ExternalIds* ids = film->mutable_external_ids();
  if (const RowValue* v = first(ImportField::kImdbId);
      v != nullptr && Text(*v->value, std::string(v->key), p, &text)) {
    ids->set_imdb_id(text);
  }
  if (const RowValue* v = first(ImportField::kWikidataId);
      v != nullptr && Text(*v->value, std::string(v->key), p, &text)) {
    ids->set_wikidata_id(text);
  }
  double number = 0;
  if (const RowValue* v = first(ImportField::kTmdbId);
      v != nullptr && Number(*v->value, std::string(v->key), p, &number)) {
    ids->set_tmdb_id(static_cast<int64_t>(number));
  }
  if (ids->ByteSizeLong() == 0) film->clear_external_ids();
  each(ImportField::kRatings, [&](const RowValue& v) {
    ForEachObject(*v.value, std::string(v.key), p,
                  [&](const ImportJson& r, const std::string& field) {
                    RatingFromJson(r, field, v.key, film, p);
                  });
  });
  // Flat columns of the two common sources (IMDb's title.ratings, TMDB's
  // vote_average and vote_count).
  const std::tuple<ImportField, ImportField, const char*> flat_ratings[] = {
      {ImportField::kImdbRating, ImportField::kImdbVotes, "imdb"},
      {ImportField::kTmdbRating, ImportField::kTmdbVotes, "tmdb"}};
  for (const auto& [value_field, votes_field, source] : flat_ratings) {
    const RowValue* value = first(value_field);
    double rating_value = 0, votes = 0;
    if (value == nullptr ||
        !Number(*value->value, std::string(value->key), p, &rating_value)) {
      continue;
    }
    if (const RowValue* v = first(votes_field);
        v != nullptr && !Number(*v->value, std::string(v->key), p, &votes)) {
      continue;
    }
    v1::Rating* rating = film->add_ratings();
    rating->set_source(source);
    rating->set_value(rating_value);
    rating->set_votes(static_cast<int64_t>(votes));
  }
  each(ImportField::kSequences, [&](const RowValue& v) {
    ForEachObject(*v.value, std::string(v.key), p,
                  [&](const ImportJson& s, const std::string& field) {
                    SequenceFromJson(s, field, v.key, &entry, p);
                  });
  });
  return entry;
}

}  // namespace longtake::cli
