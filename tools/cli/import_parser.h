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
// People get the ids the catalogue would give them (longtake::Slugify).
//
// The parts: csv_reader.h (RFC 4180 records), import_fields.h (field
// conversion shared by the formats), jsonl_import.cc and csv_import.cc (one
// per format), import_parser.cc (reads the file, picks the format).
//
//   absl::StatusOr<ParsedImport> parsed = ParseImportFile("films.jsonl");
//   for (const ImportRejection& r : parsed->rejected) ...;
//   request.mutable_entries()->Add(parsed->entries.begin(),
//   parsed->entries.end());

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

// Parses JSON lines text (jsonl_import.cc).
ParsedImport ParseJsonLines(absl::string_view content);
// Parses CSV text (csv_import.cc). An error only when the header itself is
// unusable (no "title" column, an unknown column) or the text is empty.
absl::StatusOr<ParsedImport> ParseCsv(absl::string_view content);
// Reads the file and picks the format by extension (.jsonl, .csv).
absl::StatusOr<ParsedImport> ParseImportFile(const std::string& path);

}  // namespace longtake::cli
