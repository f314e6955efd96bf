#pragma once

// Signed bearer tokens shared by both services: no token store, no network
// hop. A token is
//
//   "lt1.<base64url payload>.<base64url HMAC-SHA256(secret, "lt1." + payload)>"
//
// with payload "user|role|expiry-unix-seconds" (role "user" or "curator").
// User names match [a-z0-9][a-z0-9_-]{0,62}.
//
//   TokenSigner signer(secret);
//   std::string token = signer.Mint("ada", Role::kCurator, absl::Hours(1));
//   absl::StatusOr<Principal> who = signer.Verify(token);
//
// Verify fails with UNAUTHENTICATED and ErrorInfo reason TOKEN_INVALID
// (malformed, forged, wrong secret) or TOKEN_EXPIRED.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace longtake::auth {

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

class TokenSigner {
 public:
  explicit TokenSigner(std::string secret);

  // `user` must be a valid user name (checked by Verify on the way back; Mint
  // does not fail so callers need no error path for their own constants).
  std::string Mint(const std::string& user, Role role, absl::Duration ttl,
                   absl::Time now = absl::Now()) const;
  absl::StatusOr<Principal> Verify(absl::string_view token,
                                   absl::Time now = absl::Now()) const;

 private:
  std::string Sign(absl::string_view signed_part) const;

  std::string secret_;
};

}  // namespace longtake::auth
