#pragma once

// The watchlist domain's FilmDirectory backed by the catalogue service over
// gRPC: one long-lived channel, a deadline on every call, transparent retries
// of UNAVAILABLE (service config), and fail-fast when the catalogue is down
// (wait_for_ready false) so a list still answers, unenriched, in time.
//
//   CatalogFilmDirectory directory("127.0.0.1:50051", absl::Milliseconds(500));
//   // over mTLS: pass MakeChannelCredentials({.enabled = true, ...}) as the
//   // fourth argument
//   auto films = directory.BatchGetFilms({"films/i-am-cuba"});
//
// Calls block: the domain runs them on a WorkQueue thread, never on a gRPC
// callback thread. The channel reconnects on its own (short reconnect backoff)
// when the catalogue comes back. Each call carries the traceparent of the
// trace the calling thread works for (common/grpc/trace_metadata.h), so the
// catalogue's log line shows the same trace id.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/metrics/metrics.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "watchlist_service/domain/watchlist.h"

namespace longtake::watchlist {

class CatalogFilmDirectory : public FilmDirectory {
 public:
  // `address` is HOST:PORT of the catalogue (or dns:///NAME:PORT to spread
  // calls over every address a headless Service resolves to, with
  // `lb_policy` "round_robin"); `deadline` bounds every call, retries
  // included.
  // `credentials` are TLS/mTLS ones from MakeChannelCredentials
  // (common/grpc/tls_credentials.h); null is plaintext. With `metrics`, each
  // call's latency is recorded there
  // (longtake_watchlist_catalog_call_duration_seconds, by code).
  CatalogFilmDirectory(
      std::string address, absl::Duration deadline,
      const std::string& lb_policy = "pick_first",
      std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr,
      metrics::Registry* metrics = nullptr);

  // NOT_FOUND naming the missing film; UNAVAILABLE (reason
  // CATALOG_UNAVAILABLE) naming the catalogue's address when it cannot be
  // reached within the deadline.
  absl::StatusOr<std::vector<FilmSummaryWithName>> BatchGetFilms(
      const std::vector<std::string>& names) override;

  // The service config the channel uses (exposed for tests and --help).
  static std::string ServiceConfigJson();

 private:
  std::string address_;
  absl::Duration deadline_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<longtake::catalog::v1::CatalogService::Stub> stub_;
  metrics::Family<metrics::Histogram>* latency_ = nullptr;
};

}  // namespace longtake::watchlist
