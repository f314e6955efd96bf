#pragma once

// A minimal HTTP/1.1 server for Prometheus scrapes: GET (or HEAD) /metrics
// answers 200 with the registry's text, any other path 404, any other method
// 405, a malformed request 400 and a request head over 8 KiB 431. One
// connection at a time on its own thread, one request per connection
// (Connection: close), each bounded by a deadline (2 s by default) so a slow
// or silent client cannot hold a scrape for longer.
//
//   metrics::Registry registry;
//   auto server = metrics::MetricsServer::Start(
//       "0.0.0.0:9464", [&] { return registry.Render(); });
//   if (!server.ok()) { ... }               // INVALID_ARGUMENT or UNAVAILABLE
//   (*server)->port();                      // the real port when asked for 0
//   (*server)->Stop();                      // also done by the destructor
//
// Written with POSIX sockets and poll(): no HTTP library is needed for one
// read-only page.

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace longtake::metrics {

struct MetricsServerOptions {
  // Whole-request budget: reading the request and writing the answer.
  absl::Duration connection_deadline = absl::Seconds(2);
  // Largest request head (request line and headers) read.
  size_t max_request_bytes = 8 * 1024;
};

class MetricsServer {
 public:
  // Listens on `address` ("HOST:PORT", "[::]:PORT" or ":PORT" for every
  // interface; port 0 picks a free one) and serves `render()` as /metrics.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      const std::string& address, std::function<std::string()> render,
      MetricsServerOptions options = {});

  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }
  // Joins the thread and closes the listening socket (a request in progress
  // is dropped). Idempotent.
  void Stop();

 private:
  MetricsServer() = default;
  void Serve();
  void HandleConnection(int fd);

  std::function<std::string()> render_;
  MetricsServerOptions options_;
  int listen_fd_ = -1;
  int wake_read_fd_ = -1;
  int wake_write_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace longtake::metrics
