#include "common/grpc/call_auth.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace longtake {

absl::StatusOr<auth::Principal> AuthenticateCall(
    const grpc::CallbackServerContext& context,
    const auth::TokenVerifier& verifier) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return ErrorWithReason(
        absl::StatusCode::kUnauthenticated, "TOKEN_MISSING",
        "this call needs an \"authorization: Bearer <token>\" header");
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "bearer ";
  if (value.size() <= kBearer.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kBearer.size()), kBearer)) {
    return ErrorWithReason(absl::StatusCode::kUnauthenticated, "TOKEN_INVALID",
                           "authorization header is not \"Bearer <token>\"");
  }
  return verifier.Verify(
      absl::StripAsciiWhitespace(value.substr(kBearer.size())));
}

absl::Status RequireCurator(const auth::Principal& principal) {
  if (principal.role == auth::Role::kCurator) return absl::OkStatus();
  return ErrorWithReason(
      absl::StatusCode::kPermissionDenied, "CURATOR_ROLE_REQUIRED",
      absl::StrCat("user ", principal.user,
                   " may not change the catalogue: curator role required"));
}

}  // namespace longtake
