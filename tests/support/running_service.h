#pragma once

// A real server binary running for a test, with a channel and a stub that
// call it over loopback.
//
//   ASSERT_OK_AND_ASSIGN(RunningCatalog catalog,
//                        StartService<catalog::v1::CatalogService>(
//                            "longtake-catalog", {"--listen=127.0.0.1:0"}));
//   catalog.stub->GetFilm(CallContext().get(), request, &film);
//
// Over TLS: pass the server its files and the channel its credentials,
//   StartService<...>("longtake-catalog",
//       {"--listen=127.0.0.1:0", "--tls-cert=" + dir + "/server.crt",
//        "--tls-key=" + dir + "/server.key"}, {},
//       *MakeChannelCredentials({.enabled = true, .ca_file = dir +
//       "/ca.crt"}));

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "tests/support/server_process.h"

namespace longtake::testing {

template <typename Service>
struct RunningService {
  std::unique_ptr<ServerProcess> process;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<typename Service::Stub> stub;
};
using RunningCatalog = RunningService<::longtake::catalog::v1::CatalogService>;
using RunningWatchlist =
    RunningService<::longtake::watchlist::v1::WatchlistService>;

// Starts the binary `name` from the build's bin/ (BinaryPath) with `args`.
// The channel is plaintext unless `credentials` are given (for a server
// started with --tls-cert: MakeChannelCredentials from
// common/grpc/tls_credentials.h, trusting the test's CA; the server's
// certificate must name 127.0.0.1, as scripts/make_dev_certs.sh's does).
template <typename Service>
absl::StatusOr<RunningService<Service>> StartService(
    const std::string& name, const std::vector<std::string>& args,
    const ServerProcess::Env& env = {},
    std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr) {
  auto process = ServerProcess::Start(BinaryPath(name), args, env);
  if (!process.ok()) return process.status();
  RunningService<Service> service;
  service.process = *std::move(process);
  service.channel = grpc::CreateChannel(
      service.process->address(), credentials != nullptr
                                      ? std::move(credentials)
                                      : grpc::InsecureChannelCredentials());
  service.stub = Service::NewStub(service.channel);
  return service;
}

// The seed files in the source tree.
inline std::string CatalogSeedPath() {
  return SourcePath("data/seed/catalog.json");
}
inline std::string OffersSeedPath() {
  return SourcePath("data/seed/offers.json");
}

}  // namespace longtake::testing
