#include "tools/cli/import_parser.h"

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"

namespace longtake::cli {
namespace {

namespace v1 = ::longtake::catalog::v1;
using json = nlohmann::json;

constexpr int kMinYear = 1870;
constexpr int kMaxYear = 2100;

// Problems found in one row; the row is rejected when any.
struct Problems {
  int64_t line = 0;
  std::vector<ImportRejection> list;
  void Add(std::string field, std::string reason) {
    list.push_back({line, std::move(field), std::move(reason)});
  }
};

std::string Trimmed(absl::string_view s) {
  return std::string(absl::StripAsciiWhitespace(s));
}

absl::string_view StripBom(absl::string_view s) {
  absl::ConsumePrefix(&s, "\xEF\xBB\xBF");
  return s;
}

// An integer from text: "1957", " 97 ". False for "19x7", "", "12.5".
bool IntFromText(absl::string_view text, int64_t* out) {
  return absl::SimpleAtoi(absl::StripAsciiWhitespace(text), out);
}

// Year: empty/0 means unknown; otherwise kMinYear..kMaxYear.
void CheckYear(int64_t year, const std::string& field, Problems* p, int32_t* out) {
  if (year != 0 && (year < kMinYear || year > kMaxYear)) {
    p->Add(field, absl::StrCat(year, " is not a plausible year (", kMinYear, "-",
                               kMaxYear, ")"));
    return;
  }
  *out = static_cast<int32_t>(year);
}

void CheckRuntime(int64_t minutes, const std::string& field, Problems* p, int32_t* out) {
  if (minutes < 0 || minutes > 6000) {
    p->Add(field, absl::StrCat(minutes, " is not a running time in minutes"));
    return;
  }
  *out = static_cast<int32_t>(minutes);
}

v1::CreditRole RoleFromText(absl::string_view text) {
  std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (absl::StartsWith(t, "credit_role_")) t = t.substr(12);
  static const std::map<std::string, v1::CreditRole> kRoles = {
      {"director", v1::CREDIT_ROLE_DIRECTOR},
      {"cinematographer", v1::CREDIT_ROLE_CINEMATOGRAPHER},
      {"director of photography", v1::CREDIT_ROLE_CINEMATOGRAPHER},
      {"dop", v1::CREDIT_ROLE_CINEMATOGRAPHER},
      {"cast", v1::CREDIT_ROLE_CAST},
      {"actor", v1::CREDIT_ROLE_CAST},
      {"actress", v1::CREDIT_ROLE_CAST},
      {"writer", v1::CREDIT_ROLE_WRITER},
      {"screenwriter", v1::CREDIT_ROLE_WRITER},
      {"composer", v1::CREDIT_ROLE_COMPOSER},
      {"producer", v1::CREDIT_ROLE_PRODUCER},
      {"editor", v1::CREDIT_ROLE_EDITOR},
      {"presenter", v1::CREDIT_ROLE_PRESENTER},
  };
  auto it = kRoles.find(t);
  return it == kRoles.end() ? v1::CREDIT_ROLE_UNSPECIFIED : it->second;
}

v1::CameraTechnique TechniqueFromText(absl::string_view text) {
  std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (absl::StartsWith(t, "camera_technique_")) t = t.substr(17);
  for (char& c : t) {
    if (c == '-' || c == ' ') c = '_';
  }
  static const std::map<std::string, v1::CameraTechnique> kTechniques = {
      {"tracking", v1::CAMERA_TECHNIQUE_TRACKING_SHOT},
      {"tracking_shot", v1::CAMERA_TECHNIQUE_TRACKING_SHOT},
      {"crane", v1::CAMERA_TECHNIQUE_CRANE_SHOT},
      {"crane_shot", v1::CAMERA_TECHNIQUE_CRANE_SHOT},
      {"hand_held", v1::CAMERA_TECHNIQUE_HAND_HELD},
      {"handheld", v1::CAMERA_TECHNIQUE_HAND_HELD},
      {"cable", v1::CAMERA_TECHNIQUE_SUSPENDED_CABLE_RIG},
      {"suspended", v1::CAMERA_TECHNIQUE_SUSPENDED_CABLE_RIG},
      {"suspended_cable_rig", v1::CAMERA_TECHNIQUE_SUSPENDED_CABLE_RIG},
      {"long_take", v1::CAMERA_TECHNIQUE_LONG_TAKE},
      {"aerial", v1::CAMERA_TECHNIQUE_AERIAL_OVER_CROWD},
      {"aerial_over_crowd", v1::CAMERA_TECHNIQUE_AERIAL_OVER_CROWD},
      {"static", v1::CAMERA_TECHNIQUE_STATIC_RESTRICTED},
      {"restricted", v1::CAMERA_TECHNIQUE_STATIC_RESTRICTED},
      {"static_restricted", v1::CAMERA_TECHNIQUE_STATIC_RESTRICTED},
  };
  auto it = kTechniques.find(t);
  return it == kTechniques.end() ? v1::CAMERA_TECHNIQUE_UNSPECIFIED : it->second;
}

// "25:00", "1:02:03" -> seconds.
bool ClockToSeconds(absl::string_view text, int64_t* seconds) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  if (parts.size() < 2 || parts.size() > 3) return false;
  int64_t values[3] = {0, 0, 0};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty() ||
        parts[i].find_first_not_of("0123456789") != absl::string_view::npos ||
        !absl::SimpleAtoi(parts[i], &values[i])) {
      return false;
    }
  }
  int64_t h = 0, m = 0, s = 0;
  if (parts.size() == 3) {
    h = values[0], m = values[1], s = values[2];
    if (m >= 60) return false;
  } else {
    m = values[0], s = values[1];
  }
  if (s >= 60) return false;
  *seconds = h * 3600 + m * 60 + s;
  return true;
}

