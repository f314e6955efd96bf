#include "longtake/client/client.h"

#include <chrono>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "common/grpc/service_config.h"
#include "common/grpc/status_adapter.h"
#include "common/status/errors.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace longtake::client {

namespace cv1 = ::longtake::catalog::v1;
namespace wv1 = ::longtake::watchlist::v1;

std::string RetryServiceConfigJson(int max_attempts) {
  // The project's one retry policy, with this library's backoff.
  return ::longtake::RetryServiceConfigJson(
      RetryPolicy{max_attempts, absl::Milliseconds(100), absl::Seconds(1), {}});
}

std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(RetryServiceConfigJson(options.max_attempts));
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.use_tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.root_certs_pem;
    credentials = grpc::SslCredentials(ssl);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  return grpc::CreateCustomChannel(options.address, credentials, args);
}

void PrepareContext(const ClientOptions& options, grpc::ClientContext* context,
                    absl::Duration deadline) {
  if (deadline != absl::InfiniteDuration()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  }
  if (!options.token.empty()) {
    context->AddMetadata("authorization",
                         absl::StrCat("Bearer ", options.token));
  }
}

std::string DescribeError(const absl::Status& status) {
  if (status.ok()) return "OK";
  std::string out = absl::StrCat(absl::StatusCodeToString(status.code()), ": ",
                                 std::string(status.message()));
  std::string reason = ErrorReason(status);
  if (!reason.empty()) absl::StrAppend(&out, " [reason ", reason, "]");
  for (const FieldViolation& v : ErrorFieldViolations(status)) {
    absl::StrAppend(&out, "; ", v.field, ": ", v.description);
  }
  return out;
}

absl::StatusOr<TokenClaims> PeekToken(absl::string_view token) {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  std::string payload;
  if (parts.size() != 3 || parts[0] != "lt1" ||
      !absl::WebSafeBase64Unescape(parts[1], &payload)) {
    return absl::InvalidArgumentError(
        "not a longtake token (lt1.<payload>.<signature>)");
  }
  std::vector<std::string> fields = absl::StrSplit(payload, '|');
  int64_t expiry = 0;
  if (fields.size() != 3 || fields[0].empty() ||
      !absl::SimpleAtoi(fields[2], &expiry)) {
    return absl::InvalidArgumentError("token payload is not user|role|expiry");
  }
  return TokenClaims{fields[0], fields[1], absl::FromUnixSeconds(expiry)};
}

// ---------------------------------------------------------------- catalogue

CatalogClient::CatalogClient(ClientOptions options)
    : CatalogClient(MakeChannel(options), options) {}

CatalogClient::CatalogClient(std::shared_ptr<grpc::Channel> channel,
                             ClientOptions options)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      stub_(std::make_unique<Stub>(channel_)) {}

