#include "common/auth/jwks.h"

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "common/auth/token.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/common/auth/jwt_test_util.h"
#include "tests/support/server_process.h"
#include "tests/support/status_matchers.h"

namespace longtake::auth {
namespace {

using ::longtake::jwt_test::Base64Url;
using ::longtake::jwt_test::Jwks;
using ::longtake::jwt_test::RawJwt;
using ::longtake::jwt_test::SignJwt;
using ::longtake::jwt_test::TestKeyPair;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1700000000);
const int64_t kNowS = 1700000000;

nlohmann::json Claims(const std::string& user = "ada") {
  return {{"sub", user},
          {"iss", "longtake-dev"},
          {"aud", "longtake"},
          {"exp", kNowS + 3600},
          {"roles", {"curator"}}};
}

void ExpectInvalid(const absl::StatusOr<Principal>& result,
                   const std::string& message_part) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ErrorReason(result.status()), "TOKEN_INVALID") << result.status();
  EXPECT_THAT(std::string(result.status().message()), HasSubstr(message_part));
}

// One RSA and one P-256 key pair for the whole suite (RSA generation takes
// a moment), and a verifier trusting both through a JWKS (with a shared
// secret too, as a server may have both).
class JwksTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = new TestKeyPair(TestKeyPair::Rsa("rsa-1"));
    ec_ = new TestKeyPair(TestKeyPair::P256("ec-1"));
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete ec_;
  }

  static TokenVerifier Verifier(const std::string& jwks,
                                const std::string& secret = "s3cret") {
    absl::StatusOr<std::vector<PublicKey>> keys = ParseJwks(jwks);
    EXPECT_OK(keys.status());
    TokenVerifierOptions options;
    options.secret = secret;
    if (keys.ok()) options.public_keys = *std::move(keys);
    return TokenVerifier(std::move(options));
  }
  static TokenVerifier BothKeys() {
    return Verifier(Jwks({rsa_->jwk, ec_->jwk}));
  }

  static TestKeyPair* rsa_;
  static TestKeyPair* ec_;
};
TestKeyPair* JwksTest::rsa_ = nullptr;
TestKeyPair* JwksTest::ec_ = nullptr;

TEST_F(JwksTest, ParsesRsaAndP256KeysIntoPem) {
  ASSERT_OK_AND_ASSIGN(std::vector<PublicKey> keys,
                       ParseJwks(Jwks({rsa_->jwk, ec_->jwk})));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].kid, "rsa-1");
  EXPECT_EQ(keys[0].alg, "RS256");
  // The same SubjectPublicKeyInfo OpenSSL writes for the key pair itself.
  EXPECT_EQ(keys[0].pem, rsa_->public_pem);
  EXPECT_EQ(keys[1].kid, "ec-1");
  EXPECT_EQ(keys[1].alg, "ES256");
  EXPECT_EQ(keys[1].pem, ec_->public_pem);
}

TEST_F(JwksTest, Rs256VerifiesAgainstTheJwks) {
  std::string token = SignJwt("RS256", rsa_->private_pem, Claims(), "rsa-1");
  ASSERT_FALSE(token.empty());
  ASSERT_OK_AND_ASSIGN(Principal who, BothKeys().Verify(token, kNow));
  EXPECT_EQ(who.user, "ada");
  EXPECT_EQ(who.role, Role::kCurator);
  // Without a kid, each RS256 key is tried.
  EXPECT_OK(BothKeys().Verify(
      SignJwt("RS256", rsa_->private_pem, Claims("bob")), kNow));
}

TEST_F(JwksTest, Es256VerifiesAgainstTheJwks) {
  std::string token = SignJwt("ES256", ec_->private_pem, Claims(), "ec-1");
  ASSERT_FALSE(token.empty());
  ASSERT_OK_AND_ASSIGN(Principal who, BothKeys().Verify(token, kNow));
  EXPECT_EQ(who.user, "ada");
  EXPECT_OK(
      BothKeys().Verify(SignJwt("ES256", ec_->private_pem, Claims()), kNow));
}