// "25:00" exact, "~25:00" / "around 25:00" approximate, "75%" a fraction of
// the running time, "opening" the start.
bool ParseStart(absl::string_view raw, v1::Timecode* out) {
  std::string text = absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
  absl::string_view t = text;
  if (t == "opening" || t == "the opening" || t == "opening scene" ||
      t == "the opening scene") {
    out->set_precision(v1::Timecode::PRECISION_FRACTION_OF_RUNTIME);
    out->set_fraction(0.0);
    return true;
  }
  if (absl::ConsumeSuffix(&t, "%")) {
    double percent = 0;
    if (!absl::SimpleAtod(absl::StripAsciiWhitespace(t), &percent) || !std::isfinite(percent) ||
        percent < 0 || percent > 100) {
      return false;
    }
    out->set_precision(v1::Timecode::PRECISION_FRACTION_OF_RUNTIME);
    out->set_fraction(percent / 100.0);
    return true;
  }
  bool approximate = absl::ConsumePrefix(&t, "~") || absl::ConsumePrefix(&t, "around ") ||
                     absl::ConsumePrefix(&t, "about ") || absl::ConsumePrefix(&t, "ca. ");
  t = absl::StripAsciiWhitespace(t);
  int64_t seconds = 0;
  if (!ClockToSeconds(t, &seconds)) return false;
  out->set_precision(approximate ? v1::Timecode::PRECISION_APPROXIMATE
                                 : v1::Timecode::PRECISION_EXACT);
  out->mutable_offset()->set_seconds(seconds);
  return true;
}

