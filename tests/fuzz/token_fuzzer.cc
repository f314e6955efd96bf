// Fuzzes the bearer-token check: the input is the token as it comes after
// "Bearer ". Kept to the one verify call so a new token format changes only
// the call and the seeds.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/token.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01

const longtake::auth::TokenMinter& Minter() {
  static const auto* minter = new longtake::auth::TokenMinter("fuzz-secret");
  return *minter;
}

const longtake::auth::TokenVerifier& Verifier() {
  static const auto* verifier = [] {
    longtake::auth::TokenVerifierOptions options;
    options.secret = "fuzz-secret";
    return new longtake::auth::TokenVerifier(options);
  }();
  return *verifier;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  using longtake::auth::Role;
  longtake::fuzz::WriteRawSeedsIfAsked({
      Minter().Mint("alice", Role::kUser, absl::Hours(1), kNow),
      Minter().Mint("curator-1", Role::kCurator, absl::Hours(24), kNow),
      Minter().Mint("bob", Role::kUser, absl::Hours(1), kNow - absl::Hours(2)),
      longtake::auth::TokenMinter("other").Mint("eve", Role::kCurator,
                                                absl::Hours(1), kNow),
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)Verifier().Verify(
      absl::string_view(reinterpret_cast<const char*>(data), size), kNow);
  return 0;
}
