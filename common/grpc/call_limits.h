#pragma once

// Rate limits of the calls that cost a server most (writes, searches), per
// user (token subject) and per peer (client IP address), answered with
// RESOURCE_EXHAUSTED, reason RATE_LIMITED and google.rpc.RetryInfo.
//
//   CallLimits limits(limit_flags.call_rate_limits());
//   if (absl::Status s = limits.AdmitWrite(*context, who.user); !s.ok())
//     return Finish(context, s);

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/limits/limits.h"
#include "common/limits/rate_limiter.h"
#include "grpcpp/server_context.h"

namespace longtake {

class CallLimits {
 public:
  explicit CallLimits(const CallRateLimits& limits);

  // `user` empty: an anonymous call, limited by its peer only.
  absl::Status AdmitWrite(const grpc::ServerContextBase& context,
                          absl::string_view user);
  absl::Status AdmitSearch(const grpc::ServerContextBase& context,
                           absl::string_view user);

 private:
  absl::Status Admit(RateLimiter& per_user, RateLimiter& per_peer,
                     absl::string_view what,
                     const grpc::ServerContextBase& context,
                     absl::string_view user);

  RateLimiter user_writes_;
  RateLimiter peer_writes_;
  RateLimiter user_searches_;
  RateLimiter peer_searches_;
};

// The client's address without its port: "ipv4:10.0.0.7:51234" ->
// "10.0.0.7", "ipv6:[::1]:51234" -> "::1"; other forms as they are.
std::string PeerAddress(absl::string_view peer);

}  // namespace longtake