// Adds a credit and makes sure its person is among the entry's people.
void AddCredit(const std::string& person_name, v1::CreditRole role,
               const std::string& character, const std::string& field,
               v1::ImportFilmsEntry* entry, Problems* p) {
  std::string display = Trimmed(person_name);
  if (display.empty()) {
    p->Add(field, "person name is empty");
    return;
  }
  std::string slug = SlugFromName(display);
  if (slug.empty()) {
    p->Add(field, absl::StrCat("cannot make a person id from \"", display, "\""));
    return;
  }
  std::string name = absl::StrCat("people/", slug);
  v1::Credit* credit = entry->mutable_film()->add_credits();
  credit->set_person(name);
  credit->set_role(role);
  if (!character.empty()) credit->set_character(character);
  for (v1::Person& person : *entry->mutable_people()) {
    if (person.name() == name) {
      bool known = false;
      for (int r : person.known_roles()) known = known || r == role;
      if (!known) person.add_known_roles(role);
      return;
    }
  }
  v1::Person* person = entry->add_people();
  person->set_name(name);
  person->set_display_name(display);
  person->add_known_roles(role);
}

// Rejects later rows with the same title and year as an earlier one.
class DuplicateCheck {
 public:
  void Check(const v1::ImportFilmsEntry& entry, Problems* p) {
    std::string key = absl::StrCat(absl::AsciiStrToLower(entry.film().title()), "|",
                                   entry.film().year());
    auto [it, inserted] = first_line_.emplace(key, p->line);
    if (!inserted) {
      p->Add("title", absl::StrCat("duplicate of line ", it->second, " (same title and year)"));
    }
  }

 private:
  std::map<std::string, int64_t> first_line_;
};

void Finish(v1::ImportFilmsEntry entry, Problems& p, DuplicateCheck& duplicates,
            ParsedImport& out) {
  if (p.list.empty()) duplicates.Check(entry, &p);
  if (!p.list.empty()) {
    ++out.rejected_rows;
    for (ImportRejection& r : p.list) out.rejected.push_back(std::move(r));
    return;
  }
  entry.set_source_line(p.line);
  out.entries.push_back(std::move(entry));
}

