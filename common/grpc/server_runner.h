#pragma once

// Runs a gRPC server the way both services want it: health checking
// (grpc.health.v1, per service name), server reflection, one log line per
// call, an ephemeral port when asked for port 0, and a graceful shutdown on
// SIGTERM/SIGINT that stops accepting calls, drains in-flight ones within a
// grace period, then cancels the rest.
//
//   int main(int argc, char** argv) {
//     BlockShutdownSignals();            // first, before any thread starts
//     ... parse flags, open stores, build services ...
//     ServerRunner runner;
//     ServerRunnerOptions options{.listen_address = "127.0.0.1:0"};
//     options.services = {&catalog_service};
//     if (auto s = runner.Start(options); !s.ok()) { ... }
//     runner.AddDrainHook([&](absl::Time deadline) { writes.Drain(deadline);
//     }); runner.ServeUntilShutdownSignal(absl::Seconds(5));
//   }
//
// Start() prints "listening on HOST:PORT" on stdout (with the real port), the
// line tests and scripts wait for. A server with slow work to do before it
// can serve (the catalogue loading) sets `ready_at_start = false`: Start then
// prints "started on HOST:PORT", health answers NOT_SERVING (for "" too), and
// MarkReady() later makes "" SERVING and prints the "listening on" line. With
// `metrics` and `metrics_listen` set it first prints "metrics on HOST:PORT" and
// serves GET /metrics there (see common/metrics/metrics_server.h) until
// Shutdown.
//
// Every call is counted (longtake_grpc_server_calls_total by service, method
// and code), timed (longtake_grpc_server_call_duration_seconds) and tracked
// while open (longtake_grpc_server_in_flight_calls), and carries a W3C
// traceparent: a valid incoming one is kept, otherwise a new trace starts;
// its trace id is in the call log line (see common/grpc/trace_metadata.h).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/limits/limits.h"
#include "common/limits/memory_trimmer.h"
#include "common/log/logger.h"
#include "common/metrics/metrics.h"
#include "common/metrics/metrics_server.h"
#include "common/status/errors.h"  // ShuttingDownError
#include "grpcpp/impl/codegen/service_type.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/support/status.h"

namespace longtake {

// The level of a call's log line: error for the server's own faults
// (INTERNAL, UNKNOWN, DATA_LOSS), warning for overload and outages
// (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED), info for the rest,
// a client cancelling its call or stream included.
LogLevel CallLogLevel(grpc::StatusCode code);

// "OK", "NOT_FOUND", ...: a status code as metrics label it.
const char* StatusCodeName(grpc::StatusCode code);

struct ServerRunnerOptions {
  std::string listen_address = "127.0.0.1:0";
  // TLS or mTLS (MakeServerCredentials in common/grpc/tls_credentials.h);
  // null serves plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::vector<grpc::Service*> services;
  // Log one line per call (method, status, latency) at info level. Off for
  // benchmarks: it costs a little.
  bool log_calls = true;
  // google.rpc.ErrorInfo.domain of the errors the runner itself sends: a
  // request that does not parse as the method's message is INVALID_ARGUMENT
  // INVALID_REQUEST (gRPC alone would say UNIMPLEMENTED with no message).
  std::string error_domain;
  // Request size, memory quota, connection idle/age and keepalive.
  ConnectionLimits connection_limits;
  // Where the call metrics are kept (and what /metrics shows); none when
  // null. Must outlive the runner.
  metrics::Registry* metrics = nullptr;
  // HOST:PORT of the /metrics HTTP endpoint; off when empty.
  std::string metrics_listen;
  // After the drain hooks, the most gRPC's own Server::Shutdown may wait.
  // In gRPC 1.51 it waits out its whole deadline while any client keeps an
  // idle connection open, so a service whose hooks already drained every
  // call (the catalogue: reads finish inside their callback, writes drain in
  // a hook) caps it.
  absl::Duration server_shutdown_cap = absl::InfiniteDuration();
  // How often freed heap memory is checked for and given back to the system
  // (common/limits/memory_trimmer.h); ZeroDuration: never.
  absl::Duration memory_trim_interval = absl::Seconds(5);
  // False: not ready until MarkReady() (see the file comment).
  bool ready_at_start = true;
};

class ServerRunner {
 public:
  ServerRunner() = default;
  ~ServerRunner();

  absl::Status Start(const ServerRunnerOptions& options);
  // The bound port (the real one when asked for port 0).
  int port() const { return port_; }
  // The bound /metrics port, 0 when off.
  int metrics_port() const {
    return metrics_server_ ? metrics_server_->port() : 0;
  }
  grpc::Server* server() { return server_.get(); }

  // Health status for one fully-qualified service name, e.g.
  // "longtake.catalog.v1.CatalogService". The overall "" status follows
  // Start/Shutdown.
  void SetServing(const std::string& service_name, bool serving);
  // With ready_at_start false: the overall "" status becomes SERVING and
  // "listening on HOST:PORT" is printed. Once; no effect after Shutdown.
  void MarkReady();

  // The one shutdown path of both services. Marks everything NOT_SERVING,
  // runs the drain hooks in the order added, each given the deadline of the
  // grace period (to stop background tasks, end long-lived streams, finish
  // queued writes), stops accepting, waits for in-flight calls until the
  // deadline (or server_shutdown_cap), then cancels what remains.
  // Idempotent.
  void Shutdown(absl::Duration grace);
  void AddDrainHook(std::function<void(absl::Time deadline)> hook);
  // Blocks until SIGTERM or SIGINT (see BlockShutdownSignals), then
  // Shutdown(grace). Returns the signal number.
  int ServeUntilShutdownSignal(absl::Duration grace);

 private:
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<metrics::MetricsServer> metrics_server_;
  std::unique_ptr<MemoryTrimmer> memory_trimmer_;
  std::vector<std::function<void(absl::Time)>> drain_hooks_;
  absl::Duration server_shutdown_cap_ = absl::InfiniteDuration();
  int port_ = 0;
  std::string host_;
  bool ready_ = false;
  bool shut_down_ = false;
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// later, so WaitForShutdownSignal() can receive them synchronously.
void BlockShutdownSignals();
// Waits for SIGTERM or SIGINT; returns the signal number.
int WaitForShutdownSignal();

}  // namespace longtake
