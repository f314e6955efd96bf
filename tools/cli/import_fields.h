#pragma once

// Field conversion shared by the import formats (through import_row.cc):
// text clean-up, dates, range checks, role/technique names, timecodes,
// credits with their people, and the per-row bookkeeping that turns a row
// into an entry or into rejections.
//
//   RowProblems p;
//   p.line = 7;
//   int32_t year = 0;
//   CheckYear(1957, "year", &p, &year);
//   AddCredit("Sergei Urusevsky", CREDIT_ROLE_CINEMATOGRAPHER, "",
//   "credits[0]",
//             &entry, &p);  // people/sergei-urusevsky
//   FinishRow(std::move(entry), p, duplicates, out);

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "longtake/catalog/v1/catalog_service.pb.h"
#include "tools/cli/import_parser.h"

namespace longtake::cli {

// Problems found in one row (the row is rejected when any), and what the
// summary notes about it.
struct RowProblems {
  int64_t line = 0;
  std::vector<ImportRejection> list;
  // Keys with a value that the importer does not know, as written.
  std::set<std::string> unknown_keys;
  // Fields given a number where text belongs ("credits.person_name").
  std::set<std::string> numbers_as_text;
  void Add(std::string field, std::string reason) {
    list.push_back({line, std::move(field), std::move(reason)});
  }
};

std::string Trimmed(absl::string_view s);
absl::string_view StripBom(absl::string_view s);

// An integer from text: "1957", " 97 ". False for "19x7", "", "12.5".
bool IntFromText(absl::string_view text, int64_t* out);

// "a; b;;c" -> {"a", "b", "c"}.
std::vector<std::string> SplitList(absl::string_view text);

void AddAll(const std::vector<std::string>& values,
            google::protobuf::RepeatedPtrField<std::string>* out);

// The year of a date in the usual shapes: "Jun 12 1998", "June 12, 1998",
// "12 Jun 1998", "1998-06-12", "12/06/1998", "06/12/1998", "19980612",
// "1998": the first 4-digit number starting with 1 or 2 (day and month
// order do not matter). False when there is none.
bool YearFromDate(absl::string_view text, int64_t* year);

// Minutes from "97", "97 min", "97 minutes". False for anything else.
bool MinutesFromText(absl::string_view text, int64_t* minutes);

// Year: 0 means unknown; otherwise 1870..2100. Leaves *out alone and adds a
// problem when out of range.
void CheckYear(int64_t year, const std::string& field, RowProblems* p,
               int32_t* out);
// Running time: 0..6000 minutes.
void CheckRuntime(int64_t minutes, const std::string& field, RowProblems* p,
                  int32_t* out);

// "director", "DoP", "CREDIT_ROLE_CAST"...; UNSPECIFIED when unknown.
catalog::v1::CreditRole RoleFromText(absl::string_view text);
// "crane", "hand-held", "CAMERA_TECHNIQUE_LONG_TAKE"...; UNSPECIFIED when
// unknown.
catalog::v1::CameraTechnique TechniqueFromText(absl::string_view text);

// "25:00" exact, "~25:00" / "around 25:00" approximate, "75%" a fraction of
// the running time, "opening" the start. False when none of these.
bool ParseStart(absl::string_view raw, catalog::v1::Timecode* out);

// Adds a credit and makes sure its person is among the entry's people. The
// person's id is longtake::Slugify of the name, as the catalogue makes it.
void AddCredit(const std::string& person_name, catalog::v1::CreditRole role,
               const std::string& character, const std::string& field,
               catalog::v1::ImportFilmsEntry* entry, RowProblems* p);

// Rejects later rows with the same title and year as an earlier one.
class DuplicateCheck {
 public:
  void Check(const catalog::v1::ImportFilmsEntry& entry, RowProblems* p);

 private:
  std::map<std::string, int64_t> first_line_;
};

// Adds the row to `out`: as an entry (with source_line) when it has no
// problems and is not a duplicate, else as its rejections. Either way its
// unknown keys and numbers taken as text are counted.
void FinishRow(catalog::v1::ImportFilmsEntry entry, RowProblems& p,
               DuplicateCheck& duplicates, ParsedImport& out);

}  // namespace longtake::cli