// ---------------------------------------------------------------- JSON lines

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
bool JsonText(const json& obj, const char* key, const std::string& field, Problems* p,
              std::string* out) {
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
                                      const std::string& field, Problems* p) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (it->is_string()) {
    for (absl::string_view part : absl::StrSplit(it->get<std::string>(), ';')) {
      std::string s = Trimmed(part);
      if (!s.empty()) out.push_back(s);
    }
    return out;
  }
  if (!it->is_array()) {
    p->Add(field, absl::StrCat("expected a list of text, got ", JsonTypeName(*it)));
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
bool JsonInt(const json& obj, const char* key, const std::string& field, Problems* p,
             int64_t* out) {
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

void AddAll(const std::vector<std::string>& values,
            google::protobuf::RepeatedPtrField<std::string>* out) {
  for (const std::string& v : values) *out->Add() = v;
}

v1::ImportFilmsEntry EntryFromJson(const json& obj, Problems* p) {
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
  if (JsonText(obj, "film_id", "film_id", p, &film_id)) entry.set_film_id(film_id);

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
  AddAll(JsonTextList(obj, "countries", "countries", p), film->mutable_countries());
  AddAll(JsonTextList(obj, "languages", "languages", p), film->mutable_languages());
  AddAll(JsonTextList(obj, "studios", "studios", p), film->mutable_studios());
  AddAll(JsonTextList(obj, "notes", "notes", p), film->mutable_notes());
  std::string synopsis;
  if (JsonText(obj, "synopsis", "synopsis", p, &synopsis)) film->set_synopsis(synopsis);

  if (auto it = obj.find("credits"); it != obj.end() && !it->is_null()) {
    if (!it->is_array()) {
      p->Add("credits", absl::StrCat("expected a list, got ", JsonTypeName(*it)));
    } else {
      for (size_t i = 0; i < it->size(); ++i) {
        const json& c = (*it)[i];
        const std::string field = absl::StrCat("credits[", i, "]");
        if (!c.is_object()) {
          p->Add(field, absl::StrCat("expected an object, got ", JsonTypeName(c)));
          continue;
        }
        std::string person, role_text, character;
        const bool has_person = JsonText(c, "person_name", field + ".person_name", p, &person);
        if (!c.contains("person_name")) {
          p->Add(field + ".person_name", "missing");
          continue;
        }
        if (!has_person) continue;
        JsonText(c, "character", field + ".character", p, &character);
        if (!JsonText(c, "role", field + ".role", p, &role_text)) {
          if (!c.contains("role")) p->Add(field + ".role", "missing");
          continue;
        }
        v1::CreditRole role = RoleFromText(role_text);
        if (role == v1::CREDIT_ROLE_UNSPECIFIED) {
          p->Add(field + ".role",
                 absl::StrCat("unknown role \"", role_text,
                              "\" (director, cinematographer, cast, writer, composer, "
                              "producer, editor, presenter)"));
          continue;
        }
        AddCredit(person, role, character, field + ".person_name", &entry, p);
      }
    }
  }

  if (auto it = obj.find("sequences"); it != obj.end() && !it->is_null()) {
    if (!it->is_array()) {
      p->Add("sequences", absl::StrCat("expected a list, got ", JsonTypeName(*it)));
    } else {
      for (size_t i = 0; i < it->size(); ++i) {
        const json& s = (*it)[i];
        const std::string field = absl::StrCat("sequences[", i, "]");
        if (!s.is_object()) {
          p->Add(field, absl::StrCat("expected an object, got ", JsonTypeName(s)));
          continue;
        }
        v1::Sequence* seq = entry.add_sequences();
        std::string text;
        if (JsonText(s, "title", field + ".title", p, &text)) seq->set_title(text);
        if (seq->title().empty() && (!s.contains("title") || s["title"].is_string())) {
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
                              "\" is not a timecode (use 25:00, ~25:00, 75% or opening)"));
        }
        std::vector<std::string> techniques =
            JsonTextList(s, "techniques", field + ".techniques", p);
        for (const std::string& t : techniques) {
          v1::CameraTechnique technique = TechniqueFromText(t);
          if (technique == v1::CAMERA_TECHNIQUE_UNSPECIFIED) {
            p->Add(field + ".techniques", absl::StrCat("unknown technique \"", t, "\""));
          } else {
            seq->add_techniques(technique);
          }
        }
        AddAll(JsonTextList(s, "characters", field + ".characters", p),
               seq->mutable_characters());
      }
    }
  }
  return entry;
}

// ---------------------------------------------------------------- CSV

// "Tatiana Samoilova (Veronika)" -> name and character.
void SplitCastMember(const std::string& text, std::string* name, std::string* character) {
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

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(text, ';')) {
    std::string s = Trimmed(part);
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

}  // namespace

std::string SlugFromName(absl::string_view name) {
  // Common Latin-1 / Latin Extended-A letters in UTF-8, folded to ASCII.
  static const std::map<std::string, std::string> kFold = {
      {"á", "a"}, {"à", "a"}, {"â", "a"}, {"ä", "a"}, {"ã", "a"}, {"å", "a"},
      {"é", "e"}, {"è", "e"}, {"ê", "e"}, {"ë", "e"}, {"ě", "e"}, {"í", "i"},
      {"ì", "i"}, {"î", "i"}, {"ï", "i"}, {"ó", "o"}, {"ò", "o"}, {"ô", "o"},
      {"ö", "o"}, {"õ", "o"}, {"ø", "o"}, {"ú", "u"}, {"ù", "u"}, {"û", "u"},
      {"ü", "u"}, {"ů", "u"}, {"ñ", "n"}, {"ň", "n"}, {"ç", "c"}, {"č", "c"},
      {"ć", "c"}, {"š", "s"}, {"ś", "s"}, {"ž", "z"}, {"ź", "z"}, {"ż", "z"},
      {"ř", "r"}, {"ł", "l"}, {"ý", "y"}, {"ß", "ss"}, {"Á", "a"}, {"É", "e"},
      {"Í", "i"}, {"Ó", "o"}, {"Ú", "u"}, {"Ö", "o"}, {"Ü", "u"}, {"Č", "c"},
      {"Š", "s"}, {"Ž", "z"}, {"Ř", "r"}, {"Ł", "l"}, {"Ñ", "n"},
  };
  std::string out;
  bool pending_hyphen = false;
  auto append = [&](absl::string_view s) {
    if (pending_hyphen && !out.empty()) out.push_back('-');
    pending_hyphen = false;
    out.append(s.data(), s.size());
  };
  for (size_t i = 0; i < name.size();) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      if (absl::ascii_isalnum(c)) {
        append(std::string(1, absl::ascii_tolower(c)));
      } else if (c != '\'') {  // "O'Brien" -> "obrien"
        pending_hyphen = true;
      }
      ++i;
      continue;
    }
    size_t len = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC0) ? 2 : 1;
    auto it = kFold.find(std::string(name.substr(i, len)));
    if (it != kFold.end()) {
      append(it->second);
    } else {
      pending_hyphen = true;
    }
    i += len;
  }
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

