#pragma once

// Public keys for RS256 / ES256 bearer tokens, read from a JSON Web Key Set
// (RFC 7517) such as an identity provider publishes at its jwks_uri: the
// operator saves that document to a file (--jwks-file), no network is used.
// libjwt 1.10 verifies with PEM keys only, so each usable key is turned into
// a SubjectPublicKeyInfo PEM here with OpenSSL.
//
//   absl::StatusOr<std::vector<PublicKey>> keys = ReadJwksFile(path);
//   // keys->at(0).alg == "RS256", .kid == "2026-01", .pem == "-----BEGIN..."
//
// Usable keys: kty "RSA" (n, e; at least 2048 bits) for RS256 and kty "EC"
// with crv "P-256" (x, y) for ES256. Keys whose "use" is not "sig", whose
// "alg" is something else, or of other types (oct, OKP, other curves) are
// skipped, as a provider's set may hold encryption keys too. A malformed
// usable key, or a set with no usable key at all, is INVALID_ARGUMENT.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace longtake::auth {

struct PublicKey {
  std::string kid;  // the JWK's "kid"; "" when it has none
  std::string alg;  // "RS256" or "ES256": the one algorithm it verifies
  std::string pem;  // "-----BEGIN PUBLIC KEY-----..."
};

// `json` is the JWKS document ({"keys": [...]}).
absl::StatusOr<std::vector<PublicKey>> ParseJwks(absl::string_view json);
// NOT_FOUND when the file cannot be read; ParseJwks's errors name the file.
absl::StatusOr<std::vector<PublicKey>> ReadJwksFile(const std::string& path);

}  // namespace longtake::auth
