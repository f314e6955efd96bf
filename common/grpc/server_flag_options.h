#pragma once

// The server runner's options that the flags every server has give, built
// in one place so both mains serve the same way: --listen, the TLS files
// (--tls-cert, --tls-key, --tls-client-ca, --tls-refresh-interval, read
// now), --log-calls, the connection limits and --metrics-listen. The
// service adds its own services, error domain and metrics registry.
//
//   ServerFlags server(&flags, {...});
//   LimitFlags limits(&flags);
//   if (std::optional<int> exit = server.Parse(argc, argv)) return *exit;
//   absl::StatusOr<ServerRunnerOptions> options =
//       ServerRunnerOptionsFromFlags(server, limits);
//   if (!options.ok()) {
//     return flags.UsageError(std::string(options.status().message()));
//   }
//   ... open the store, build the service ...
//   options->services = {&service};
//   options->error_domain = std::string(kCatalogErrorDomain);

#include "absl/status/statusor.h"
#include "common/config/limit_flags.h"
#include "common/config/server_flags.h"
#include "common/grpc/server_runner.h"

namespace longtake {

// INVALID_ARGUMENT naming the flag when a TLS file is missing, unreadable
// or not PEM (see MakeServerCredentials); `server` must have been parsed.
absl::StatusOr<ServerRunnerOptions> ServerRunnerOptionsFromFlags(
    const ServerFlags& server, const LimitFlags& limits);

}  // namespace longtake
