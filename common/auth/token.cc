#include "common/auth/token.h"

#include <jwt.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"
#include "nlohmann/json.hpp"

namespace longtake::auth {
namespace {

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;
struct CharFree {
  void operator()(char* s) const { free(s); }  // libjwt allocates with malloc
};
using CharPtr = std::unique_ptr<char, CharFree>;

absl::Status Invalid(absl::string_view why) {
  return ErrorWithReason(absl::StatusCode::kUnauthenticated, "TOKEN_INVALID",
                         absl::StrCat("invalid bearer token: ", why));
}

std::string FormatUnix(double seconds) {
  return absl::FormatTime(absl::RFC3339_sec,
                          absl::FromUnixSeconds(static_cast<int64_t>(seconds)),
                          absl::UTCTimeZone());
}

// The JOSE header, read only to choose the key (libjwt parses and checks
// the whole token afterwards): "alg" and "kid" ("" when absent).
absl::Status ReadHeader(absl::string_view token, std::string* alg,
                        std::string* kid) {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) {
    return Invalid("not a JWT (header.payload.signature)");
  }
  std::string header_text;
  if (!absl::WebSafeBase64Unescape(parts[0], &header_text)) {
    return Invalid("header is not base64url");
  }
  nlohmann::json header = nlohmann::json::parse(header_text, nullptr, false);
  if (header.is_discarded() || !header.is_object()) {
    return Invalid("header is not a JSON object");
  }
  auto a = header.find("alg");
  if (a == header.end() || !a->is_string()) return Invalid("header has no alg");
  *alg = a->get<std::string>();
  auto k = header.find("kid");
  if (k != header.end()) {
    if (!k->is_string()) return Invalid("header kid is not a string");
    *kid = k->get<std::string>();
  }
  return absl::OkStatus();
}

// A NumericDate claim: absent (false), or a number of seconds.
absl::StatusOr<bool> NumericClaim(const nlohmann::json& claims,
                                  const char* name, double* seconds) {
  auto it = claims.find(name);
  if (it == claims.end()) return false;
  if (!it->is_number() || !std::isfinite(it->get<double>())) {
    return Invalid(absl::StrCat("\"", name, "\" is not a number of seconds"));
  }
  *seconds = it->get<double>();
  return true;
}

// The checks on a verified token's claims.
absl::StatusOr<Principal> CheckClaims(const nlohmann::json& claims,
                                      const TokenVerifierOptions& options,
                                      absl::Time now) {
  auto iss = claims.find("iss");
  if (iss == claims.end() || !iss->is_string() ||
      iss->get<std::string>() != options.issuer) {
    return Invalid(
        absl::StrCat("issuer (\"iss\") is not \"", options.issuer, "\""));
  }
  auto aud = claims.find("aud");
  bool audience_ok = false;
  if (aud != claims.end() && aud->is_string()) {
    audience_ok = aud->get<std::string>() == options.audience;
  } else if (aud != claims.end() && aud->is_array()) {
    for (const nlohmann::json& a : *aud) {
      if (a.is_string() && a.get<std::string>() == options.audience) {
        audience_ok = true;
      }
    }
  }
  if (!audience_ok) {
    return Invalid(absl::StrCat("audience (\"aud\") does not include \"",
                                options.audience, "\""));
  }
  const double now_s = absl::ToDoubleSeconds(now - absl::UnixEpoch());
  const double skew_s = absl::ToDoubleSeconds(options.clock_skew);
  double exp = 0;
  absl::StatusOr<bool> has_exp = NumericClaim(claims, "exp", &exp);
  if (!has_exp.ok()) return has_exp.status();
  if (!*has_exp) return Invalid("no expiry (\"exp\")");
  if (now_s >= exp + skew_s) {
    return ErrorWithReason(
        absl::StatusCode::kUnauthenticated, "TOKEN_EXPIRED",
        absl::StrCat("bearer token expired at ", FormatUnix(exp)));
  }
  double nbf = 0;
  absl::StatusOr<bool> has_nbf = NumericClaim(claims, "nbf", &nbf);
  if (!has_nbf.ok()) return has_nbf.status();
  if (*has_nbf && now_s + skew_s < nbf) {
    return Invalid(absl::StrCat("not valid before ", FormatUnix(nbf)));
  }
  Principal principal;
  auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->is_string() ||
      !IsValidUserName(sub->get<std::string>())) {
    return Invalid(
        "subject (\"sub\") is not a user name ([a-z0-9][a-z0-9_-]{0,62})");
  }
  principal.user = sub->get<std::string>();
  auto roles = claims.find("roles");
  if (roles != claims.end()) {
    if (!roles->is_array()) return Invalid("\"roles\" is not an array");
    for (const nlohmann::json& r : *roles) {
      if (r.is_string() && r.get<std::string>() == "curator") {
        principal.role = Role::kCurator;
      }
    }
  }
  principal.expires = absl::FromUnixSeconds(static_cast<int64_t>(exp));
  return principal;
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

TokenMinter::TokenMinter(std::string secret, std::string issuer,
                         std::string audience)
    : secret_(std::move(secret)),
      issuer_(std::move(issuer)),
      audience_(std::move(audience)) {}

std::string TokenMinter::Mint(const std::string& user, Role role,
                              absl::Duration ttl, absl::Time now) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return "";
  JwtPtr jwt(raw);
  nlohmann::json claims = {{"sub", user},
                           {"iss", issuer_},
                           {"aud", audience_},
                           {"iat", absl::ToUnixSeconds(now)},
                           {"exp", absl::ToUnixSeconds(now + ttl)}};
  if (role == Role::kCurator) claims["roles"] = {"curator"};
  if (jwt_add_grants_json(jwt.get(), claims.dump().c_str()) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_HS256,
                  reinterpret_cast<const unsigned char*>(secret_.data()),
                  static_cast<int>(secret_.size())) != 0) {
    return "";
  }
  CharPtr encoded(jwt_encode_str(jwt.get()));
  return encoded ? std::string(encoded.get()) : "";
}

