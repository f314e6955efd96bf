// Fuzzes page tokens (common/paging): the input is "<request args>\n<rest>".
// The rest is decoded as a token minted for those arguments (what a client
// sends back), and also used as a position: a token encoded for it must
// decode to it again, and be refused for other arguments.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "common/paging/page_token.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  using longtake::EncodePageToken;
  longtake::fuzz::WriteRawSeedsIfAsked({
      "year desc|\n" + EncodePageToken("year desc|", "1957|films/x"),
      "\n" + EncodePageToken("", "50"),
      "films/-|technique\nfilms/a/sequences/b",
      "q\n" + EncodePageToken("other", "1"),
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace longtake;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t cut = input.find('\n');
  const absl::string_view args =
      cut == absl::string_view::npos ? "" : input.substr(0, cut);
  const absl::string_view rest =
      cut == absl::string_view::npos ? input : input.substr(cut + 1);
  (void)DecodePageToken(rest, args);

  const std::string token = EncodePageToken(args, rest);
  absl::StatusOr<std::string> position = DecodePageToken(token, args);
  // Tokens longer than the documented maximum are refused by design.
  if (position.ok()) {
    fuzz::Check(*position == rest, "a token decodes to its position");
    fuzz::Check(!DecodePageToken(token, std::string(args) + "x").ok(),
                "a token is refused for other arguments");
  }
  (void)ResolvePageSize(static_cast<int>(size) - 8, 50, 1000);
  return 0;
}
