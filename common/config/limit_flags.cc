#include "common/config/limit_flags.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace longtake {
namespace {

RateLimiter::Options Rate(int64_t per_second, absl::Duration burst) {
  RateLimiter::Options options;
  options.per_second = static_cast<double>(per_second);
  // A bucket holds `burst` worth of calls, and always at least one.
  options.burst =
      std::max(1.0, options.per_second * absl::ToDoubleSeconds(burst));
  return options;
}

}  // namespace

LimitFlags::LimitFlags(FlagSet* flags, const ConnectionLimits& defaults) {
  user_write_rate = flags->AddInt(
      "user_write_rate", "LONGTAKE_USER_WRITE_RATE", 50,
      "writes per second one user (token subject) may make; 0: no limit");
  peer_write_rate = flags->AddInt(
      "peer_write_rate", "LONGTAKE_PEER_WRITE_RATE", 500,
      "writes per second one client address may make; 0: no limit");
  user_search_rate = flags->AddInt(
      "user_search_rate", "LONGTAKE_USER_SEARCH_RATE", 100,
      "expensive reads (search) per second one user may make; 0: no limit");
  peer_search_rate = flags->AddInt(
      "peer_search_rate", "LONGTAKE_PEER_SEARCH_RATE", 2000,
      "expensive reads (search) per second one client address may make; 0: "
      "no limit");
  rate_burst = flags->AddDuration(
      "rate_burst", "LONGTAKE_RATE_BURST", absl::Seconds(2),
      "how many seconds' worth of calls a caller may make at once before "
      "the rates apply");
  // The connection flags' defaults: ConnectionLimits' own, or the service's.
  max_request_bytes = flags->AddInt(
      "max_request_bytes", "LONGTAKE_MAX_REQUEST_BYTES",
      defaults.max_request_bytes,
      "largest request message accepted (RESOURCE_EXHAUSTED beyond)");
  stream_window_bytes = flags->AddInt(
      "stream_window_bytes", "LONGTAKE_STREAM_WINDOW_BYTES",
      defaults.stream_window_bytes,
      "receive window of each stream: about what a connection can make the "
      "server buffer beyond the messages it has accepted");
  memory_quota_bytes = flags->AddInt(
      "memory_quota_bytes", "LONGTAKE_MEMORY_QUOTA_BYTES",
      defaults.memory_quota_bytes,
      "memory gRPC may hold for all calls' buffers at once (resource quota)");
  max_connection_idle =
      flags->AddDuration("max_connection_idle", "LONGTAKE_MAX_CONNECTION_IDLE",
                         defaults.max_connection_idle,
                         "a connection with no call for this long is closed");
  max_connection_age = flags->AddDuration(
      "max_connection_age", "LONGTAKE_MAX_CONNECTION_AGE",
      defaults.max_connection_age,
      "connections are closed gracefully after this long, so clients "
      "rebalance across replicas");
  keepalive_time = flags->AddDuration(
      "keepalive_time", "LONGTAKE_KEEPALIVE_TIME", defaults.keepalive_time,
      "ping a quiet connection this often; drop it when the ping is not "
      "answered within 20 s");
}

absl::Status LimitFlags::Check() const {
  for (const auto& [name, value] :
       {std::pair{"--user-write-rate", *user_write_rate},
        std::pair{"--peer-write-rate", *peer_write_rate},
        std::pair{"--user-search-rate", *user_search_rate},
        std::pair{"--peer-search-rate", *peer_search_rate}}) {
    if (value < 0 || value > 1000000) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": must be between 0 and 1000000"));
    }
  }
  if (*rate_burst <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--rate-burst: must be positive");
  }
  if (*max_request_bytes < 1024 || *max_request_bytes > (1 << 30)) {
    return absl::InvalidArgumentError(
        "--max-request-bytes: must be between 1024 and 1073741824");
  }
  if (*stream_window_bytes < 1024 || *stream_window_bytes > (1 << 24)) {
    return absl::InvalidArgumentError(
        "--stream-window-bytes: must be between 1024 and 16777216");
  }
  if (*memory_quota_bytes < (1 << 20)) {
    return absl::InvalidArgumentError(
        "--memory-quota-bytes: must be at least 1048576");
  }
  for (const auto& [name, value] :
       {std::pair{"--max-connection-idle", *max_connection_idle},
        std::pair{"--max-connection-age", *max_connection_age},
        std::pair{"--keepalive-time", *keepalive_time}}) {
    if (value < absl::Milliseconds(100)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": must be at least 100ms"));
    }
  }
  return absl::OkStatus();
}

ConnectionLimits LimitFlags::connection_limits() const {
  ConnectionLimits limits;
  limits.max_request_bytes = *max_request_bytes;
  limits.stream_window_bytes = *stream_window_bytes;
  limits.memory_quota_bytes = *memory_quota_bytes;
  limits.max_connection_idle = *max_connection_idle;
  limits.max_connection_age = *max_connection_age;
  limits.keepalive_time = *keepalive_time;
  return limits;
}

CallRateLimits LimitFlags::call_rate_limits() const {
  CallRateLimits limits;
  limits.user_writes = Rate(*user_write_rate, *rate_burst);
  limits.peer_writes = Rate(*peer_write_rate, *rate_burst);
  limits.user_searches = Rate(*user_search_rate, *rate_burst);
  limits.peer_searches = Rate(*peer_search_rate, *rate_burst);
  return limits;
}

}  // namespace longtake
