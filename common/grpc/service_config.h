#pragma once

// The one retry policy for channels to longtake services, as a gRPC service
// config: the CLI and client library use it for every call, the watchlist
// for its catalogue channel (with a tighter backoff, so that every attempt
// fits in its short per-call deadline).
//
//   grpc::ChannelArguments args;
//   args.SetServiceConfigJSON(RetryServiceConfigJson(RetryPolicy{}));

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace longtake {

struct RetryPolicy {
  // Attempts in all, first one included; below 2 means no retries. gRPC caps
  // it at 5.
  int max_attempts = 3;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(1);
  // Full service names; empty means both longtake services.
  std::vector<std::string> services;
};

// Retries UNAVAILABLE only: every longtake write carries a request id, and
// reads are safe, so a retry never applies a write twice.
std::string RetryServiceConfigJson(const RetryPolicy& policy);

}  // namespace longtake
