// CSV import: a header row naming the columns (see import_parser.h); each
// record is a row for import_row.h, its cells text, so lists are separated
// by ';' and cast members written "Name (Character)".

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/cli/csv_reader.h"
#include "tools/cli/import_fields.h"
#include "tools/cli/import_parser.h"
#include "tools/cli/import_row.h"

namespace longtake::cli {

namespace v1 = ::longtake::catalog::v1;

absl::StatusOr<ParsedImport> ParseCsv(absl::string_view content,
                                      const KeyMap& keys) {
  std::vector<CsvRecord> records = SplitCsv(content);
  if (records.empty()) {
    return absl::InvalidArgumentError("the CSV file is empty");
  }
  const CsvRecord& header = records[0];
  // Each column's name (an unnamed one by its number) and field.
  std::vector<std::string> names;
  std::vector<std::optional<ImportField>> fields;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string name = Trimmed(header.fields[i]);
    if (name.empty()) name = absl::StrCat("column ", i + 1);
    fields.push_back(keys.Find(name));
    names.push_back(std::move(name));
  }
  if (std::find(fields.begin(), fields.end(), ImportField::kTitle) ==
      fields.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", header.line,
        ": no column holds the title (name one \"title\", or map one with "
        "--map 'COLUMN=title')"));
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
    // The cells as JSON text, so the row is read like a JSON object's.
    std::vector<ImportJson> cells(rec.fields.begin(), rec.fields.end());
    std::vector<RowValue> row;
    for (size_t i = 0; i < cells.size(); ++i) {
      row.push_back({names[i], fields[i], &cells[i]});
    }
    FinishRow(EntryFromRow(row, &p), p, duplicates, out);
  }
  return out;
}

}  // namespace longtake::cli
