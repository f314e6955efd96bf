#pragma once

// Shared by the catalogue integration tests: starts longtake-catalog on
// loopback with its own temp dir and SQLite file, and gives typed stubs,
// tokens and error-detail assertions.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth/token.h"
#include "common/grpc/status_adapter.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/impl/rpc_method.h"
#include "gtest/gtest.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "tests/support/call_context.h"
#include "tests/support/running_service.h"
#include "tests/support/server_process.h"

namespace longtake::catalog::testing {

namespace pb = ::longtake::catalog::v1;
using ::longtake::testing::BinaryPath;
using ::longtake::testing::CallContext;
using ::longtake::testing::ScopedTempDir;
using ::longtake::testing::ServerProcess;

inline constexpr char kSecret[] = "integration-test-secret";
inline constexpr char kServiceName[] = "longtake.catalog.v1.CatalogService";

inline std::string SeedPath() { return ::longtake::testing::CatalogSeedPath(); }

// The standard flags: loopback, ephemeral port, a store in `dir`, the source
// tree's seed, the test secret.
inline std::vector<std::string> CatalogArgs(const std::string& dir,
                                            bool with_secret = true) {
  std::vector<std::string> args = {
      "--listen=127.0.0.1:0",
      absl::StrCat("--store=sqlite:///", dir, "/c.db"),
      absl::StrCat("--seed=", SeedPath()),
      "--log-level=warning",
  };
  if (with_secret) args.push_back(absl::StrCat("--token-secret=", kSecret));
  return args;
}

// A running catalogue and a stub talking to it.
using CatalogServer = ::longtake::testing::RunningCatalog;

// Starts the binary; ADD_FAILURE and returns nullptr-process on error.
inline CatalogServer StartCatalog(const std::vector<std::string>& args) {
  auto server = ::longtake::testing::StartService<pb::CatalogService>(
      "longtake-catalog", args);
  if (!server.ok()) {
    ADD_FAILURE() << "starting longtake-catalog: " << server.status();
    return {};
  }
  return *std::move(server);
}

// grpc.health.v1.Health/Check through the raw channel: HealthCheckRequest
// {string service = 1} and HealthCheckResponse {enum status = 1} have the
// wire format of StringValue and Int32Value.
inline grpc::Status HealthCheck(grpc::Channel* channel,
                                const std::string& service,
                                int* serving_status) {
  google::protobuf::StringValue request;
  request.set_value(service);
  google::protobuf::Int32Value response;
  grpc::internal::RpcMethod method("/grpc.health.v1.Health/Check",
                                   grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::Status status =
      grpc::internal::BlockingUnaryCall<google::protobuf::StringValue,
                                        google::protobuf::Int32Value>(
          channel, method, CallContext().get(), request, &response);
  *serving_status = response.value();
  return status;
}

inline std::string MintToken(auth::Role role,
                             const std::string& user = "tester",
                             const std::string& secret = kSecret) {
  return auth::TokenMinter(secret).Mint(user, role, absl::Hours(1));
}
inline std::string CuratorToken() {
  return MintToken(auth::Role::kCurator, "curator");
}
inline std::string UserToken() {
  return MintToken(auth::Role::kUser, "viewer");
}
// A call context carrying a curator's token.
inline std::unique_ptr<grpc::ClientContext> AsCurator() {
  return CallContext(CuratorToken());
}

struct ErrorExpectation {
  grpc::StatusCode code;
  std::string reason;
  std::string field;     // a BadRequest field violation that must be present
  std::string resource;  // ResourceInfo.resource_name that must be present
};

// How many films one ListFilms page holds (the seed fits one); -1 when the
// call fails.
inline int ListedFilms(pb::CatalogService::Stub& stub) {
  pb::ListFilmsRequest request;
  pb::ListFilmsResponse response;
  grpc::Status status = stub.ListFilms(CallContext().get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return status.ok() ? response.films_size() : -1;
}

// INVALID_ARGUMENT naming `field`; NOT_FOUND naming `resource`.
inline ErrorExpectation InvalidArgumentOn(const std::string& field) {
  return {grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT", field, ""};
}
inline ErrorExpectation NotFoundNamed(const std::string& resource) {
  return {grpc::StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", "", resource};
}

// Checks code, ErrorInfo reason + domain, and the optional BadRequest field
// and ResourceInfo, all decoded from the status details.
inline void ExpectError(const grpc::Status& status,
                        const ErrorExpectation& want) {
  ASSERT_FALSE(status.ok()) << "expected an error";
  EXPECT_EQ(status.error_code(), want.code) << status.error_message();
  google::rpc::Status details = DecodeStatusDetails(status);
  EXPECT_EQ(details.code(), static_cast<int>(want.code));
  bool saw_info = false, saw_field = want.field.empty(),
       saw_resource = want.resource.empty();
  std::vector<std::string> fields;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    google::rpc::ResourceInfo resource;
    if (any.UnpackTo(&info)) {
      saw_info = true;
      EXPECT_EQ(info.reason(), want.reason) << status.error_message();
      EXPECT_EQ(info.domain(), "catalog.longtake.dev");
    } else if (any.UnpackTo(&bad_request)) {
      for (const auto& v : bad_request.field_violations()) {
        fields.push_back(v.field());
        EXPECT_FALSE(v.description().empty());
        if (v.field() == want.field) saw_field = true;
      }
    } else if (any.UnpackTo(&resource)) {
      if (resource.resource_name() == want.resource) saw_resource = true;
    }
  }
  EXPECT_TRUE(saw_info) << "no ErrorInfo in details: "
                        << status.error_message();
  EXPECT_TRUE(saw_field) << "no field violation for " << want.field << " in ["
                         << absl::StrJoin(fields, ", ")
                         << "]: " << status.error_message();
  EXPECT_TRUE(saw_resource) << "no ResourceInfo for " << want.resource << ": "
                            << status.error_message();
}

}  // namespace longtake::catalog::testing
