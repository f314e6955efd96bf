#include "tools/cli/import_parser.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace longtake::cli {

absl::StatusOr<ParsedImport> ParseImportFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string content = buffer.str();
  std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".jsonl") || absl::EndsWith(lower, ".ndjson")) {
    return ParseJsonLines(content);
  }
  if (absl::EndsWith(lower, ".csv")) return ParseCsv(content);
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": unknown format; use a .jsonl or .csv file"));
}

}  // namespace longtake::cli
