// JSON lines import: one object per line (see import_parser.h for the
// fields). Wrong types are reported with the field's path, e.g.
// "credits[1].role".

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
#include "tools/cli/import_fields.h"
#include "tools/cli/import_parser.h"

namespace longtake::cli {
namespace {

namespace v1 = ::longtake::catalog::v1;
using json = nlohmann::json;

const char* JsonTypeName(const json& v) {
  if (v.is_number()) return "a number";
  if (v.is_string()) return "text";
  if (v.is_boolean()) return "true/false";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "an object";
  if (v.is_null()) return "null";
  return "something else";
}

// Text field; absent or null leaves `out` alone.
bool JsonText(const json& obj, const char* key, const std::string& field,
              RowProblems* p, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return false;
  if (!it->is_string()) {
    p->Add(field, absl::StrCat("expected text, got ", JsonTypeName(*it)));
    return false;
  }
  *out = Trimmed(it->get<std::string>());
  return true;
}

// A list of text: ["a", "b"], or one string ("a;b" splits on ';').
std::vector<std::string> JsonTextList(const json& obj, const char* key,
                                      const std::string& field,
                                      RowProblems* p) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (it->is_string()) return SplitList(it->get<std::string>());
  if (!it->is_array()) {
    p->Add(field,
           absl::StrCat("expected a list of text, got ", JsonTypeName(*it)));
    return out;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    if (!v.is_string()) {
      p->Add(absl::StrCat(field, "[", i, "]"),
             absl::StrCat("expected text, got ", JsonTypeName(v)));
      continue;
    }
    std::string s = Trimmed(v.get<std::string>());
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

// Integer field: a number or a number written as text. Absent -> 0.
bool JsonInt(const json& obj, const char* key, const std::string& field,
             RowProblems* p, int64_t* out) {
  *out = 0;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (it->is_number_integer()) {
    *out = it->get<int64_t>();
    return true;
  }
  if (it->is_number_float()) {
    double d = it->get<double>();
    if (std::floor(d) == d && std::fabs(d) < 1e9) {
      *out = static_cast<int64_t>(d);
      return true;
    }
    p->Add(field, absl::StrCat(it->dump(), " is not a whole number"));
    return false;
  }
  if (it->is_string()) {
    const std::string s = it->get<std::string>();
    if (Trimmed(s).empty()) return true;
    if (IntFromText(s, out)) return true;
    p->Add(field, absl::StrCat("\"", s, "\" is not a whole number"));
    return false;
  }
  p->Add(field, absl::StrCat("expected a number, got ", JsonTypeName(*it)));
  return false;
}

// Calls read(object, "key[i]") for each object of the list under
// parent[key] (absent or null: none); a value that is not a list, or an
// element that is not an object, is a problem of its own.
template <typename Read>
void ForEachObject(const json& parent, const std::string& key, RowProblems* p,
                   Read read) {
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return;
  const json& list = *it;
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

void CreditFromJson(const json& c, const std::string& field,
                    v1::ImportFilmsEntry* entry, RowProblems* p) {
  std::string person, role_text, character;
  const bool has_person =
      JsonText(c, "person_name", field + ".person_name", p, &person);
  if (!c.contains("person_name")) {
    p->Add(field + ".person_name", "missing");
    return;
  }
  if (!has_person) return;
  JsonText(c, "character", field + ".character", p, &character);
  if (!JsonText(c, "role", field + ".role", p, &role_text)) {
    if (!c.contains("role")) p->Add(field + ".role", "missing");
    return;
  }
  v1::CreditRole role = RoleFromText(role_text);
  if (role == v1::CREDIT_ROLE_UNSPECIFIED) {
    p->Add(field + ".role",
           absl::StrCat("unknown role \"", role_text,
                        "\" (director, cinematographer, cast, writer, "
                        "composer, producer, editor, presenter)"));
    return;
  }
  AddCredit(person, role, character, field + ".person_name", entry, p);
}

void SequenceFromJson(const json& s, const std::string& field,
                      v1::ImportFilmsEntry* entry, RowProblems* p) {
  v1::Sequence* seq = entry->add_sequences();
  std::string text;
  if (JsonText(s, "title", field + ".title", p, &text)) seq->set_title(text);
  if (seq->title().empty() &&
      (!s.contains("title") || s["title"].is_string())) {
    p->Add(field + ".title", "missing: every sequence needs a title");
  }
  if (JsonText(s, "description", field + ".description", p, &text)) {
    seq->set_description(text);
  }
  if (JsonText(s, "filming_method", field + ".filming_method", p, &text)) {
    seq->set_filming_method(text);
  }
  if (JsonText(s, "start", field + ".start", p, &text) && !text.empty() &&
      !ParseStart(text, seq->mutable_start())) {
    p->Add(field + ".start",
           absl::StrCat("\"", text,
                        "\" is not a timecode (use 25:00, ~25:00, 75% or "
                        "opening)"));
  }
  for (const std::string& t :
       JsonTextList(s, "techniques", field + ".techniques", p)) {
    v1::CameraTechnique technique = TechniqueFromText(t);
    if (technique == v1::CAMERA_TECHNIQUE_UNSPECIFIED) {
      p->Add(field + ".techniques",
             absl::StrCat("unknown technique \"", t, "\""));
    } else {
      seq->add_techniques(technique);
    }
  }
  AddAll(JsonTextList(s, "characters", field + ".characters", p),
         seq->mutable_characters());
}

v1::ImportFilmsEntry EntryFromJson(const json& obj, RowProblems* p) {
  v1::ImportFilmsEntry entry;
  v1::Film* film = entry.mutable_film();
  std::string title;
  JsonText(obj, "title", "title", p, &title);
  if (title.empty() && obj.contains("title") && !obj["title"].is_string()) {
    // Already reported as the wrong type.
  } else if (title.empty()) {
    p->Add("title", "missing: every film needs a title");
  }
  film->set_title(title);
  std::string film_id;
  if (JsonText(obj, "film_id", "film_id", p, &film_id)) {
    entry.set_film_id(film_id);
  }

  int64_t year = 0;
  if (JsonInt(obj, "year", "year", p, &year)) {
    int32_t y = 0;
    CheckYear(year, "year", p, &y);
    film->set_year(y);
  }
  int64_t runtime = 0;
  if (JsonInt(obj, "runtime_minutes", "runtime_minutes", p, &runtime)) {
    int32_t r = 0;
    CheckRuntime(runtime, "runtime_minutes", p, &r);
    film->set_runtime_minutes(r);
  }
  // "original_title" (one) is accepted as well as "original_titles".
  AddAll(JsonTextList(obj, "original_titles", "original_titles", p),
         film->mutable_original_titles());
  AddAll(JsonTextList(obj, "original_title", "original_title", p),
         film->mutable_original_titles());
  AddAll(JsonTextList(obj, "aliases", "aliases", p), film->mutable_aliases());
  AddAll(JsonTextList(obj, "countries", "countries", p),
         film->mutable_countries());
  AddAll(JsonTextList(obj, "languages", "languages", p),
         film->mutable_languages());
  AddAll(JsonTextList(obj, "studios", "studios", p), film->mutable_studios());
  AddAll(JsonTextList(obj, "notes", "notes", p), film->mutable_notes());
  std::string synopsis;
  if (JsonText(obj, "synopsis", "synopsis", p, &synopsis)) {
    film->set_synopsis(synopsis);
  }
  ForEachObject(obj, "credits", p, [&](const json& c, const std::string& f) {
    CreditFromJson(c, f, &entry, p);
  });
  ForEachObject(obj, "sequences", p, [&](const json& s, const std::string& f) {
    SequenceFromJson(s, f, &entry, p);
  });
  return entry;
}

}  // namespace

ParsedImport ParseJsonLines(absl::string_view content) {
  ParsedImport out;
  DuplicateCheck duplicates;
  content = StripBom(content);
  int64_t line_no = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_no;
    absl::ConsumeSuffix(&line, "\r");
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    RowProblems p;
    p.line = line_no;
    json obj = json::parse(line.begin(), line.end(), nullptr,
                           /*allow_exceptions=*/false);
    if (obj.is_discarded()) {
      p.Add("json", "not valid JSON");
      FinishRow(v1::ImportFilmsEntry(), p, duplicates, out);
      continue;
    }
    if (!obj.is_object()) {
      p.Add("json",
            absl::StrCat("expected an object, got ", JsonTypeName(obj)));
      FinishRow(v1::ImportFilmsEntry(), p, duplicates, out);
      continue;
    }
    FinishRow(EntryFromJson(obj, &p), p, duplicates, out);
  }
  return out;
}

}  // namespace longtake::cli
