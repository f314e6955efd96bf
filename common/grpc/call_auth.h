#pragma once

// Authentication for gRPC handlers: reads the bearer token from the call's
// metadata and checks roles. Errors are absl::Status with ErrorInfo reasons;
// convert them with ToGrpcStatus like any other error.
//
//   auto who = AuthenticateCall(*context, verifier);
//   if (!who.ok()) return Finish(who.status());
//   if (auto s = RequireCurator(*who); !s.ok()) return Finish(s);

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/token.h"
#include "grpcpp/server_context.h"

namespace longtake {

// Reads "authorization: Bearer <token>" metadata. UNAUTHENTICATED (reason
// TOKEN_MISSING) when absent; TOKEN_INVALID / TOKEN_EXPIRED from Verify.
absl::StatusOr<auth::Principal> AuthenticateCall(
    const grpc::CallbackServerContext& context,
    const auth::TokenVerifier& verifier);

// PERMISSION_DENIED, reason CURATOR_ROLE_REQUIRED, unless a curator.
absl::Status RequireCurator(const auth::Principal& principal);

}  // namespace longtake
