// Fuzzes the parsers of `longtake import` (tools/cli/import_parser.h): the
// first byte picks JSON lines, a JSON document (array, API response, one
// object) or CSV; the rest is the file's text. A user-given key mapping
// (--map) is applied, so mapped keys are reached too.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "tests/fuzz/fuzz_support.h"
#include "tools/cli/import_parser.h"

namespace {

enum Format : uint8_t { kJsonLines, kJson, kCsv, kFormats };

std::string Seed(Format format, const std::string& text) {
  return std::string(1, static_cast<char>(format)) + text;
}

const longtake::cli::KeyMap& Keys() {
  static const auto* keys = [] {
    auto* k = new longtake::cli::KeyMap();
    if (!k->Add("Premiere=year,Kamera=cinematographers").ok()) std::abort();
    return k;
  }();
  return *keys;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  using longtake::fuzz::SourceFile;
  longtake::fuzz::WriteRawSeedsIfAsked({
      Seed(kJsonLines, SourceFile("data/samples/films.jsonl")),
      Seed(kJson, SourceFile("data/samples/films-array.json")),
      Seed(kJson, SourceFile("data/samples/tmdb/movies.json")),
      Seed(kCsv, SourceFile("data/samples/films.csv")),
      Seed(kCsv,
           "\xEF\xBB\xBFTitle,Premiere,Kamera\r\n\"A \"\"b\"\"\","
           "\"June 12, 1998\",X;Y\r\n,12/06/1998,\r\n"),
      Seed(kJson, R"pb({
                         "results":
                         [ {
                           "title": 1941,
                           "release_date": "1998-06-12",
                           "credits":
                           [ { "person_name": "A", "role": "director" }
                             , { "role": 5 }],
                           "sequences":
                           [ {
                             "title": "S",
                             "start": "~25:00",
                             "techniques": [ "crane", "nope" ]
                           }]
                         },
                           null, 3]
                       })pb"),
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace longtake::cli;
  if (size == 0) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  switch (data[0] % kFormats) {
    case kJsonLines:
      (void)ParseJsonLines(text, Keys());
      break;
    case kJson:
      (void)ParseJson(text, Keys());
      break;
    case kCsv:
      (void)ParseCsv(text, Keys());
      break;
  }
  return 0;
}
