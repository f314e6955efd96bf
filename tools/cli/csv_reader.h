#pragma once

// RFC 4180 CSV records for `longtake import` (csv_import.cc): quotes,
// doubled quotes and line breaks inside quotes, each record with the line it
// starts on. Tolerant of a UTF-8 BOM, CRLF and empty lines.
//
//   for (const CsvRecord& r : SplitCsv("title,year\nI Am Cuba,1964\n")) {
//     if (!r.error.empty()) ...;  // r.line, r.fields
//   }

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace longtake::cli {

struct CsvRecord {
  int64_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
  std::string error;  // set when a quote is left open at the end
};

// Splits CSV text into records. Unquoted fields are trimmed; empty lines are
// skipped.
std::vector<CsvRecord> SplitCsv(absl::string_view content);

}  // namespace longtake::cli