TEST_F(JwksTest, Es256SignatureMadeByOpenSslAloneIsAccepted) {
  // The R || S signature form of RFC 7518, not made by libjwt: what other
  // JWT libraries send.
  nlohmann::json header = {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", "ec-1"}};
  std::string input =
      Base64Url(header.dump()) + "." + Base64Url(Claims().dump());
  std::string token = input + "." + Base64Url(ec_->SignEs256(input));
  EXPECT_OK(BothKeys().Verify(token, kNow));
  // The same signature in DER form is not a JWS signature.
  std::string wrong = RawJwt(header, Claims(), std::string(70, '\x30'));
  ExpectInvalid(BothKeys().Verify(wrong, kNow), "bad signature");
}

TEST_F(JwksTest, UnknownKidIsRejected) {
  std::string token = SignJwt("RS256", rsa_->private_pem, Claims(), "rsa-9");
  ExpectInvalid(BothKeys().Verify(token, kNow), "unknown key id");
}

TEST_F(JwksTest, KeyFromAnotherPairIsRejected) {
  TestKeyPair other = TestKeyPair::P256("ec-1");  // same kid, other key
  ExpectInvalid(
      BothKeys().Verify(SignJwt("ES256", other.private_pem, Claims(), "ec-1"),
                        kNow),
      "bad signature");
  ExpectInvalid(
      BothKeys().Verify(SignJwt("ES256", other.private_pem, Claims()), kNow),
      "bad signature");
}

TEST_F(JwksTest, AlgorithmConfusionIsRejected) {
  // HS256 "signed" with the public key's PEM (what a naive verifier would
  // check an RS256 key with): refused, the public key is never an HMAC key.
  TokenVerifier jwks_only = Verifier(Jwks({rsa_->jwk}), "");
  ExpectInvalid(
      jwks_only.Verify(SignJwt("HS256", rsa_->public_pem, Claims()), kNow),
      "HS256 tokens are not accepted here");
  ExpectInvalid(
      BothKeys().Verify(SignJwt("HS256", rsa_->public_pem, Claims(), "rsa-1"),
                        kNow),
      "bad signature");
  // An RS256 header on an ES256 key's token, and the other way round.
  ExpectInvalid(BothKeys().Verify(RawJwt({{"alg", "RS256"}, {"kid", "ec-1"}},
                                         Claims(), std::string(64, 'x')),
                                  kNow),
                "unknown key id");
  ExpectInvalid(
      Verifier(Jwks({ec_->jwk}))
          .Verify(SignJwt("RS256", rsa_->private_pem, Claims()), kNow),
      "RS256 tokens are not accepted here");
  // alg none with a kid of the set.
  ExpectInvalid(
      BothKeys().Verify(
          RawJwt({{"alg", "none"}, {"kid", "rsa-1"}}, Claims(), ""), kNow),
      "\"none\" is not accepted");
}

TEST_F(JwksTest, ClaimsAreCheckedForPublicKeyTokensToo) {
  nlohmann::json claims = Claims();
  claims["aud"] = "someone-else";
  ExpectInvalid(
      BothKeys().Verify(SignJwt("ES256", ec_->private_pem, claims), kNow),
      "audience");
  claims = Claims();
  claims["exp"] = kNowS - 3600;
  absl::StatusOr<Principal> expired =
      BothKeys().Verify(SignJwt("RS256", rsa_->private_pem, claims), kNow);
  EXPECT_EQ(ErrorReason(expired.status()), "TOKEN_EXPIRED");
}

TEST_F(JwksTest, SkipsKeysItCannotUseAndRefusesASetWithoutAny) {
  nlohmann::json enc = rsa_->jwk;
  enc["use"] = "enc";
  nlohmann::json ps = rsa_->jwk;
  ps["alg"] = "PS256";
  nlohmann::json p384 = ec_->jwk;
  p384["crv"] = "P-384";
  nlohmann::json oct = {{"kty", "oct"}, {"k", "c2VjcmV0"}};
  ASSERT_OK_AND_ASSIGN(std::vector<PublicKey> keys,
                       ParseJwks(Jwks({enc, ps, p384, oct, ec_->jwk})));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].alg, "ES256");
  EXPECT_THAT(
      ParseJwks(Jwks({enc, oct})),
      ::longtake::testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwksTest, MalformedSetsAreInvalidArgument) {
  nlohmann::json short_x = ec_->jwk;
  short_x["x"] = Base64Url("too short");
  nlohmann::json off_curve = ec_->jwk;
  off_curve["y"] = Base64Url(std::string(32, '\x01'));
  nlohmann::json no_n = rsa_->jwk;
  no_n.erase("n");
  TestKeyPair weak = TestKeyPair::Rsa("weak", 1024);
  for (const std::string& text :
       {std::string("not json"), std::string("[]"), std::string("{}"),
        std::string("{\"keys\": 1}"), Jwks({short_x}), Jwks({off_curve}),
        Jwks({no_n}), Jwks({weak.jwk})}) {
    EXPECT_EQ(ParseJwks(text).status().code(),
              absl::StatusCode::kInvalidArgument)
        << text;
  }
  EXPECT_THAT(std::string(ParseJwks(Jwks({weak.jwk})).status().message()),
              HasSubstr("at least 2048 bits"));
}

TEST_F(JwksTest, ReadsAFile) {
  ::longtake::testing::ScopedTempDir dir;
  std::string path = dir.path() + "/jwks.json";
  std::ofstream(path) << Jwks({rsa_->jwk});
  ASSERT_OK_AND_ASSIGN(std::vector<PublicKey> keys, ReadJwksFile(path));
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_THAT(ReadJwksFile(dir.path() + "/missing.json").status(),
              ::longtake::testing::StatusIs(absl::StatusCode::kNotFound));
  std::ofstream(path) << "{}";
  EXPECT_THAT(std::string(ReadJwksFile(path).status().message()),
              HasSubstr(path));
}

}  // namespace
}  // namespace longtake::auth
