#pragma once

// C++ client for the longtake catalogue and watchlist services.
//
// Thin wrappers over the generated gRPC stubs: every call gets the configured
// deadline and `authorization: Bearer <token>` metadata, and failures come
// back as absl::Status with the server's ErrorInfo reason and BadRequest
// field violations kept (read them with ErrorReason / ErrorFieldViolations
// from "common/status/errors.h", or format them with DescribeError).
//
//   longtake::client::ClientOptions options;
//   options.address = "127.0.0.1:50051";
//   longtake::client::CatalogClient catalog(options);
//   longtake::catalog::v1::GetFilmRequest request;
//   request.set_name("films/the-cranes-are-flying");
//   absl::StatusOr<longtake::catalog::v1::Film> film =
//   catalog.GetFilm(request); if (!film.ok()) std::cerr <<
//   longtake::client::DescribeError(film.status()); else std::cout <<
//   film->title() << "\n";
//
// One channel can serve both clients of the same address; channels are cheap
// to share and expensive to create, so keep a client for the process's life.
// Clients are thread-safe (the stubs are).

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"

namespace longtake::client {

struct ClientOptions {
  // "host:port" (or any gRPC target, e.g. "dns:///catalog.example:443").
  std::string address = "127.0.0.1:50051";
  bool use_tls = false;
  // PEM roots for TLS; empty means the system's roots.
  std::string root_certs_pem;
  // PEM client certificate chain and private key for mTLS (both or
  // neither; only with use_tls).
  std::string client_cert_pem;
  std::string client_key_pem;
  // The name the server's certificate must carry when it is not the host
  // of `address` (e.g. "catalog" when calling 127.0.0.1 through a tunnel).
  std::string tls_server_name;
  // Bearer token sent with every call; empty sends none.
  std::string token;
  // Per-call deadline for unary calls.
  absl::Duration deadline = absl::Seconds(5);
  // Attempts per call when the server answers UNAVAILABLE (the channel's
  // retry policy, with exponential backoff). 1 disables retries; gRPC caps
  // it at 5.
  int max_attempts = 3;
};

// A channel to `options.address` with TLS as asked and the retry policy in
// its service config. INVALID_ARGUMENT when the TLS options do not go
// together (a certificate without its key, or the reverse).
absl::StatusOr<std::shared_ptr<grpc::Channel>> TryMakeChannel(
    const ClientOptions& options);
// The same, for options known to be right; with bad TLS options every call
// on the channel fails with INVALID_ARGUMENT (it never falls back to
// plaintext).
std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options);

// The retry service config MakeChannel installs (exposed for tests and for
// callers that build channels themselves): longtake::RetryServiceConfigJson
// from common/grpc/service_config.h with 100ms..1s backoff.
std::string RetryServiceConfigJson(int max_attempts);

// Sets the deadline and the authorization metadata on `context`. For direct
// use of the raw stubs.
void PrepareContext(const ClientOptions& options, grpc::ClientContext* context,
                    absl::Duration deadline);

// "NOT_FOUND: film films/x not found [reason RESOURCE_NOT_FOUND]; field: why"
// on one line: code, message, reason and every field violation.
std::string DescribeError(const absl::Status& status);

// The claims of a bearer token (a JWT: "sub", "roles", "exp") read WITHOUT
// checking its signature: only the server can verify a token; a client uses
// this to learn whose it is.
struct TokenClaims {
  std::string user;
  std::string role;  // "user" or "curator"
  absl::Time expires;
};
absl::StatusOr<TokenClaims> PeekToken(absl::string_view token);

// What both clients share: the options, the channel and the generated stub.
template <typename StubType>
class ServiceClient {
 public:
  using Stub = StubType;

  // The generated stub, for calls not wrapped here; prepare the context with
  // PrepareContext(options(), &context, options().deadline).
  Stub& stub() { return *stub_; }
  const ClientOptions& options() const { return options_; }

 protected:
  ServiceClient(std::shared_ptr<grpc::Channel> channel, ClientOptions options)
      : options_(std::move(options)),
        channel_(std::move(channel)),
        stub_(std::make_unique<Stub>(channel_)) {}

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
};

