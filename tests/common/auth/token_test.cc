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
#include "nlohmann/json.hpp"
#include "tests/common/auth/jwt_test_util.h"
#include "tests/support/status_matchers.h"

namespace longtake::auth {
namespace {

using ::longtake::jwt_test::RawJwt;
using ::longtake::jwt_test::SignJwt;
using ::testing::HasSubstr;

constexpr char kSecret[] = "s3cret";
const absl::Time kNow = absl::FromUnixSeconds(1700000000);
const int64_t kNowS = 1700000000;

void ExpectUnauthenticated(const absl::StatusOr<Principal>& result,
                           const std::string& reason,
                           const std::string& message_part = "") {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ErrorReason(result.status()), reason) << result.status();
  EXPECT_THAT(std::string(result.status().message()), HasSubstr(message_part));
}

TokenVerifier HsVerifier(const std::string& secret = kSecret) {
  TokenVerifierOptions options;
  options.secret = secret;
  return TokenVerifier(std::move(options));
}

// Claims a user's own auth service would send: valid at kNow for an hour.
nlohmann::json GoodClaims() {
  return {{"sub", "ada"},
          {"iss", "longtake-dev"},
          {"aud", "longtake"},
          {"iat", kNowS},
          {"exp", kNowS + 3600}};
}

// GoodClaims() with `claim` set to `value`, or without it when `value` is
// null.
nlohmann::json ClaimsWith(const std::string& claim,
                          const nlohmann::json& value) {
  nlohmann::json claims = GoodClaims();
  if (value.is_null()) {
    claims.erase(claim);
  } else {
    claims[claim] = value;
  }
  return claims;
}

// `claims` signed HS256 with kSecret, verified at kNow by HsVerifier().
absl::StatusOr<Principal> VerifyHs(const nlohmann::json& claims) {
  return HsVerifier().Verify(SignJwt("HS256", kSecret, claims), kNow);
}

nlohmann::json DecodeClaims(const std::string& token) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string json;
  if (parts.size() != 3 || !absl::WebSafeBase64Unescape(parts[1], &json)) {
    return nullptr;
  }
  return nlohmann::json::parse(json, nullptr, false);
}

TEST(TokenTest, MintThenVerifyRoundTrips) {
  TokenMinter minter(kSecret);
  std::string token = minter.Mint("ada", Role::kCurator, absl::Hours(1), kNow);
  ASSERT_FALSE(token.empty());
  auto principal = HsVerifier().Verify(token, kNow + absl::Minutes(59));
  ASSERT_OK(principal.status());
  EXPECT_EQ(principal->user, "ada");
  EXPECT_EQ(principal->role, Role::kCurator);
  EXPECT_EQ(principal->expires, kNow + absl::Hours(1));

  std::string user_token =
      minter.Mint("bob_2", Role::kUser, absl::Hours(1), kNow);
  ASSERT_OK_AND_ASSIGN(Principal user, HsVerifier().Verify(user_token, kNow));
  EXPECT_EQ(user.user, "bob_2");
  EXPECT_EQ(user.role, Role::kUser);
}

TEST(TokenTest, MintedTokenIsAStandardHs256Jwt) {
  std::string token = TokenMinter(kSecret, "issuer-x", "aud-y")
                          .Mint("ada", Role::kCurator, absl::Seconds(10), kNow);
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string header;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[0], &header));
  EXPECT_EQ(nlohmann::json::parse(header)["alg"], "HS256");
  nlohmann::json claims = DecodeClaims(token);
  EXPECT_EQ(claims["sub"], "ada");
  EXPECT_EQ(claims["iss"], "issuer-x");
  EXPECT_EQ(claims["aud"], "aud-y");
  EXPECT_EQ(claims["exp"], kNowS + 10);
  EXPECT_EQ(claims["roles"], nlohmann::json::array({"curator"}));
  EXPECT_FALSE(DecodeClaims(TokenMinter(kSecret).Mint("ada", Role::kUser,
                                                      absl::Hours(1), kNow))
                   .contains("roles"));
}

