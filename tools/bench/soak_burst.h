#pragma once

// The burst phase of the soak benchmark: many connections each send one
// oversized request at once, and the watchlist's memory is read before,
// right after, and once the clients have gone.
//
//   BurstResult r = RunBurst(addr, secret, 2000, 1 << 20, absl::Seconds(10),
//                            watchlist_pid);

#include <cstdint>
#include <map>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "tools/bench/soak_clients.h"

namespace longtake::bench {

struct BurstResult {
  int connections = 0;
  int connected = 0;
  std::map<grpc::StatusCode, int64_t> codes;
  std::map<grpc::StatusCode, std::string> first_message;
  double seconds = 0;
  Memory before, right_after, settled;
};

// `connections` channels of their own, each sending one CreateWatchlistItem
// with a `note_bytes` note (for users soak-burst-N, so per-user limits do not
// hide the body from validation) at the same moment. The big part of the
// request is serialised once and shared by every call's buffer, so the
// client does not hold `connections` copies.
BurstResult RunBurst(const std::string& addr, const std::string& secret,
                     int connections, int64_t note_bytes, absl::Duration settle,
                     int64_t watchlist_pid);

}  // namespace longtake::bench
