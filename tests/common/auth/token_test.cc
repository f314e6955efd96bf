#include "common/auth/token.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake::auth {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

void ExpectUnauthenticated(const absl::StatusOr<Principal>& result,
                           const std::string& reason) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ErrorReason(result.status()), reason) << result.status();
}

TEST(TokenTest, MintThenVerifyRoundTrips) {
  TokenSigner signer("s3cret");
  std::string token = signer.Mint("ada", Role::kCurator, absl::Hours(1), kNow);
  EXPECT_TRUE(absl::StartsWith(token, "lt1."));
  auto principal = signer.Verify(token, kNow + absl::Minutes(59));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->user, "ada");
  EXPECT_EQ(principal->role, Role::kCurator);
  EXPECT_EQ(principal->expires, kNow + absl::Hours(1));

  std::string user_token =
      signer.Mint("bob_2", Role::kUser, absl::Hours(1), kNow);
  auto user = signer.Verify(user_token, kNow);
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_EQ(user->user, "bob_2");
  EXPECT_EQ(user->role, Role::kUser);
}

TEST(TokenTest, PayloadIsUserRoleExpiry) {
  TokenSigner signer("s3cret");
  std::string token = signer.Mint("ada", Role::kUser, absl::Seconds(10), kNow);
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  EXPECT_EQ(payload, absl::StrCat("ada|user|", absl::ToUnixSeconds(kNow) + 10));
}

TEST(TokenTest, ExpiredTokenIsRejected) {
  TokenSigner signer("s3cret");
  std::string token =
      signer.Mint("ada", Role::kCurator, absl::Minutes(5), kNow);
  ExpectUnauthenticated(signer.Verify(token, kNow + absl::Minutes(5)),
                        "TOKEN_EXPIRED");
  ExpectUnauthenticated(signer.Verify(token, kNow + absl::Hours(2)),
                        "TOKEN_EXPIRED");
}

TEST(TokenTest, ForgedSignatureIsRejected) {
  TokenSigner signer("s3cret");
  std::string token = signer.Mint("ada", Role::kUser, absl::Hours(1), kNow);
  // Flip one character of the signature.
  std::string forged = token;
  char& last = forged[forged.size() - 2];
  last = last == 'A' ? 'B' : 'A';
  ExpectUnauthenticated(signer.Verify(forged, kNow), "TOKEN_INVALID");
  // A signature of the right length but all zeros.
  size_t dot = token.rfind('.');
  std::string zeros =
      absl::StrCat(token.substr(0, dot + 1),
                   absl::WebSafeBase64Escape(std::string(32, '\0')));
  ExpectUnauthenticated(signer.Verify(zeros, kNow), "TOKEN_INVALID");
}

TEST(TokenTest, TamperedPayloadIsRejected) {
  TokenSigner signer("s3cret");
  std::string token = signer.Mint("ada", Role::kUser, absl::Hours(1), kNow);
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  // Promote ourselves to curator while keeping the old signature.
  std::string payload =
      absl::StrCat("ada|curator|", absl::ToUnixSeconds(kNow) + 3600);
  std::string tampered = absl::StrCat(
      parts[0], ".", absl::WebSafeBase64Escape(payload), ".", parts[2]);
  ExpectUnauthenticated(signer.Verify(tampered, kNow), "TOKEN_INVALID");
}

TEST(TokenTest, WrongSecretIsRejected) {
  TokenSigner minted_by("secret-a");
  TokenSigner checked_by("secret-b");
  std::string token =
      minted_by.Mint("ada", Role::kCurator, absl::Hours(1), kNow);
  ExpectUnauthenticated(checked_by.Verify(token, kNow), "TOKEN_INVALID");
  EXPECT_OK(minted_by.Verify(token, kNow));
}

TEST(TokenTest, GarbageIsRejected) {
  TokenSigner signer("s3cret");
  for (const char* garbage :
       {"", "lt1.", "lt1..", "hello", "lt2.YWRh.c2ln", "lt1.!!!.???",
        "Bearer lt1.a.b", "lt1.YWRhfHVzZXJ8MQ"}) {
    ExpectUnauthenticated(signer.Verify(garbage, kNow), "TOKEN_INVALID");
  }
}

TEST(TokenTest, SignedButMalformedPayloadIsRejected) {
  // A correctly signed token whose payload breaks the rules (bad user name,
  // unknown role, non-numeric expiry) must still be refused.
  TokenSigner signer("s3cret");
  std::string good = signer.Mint("Bad User", Role::kUser, absl::Hours(1), kNow);
  ExpectUnauthenticated(signer.Verify(good, kNow), "TOKEN_INVALID");
}

TEST(TokenTest, UserNameRules) {
  // Lowercase letters, digits, '-' and '_', 1 to 63 characters, no leading
  // '-': a name is safe in resource names and in the token's '|'-separated
  // payload.
  const std::vector<std::string> valid = {"a", "ada-lovelace_1",
                                          std::string(63, 'a')};
  const std::vector<std::string> invalid = {"", "-ada", "Ada", "a|curator",
                                            std::string(64, 'a')};
  EXPECT_THAT(valid, ::testing::Each(::testing::Truly(IsValidUserName)));
  EXPECT_THAT(invalid, ::testing::Each(
                           ::testing::Not(::testing::Truly(IsValidUserName))));
}

}  // namespace
}  // namespace longtake::auth