TEST(TokenTest, GoodHs256FromAnotherMinterIsAccepted) {
  // Made by libjwt directly (as any JWT library would), with "aud" as an
  // array and a role list holding other roles too.
  nlohmann::json claims = GoodClaims();
  claims["aud"] = {"other-api", "longtake"};
  claims["roles"] = {"reader", "curator"};
  ASSERT_OK_AND_ASSIGN(Principal who, VerifyHs(claims));
  EXPECT_EQ(who.user, "ada");
  EXPECT_EQ(who.role, Role::kCurator);
}

TEST(TokenTest, WrongSignatureIsRejected) {
  std::string token =
      TokenMinter(kSecret).Mint("ada", Role::kUser, absl::Hours(1), kNow);
  ExpectUnauthenticated(HsVerifier("other-secret").Verify(token, kNow),
                        "TOKEN_INVALID", "bad signature");
  // Flip one character of the signature.
  std::string forged = token;
  char& last = forged[forged.size() - 2];
  last = last == 'A' ? 'B' : 'A';
  ExpectUnauthenticated(HsVerifier().Verify(forged, kNow), "TOKEN_INVALID");
}

TEST(TokenTest, TamperedClaimsAreRejected) {
  std::string token =
      TokenMinter(kSecret).Mint("ada", Role::kUser, absl::Hours(1), kNow);
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  nlohmann::json claims = DecodeClaims(token);
  claims["roles"] = {"curator"};  // promote ourselves, keep the signature
  std::string tampered = absl::StrCat(
      parts[0], ".", absl::WebSafeBase64Escape(claims.dump()), ".", parts[2]);
  ExpectUnauthenticated(HsVerifier().Verify(tampered, kNow), "TOKEN_INVALID");
}

TEST(TokenTest, AlgNoneIsRejected) {
  std::string unsigned_token = SignJwt("none", "", GoodClaims());
  ASSERT_FALSE(unsigned_token.empty());
  ExpectUnauthenticated(HsVerifier().Verify(unsigned_token, kNow),
                        "TOKEN_INVALID", "\"none\" is not accepted");
  // Also with a signature part, and spelt otherwise.
  for (const char* alg : {"none", "None", "NONE", "HS512", ""}) {
    ExpectUnauthenticated(
        HsVerifier().Verify(
            RawJwt({{"alg", alg}, {"typ", "JWT"}}, GoodClaims(), "sig"), kNow),
        "TOKEN_INVALID");
  }
}

TEST(TokenTest, ExpiredIsRejectedAfterTheSkew) {
  nlohmann::json claims = GoodClaims();
  claims["exp"] = kNowS;
  std::string token = SignJwt("HS256", kSecret, claims);
  // Within the default 60 s of skew: still good.
  EXPECT_OK(HsVerifier().Verify(token, kNow + absl::Seconds(59)));
  ExpectUnauthenticated(HsVerifier().Verify(token, kNow + absl::Seconds(60)),
                        "TOKEN_EXPIRED", "expired at 2023-11-14T22:13:20");
  ExpectUnauthenticated(HsVerifier().Verify(token, kNow + absl::Hours(2)),
                        "TOKEN_EXPIRED");
  // No skew at all.
  TokenVerifierOptions strict;
  strict.secret = kSecret;
  strict.clock_skew = absl::ZeroDuration();
  ExpectUnauthenticated(TokenVerifier(strict).Verify(token, kNow),
                        "TOKEN_EXPIRED");
}

TEST(TokenTest, ExpIsRequired) {
  nlohmann::json claims = GoodClaims();
  claims.erase("exp");
  ExpectUnauthenticated(VerifyHs(claims), "TOKEN_INVALID", "no expiry");
  claims["exp"] = "tomorrow";
  ExpectUnauthenticated(VerifyHs(claims), "TOKEN_INVALID",
                        "\"exp\" is not a number");
}