ParsedImport ParseJsonLines(absl::string_view content) {
  ParsedImport out;
  DuplicateCheck duplicates;
  content = StripBom(content);
  int64_t line_no = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_no;
    absl::ConsumeSuffix(&line, "\r");
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    Problems p;
    p.line = line_no;
    json obj = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (obj.is_discarded()) {
      p.Add("json", "not valid JSON");
      Finish(v1::ImportFilmsEntry(), p, duplicates, out);
      continue;
    }
    if (!obj.is_object()) {
      p.Add("json", absl::StrCat("expected an object, got ", JsonTypeName(obj)));
      Finish(v1::ImportFilmsEntry(), p, duplicates, out);
      continue;
    }
    Finish(EntryFromJson(obj, &p), p, duplicates, out);
  }
  return out;
}

std::vector<CsvRecord> SplitCsv(absl::string_view content) {
  std::vector<CsvRecord> records;
  content = StripBom(content);
  CsvRecord current;
  std::string field;
  int64_t line = 1;
  current.line = 1;
  bool in_quotes = false;
  bool field_was_quoted = false;
  auto end_field = [&] {
    current.fields.push_back(field_was_quoted ? field : Trimmed(field));
    field.clear();
    field_was_quoted = false;
  };
  auto end_record = [&] {
    end_field();
    // An empty line is one empty field: skip it.
    if (!(current.fields.size() == 1 && current.fields[0].empty())) {
      records.push_back(std::move(current));
    }
    current = CsvRecord();
    current.line = line;
  };
  for (size_t i = 0; i < content.size(); ++i) {
    char c = content[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < content.size() && content[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        if (c == '\r' && i + 1 < content.size() && content[i + 1] == '\n') continue;
        field.push_back(c);
      }
      continue;
    }
    switch (c) {
      case '"':
        // A quote opens a quoted field only at its start; elsewhere it is
        // kept as written (tolerant of `5" reel`).
        if (Trimmed(field).empty() && !field_was_quoted) {
          field.clear();
          in_quotes = true;
          field_was_quoted = true;
        } else {
          field.push_back(c);
        }
        break;
      case ',':
        end_field();
        break;
      case '\r':
        break;
      case '\n':
        ++line;
        end_record();
        break;
      default:
        if (field_was_quoted) {
          // Text after a closing quote: keep it rather than lose it.
          if (c != ' ' && c != '\t') field.push_back(c);
        } else {
          field.push_back(c);
        }
    }
  }
  if (in_quotes) current.error = "quoted field is never closed";
  if (in_quotes || !field.empty() || !current.fields.empty() || field_was_quoted) {
    end_record();
  }
  return records;
}

