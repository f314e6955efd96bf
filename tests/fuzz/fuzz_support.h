#pragma once

// Helpers shared by the libFuzzer targets of tests/fuzz.
//
// A request fuzzer reads its input as one selector byte (which request
// message the rest is; the byte modulo the number of messages) and the
// serialized message. Its seed corpus is written by the fuzzer itself from
// text-format requests when LONGTAKE_FUZZ_WRITE_SEEDS names a folder
// (tools/fuzz/make_seeds.sh), so the seeds stay readable in the source:
//
//   extern "C" int LLVMFuzzerInitialize(int*, char***) {
//     fuzz::WriteSeedsIfAsked({{0, "name: \"films/i-am-cuba\"", kGetFilm}});
//     ...
//   }

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"

namespace longtake::fuzz {

// Writes `bytes` to `path`; aborts on failure (a seed that is not written
// would silently shrink the corpus).
inline void WriteFile(const std::string& path, absl::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::abort();
  }
}

// One seed of a request fuzzer: the selector byte and the message in text
// format; `prototype` gives its type.
struct RequestSeed {
  uint8_t selector;
  const google::protobuf::Message* prototype;
  const char* text;
};

// When LONGTAKE_FUZZ_WRITE_SEEDS is set, writes each seed as
// "<folder>/seed-<n>" (selector byte + serialized message) and exits.
inline void WriteSeedsIfAsked(const std::vector<RequestSeed>& seeds) {
  const char* dir = std::getenv("LONGTAKE_FUZZ_WRITE_SEEDS");
  if (dir == nullptr) return;
  int n = 0;
  for (const RequestSeed& seed : seeds) {
    std::unique_ptr<google::protobuf::Message> message(seed.prototype->New());
    if (!google::protobuf::TextFormat::ParseFromString(seed.text,
                                                       message.get())) {
      std::fprintf(stderr, "bad seed %d: %s\n", n, seed.text);
      std::exit(1);
    }
    std::string bytes(1, static_cast<char>(seed.selector));
    bytes += message->SerializeAsString();
    WriteFile(absl::StrCat(dir, "/seed-", n++), bytes);
  }
  std::exit(0);
}

// The same for fuzzers whose input is plain bytes: each seed as it is.
inline void WriteRawSeedsIfAsked(const std::vector<std::string>& seeds) {
  const char* dir = std::getenv("LONGTAKE_FUZZ_WRITE_SEEDS");
  if (dir == nullptr) return;
  int n = 0;
  for (const std::string& seed : seeds) {
    WriteFile(absl::StrCat(dir, "/seed-", n++), seed);
  }
  std::exit(0);
}

// The contents of a file of the source tree (for seeds made from samples).
inline std::string SourceFile(absl::string_view relative) {
  std::ifstream in(absl::StrCat(LONGTAKE_SOURCE_DIR, "/", relative),
                   std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  if (text.empty()) {
    std::fprintf(stderr, "cannot read %s\n", std::string(relative).c_str());
    std::abort();
  }
  return text;
}

// Aborts, with `what`, when a property the target checks does not hold
// (libFuzzer reports the abort as a crash and keeps the input).
inline void Check(bool holds, absl::string_view what) {
  if (holds) return;
  std::fprintf(stderr, "property failed: %s\n", std::string(what).c_str());
  std::abort();
}

// A scratch file for APIs that read a path (the seed readers): rewritten by
// each input, removed at exit.
class ScratchFile {
 public:
  explicit ScratchFile(absl::string_view name)
      : path_(absl::StrCat(Dir(), "/longtake-fuzz-", getpid(), "-", name)) {}
  ~ScratchFile() { std::remove(path_.c_str()); }
  const std::string& Write(absl::string_view bytes) {
    WriteFile(path_, bytes);
    return path_;
  }

 private:
  static std::string Dir() {
    const char* tmp = std::getenv("TMPDIR");
    return tmp != nullptr ? tmp : "/tmp";
  }
  std::string path_;
};

}  // namespace longtake::fuzz