TEST(TokenTest, NotYetValidIsRejectedBeyondTheSkew) {
  nlohmann::json claims = GoodClaims();
  claims["nbf"] = kNowS + 600;
  std::string token = SignJwt("HS256", kSecret, claims);
  ExpectUnauthenticated(HsVerifier().Verify(token, kNow), "TOKEN_INVALID",
                        "not valid before");
  EXPECT_OK(HsVerifier().Verify(token, kNow + absl::Seconds(540)));
  EXPECT_OK(HsVerifier().Verify(token, kNow + absl::Seconds(600)));
}

TEST(TokenTest, WrongAudienceIsRejected) {
  for (nlohmann::json aud :
       {nlohmann::json("someone-else"), nlohmann::json::array({"a", "b"}),
        nlohmann::json(42), nlohmann::json()}) {
    ExpectUnauthenticated(VerifyHs(ClaimsWith("aud", aud)), "TOKEN_INVALID",
                          "audience");
  }
  // A server configured for another audience refuses the default one.
  TokenVerifierOptions options;
  options.secret = kSecret;
  options.audience = "longtake-prod";
  ExpectUnauthenticated(TokenVerifier(options).Verify(
                            SignJwt("HS256", kSecret, GoodClaims()), kNow),
                        "TOKEN_INVALID", "\"longtake-prod\"");
}

TEST(TokenTest, WrongIssuerIsRejected) {
  nlohmann::json claims = GoodClaims();
  claims["iss"] = "https://evil.example";
  ExpectUnauthenticated(VerifyHs(claims), "TOKEN_INVALID", "issuer");
  claims.erase("iss");
  ExpectUnauthenticated(VerifyHs(claims), "TOKEN_INVALID", "issuer");
  TokenVerifierOptions options;
  options.secret = kSecret;
  options.issuer = "https://auth.example";
  claims["iss"] = "https://auth.example";
  EXPECT_OK(
      TokenVerifier(options).Verify(SignJwt("HS256", kSecret, claims), kNow));
}

TEST(TokenTest, SubjectMustBeAUserName) {
  for (nlohmann::json sub : {nlohmann::json("Bad User"), nlohmann::json(""),
                             nlohmann::json(7), nlohmann::json()}) {
    ExpectUnauthenticated(VerifyHs(ClaimsWith("sub", sub)), "TOKEN_INVALID",
                          "subject");
  }
}

TEST(TokenTest, RolesMustBeAList) {
  nlohmann::json claims = GoodClaims();
  claims["roles"] = "curator";
  ExpectUnauthenticated(VerifyHs(claims), "TOKEN_INVALID", "roles");
  claims["roles"] = {"reader"};
  ASSERT_OK_AND_ASSIGN(Principal who, VerifyHs(claims));
  EXPECT_EQ(who.role, Role::kUser);
}

TEST(TokenTest, Hs256IsRefusedWithoutASecret) {
  // A server with only a JWKS: HS256 tokens never reach an empty key.
  TokenVerifier verifier{TokenVerifierOptions{}};
  ExpectUnauthenticated(
      verifier.Verify(SignJwt("HS256", kSecret, GoodClaims()), kNow),
      "TOKEN_INVALID", "HS256 tokens are not accepted here");
}

TEST(TokenTest, LegacyAndGarbageAreRejected) {
  ExpectUnauthenticated(
      HsVerifier().Verify("lt1.YWRhfHVzZXJ8OTk5OTk5OTk5OQ.c2ln", kNow),
      "TOKEN_INVALID", "lt1. tokens are no longer accepted");
  for (const char* garbage :
       {"", "a.b", "a.b.c.d", "..", "hello", "!!!.???.***", "Bearer x.y.z",
        "e30.e30.", "bnVsbA.e30.c2ln"}) {
    ExpectUnauthenticated(HsVerifier().Verify(garbage, kNow), "TOKEN_INVALID");
  }
}

TEST(TokenTest, UserNameRules) {
  // Lowercase letters, digits, '-' and '_', 1 to 63 characters, no leading
  // '-': a name is safe in resource names.
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
