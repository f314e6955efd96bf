#include "tools/cli/import_parser.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/cli/output.h"

namespace longtake::cli {

absl::StatusOr<ParsedImport> ParseImportFile(const std::string& path,
                                             const KeyMap& keys) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string content = buffer.str();
  std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".jsonl") || absl::EndsWith(lower, ".ndjson")) {
    return ParseJsonLines(content, keys);
  }
  absl::StatusOr<ParsedImport> parsed;
  if (absl::EndsWith(lower, ".json")) {
    parsed = ParseJson(content, keys);
  } else if (absl::EndsWith(lower, ".csv")) {
    parsed = ParseCsv(content, keys);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": unknown format; use a .json, .jsonl or .csv file"));
  }
  if (!parsed.ok()) {
    return absl::Status(parsed.status().code(),
                        absl::StrCat(path, ": ", parsed.status().message()));
  }
  return parsed;
}

std::string RowPlace(const std::string& path, const ParsedImport& parsed,
                     int64_t line) {
  return parsed.numbered_by_element ? absl::StrCat(path, " element ", line)
                                    : absl::StrCat(path, ":", line);
}

std::string CountsText(const std::map<std::string, int64_t>& counts) {
  std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(),
                                                      counts.end());
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  return absl::StrJoin(
      sorted, ", ", [](std::string* out, const auto& key_rows) {
        absl::StrAppend(out, key_rows.first, " (",
                        WithThousands(key_rows.second),
                        key_rows.second == 1 ? " row)" : " rows)");
      });
}

}  // namespace longtake::cli
