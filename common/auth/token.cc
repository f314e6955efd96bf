#include "common/auth/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"

namespace longtake::auth {
namespace {

constexpr absl::string_view kPrefix = "lt1.";

absl::Status Invalid(absl::string_view why) {
  return ErrorWithReason(absl::StatusCode::kUnauthenticated, "TOKEN_INVALID",
                         absl::StrCat("invalid bearer token: ", why));
}

}  // namespace

absl::string_view RoleName(Role role) {
  return role == Role::kCurator ? "curator" : "user";
}

bool IsValidUserName(absl::string_view user) {
  if (user.empty() || user.size() > 63) return false;
  for (size_t i = 0; i < user.size(); ++i) {
    char c = user[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (i == 0 ? !alnum : !(alnum || c == '_' || c == '-')) return false;
  }
  return true;
}

TokenSigner::TokenSigner(std::string secret) : secret_(std::move(secret)) {}

std::string TokenSigner::Sign(absl::string_view signed_part) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(signed_part.data()),
       signed_part.size(), mac, &mac_len);
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

std::string TokenSigner::Mint(const std::string& user, Role role,
                              absl::Duration ttl, absl::Time now) const {
  std::string payload = absl::StrCat(user, "|", RoleName(role), "|",
                                     absl::ToUnixSeconds(now + ttl));
  std::string signed_part =
      absl::StrCat(kPrefix, absl::WebSafeBase64Escape(payload));
  return absl::StrCat(signed_part, ".",
                      absl::WebSafeBase64Escape(Sign(signed_part)));
}

absl::StatusOr<Principal> TokenSigner::Verify(absl::string_view token,
                                              absl::Time now) const {
  if (!absl::StartsWith(token, kPrefix)) {
    return Invalid("expected the lt1. format");
  }
  size_t dot = token.rfind('.');
  if (dot < kPrefix.size()) return Invalid("no signature");
  absl::string_view signed_part = token.substr(0, dot);
  absl::string_view encoded_payload = signed_part.substr(kPrefix.size());
  std::string signature;
  if (!absl::WebSafeBase64Unescape(token.substr(dot + 1), &signature)) {
    return Invalid("signature is not base64url");
  }
  // Check the MAC before looking at the payload, in constant time.
  std::string expected = Sign(signed_part);
  if (signature.size() != expected.size() ||
      CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    return Invalid("bad signature");
  }
  std::string payload;
  if (encoded_payload.empty() ||
      !absl::WebSafeBase64Unescape(encoded_payload, &payload)) {
    return Invalid("payload is not base64url");
  }
  std::vector<std::string> parts = absl::StrSplit(payload, '|');
  if (parts.size() != 3) return Invalid("payload is not user|role|expiry");
  Principal principal;
  principal.user = parts[0];
  if (!IsValidUserName(principal.user)) return Invalid("bad user name");
  if (parts[1] == "curator") {
    principal.role = Role::kCurator;
  } else if (parts[1] == "user") {
    principal.role = Role::kUser;
  } else {
    return Invalid("unknown role");
  }
  int64_t expiry = 0;
  if (!absl::SimpleAtoi(parts[2], &expiry)) return Invalid("bad expiry");
  principal.expires = absl::FromUnixSeconds(expiry);
  if (now >= principal.expires) {
    return ErrorWithReason(
        absl::StatusCode::kUnauthenticated, "TOKEN_EXPIRED",
        absl::StrCat("bearer token expired at ",
                     absl::FormatTime(principal.expires, absl::UTCTimeZone())));
  }
  return principal;
}

}  // namespace longtake::auth