TokenVerifier::TokenVerifier(TokenVerifierOptions options)
    : options_(std::move(options)) {}

absl::StatusOr<std::vector<std::string>> TokenVerifier::CandidateKeys(
    const std::string& alg, const std::string& kid) const {
  std::vector<std::string> keys;
  if (alg == "HS256") {
    if (options_.secret.empty()) {
      return Invalid("HS256 tokens are not accepted here (no shared secret)");
    }
    keys.push_back(options_.secret);
    return keys;
  }
  if (alg != "RS256" && alg != "ES256") {
    return Invalid(absl::StrCat("algorithm \"", alg,
                                "\" is not accepted (HS256, RS256, ES256)"));
  }
  bool any_of_alg = false;
  for (const PublicKey& key : options_.public_keys) {
    if (key.alg != alg) continue;
    any_of_alg = true;
    if (kid.empty() || key.kid == kid) keys.push_back(key.pem);
  }
  if (!any_of_alg) {
    return Invalid(absl::StrCat(alg, " tokens are not accepted here (no ", alg,
                                " key in the JWKS)"));
  }
  if (keys.empty()) {
    return Invalid(absl::StrCat("unknown key id (\"kid\") \"", kid, "\""));
  }
  return keys;
}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token,
                                                absl::Time now) const {
  if (absl::StartsWith(token, "lt1.")) {
    return Invalid(
        "lt1. tokens are no longer accepted; use a JWT (API.md, \"Tokens\")");
  }
  std::string alg;
  std::string kid;
  LONGTAKE_RETURN_IF_ERROR(ReadHeader(token, &alg, &kid));
  absl::StatusOr<std::vector<std::string>> keys = CandidateKeys(alg, kid);
  if (!keys.ok()) return keys.status();
  const jwt_alg_t expected = jwt_str_alg(alg.c_str());
  const std::string text(token);  // libjwt wants a NUL-terminated string
  JwtPtr verified;
  for (const std::string& key : *keys) {
    jwt_t* raw = nullptr;
    int rc = jwt_decode(&raw, text.c_str(),
                        reinterpret_cast<const unsigned char*>(key.data()),
                        static_cast<int>(key.size()));
    JwtPtr jwt(raw);
    // libjwt takes "alg" from the header too; check it kept the one the key
    // was chosen for.
    if (rc == 0 && jwt != nullptr && jwt_get_alg(jwt.get()) == expected) {
      verified = std::move(jwt);
      break;
    }
  }
  if (verified == nullptr) return Invalid("bad signature");
  CharPtr grants(jwt_get_grants_json(verified.get(), nullptr));
  nlohmann::json claims =
      grants ? nlohmann::json::parse(grants.get(), nullptr, false)
             : nlohmann::json();
  if (claims.is_discarded() || !claims.is_object()) {
    return Invalid("claims are not a JSON object");
  }
  return CheckClaims(claims, options_, now);
}

}  // namespace longtake::auth
