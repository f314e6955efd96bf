// longtake-healthcheck: a tiny grpc.health.v1 probe for container health
// checks (Debian ships no grpc_health_probe, and the images have no shell
// tools worth relying on).
//
// Usage:  longtake-healthcheck ADDR [SERVICE] [--timeout=SECONDS]
//            [--tls] [--ca=FILE] [--cert=FILE --key=FILE] [--server-name=NAME]
//   ADDR     host:port of the server, e.g. 127.0.0.1:50051
//   SERVICE  health service name; "" (default) asks about the whole server
//   --tls    TLS (implied by --ca/--cert); --ca the roots to trust (else the
//            system's); --cert/--key a client certificate for a server that
//            requires one (mTLS); --server-name the name the server's
//            certificate must carry when ADDR's host is not in it.
//   e.g. inside a pod serving mTLS with its own certificate:
//     longtake-healthcheck 127.0.0.1:50051 longtake.catalog.v1.CatalogService
//       --ca=/etc/longtake/tls/ca.crt --cert=/etc/longtake/tls/tls.crt
//       --key=/etc/longtake/tls/tls.key
// Exit codes: 0 SERVING, 1 answered but not SERVING (or NOT_FOUND for an
// unknown service), 2 usage error, 3 RPC failed (unreachable, deadline).
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "common/grpc/tls_credentials.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace {

constexpr int kExitServing = 0;
constexpr int kExitNotServing = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRpcFailed = 3;

int Usage() {
  std::cerr << "usage: longtake-healthcheck ADDR [SERVICE] [--timeout=SECONDS]"
               " [--tls] [--ca=FILE] [--cert=FILE --key=FILE]"
               " [--server-name=NAME]\n";
  return kExitUsage;
}

// The value of "--name=value" in `arg`, or nullptr when `arg` is not that
// flag.
const char* FlagValue(const std::string& arg, const std::string& name) {
  const std::string prefix = "--" + name + "=";
  return arg.rfind(prefix, 0) == 0 ? arg.c_str() + prefix.size() : nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  std::string address;
  std::string service;
  int positional = 0;
  double timeout_seconds = 2.0;
  longtake::ChannelTls tls;  // error messages name --ca, --cert, --key
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--tls") {
      tls.enabled = true;
    } else if (const char* v = FlagValue(arg, "ca")) {
      tls.ca_file = v;
    } else if (const char* v = FlagValue(arg, "cert")) {
      tls.cert_file = v;
    } else if (const char* v = FlagValue(arg, "key")) {
      tls.key_file = v;
    } else if (const char* v = FlagValue(arg, "server-name")) {
      tls.server_name = v;
    } else if (arg.rfind("--timeout=", 0) == 0) {
      char* end = nullptr;
      timeout_seconds = std::strtod(arg.c_str() + 10, &end);
      if (end == nullptr || *end != '\0' || timeout_seconds <= 0)
        return Usage();
    } else if (arg == "-h" || arg == "--help") {
      Usage();
      return kExitServing;
    } else if (positional == 0) {
      address = arg;
      ++positional;
    } else if (positional == 1) {
      service = arg;
      ++positional;
    } else {
      return Usage();
    }
  }
  if (address.empty()) return Usage();

  tls.enabled = tls.enabled || !tls.ca_file.empty() || !tls.cert_file.empty() ||
                !tls.key_file.empty();
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      longtake::MakeChannelCredentials(tls);
  if (!credentials.ok()) {
    std::cerr << "longtake-healthcheck: " << credentials.status().message()
              << "\n";
    return kExitUsage;
  }
  grpc::ChannelArguments args;
  longtake::ApplyChannelTlsArgs(tls, &args);
  auto channel = grpc::CreateCustomChannel(address, *credentials, args);
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000)));
  // Wait for the connection within the deadline instead of failing at once
  // while the server is still starting.
  context.set_wait_for_ready(true);

  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  const std::string label = service.empty() ? "(server)" : service;
  if (!status.ok()) {
    std::cerr << label << ": "
              << (status.error_code() == grpc::StatusCode::NOT_FOUND
                      ? "unknown service"
                      : "check failed")
              << " (code " << status.error_code()
              << "): " << status.error_message() << "\n";
    return status.error_code() == grpc::StatusCode::NOT_FOUND ? kExitNotServing
                                                              : kExitRpcFailed;
  }
  std::cout << label << ": "
            << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                   response.status())
            << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? kExitServing
             : kExitNotServing;
}
