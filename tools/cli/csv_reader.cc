#include "tools/cli/csv_reader.h"

#include "tools/cli/import_fields.h"

namespace longtake::cli {

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
        if (c == '\r' && i + 1 < content.size() && content[i + 1] == '\n')
          continue;
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
  if (in_quotes || !field.empty() || !current.fields.empty() ||
      field_was_quoted) {
    end_record();
  }
  return records;
}

}  // namespace longtake::cli
