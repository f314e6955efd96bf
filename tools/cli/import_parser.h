#pragma once

// Parsing of bulk-import files for `longtake import` (no network here: the
// result feeds CatalogService.ImportFilms). Formats (see docs/cli.md):
//
//   .jsonl  one JSON object per line:
//           {"title": "...", "year": 1957, "original_titles": ["..."],
//            "credits": [{"person_name": "...", "role": "director"}],
//            "sequences": [{"title": "...", "start": "~25:00",
//                           "techniques": ["crane", "hand-held"]}]}
//   .csv    header row naming columns title, year, original_title,
//           runtime_minutes, countries, languages, directors,
//           cinematographers, cast, synopsis; lists separated by ';';
//           RFC 4180 quoting.
//
// Parsing is tolerant: a UTF-8 BOM, CRLF line ends and empty lines are fine,
// numbers written as text ("1957") are accepted. A row that cannot be used is
// rejected with its line, the field and why; the other rows still load.
//
//   absl::StatusOr<ParsedImport> parsed = ParseImportFile("films.jsonl");
//   for (const ImportRejection& r : parsed->rejected) ...;
//   request.mutable_entries()->Add(parsed->entries.begin(), parsed->entries.end());

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "longtake/catalog/v1/catalog_service.pb.h"

namespace longtake::cli {

struct ImportRejection {
  int64_t line = 0;    // 1-based line where the row starts
  std::string field;   // "year", "credits[1].role", "json", "row"
  std::string reason;  // what is wrong
};

struct ParsedImport {
  // Good rows, each with source_line set.
  std::vector<catalog::v1::ImportFilmsEntry> entries;
  // One or more per rejected row (each problem found), in file order.
  std::vector<ImportRejection> rejected;
  int rejected_rows = 0;
};

// Lower-case ASCII slug from a name: "Sergei Urusevsky" -> "sergei-urusevsky".
// Latin letters with diacritics lose them ("Dvořák" -> "dvorak"); other
// characters become hyphens. Empty when nothing is left.
std::string SlugFromName(absl::string_view name);

ParsedImport ParseJsonLines(absl::string_view content);
// An error only when the header itself is unusable (no "title" column).
absl::StatusOr<ParsedImport> ParseCsv(absl::string_view content);
// Reads the file and picks the format by extension (.jsonl, .csv).
absl::StatusOr<ParsedImport> ParseImportFile(const std::string& path);

// Splits CSV text into records (RFC 4180: quotes, doubled quotes, line
// breaks inside quotes). Each record keeps the line it starts on; a quote
// left open at the end of the text sets `error`. Exposed for tests.
struct CsvRecord {
  int64_t line = 0;
  std::vector<std::string> fields;
  std::string error;
};
std::vector<CsvRecord> SplitCsv(absl::string_view content);

}  // namespace longtake::cli
