#pragma once

// The limits a server enforces on its callers, as plain settings: filled
// from flags (common/config/limit_flags.h), applied by the server runner
// (connections, memory) and by CallLimits (rates, common/grpc/call_limits.h).

#include <cstdint>

#include "absl/time/time.h"
#include "common/limits/rate_limiter.h"

namespace longtake {

// Per connection and per process, enforced by gRPC itself.
struct ConnectionLimits {
  // Largest request message accepted (RESOURCE_EXHAUSTED beyond). gRPC
  // refuses a larger one from its length prefix, before its body is read.
  // The catalogue's: an ImportFilms call carries up to 1000 films.
  int64_t max_request_bytes = 16 * 1024 * 1024;
  // Receive window of each stream. The window is fixed (gRPC's bandwidth
  // probe, which grows windows to megabytes, is off), so a burst of
  // connections can make the server buffer about this much per connection
  // beyond the messages it has accepted.
  int64_t stream_window_bytes = 64 * 1024;
  // gRPC resource quota: memory all calls' buffers may hold at once; a burst
  // beyond it is refused instead of growing the process.
  int64_t memory_quota_bytes = 512 * 1024 * 1024;
  // A connection with no call for this long is closed.
  absl::Duration max_connection_idle = absl::Minutes(5);
  // Every connection is closed (GOAWAY, in-flight calls finish) after this
  // long, so clients reconnect and spread over replicas added since.
  absl::Duration max_connection_age = absl::Minutes(30);
  // The server pings a quiet connection this often and drops it when the
  // ping is not answered within 20 s (a vanished client or NAT).
  absl::Duration keepalive_time = absl::Minutes(1);
};

// Token-bucket rates of the calls that cost the server most. A user is the
// token subject; a peer is the client's IP address. per_second 0: no limit.
struct CallRateLimits {
  RateLimiter::Options user_writes;
  RateLimiter::Options peer_writes;
  RateLimiter::Options user_searches;
  RateLimiter::Options peer_searches;
};

}  // namespace longtake
