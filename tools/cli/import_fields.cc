#include "tools/cli/import_fields.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/text/slug.h"

namespace longtake::cli {
namespace {

namespace v1 = ::longtake::catalog::v1;

constexpr int kMinYear = 1870;
constexpr int kMaxYear = 2100;
constexpr int kMaxRuntimeMinutes = 6000;

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

// "  Credit_Role_Director " -> "director": lower case, trimmed, without the
// proto enum's prefix, so both the short and the full enum names are known.
// Words importers meet for credit roles and camera techniques beyond the
// enums' own, with the enum value name each stands for.
const std::map<std::string, std::string>& EnumSynonyms() {
  static const auto* synonyms = new std::map<std::string, std::string>{
      {"actor", "CREDIT_ROLE_CAST"},
      {"actress", "CREDIT_ROLE_CAST"},
      {"aerial", "CAMERA_TECHNIQUE_AERIAL_OVER_CROWD"},
      {"cable", "CAMERA_TECHNIQUE_SUSPENDED_CABLE_RIG"},
      {"crane", "CAMERA_TECHNIQUE_CRANE_SHOT"},
      {"director of photography", "CREDIT_ROLE_CINEMATOGRAPHER"},
      {"dop", "CREDIT_ROLE_CINEMATOGRAPHER"},
      {"handheld", "CAMERA_TECHNIQUE_HAND_HELD"},
      {"restricted", "CAMERA_TECHNIQUE_STATIC_RESTRICTED"},
      {"screenwriter", "CREDIT_ROLE_WRITER"},
      {"static", "CAMERA_TECHNIQUE_STATIC_RESTRICTED"},
      {"suspended", "CAMERA_TECHNIQUE_SUSPENDED_CABLE_RIG"},
      {"tracking", "CAMERA_TECHNIQUE_TRACKING_SHOT"}};
  return *synonyms;
}

// A proto enum value from its name with or without `prefix`, in any case,
// with spaces or '-' for '_' ("Long take" -> CAMERA_TECHNIQUE_LONG_TAKE), or
// from a synonym; the unspecified value (0) otherwise.
template <typename Enum, typename Parse>
Enum EnumFromText(absl::string_view text, absl::string_view prefix,
                  Parse parse) {
  std::string word = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  auto synonym = EnumSynonyms().find(word);
  std::string name = synonym != EnumSynonyms().end()
                         ? synonym->second
                         : absl::AsciiStrToUpper(word);
  for (char& c : name) {
    if (c == '-' || c == ' ') c = '_';
  }
  if (!absl::StartsWith(name, prefix)) name = absl::StrCat(prefix, name);
  Enum value{};
  return parse(name, &value) ? value : Enum{};
}

}  // namespace

std::string Trimmed(absl::string_view s) {
  return std::string(absl::StripAsciiWhitespace(s));
}

absl::string_view StripBom(absl::string_view s) {
  absl::ConsumePrefix(&s, "\xEF\xBB\xBF");
  return s;
}

bool IntFromText(absl::string_view text, int64_t* out) {
  return absl::SimpleAtoi(absl::StripAsciiWhitespace(text), out);
}

std::vector<std::string> SplitList(absl::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(text, ';')) {
    std::string s = Trimmed(part);
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

void AddAll(const std::vector<std::string>& values,
            google::protobuf::RepeatedPtrField<std::string>* out) {
  for (const std::string& v : values) *out->Add() = v;
}

bool YearFromDate(absl::string_view text, int64_t* year) {
  size_t i = 0;
  while (i < text.size()) {
    if (!absl::ascii_isdigit(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && absl::ascii_isdigit(text[end])) ++end;
    absl::string_view run = text.substr(i, end - i);
    // 4 digits, or 8 for a compact ISO date (YYYYMMDD).
    if ((run.size() == 4 || run.size() == 8) &&
        (run[0] == '1' || run[0] == '2')) {
      return absl::SimpleAtoi(run.substr(0, 4), year);
    }
    i = end;
  }
  return false;
}

bool MinutesFromText(absl::string_view text, int64_t* minutes) {
  std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  absl::string_view number = t;
  for (absl::string_view unit : {"minutes", "mins", "min", "m"}) {
    if (absl::ConsumeSuffix(&number, unit)) break;
  }
  return IntFromText(number, minutes);
}

void CheckYear(int64_t year, const std::string& field, RowProblems* p,
               int32_t* out) {
  if (year != 0 && (year < kMinYear || year > kMaxYear)) {
    p->Add(field, absl::StrCat(year, " is not a plausible year (", kMinYear,
                               "-", kMaxYear, ")"));
    return;
  }
  *out = static_cast<int32_t>(year);
}

void CheckRuntime(int64_t minutes, const std::string& field, RowProblems* p,
                  int32_t* out) {
  if (minutes < 0 || minutes > kMaxRuntimeMinutes) {
    p->Add(field, absl::StrCat(minutes, " is not a running time in minutes"));
    return;
  }
  *out = static_cast<int32_t>(minutes);
}

v1::CreditRole RoleFromText(absl::string_view text) {
  return EnumFromText<v1::CreditRole>(text, "CREDIT_ROLE_",
                                      v1::CreditRole_Parse);
}

v1::CameraTechnique TechniqueFromText(absl::string_view text) {
  return EnumFromText<v1::CameraTechnique>(text, "CAMERA_TECHNIQUE_",
                                           v1::CameraTechnique_Parse);
}

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
    if (!absl::SimpleAtod(absl::StripAsciiWhitespace(t), &percent) ||
        !std::isfinite(percent) || percent < 0 || percent > 100) {
      return false;
    }
    out->set_precision(v1::Timecode::PRECISION_FRACTION_OF_RUNTIME);
    out->set_fraction(percent / 100.0);
    return true;
  }
  bool approximate =
      absl::ConsumePrefix(&t, "~") || absl::ConsumePrefix(&t, "around ") ||
      absl::ConsumePrefix(&t, "about ") || absl::ConsumePrefix(&t, "ca. ");
  t = absl::StripAsciiWhitespace(t);
  int64_t seconds = 0;
  if (!ClockToSeconds(t, &seconds)) return false;
  out->set_precision(approximate ? v1::Timecode::PRECISION_APPROXIMATE
                                 : v1::Timecode::PRECISION_EXACT);
  out->mutable_offset()->set_seconds(seconds);
  return true;
}

void AddCredit(const std::string& person_name, v1::CreditRole role,
               const std::string& character, const std::string& field,
               v1::ImportFilmsEntry* entry, RowProblems* p) {
  std::string display = Trimmed(person_name);
  if (display.empty()) {
    p->Add(field, "person name is empty");
    return;
  }
  // The same id the catalogue gives a person it names itself.
  std::string slug = Slugify(display, "");
  if (slug.empty()) {
    p->Add(field,
           absl::StrCat("cannot make a person id from \"", display, "\""));
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

void DuplicateCheck::Check(const v1::ImportFilmsEntry& entry, RowProblems* p) {
  std::string key = absl::StrCat(absl::AsciiStrToLower(entry.film().title()),
                                 "|", entry.film().year());
  auto [it, inserted] = first_line_.emplace(key, p->line);
  if (!inserted) {
    p->Add("title", absl::StrCat("duplicate of line ", it->second,
                                 " (same title and year)"));
  }
}

void FinishRow(v1::ImportFilmsEntry entry, RowProblems& p,
               DuplicateCheck& duplicates, ParsedImport& out) {
  for (const std::string& key : p.unknown_keys) ++out.unknown_keys[key];
  for (const std::string& f : p.numbers_as_text) ++out.numbers_as_text[f];
  if (p.list.empty()) duplicates.Check(entry, &p);
  if (!p.list.empty()) {
    ++out.rejected_rows;
    for (ImportRejection& r : p.list) out.rejected.push_back(std::move(r));
    return;
  }
  entry.set_source_line(p.line);
  out.entries.push_back(std::move(entry));
}

}  // namespace longtake::cli