class CatalogClient
    : public ServiceClient<::longtake::catalog::v1::CatalogService::Stub> {
 public:
  explicit CatalogClient(ClientOptions options);
  CatalogClient(std::shared_ptr<grpc::Channel> channel, ClientOptions options);

  absl::StatusOr<catalog::v1::Film> GetFilm(
      const catalog::v1::GetFilmRequest& request);
  absl::StatusOr<catalog::v1::ListFilmsResponse> ListFilms(
      const catalog::v1::ListFilmsRequest& request);
  absl::StatusOr<catalog::v1::BatchGetFilmsResponse> BatchGetFilms(
      const catalog::v1::BatchGetFilmsRequest& request);
  absl::StatusOr<catalog::v1::SearchFilmsResponse> SearchFilms(
      const catalog::v1::SearchFilmsRequest& request);
  absl::StatusOr<catalog::v1::Film> CreateFilm(
      const catalog::v1::CreateFilmRequest& request);
  absl::StatusOr<catalog::v1::Film> UpdateFilm(
      const catalog::v1::UpdateFilmRequest& request);
  absl::Status DeleteFilm(const catalog::v1::DeleteFilmRequest& request);
  absl::StatusOr<catalog::v1::ImportFilmsResponse> ImportFilms(
      const catalog::v1::ImportFilmsRequest& request);

  absl::StatusOr<catalog::v1::Person> GetPerson(
      const catalog::v1::GetPersonRequest& request);
  absl::StatusOr<catalog::v1::ListPeopleResponse> ListPeople(
      const catalog::v1::ListPeopleRequest& request);
  absl::StatusOr<catalog::v1::ListCollaborationsResponse> ListCollaborations(
      const catalog::v1::ListCollaborationsRequest& request);

  absl::StatusOr<catalog::v1::Sequence> GetSequence(
      const catalog::v1::GetSequenceRequest& request);
  absl::StatusOr<catalog::v1::ListSequencesResponse> ListSequences(
      const catalog::v1::ListSequencesRequest& request);

  absl::StatusOr<catalog::v1::Era> GetEra(
      const catalog::v1::GetEraRequest& request);
  absl::StatusOr<catalog::v1::ListErasResponse> ListEras(
      const catalog::v1::ListErasRequest& request);
};

class WatchlistClient
    : public ServiceClient<::longtake::watchlist::v1::WatchlistService::Stub> {
 public:
  explicit WatchlistClient(ClientOptions options);
  WatchlistClient(std::shared_ptr<grpc::Channel> channel,
                  ClientOptions options);

  absl::StatusOr<watchlist::v1::ListProvidersResponse> ListProviders(
      const watchlist::v1::ListProvidersRequest& request);
  absl::StatusOr<watchlist::v1::ListOffersResponse> ListOffers(
      const watchlist::v1::ListOffersRequest& request);
  absl::StatusOr<watchlist::v1::WhereToWatchResponse> WhereToWatch(
      const watchlist::v1::WhereToWatchRequest& request);

  absl::StatusOr<watchlist::v1::WatchlistItem> CreateWatchlistItem(
      const watchlist::v1::CreateWatchlistItemRequest& request);
  absl::StatusOr<watchlist::v1::WatchlistItem> GetWatchlistItem(
      const watchlist::v1::GetWatchlistItemRequest& request);
  absl::StatusOr<watchlist::v1::ListWatchlistItemsResponse> ListWatchlistItems(
      const watchlist::v1::ListWatchlistItemsRequest& request);
  absl::StatusOr<watchlist::v1::WatchlistItem> UpdateWatchlistItem(
      const watchlist::v1::UpdateWatchlistItemRequest& request);
  absl::Status DeleteWatchlistItem(
      const watchlist::v1::DeleteWatchlistItemRequest& request);
  absl::StatusOr<watchlist::v1::ReorderWatchlistItemsResponse>
  ReorderWatchlistItems(
      const watchlist::v1::ReorderWatchlistItemsRequest& request);
  absl::StatusOr<watchlist::v1::WatchlistItem> MarkWatched(
      const watchlist::v1::MarkWatchedRequest& request);
  absl::StatusOr<watchlist::v1::ListHistoryResponse> ListHistory(
      const watchlist::v1::ListHistoryRequest& request);

  // Streams availability events to `on_event` (called on this thread, in
  // order) until the server ends the stream, `*stop` becomes true (checked
  // about every 100 ms, even while waiting for the next event), or
  // `stream_deadline` passes. Returns OK when stopped by `stop` or when the
  // server ended the stream cleanly; otherwise the stream's error (a passed
  // deadline is DEADLINE_EXCEEDED).
  //
  //   std::atomic<bool> stop{false};   // set from a signal handler
  //   absl::Status s = client.WatchAvailability(request,
  //       [](const auto& event) { std::cout << event.event_id() << "\n"; },
  //       &stop);
  absl::Status WatchAvailability(
      const watchlist::v1::WatchAvailabilityRequest& request,
      const std::function<void(const watchlist::v1::AvailabilityEvent&)>&
          on_event,
      const std::atomic<bool>* stop = nullptr,
      absl::Duration stream_deadline = absl::InfiniteDuration());
};

}  // namespace longtake::client
