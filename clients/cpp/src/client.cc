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
#include "common/grpc/tls_credentials.h"
#include "common/status/errors.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
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

absl::StatusOr<std::shared_ptr<grpc::Channel>> TryMakeChannel(
    const ClientOptions& options) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(RetryServiceConfigJson(options.max_attempts));
  ChannelTls tls;
  tls.enabled = options.use_tls;
  tls.ca_pem = options.root_certs_pem;
  tls.cert_pem = options.client_cert_pem;
  tls.key_pem = options.client_key_pem;
  tls.server_name = options.tls_server_name;
  tls.ca_flag = "root_certs_pem";
  tls.cert_flag = "client_cert_pem";
  tls.key_flag = "client_key_pem";
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(tls);
  if (!credentials.ok()) return credentials.status();
  ApplyChannelTlsArgs(tls, &args);
  return grpc::CreateCustomChannel(options.address, *credentials, args);
}

std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      TryMakeChannel(options);
  if (channel.ok()) return *std::move(channel);
  // gRPC answers every call of a channel without credentials with
  // INVALID_ARGUMENT: never plaintext when TLS was asked for.
  return grpc::CreateCustomChannel(options.address, nullptr,
                                   grpc::ChannelArguments());
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
  // A JWT: base64url(header).base64url(claims).base64url(signature). Only
  // the claims are read (with protobuf's JSON parser, which this library
  // links anyway); the signature is the server's business.
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  std::string payload;
  google::protobuf::Struct claims;
  if (parts.size() != 3 || !absl::WebSafeBase64Unescape(parts[1], &payload) ||
      !google::protobuf::util::JsonStringToMessage(payload, &claims).ok()) {
    return absl::InvalidArgumentError(
        "not a JWT (header.claims.signature, base64url JSON claims)");
  }
  const auto& fields = claims.fields();
  auto sub = fields.find("sub");
  auto exp = fields.find("exp");
  if (sub == fields.end() || !sub->second.has_string_value() ||
      sub->second.string_value().empty() || exp == fields.end() ||
      !exp->second.has_number_value()) {
    return absl::InvalidArgumentError(
        "the token's claims have no \"sub\" (user) or \"exp\"");
  }
  TokenClaims out{
      sub->second.string_value(), "user",
      absl::FromUnixSeconds(static_cast<int64_t>(exp->second.number_value()))};
  if (auto roles = fields.find("roles");
      roles != fields.end() && roles->second.has_list_value()) {
    for (const auto& role : roles->second.list_value().values()) {
      if (role.string_value() == "curator") out.role = "curator";
    }
  }
  return out;
}

namespace {

// The one unary call: a context with the client's deadline and token, the
// stub method, and the gRPC status turned into an absl::Status.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> UnaryCall(
    const ClientOptions& options, Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request) {
  grpc::ClientContext context;
  PrepareContext(options, &context, options.deadline);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace

// One wrapper per RPC: Client::Method(ns::MethodRequest) -> Response.
#define LONGTAKE_UNARY_RPC(Client, ns, Response, Method)        \
  absl::StatusOr<Response> Client::Method(                      \
      const ns::Method##Request& request) {                     \
    return UnaryCall(options_, *stub_, &Stub::Method, request); \
  }

// ---------------------------------------------------------------- catalogue

CatalogClient::CatalogClient(ClientOptions options)
    : CatalogClient(MakeChannel(options), options) {}

CatalogClient::CatalogClient(std::shared_ptr<grpc::Channel> channel,
                             ClientOptions options)
    : ServiceClient(std::move(channel), std::move(options)) {}

LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::Film, GetFilm)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::ListFilmsResponse, ListFilms)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::BatchGetFilmsResponse,
                   BatchGetFilms)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::SearchFilmsResponse, SearchFilms)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::Film, CreateFilm)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::Film, UpdateFilm)
absl::Status CatalogClient::DeleteFilm(const cv1::DeleteFilmRequest& r) {
  return UnaryCall(options_, *stub_, &Stub::DeleteFilm, r).status();
}
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::ImportFilmsResponse, ImportFilms)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::Person, GetPerson)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::ListPeopleResponse, ListPeople)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::ListCollaborationsResponse,
                   ListCollaborations)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::Sequence, GetSequence)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::ListSequencesResponse,
                   ListSequences)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::Era, GetEra)
LONGTAKE_UNARY_RPC(CatalogClient, cv1, cv1::ListErasResponse, ListEras)

// ---------------------------------------------------------------- watchlist

WatchlistClient::WatchlistClient(ClientOptions options)
    : WatchlistClient(MakeChannel(options), options) {}

WatchlistClient::WatchlistClient(std::shared_ptr<grpc::Channel> channel,
                                 ClientOptions options)
    : ServiceClient(std::move(channel), std::move(options)) {}

LONGTAKE_UNARY_RPC(WatchlistClient, wv1, wv1::ListProvidersResponse,
                   ListProviders)
LONGTAKE_UNARY_RPC(WatchlistClient, wv1, wv1::ListOffersResponse, ListOffers)
LONGTAKE_UNARY_RPC(WatchlistClient, wv1, wv1::WhereToWatchResponse,
                   WhereToWatch)
LONGTAKE_UNARY_RPC(WatchlistClient, wv1, wv1::WatchlistItem,
                   CreateWatchlistItem)
LONGTAKE_UNARY_RPC(WatchlistClient, wv1, wv1::WatchlistItem, GetWatchlistItem)
LONGTAKE_UNARY_RPC(WatchlistClient, wv1, wv1::ListWatchlistItemsResponse,
                   ListWatchlistItems)
LONGTAKE_UNARY_RPC(WatchlistClient, wv1, wv1::WatchlistItem,
                   UpdateWatchlistItem)
absl::Status WatchlistClient::DeleteWatchlistItem(
    const wv1::DeleteWatchlistItemRequest& r) {
  return UnaryCall(options_, *stub_, &Stub::DeleteWatchlistItem, r).status();
}
LONGTAKE_UNARY_RPC(WatchlistClient, wv1, wv1::ReorderWatchlistItemsResponse,
                   ReorderWatchlistItems)
LONGTAKE_UNARY_RPC(WatchlistClient, wv1, wv1::WatchlistItem, MarkWatched)
LONGTAKE_UNARY_RPC(WatchlistClient, wv1, wv1::ListHistoryResponse, ListHistory)

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

#undef LONGTAKE_UNARY_RPC

}  // namespace longtake::client