template <typename Request, typename Response>
absl::StatusOr<Response> CatalogClient::Call(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request) {
  grpc::ClientContext context;
  PrepareContext(options_, &context, options_.deadline);
  Response response;
  grpc::Status status = ((*stub_).*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<cv1::Film> CatalogClient::GetFilm(const cv1::GetFilmRequest& r) {
  return Call(&Stub::GetFilm, r);
}
absl::StatusOr<cv1::ListFilmsResponse> CatalogClient::ListFilms(
    const cv1::ListFilmsRequest& r) {
  return Call(&Stub::ListFilms, r);
}
absl::StatusOr<cv1::BatchGetFilmsResponse> CatalogClient::BatchGetFilms(
    const cv1::BatchGetFilmsRequest& r) {
  return Call(&Stub::BatchGetFilms, r);
}
absl::StatusOr<cv1::SearchFilmsResponse> CatalogClient::SearchFilms(
    const cv1::SearchFilmsRequest& r) {
  return Call(&Stub::SearchFilms, r);
}
absl::StatusOr<cv1::Film> CatalogClient::CreateFilm(
    const cv1::CreateFilmRequest& r) {
  return Call(&Stub::CreateFilm, r);
}
absl::StatusOr<cv1::Film> CatalogClient::UpdateFilm(
    const cv1::UpdateFilmRequest& r) {
  return Call(&Stub::UpdateFilm, r);
}
absl::Status CatalogClient::DeleteFilm(const cv1::DeleteFilmRequest& r) {
  return Call(&Stub::DeleteFilm, r).status();
}
absl::StatusOr<cv1::ImportFilmsResponse> CatalogClient::ImportFilms(
    const cv1::ImportFilmsRequest& r) {
  return Call(&Stub::ImportFilms, r);
}
absl::StatusOr<cv1::Person> CatalogClient::GetPerson(
    const cv1::GetPersonRequest& r) {
  return Call(&Stub::GetPerson, r);
}
absl::StatusOr<cv1::ListPeopleResponse> CatalogClient::ListPeople(
    const cv1::ListPeopleRequest& r) {
  return Call(&Stub::ListPeople, r);
}
absl::StatusOr<cv1::ListCollaborationsResponse>
CatalogClient::ListCollaborations(const cv1::ListCollaborationsRequest& r) {
  return Call(&Stub::ListCollaborations, r);
}
absl::StatusOr<cv1::Sequence> CatalogClient::GetSequence(
    const cv1::GetSequenceRequest& r) {
  return Call(&Stub::GetSequence, r);
}
absl::StatusOr<cv1::ListSequencesResponse> CatalogClient::ListSequences(
    const cv1::ListSequencesRequest& r) {
  return Call(&Stub::ListSequences, r);
}
absl::StatusOr<cv1::Era> CatalogClient::GetEra(const cv1::GetEraRequest& r) {
  return Call(&Stub::GetEra, r);
}
absl::StatusOr<cv1::ListErasResponse> CatalogClient::ListEras(
    const cv1::ListErasRequest& r) {
  return Call(&Stub::ListEras, r);
}

// ---------------------------------------------------------------- watchlist

WatchlistClient::WatchlistClient(ClientOptions options)
    : WatchlistClient(MakeChannel(options), options) {}

WatchlistClient::WatchlistClient(std::shared_ptr<grpc::Channel> channel,
                                 ClientOptions options)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      stub_(std::make_unique<Stub>(channel_)) {}

template <typename Request, typename Response>
absl::StatusOr<Response> WatchlistClient::Call(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request) {
  grpc::ClientContext context;
  PrepareContext(options_, &context, options_.deadline);
  Response response;
  grpc::Status status = ((*stub_).*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<wv1::ListProvidersResponse> WatchlistClient::ListProviders(
    const wv1::ListProvidersRequest& r) {
  return Call(&Stub::ListProviders, r);
}
absl::StatusOr<wv1::ListOffersResponse> WatchlistClient::ListOffers(
    const wv1::ListOffersRequest& r) {
  return Call(&Stub::ListOffers, r);
}
absl::StatusOr<wv1::WhereToWatchResponse> WatchlistClient::WhereToWatch(
    const wv1::WhereToWatchRequest& r) {
  return Call(&Stub::WhereToWatch, r);
}
absl::StatusOr<wv1::WatchlistItem> WatchlistClient::CreateWatchlistItem(
    const wv1::CreateWatchlistItemRequest& r) {
  return Call(&Stub::CreateWatchlistItem, r);
}
absl::StatusOr<wv1::WatchlistItem> WatchlistClient::GetWatchlistItem(
    const wv1::GetWatchlistItemRequest& r) {
  return Call(&Stub::GetWatchlistItem, r);
}
absl::StatusOr<wv1::ListWatchlistItemsResponse>
WatchlistClient::ListWatchlistItems(const wv1::ListWatchlistItemsRequest& r) {
  return Call(&Stub::ListWatchlistItems, r);
}
absl::StatusOr<wv1::WatchlistItem> WatchlistClient::UpdateWatchlistItem(
    const wv1::UpdateWatchlistItemRequest& r) {
  return Call(&Stub::UpdateWatchlistItem, r);
}
absl::Status WatchlistClient::DeleteWatchlistItem(
    const wv1::DeleteWatchlistItemRequest& r) {
  return Call(&Stub::DeleteWatchlistItem, r).status();
}
absl::StatusOr<wv1::ReorderWatchlistItemsResponse>
WatchlistClient::ReorderWatchlistItems(
    const wv1::ReorderWatchlistItemsRequest& r) {
  return Call(&Stub::ReorderWatchlistItems, r);
}
absl::StatusOr<wv1::WatchlistItem> WatchlistClient::MarkWatched(
    const wv1::MarkWatchedRequest& r) {
  return Call(&Stub::MarkWatched, r);
}
absl::StatusOr<wv1::ListHistoryResponse> WatchlistClient::ListHistory(
    const wv1::ListHistoryRequest& r) {
  return Call(&Stub::ListHistory, r);
}

absl::Status WatchlistClient::WatchAvailability(
    const wv1::WatchAvailabilityRequest& request,
    const std::function<void(const wv1::AvailabilityEvent&)>& on_event,
    const std::atomic<bool>* stop, absl::Duration stream_deadline) {
  grpc::ClientContext context;
  PrepareContext(options_, &context, stream_deadline);
  std::unique_ptr<grpc::ClientReader<wv1::WatchAvailabilityResponse>> reader =
      stub_->WatchAvailability(&context, request);

  // Read() blocks until the next event; a watcher thread turns `stop` into a
  // cancellation so the caller is not stuck waiting for one.
  absl::Notification done;
  std::atomic<bool> stopped{false};
  std::thread watcher;
  if (stop != nullptr) {
    watcher = std::thread([&] {
      while (!done.WaitForNotificationWithTimeout(absl::Milliseconds(100))) {
        if (stop->load()) {
          stopped.store(true);
          context.TryCancel();
          return;
        }
      }
    });
  }
  wv1::WatchAvailabilityResponse response;
  while (reader->Read(&response)) {
    if (stop != nullptr && stop->load()) {
      stopped.store(true);
      context.TryCancel();
      break;
    }
    on_event(response.event());
  }
  grpc::Status status = reader->Finish();
  done.Notify();
  if (watcher.joinable()) watcher.join();
  if (stopped.load()) return absl::OkStatus();
  return FromGrpcStatus(status);
}

}  // namespace longtake::client