absl::StatusOr<ParsedImport> ParseCsv(absl::string_view content) {
  std::vector<CsvRecord> records = SplitCsv(content);
  if (records.empty()) return absl::InvalidArgumentError("the CSV file is empty");
  std::map<std::string, size_t> column;
  const CsvRecord& header = records[0];
  static const std::set<std::string> kKnown = {
      "title",     "year",      "original_title",   "original_titles",
      "aliases",   "runtime_minutes", "countries",  "languages",
      "directors", "cinematographers", "cast",      "synopsis"};
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string name = absl::AsciiStrToLower(Trimmed(header.fields[i]));
    if (kKnown.count(name) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", header.line, ": unknown column \"", header.fields[i],
          "\" (known: ", absl::StrJoin(kKnown, ", "), ")"));
    }
    column[name] = i;
  }
  if (column.count("title") == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", header.line, ": the header row has no \"title\" column"));
  }
  ParsedImport out;
  DuplicateCheck duplicates;
  for (size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    Problems p;
    p.line = rec.line;
    if (!rec.error.empty()) {
      p.Add("row", rec.error);
      Finish(v1::ImportFilmsEntry(), p, duplicates, out);
      continue;
    }
    if (rec.fields.size() > header.fields.size()) {
      p.Add("row", absl::StrCat("has ", rec.fields.size(), " fields, the header has ",
                                header.fields.size(), " (quote fields that contain commas)"));
      Finish(v1::ImportFilmsEntry(), p, duplicates, out);
      continue;
    }
    auto get = [&](const char* name) -> std::string {
      auto it = column.find(name);
      if (it == column.end() || it->second >= rec.fields.size()) return "";
      return rec.fields[it->second];
    };
    v1::ImportFilmsEntry entry;
    v1::Film* film = entry.mutable_film();
    film->set_title(Trimmed(get("title")));
    if (film->title().empty()) p.Add("title", "missing: every film needs a title");
    if (std::string y = Trimmed(get("year")); !y.empty()) {
      int64_t year = 0;
      if (!IntFromText(y, &year)) {
        p.Add("year", absl::StrCat("\"", y, "\" is not a whole number"));
      } else {
        int32_t v = 0;
        CheckYear(year, "year", &p, &v);
        film->set_year(v);
      }
    }
    if (std::string m = Trimmed(get("runtime_minutes")); !m.empty()) {
      int64_t minutes = 0;
      if (!IntFromText(m, &minutes)) {
        p.Add("runtime_minutes", absl::StrCat("\"", m, "\" is not a whole number"));
      } else {
        int32_t v = 0;
        CheckRuntime(minutes, "runtime_minutes", &p, &v);
        film->set_runtime_minutes(v);
      }
    }
    AddAll(SplitList(get("original_title")), film->mutable_original_titles());
    AddAll(SplitList(get("original_titles")), film->mutable_original_titles());
    AddAll(SplitList(get("aliases")), film->mutable_aliases());
    AddAll(SplitList(get("countries")), film->mutable_countries());
    AddAll(SplitList(get("languages")), film->mutable_languages());
    film->set_synopsis(Trimmed(get("synopsis")));
    for (const std::string& n : SplitList(get("directors"))) {
      AddCredit(n, v1::CREDIT_ROLE_DIRECTOR, "", "directors", &entry, &p);
    }
    for (const std::string& n : SplitList(get("cinematographers"))) {
      AddCredit(n, v1::CREDIT_ROLE_CINEMATOGRAPHER, "", "cinematographers", &entry, &p);
    }
    for (const std::string& member : SplitList(get("cast"))) {
      std::string person, character;
      SplitCastMember(member, &person, &character);
      AddCredit(person, v1::CREDIT_ROLE_CAST, character, "cast", &entry, &p);
    }
    Finish(std::move(entry), p, duplicates, out);
  }
  return out;
}

absl::StatusOr<ParsedImport> ParseImportFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string content = buffer.str();
  std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".jsonl") || absl::EndsWith(lower, ".ndjson")) {
    return ParseJsonLines(content);
  }
  if (absl::EndsWith(lower, ".csv")) return ParseCsv(content);
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": unknown format; use a .jsonl or .csv file"));
}

}  // namespace longtake::cli
