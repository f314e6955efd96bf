// JSON import: JSON lines (one object per line) and JSON documents (an
// array of objects, or an object holding one under "results" or "films").
// Each object is a row for import_row.h.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tools/cli/import_fields.h"
#include "tools/cli/import_parser.h"
#include "tools/cli/import_row.h"

namespace longtake::cli {
namespace {

namespace v1 = ::longtake::catalog::v1;

// Keys under which API responses and exports hold their list of films.
constexpr absl::string_view kListKeys[] = {"results", "films"};

// Adds one parsed value as the row at `line`.
void AddRow(const ImportJson& value, int64_t line, const KeyMap& keys,
            DuplicateCheck& duplicates, ParsedImport& out) {
  RowProblems p;
  p.line = line;
  if (!value.is_object()) {
    p.Add("json",
          absl::StrCat("expected an object, got ", JsonTypeName(value)));
    FinishRow(v1::ImportFilmsEntry(), p, duplicates, out);
    return;
  }
  FinishRow(EntryFromRow(RowFromObject(value, keys), &p), p, duplicates, out);
}

// A minimal walk over text that nlohmann has already parsed, to find where
// values start: the parsed values do not keep their lines.
bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t SkipSpace(absl::string_view t, size_t i) {
  while (i < t.size() && IsJsonSpace(t[i])) ++i;
  return i;
}

// Past the string that starts at t[i] ('"').
size_t SkipString(absl::string_view t, size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') {
      ++i;
    } else if (t[i] == '"') {
      return i + 1;
    }
  }
  return t.size();
}

// Past the value that starts at t[i].
size_t SkipValue(absl::string_view t, size_t i) {
  if (i < t.size() && t[i] == '"') return SkipString(t, i);
  if (i < t.size() && (t[i] == '{' || t[i] == '[')) {
    int depth = 0;
    while (i < t.size()) {
      const char c = t[i];
      if (c == '"') {
        i = SkipString(t, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return i + 1;
      ++i;
    }
    return i;
  }
  while (i < t.size() && t[i] != ',' && t[i] != ']' && t[i] != '}' &&
         !IsJsonSpace(t[i])) {
    ++i;
  }
  return i;
}

// Where each element of the array at t[open] ('[') starts.
std::vector<size_t> ElementStarts(absl::string_view t, size_t open) {
  std::vector<size_t> out;
  size_t i = SkipSpace(t, open + 1);
  while (i < t.size() && t[i] != ']') {
    out.push_back(i);
    i = SkipSpace(t, SkipValue(t, i));
    if (i < t.size() && t[i] == ',') i = SkipSpace(t, i + 1);
  }
  return out;
}

// Where the value of the member of the object at t[open] ('{') whose key
// normalizes to `key` starts; npos when there is none.
size_t MemberStart(absl::string_view t, size_t open, absl::string_view key) {
  size_t i = SkipSpace(t, open + 1);
  while (i < t.size() && t[i] == '"') {
    const size_t end = SkipString(t, i);
    const absl::string_view name = t.substr(i + 1, end - i - 2);
    i = SkipSpace(t, SkipSpace(t, end) + 1);  // past ':'
    if (NormalizeKey(name) == key) return i;
    i = SkipSpace(t, SkipValue(t, i));
    if (i < t.size() && t[i] == ',') i = SkipSpace(t, i + 1);
  }
  return absl::string_view::npos;
}

// 1-based lines of ascending offsets.
std::vector<int64_t> LinesOf(absl::string_view t,
                             const std::vector<size_t>& offsets) {
  std::vector<int64_t> lines;
  int64_t line = 1;
  size_t at = 0;
  for (size_t offset : offsets) {
    for (; at < offset && at < t.size(); ++at) line += t[at] == '\n';
    lines.push_back(line);
  }
  return lines;
}

// Whether text that is not one JSON document is JSON lines: its first line
// is an object on its own.
bool LooksLikeJsonLines(absl::string_view content) {
  absl::string_view first = content.substr(0, content.find('\n'));
  ImportJson obj = ImportJson::parse(first.begin(), first.end(), nullptr,
                                     /*allow_exceptions=*/false);
  return obj.is_object();
}

// "[json.exception.parse_error.101] parse error at line 3, ..." -> from
// "parse error".
std::string ParseErrorText(const char* what) {
  absl::string_view text = what;
  if (absl::StartsWith(text, "[")) {
    text.remove_prefix(std::min(text.size(), text.find("] ") + 2));
  }
  return std::string(text);
}

}  // namespace

ParsedImport ParseJsonLines(absl::string_view content, const KeyMap& keys) {
  ParsedImport out;
  DuplicateCheck duplicates;
  content = StripBom(content);
  int64_t line_no = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_no;
    absl::ConsumeSuffix(&line, "\r");
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    ImportJson obj = ImportJson::parse(line.begin(), line.end(), nullptr,
                                       /*allow_exceptions=*/false);
    if (obj.is_discarded()) {
      RowProblems p;
      p.line = line_no;
      p.Add("json", "not valid JSON");
      FinishRow(v1::ImportFilmsEntry(), p, duplicates, out);
      continue;
    }
    AddRow(obj, line_no, keys, duplicates, out);
  }
  return out;
}

absl::StatusOr<ParsedImport> ParseJson(absl::string_view content,
                                       const KeyMap& keys) {
  content = StripBom(content);
  if (absl::StripAsciiWhitespace(content).empty()) return ParsedImport();
  ImportJson doc;
  try {
    doc = ImportJson::parse(content.begin(), content.end());
  } catch (const ImportJson::parse_error& e) {
    // A .json file that holds JSON lines is read as such.
    if (LooksLikeJsonLines(content)) return ParseJsonLines(content, keys);
    return absl::InvalidArgumentError(
        absl::StrCat("not valid JSON: ", ParseErrorText(e.what())));
  }
  size_t open = SkipSpace(content, 0);
  const ImportJson* list = &doc;
  if (doc.is_object()) {
    for (absl::string_view key : kListKeys) {
      for (const auto& item : doc.items()) {
        if (list == &doc && item.value().is_array() &&
            NormalizeKey(item.key()) == key) {
          list = &item.value();
          open = MemberStart(content, open, key);
        }
      }
    }
  } else if (!doc.is_array()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected a list of films (a JSON array), got ", JsonTypeName(doc)));
  }
  ParsedImport out;
  DuplicateCheck duplicates;
  if (list == &doc && doc.is_object()) {
    // One film on its own.
    AddRow(doc, LinesOf(content, {open})[0], keys, duplicates, out);
    return out;
  }
  const std::vector<int64_t> lines =
      open == absl::string_view::npos
          ? std::vector<int64_t>()
          : LinesOf(content, ElementStarts(content, open));
  // A list written on one line (as APIs send it) is numbered by element.
  out.numbered_by_element = lines.size() != list->size();
  for (size_t i = 1; i < lines.size(); ++i) {
    out.numbered_by_element =
        out.numbered_by_element || lines[i] == lines[i - 1];
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const int64_t at =
        out.numbered_by_element ? static_cast<int64_t>(i + 1) : lines[i];
    AddRow((*list)[i], at, keys, duplicates, out);
  }
  return out;
}

}  // namespace longtake::cli
