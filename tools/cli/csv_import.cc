// CSV import: a header row naming the columns (see import_parser.h), lists
// separated by ';', cast members written "Name (Character)".

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/cli/csv_reader.h"
#include "tools/cli/import_fields.h"
#include "tools/cli/import_parser.h"

namespace longtake::cli {
namespace {

namespace v1 = ::longtake::catalog::v1;

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

// A whole number column: empty leaves the film alone; otherwise a number
// passed to `check`, or a problem.
template <typename Check>
void NumberColumn(const std::string& raw, const char* field, RowProblems* p,
                  Check check) {
  const std::string text = Trimmed(raw);
  if (text.empty()) return;
  int64_t value = 0;
  if (!IntFromText(text, &value)) {
    p->Add(field, absl::StrCat("\"", text, "\" is not a whole number"));
    return;
  }
  check(value);
}

v1::ImportFilmsEntry EntryFromRecord(
    const CsvRecord& rec, const std::map<std::string, size_t>& column,
    RowProblems* p) {
  auto get = [&](const char* name) -> std::string {
    auto it = column.find(name);
    if (it == column.end() || it->second >= rec.fields.size()) return "";
    return rec.fields[it->second];
  };
  v1::ImportFilmsEntry entry;
  v1::Film* film = entry.mutable_film();
  film->set_title(Trimmed(get("title")));
  if (film->title().empty())
    p->Add("title", "missing: every film needs a title");
  NumberColumn(get("year"), "year", p, [&](int64_t year) {
    int32_t v = 0;
    CheckYear(year, "year", p, &v);
    film->set_year(v);
  });
  NumberColumn(get("runtime_minutes"), "runtime_minutes", p,
               [&](int64_t minutes) {
                 int32_t v = 0;
                 CheckRuntime(minutes, "runtime_minutes", p, &v);
                 film->set_runtime_minutes(v);
               });
  AddAll(SplitList(get("original_title")), film->mutable_original_titles());
  AddAll(SplitList(get("original_titles")), film->mutable_original_titles());
  AddAll(SplitList(get("aliases")), film->mutable_aliases());
  AddAll(SplitList(get("countries")), film->mutable_countries());
  AddAll(SplitList(get("languages")), film->mutable_languages());
  film->set_synopsis(Trimmed(get("synopsis")));
  for (const std::string& n : SplitList(get("directors"))) {
    AddCredit(n, v1::CREDIT_ROLE_DIRECTOR, "", "directors", &entry, p);
  }
  for (const std::string& n : SplitList(get("cinematographers"))) {
    AddCredit(n, v1::CREDIT_ROLE_CINEMATOGRAPHER, "", "cinematographers",
              &entry, p);
  }
  for (const std::string& member : SplitList(get("cast"))) {
    std::string person, character;
    SplitCastMember(member, &person, &character);
    AddCredit(person, v1::CREDIT_ROLE_CAST, character, "cast", &entry, p);
  }
  return entry;
}

}  // namespace

absl::StatusOr<ParsedImport> ParseCsv(absl::string_view content) {
  std::vector<CsvRecord> records = SplitCsv(content);
  if (records.empty()) {
    return absl::InvalidArgumentError("the CSV file is empty");
  }
  std::map<std::string, size_t> column;
  const CsvRecord& header = records[0];
  static const std::set<std::string> kKnown = {
      "title",          "year",
      "original_title", "original_titles",
      "aliases",        "runtime_minutes",
      "countries",      "languages",
      "directors",      "cinematographers",
      "cast",           "synopsis"};
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
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", header.line, ": the header row has no \"title\" column"));
  }
  ParsedImport out;
  DuplicateCheck duplicates;
  for (size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    RowProblems p;
    p.line = rec.line;
    if (!rec.error.empty()) {
      p.Add("row", rec.error);
      FinishRow(v1::ImportFilmsEntry(), p, duplicates, out);
      continue;
    }
    if (rec.fields.size() > header.fields.size()) {
      p.Add("row",
            absl::StrCat("has ", rec.fields.size(), " fields, the header has ",
                         header.fields.size(),
                         " (quote fields that contain commas)"));
      FinishRow(v1::ImportFilmsEntry(), p, duplicates, out);
      continue;
    }
    v1::ImportFilmsEntry entry = EntryFromRecord(rec, column, &p);
    FinishRow(std::move(entry), p, duplicates, out);
  }
  return out;
}

}  // namespace longtake::cli
