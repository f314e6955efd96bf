// `longtake call METHOD JSON`: any unary RPC of either service, with the
// request given as proto JSON. The request type comes from the generated
// descriptors, so a new RPC needs no new code here.

#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "common/grpc/status_adapter.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "tools/cli/command.h"
#include "tools/cli/output.h"

namespace longtake::cli {
namespace {

namespace pb = ::google::protobuf;

constexpr char kCatalogService[] = "longtake.catalog.v1.CatalogService";
constexpr char kWatchlistService[] = "longtake.watchlist.v1.WatchlistService";

// "CatalogService/GetFilm" or "longtake.catalog.v1.CatalogService/GetFilm"
// -> the method's descriptor, or null.
const pb::MethodDescriptor* FindMethod(const std::string& name) {
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  const pb::ServiceDescriptor* services[] = {
      pool->FindServiceByName(kCatalogService),
      pool->FindServiceByName(kWatchlistService)};
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2) return nullptr;
  for (const pb::ServiceDescriptor* service : services) {
    if (service == nullptr) continue;
    if (parts[0] != service->full_name() && parts[0] != service->name()) {
      continue;
    }
    return service->FindMethodByName(parts[1]);
  }
  return nullptr;
}

grpc::ByteBuffer ToBuffer(const pb::Message& message) {
  std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool FromBuffer(const grpc::ByteBuffer& buffer, pb::Message* message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return message->ParseFromString(bytes);
}

}  // namespace

int CallAnyMethod(Context& ctx) {
  const pb::MethodDescriptor* method = FindMethod(ctx.args[0]);
  if (method == nullptr) {
    return UsageError(ctx, absl::StrCat("unknown method \"", ctx.args[0],
                                        "\" (e.g. CatalogService/GetFilm)"));
  }
  if (method->client_streaming() || method->server_streaming()) {
    return UsageError(ctx, absl::StrCat(method->full_name(),
                                        " streams; call takes unary RPCs"));
  }
  pb::DynamicMessageFactory factory;
  std::unique_ptr<pb::Message> request(
      factory.GetPrototype(method->input_type())->New());
  std::unique_ptr<pb::Message> response(
      factory.GetPrototype(method->output_type())->New());
  if (auto s = pb::util::JsonStringToMessage(ctx.args[1], request.get());
      !s.ok()) {
    return UsageError(ctx, absl::StrCat("request is not a ",
                                        method->input_type()->full_name(),
                                        " in JSON: ", s.ToString()));
  }

  const bool catalog = method->service()->full_name() == kCatalogService;
  const client::ClientOptions& options = catalog ? ctx.catalog : ctx.watchlist;
  const Service service = catalog ? Service::kCatalog : Service::kWatchlist;
  grpc::GenericStub stub(client::MakeChannel(options));
  grpc::ClientContext context;
  client::PrepareContext(options, &context, options.deadline);
  grpc::ByteBuffer request_bytes = ToBuffer(*request);
  grpc::ByteBuffer response_bytes;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(
      &context,
      absl::StrCat("/", method->service()->full_name(), "/", method->name()),
      grpc::StubOptions(), &request_bytes, &response_bytes,
      [&](grpc::Status s) {
        status = std::move(s);
        done.Notify();
      });
  done.WaitForNotification();
  if (!status.ok()) return ServerError(ctx, FromGrpcStatus(status), service);
  if (!FromBuffer(response_bytes, response.get())) {
    return ServerError(ctx, absl::InternalError("the response did not parse"),
                       service);
  }
  std::cout << ToJson(*response);
  return kExitOk;
}

}  // namespace longtake::cli
