#pragma once

// Bearer tokens shared by both services: JSON Web Tokens (RFC 7519), so a
// user's own auth service mints them with any JWT library (or a few lines of
// its standard library) and no token store or network hop is needed.
//
//   TokenMinter minter(secret);  // HS256, for development and tests
//   std::string token = minter.Mint("ada", Role::kCurator, absl::Hours(1));
//
//   TokenVerifierOptions options;
//   options.secret = secret;                      // HS256 tokens
//   options.public_keys = *ReadJwksFile(path);    // RS256 / ES256 tokens
//   TokenVerifier verifier(std::move(options));
//   absl::StatusOr<Principal> who = verifier.Verify(token);
//
// The claims (API.md, "Tokens"): "sub" is the user name
// ([a-z0-9][a-z0-9_-]{0,62}); "iss" must equal the configured issuer; "aud"
// (a string or an array) must hold the configured audience; "exp" is
// required and "nbf" honoured, both with the configured clock skew;
// "roles": ["curator"] grants the curator role (any other entries are
// ignored; without it the principal is a plain user).
//
// Signing keys: "HS256" with the shared secret, "RS256"/"ES256" with a key
// of the JWKS (by "kid", or each key of that algorithm when the token has no
// kid). Any other "alg" ("none" included) is refused, and the secret is
// never used for RS/ES tokens nor a public key for HS256 (no algorithm
// confusion). libjwt checks the signature; this class chooses the key and
// checks the claims.
//
// Verify fails with UNAUTHENTICATED and ErrorInfo reason TOKEN_EXPIRED
// (exp + skew has passed) or TOKEN_INVALID (anything else: malformed,
// forged, unknown key, wrong issuer or audience, not yet valid, or one of
// the home-made "lt1." tokens of earlier versions, which are gone).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/jwks.h"

namespace longtake::auth {

// Defaults of --token-issuer and --token-audience (and of `longtake token`).
inline constexpr absl::string_view kDefaultIssuer = "longtake-dev";
inline constexpr absl::string_view kDefaultAudience = "longtake";
// Default of --token-clock-skew, and the largest skew a server accepts.
inline constexpr absl::Duration kDefaultClockSkew = absl::Seconds(60);
inline constexpr absl::Duration kMaxClockSkew = absl::Minutes(5);

enum class Role { kUser, kCurator };

struct Principal {
  std::string user;
  Role role = Role::kUser;
  absl::Time expires;
};

// "user" / "curator".
absl::string_view RoleName(Role role);
// True when `user` is a valid user name.
bool IsValidUserName(absl::string_view user);

// Mints HS256 tokens with the claims above (plus "iat").
class TokenMinter {
 public:
  explicit TokenMinter(std::string secret,
                       std::string issuer = std::string(kDefaultIssuer),
                       std::string audience = std::string(kDefaultAudience));

  // `user` must be a valid user name (checked by Verify on the way back; Mint
  // does not fail so callers need no error path for their own constants).
  // With an empty secret libjwt cannot sign: the result is "", which no
  // server accepts.
  std::string Mint(const std::string& user, Role role, absl::Duration ttl,
                   absl::Time now = absl::Now()) const;

 private:
  std::string secret_;
  std::string issuer_;
  std::string audience_;
};

struct TokenVerifierOptions {
  std::string secret;                  // HS256 key; "": HS256 refused
  std::vector<PublicKey> public_keys;  // RS256 / ES256 keys (a JWKS)
  std::string issuer = std::string(kDefaultIssuer);
  std::string audience = std::string(kDefaultAudience);
  absl::Duration clock_skew = kDefaultClockSkew;
};

class TokenVerifier {
 public:
  explicit TokenVerifier(TokenVerifierOptions options);

  absl::StatusOr<Principal> Verify(absl::string_view token,
                                   absl::Time now = absl::Now()) const;

 private:
  // The keys that may have signed a token with header `alg` and `kid`.
  absl::StatusOr<std::vector<std::string>> CandidateKeys(
      const std::string& alg, const std::string& kid) const;

  TokenVerifierOptions options_;
};

}  // namespace longtake::auth
