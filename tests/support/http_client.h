#pragma once

// A minimal HTTP/1.0 client over loopback TCP for tests that read what the
// servers serve besides gRPC (/metrics, a Prometheus query API), or that send
// a server bytes no real client would.
//
//   std::optional<std::string> body = HttpGet(port, "/metrics");
//   ASSERT_TRUE(body.has_value());
//   std::string raw = HttpExchange(port, "HEAD /metrics HTTP/1.1\r\n\r\n");

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace longtake::testing {

// A TCP socket connected to 127.0.0.1:port, or -1.
int ConnectLoopback(int port);

// Reads from `fd` until the peer closes it or `timeout` passes.
std::string ReadUntilClosed(int fd, absl::Duration timeout = absl::Seconds(5));

// Sends `request` as it is on a new connection and returns the whole answer
// (until the server closes, at most 5 s); "connect failed" when nobody
// listens.
std::string HttpExchange(int port, const std::string& request);

// GET http://127.0.0.1:port<target>: the body when the status is 200,
// nothing otherwise.
std::optional<std::string> HttpGet(int port, const std::string& target);

// A loopback port nobody listens on right now.
int FreeLoopbackPort();

}  // namespace longtake::testing
