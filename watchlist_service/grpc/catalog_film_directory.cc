#include "watchlist_service/grpc/catalog_film_directory.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/server_runner.h"
#include "common/grpc/service_config.h"
#include "common/grpc/status_adapter.h"
#include "common/grpc/trace_metadata.h"
#include "common/status/errors.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "watchlist_service/domain/watchlist_errors.h"

namespace longtake::watchlist {
namespace {

namespace catalogv1 = ::longtake::catalog::v1;

// Which of `names` a catalogue NOT_FOUND is about: the ErrorInfo/ResourceInfo
// resource when sent, else a name the message mentions, else the only name.
std::string MissingFilm(const absl::Status& status,
                        const std::vector<std::string>& names) {
  std::string resource = ErrorResource(status);
  if (!resource.empty()) return resource;
  for (const std::string& name : names) {
    if (absl::StrContains(status.message(), name)) return name;
  }
  if (names.size() == 1) return names.front();
  return "films";
}

}  // namespace

std::string CatalogFilmDirectory::ServiceConfigJson() {
  // Up to 3 attempts on UNAVAILABLE with short backoffs, so that all of them
  // fit in the per-call deadline (default 500 ms).
  return RetryServiceConfigJson(
      RetryPolicy{3,
                  absl::Milliseconds(20),
                  absl::Milliseconds(100),
                  {"longtake.catalog.v1.CatalogService"}});
}

CatalogFilmDirectory::CatalogFilmDirectory(
    std::string address, absl::Duration deadline, const std::string& lb_policy,
    std::shared_ptr<grpc::ChannelCredentials> credentials,
    metrics::Registry* metrics)
    : address_(std::move(address)), deadline_(deadline) {
  if (metrics != nullptr) {
    latency_ = &metrics->AddHistogramFamily(
        "longtake_watchlist_catalog_call_duration_seconds",
        "Time the watchlist waited for a catalogue BatchGetFilms call "
        "(retries included), by status code.",
        {"code"}, metrics::kLatencyBuckets);
  }
  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName(lb_policy);
  args.SetServiceConfigJSON(ServiceConfigJson());
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  // Reconnect quickly once the catalogue is back, instead of gRPC's default
  // backoff that grows to two minutes.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  channel_ = grpc::CreateCustomChannel(address_,
                                       credentials != nullptr
                                           ? std::move(credentials)
                                           : grpc::InsecureChannelCredentials(),
                                       args);
  stub_ = catalogv1::CatalogService::NewStub(channel_);
}

absl::StatusOr<std::vector<FilmSummaryWithName>>
CatalogFilmDirectory::BatchGetFilms(const std::vector<std::string>& names) {
  std::vector<FilmSummaryWithName> out;
  if (names.empty()) return out;

  catalogv1::BatchGetFilmsRequest request;
  for (const std::string& name : names) request.add_names(name);
  catalogv1::BatchGetFilmsResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  context.set_wait_for_ready(false);
  ForwardTrace(&context);
  const absl::Time start = absl::Now();
  grpc::Status status = stub_->BatchGetFilms(&context, request, &response);
  if (latency_ != nullptr) {
    latency_->WithLabels({StatusCodeName(status.error_code())})
        .Observe(absl::ToDoubleSeconds(absl::Now() - start));
  }

  if (!status.ok()) {
    absl::Status error = FromGrpcStatus(status);
    switch (status.error_code()) {
      case grpc::StatusCode::NOT_FOUND:
        return NotFound(MissingFilm(error, names));
      case grpc::StatusCode::UNAVAILABLE:
      case grpc::StatusCode::DEADLINE_EXCEEDED:
      case grpc::StatusCode::CANCELLED:
        return ErrorWithReason(
            absl::StatusCode::kUnavailable, kCatalogUnavailable,
            absl::StrCat("the catalogue at ", address_, " is unreachable: ",
                         status.error_message(), "; try again shortly"));
      default:
        // Anything else (a name the catalogue rejects, an internal error)
        // keeps its code and reason, with the origin in the message.
        absl::Status out_error(
            error.code(), absl::StrCat("the catalogue at ", address_,
                                       " answered: ", status.error_message()));
        error.ForEachPayload(
            [&](absl::string_view url, const absl::Cord& payload) {
              out_error.SetPayload(url, payload);
            });
        return out_error;
    }
  }

  out.reserve(response.films_size());
  for (const catalogv1::Film& film : response.films()) {
    FilmSummaryWithName entry;
    entry.name = film.name();
    entry.summary.title = film.title();
    entry.summary.year = film.year();
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace longtake::watchlist
