#include "common/grpc/server_flag_options.h"

#include <memory>
#include <utility>

#include "common/grpc/tls_credentials.h"

namespace longtake {

absl::StatusOr<ServerRunnerOptions> ServerRunnerOptionsFromFlags(
    const ServerFlags& server, const LimitFlags& limits) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials({.cert_file = *server.tls.cert,
                             .key_file = *server.tls.key,
                             .client_ca_file = *server.tls.client_ca,
                             .refresh_interval = *server.tls.refresh_interval});
  if (!credentials.ok()) return credentials.status();
  ServerRunnerOptions options;
  options.listen_address = *server.listen;
  options.credentials = *std::move(credentials);
  options.log_calls = *server.log_calls;
  options.connection_limits = limits.connection_limits();
  options.metrics_listen = *server.metrics_listen;
  return options;
}

}  // namespace longtake
