#pragma once

// The limit flags both servers share (rates, request size, memory quota,
// connection lifetime), registered in one place and turned into the plain
// settings of common/limits/limits.h.
//
//   FlagSet flags(...);
//   ServerFlags server(&flags, {...});
//   LimitFlags limits(&flags);
//   if (auto exit = server.Parse(argc, argv, limits)) return *exit;
//   CallLimits call_limits(limits.call_rate_limits());
//
// ServerFlags::Parse runs Check; ServerRunnerOptionsFromFlags
// (common/grpc/server_flag_options.h) applies connection_limits().

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/config/flags.h"
#include "common/limits/limits.h"

namespace longtake {

class LimitFlags {
 public:
  // Registers the flags on `flags`, which must outlive this; `defaults`
  // gives the service's own defaults of the connection limits.
  explicit LimitFlags(FlagSet* flags, const ConnectionLimits& defaults = {});

  // INVALID_ARGUMENT naming the flag when a value is out of range.
  absl::Status Check() const;

  ConnectionLimits connection_limits() const;
  CallRateLimits call_rate_limits() const;

  Flag<int64_t> user_write_rate;
  Flag<int64_t> peer_write_rate;
  Flag<int64_t> user_search_rate;
  Flag<int64_t> peer_search_rate;
  Flag<absl::Duration> rate_burst;
  Flag<int64_t> max_request_bytes;
  Flag<int64_t> stream_window_bytes;
  Flag<int64_t> memory_quota_bytes;
  Flag<absl::Duration> max_connection_idle;
  Flag<absl::Duration> max_connection_age;
  Flag<absl::Duration> keepalive_time;
};

}  // namespace longtake
