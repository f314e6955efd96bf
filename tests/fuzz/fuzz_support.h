#pragma once

// Helpers shared by the libFuzzer targets of tests/fuzz.
//
// A request fuzzer reads its input as one selector byte (which request
// message the rest is; the byte modulo the number of messages) and the
// serialized message. Its seed corpus is written by the fuzzer itself from
// text-format requests when LONGTAKE_FUZZ_WRITE_SEEDS names a folder
// (tools/fuzz/make_seeds.sh), so the seeds stay readable in the source:
//
//   void GetFilm(Catalog& c, const v1::GetFilmRequest& r) { ... }
//   const std::vector<fuzz::RequestMethod<Catalog>>& Methods() {
//     static const std::vector<fuzz::RequestMethod<Catalog>> methods = {
//         fuzz::Method<GetFilm>({R"pb(name: "films/i-am-cuba")pb"}),
//         ...};  // append only: the index is the selector byte
//     return methods;
//   }
//   LONGTAKE_REQUEST_FUZZER(longtake::catalog::Methods(),
//                           *longtake::catalog::TheCatalog())

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/grpc/request_fingerprint.h"
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

// One request method of a service whose domain object is `Target`: the
// request message, its handler and its seeds (requests in text format).
template <typename Target>
struct RequestMethod {
  const google::protobuf::Message* prototype;
  void (*call)(Target&, const google::protobuf::Message&);
  std::vector<const char*> seeds;
};

template <typename Handler>
struct HandlerTraits;
template <typename T, typename R>
struct HandlerTraits<void (*)(T&, const R&)> {
  using Target = T;
  using Request = R;
};

// The RequestMethod of a handler `void H(Target&, const Request&)`.
template <auto kHandler>
auto Method(std::vector<const char*> seeds) {
  using Traits = HandlerTraits<decltype(kHandler)>;
  using Target = typename Traits::Target;
  using Request = typename Traits::Request;
  return RequestMethod<Target>{
      &Request::default_instance(),
      [](Target& target, const google::protobuf::Message& message) {
        kHandler(target, static_cast<const Request&>(message));
      },
      std::move(seeds)};
}

// WriteSeedsIfAsked for a request fuzzer: the seeds of each method, its
// selector its index in `methods`.
template <typename Target>
void WriteRequestSeedsIfAsked(
    const std::vector<RequestMethod<Target>>& methods) {
  std::vector<RequestSeed> seeds;
  for (size_t i = 0; i < methods.size(); ++i) {
    for (const char* text : methods[i].seeds) {
      seeds.push_back({static_cast<uint8_t>(i), methods[i].prototype, text});
    }
  }
  WriteSeedsIfAsked(seeds);
}

// The body of LLVMFuzzerTestOneInput for a request fuzzer: the first byte
// (modulo the number of methods) picks the method, the rest is parsed as its
// request and handed to it.
template <typename Target>
int CallRequest(const std::vector<RequestMethod<Target>>& methods,
                Target& target, const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const RequestMethod<Target>& method = methods[data[0] % methods.size()];
  std::unique_ptr<google::protobuf::Message> request(method.prototype->New());
  if (!request->ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  method.call(target, *request);
  return 0;
}

// The write options the adapters build from a request, with validate_only
// set so that the store stays as seeded and each input replays alone.
template <typename Options, typename Request>
Options ValidateOnlyOptions(const Request& request, std::string caller) {
  Options options;
  options.request_id = request.request_id();
  options.validate_only = true;
  options.caller = std::move(caller);
  options.request_hash = RequestFingerprint(request);
  return options;
}

// The query of a List method that takes only a page size and token.
struct PageQuery {
  int page_size;
  std::string page_token;
};

// Calls `list` with `query`, then once more with the page token it gave.
template <typename Query, typename List>
void ListTwice(Query query, List list) {
  auto page = list(query);
  if (!page.ok() || page->next_page_token.empty()) return;
  query.page_token = page->next_page_token;
  (void)list(query);
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

// The libFuzzer entry points of a request fuzzer: `methods` its table of
// RequestMethod, `target` the domain object the handlers are given.
#define LONGTAKE_REQUEST_FUZZER(methods, target)                            \
  extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {    \
    ::longtake::fuzz::WriteRequestSeedsIfAsked(methods);                    \
    return 0;                                                               \
  }                                                                         \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    return ::longtake::fuzz::CallRequest(methods, target, data, size);      \
  }
