#pragma once

// Parsing of bulk-import files for `longtake import` (no network here: the
// result feeds CatalogService.ImportFilms). Formats, by extension (see
// docs/cli.md):
//
//   .json   an array of film objects, or an object holding one under
//           "results" or "films" (an API response); JSON lines are read too
//   .jsonl  one JSON object per line:
//           {"title": "...", "year": 1957, "original_titles": ["..."],
//            "credits": [{"person_name": "...", "role": "director"}],
//            "sequences": [{"title": "...", "start": "~25:00",
//                           "techniques": ["crane", "hand-held"]}]}
//   .csv    a header row naming the columns, lists separated by ';',
//           RFC 4180 quoting.
//
// Every format goes through one key mapping (import_keys.h): keys match in
// any case and spelling of spaces, underscores and dashes, usual synonyms
// name our fields ("Release Date" -> year, "Director" -> directors), and
// --map adds the user's own. A key the importer does not know is counted
// in `unknown_keys`, for the summary, rather than being an error.
//
// Parsing is tolerant: a UTF-8 BOM, CRLF line ends and empty lines are fine;
// nulls are absent; numbers written as text ("1957") are numbers and
// numbers where text belongs (a title 1941) are text, counted in
// `numbers_as_text`; a year comes from a date in the usual shapes ("June
// 12, 1998", "12/06/1998", "1998-06-12"). A row that cannot be used is
// rejected with its line, the field and why; the other rows still load.
// People get the ids the catalogue would give them (longtake::Slugify).
//
// The parts: csv_reader.h (RFC 4180 records), import_keys.h (keys to
// fields), import_row.h (a row's values to an entry), import_fields.h
// (field conversion), json_import.cc and csv_import.cc (one per format),
// import_parser.cc (reads the file, picks the format).
//
//   KeyMap keys;
//   if (absl::Status s = keys.Add("Premiere=year"); !s.ok()) ...;
//   absl::StatusOr<ParsedImport> parsed = ParseImportFile("films.json", keys);
//   for (const ImportRejection& r : parsed->rejected) ...;
//   request.mutable_entries()->Add(parsed->entries.begin(),
//                                  parsed->entries.end());

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "longtake/catalog/v1/catalog_service.pb.h"
#include "tools/cli/import_keys.h"

namespace longtake::cli {

struct ImportRejection {
  int64_t line = 0;    // 1-based line where the row starts (see below)
  std::string field;   // "year", "credits[1].role", "json", "row"
  std::string reason;  // what is wrong
};

struct ParsedImport {
  // Good rows, each with source_line set.
  std::vector<catalog::v1::ImportFilmsEntry> entries;
  // One or more per rejected row (each problem found), in file order.
  std::vector<ImportRejection> rejected;
  int rejected_rows = 0;
  // Keys, as written, that the importer does not know, with the number of
  // rows that gave each a value (nested ones as "credits.job").
  std::map<std::string, int64_t> unknown_keys;
  // Fields given a number where text belongs, taken as text, with the
  // number of rows.
  std::map<std::string, int64_t> numbers_as_text;
  // Rows are numbered by their element of a JSON array rather than by line
  // (the array is written on one line, as APIs send it).
  bool numbered_by_element = false;
};

// Parses JSON lines text (json_import.cc).
ParsedImport ParseJsonLines(absl::string_view content,
                            const KeyMap& keys = KeyMap());
// Parses a JSON document (json_import.cc): an array of objects, an object
// with a "results" or "films" array, or one object; JSON lines too. An error
// only when the text is not JSON (nor JSON lines) or not one of these.
absl::StatusOr<ParsedImport> ParseJson(absl::string_view content,
                                       const KeyMap& keys = KeyMap());
// Parses CSV text (csv_import.cc). An error only when the text is empty or
// no column holds the title.
absl::StatusOr<ParsedImport> ParseCsv(absl::string_view content,
                                      const KeyMap& keys = KeyMap());
// Reads the file and picks the format by extension (.json, .jsonl or
// .ndjson, .csv).
absl::StatusOr<ParsedImport> ParseImportFile(const std::string& path,
                                             const KeyMap& keys = KeyMap());

// Where a row is, for messages: "films.json:7", or "films.json element 3"
// when the rows are numbered by element.
std::string RowPlace(const std::string& path, const ParsedImport& parsed,
                     int64_t line);

// "budget (3,200 rows), tagline (12 rows)": most rows first.
std::string CountsText(const std::map<std::string, int64_t>& counts);

}  // namespace longtake::cli
