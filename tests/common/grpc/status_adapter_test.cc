#include "common/grpc/status_adapter.h"

#include "common/status/errors.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace longtake {
namespace {

TEST(StatusAdapterTest, InvalidArgumentCarriesErrorInfoAndFieldViolations) {
  grpc::Status status = ToGrpcStatus(
      InvalidArgument("film.year", "must be between 1870 and 2100"),
      kCatalogErrorDomain);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details = DecodeStatusDetails(status);
  EXPECT_EQ(details.code(), 3);
  bool saw_info = false, saw_bad_request = false;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&info)) {
      saw_info = true;
      EXPECT_EQ(info.reason(), "INVALID_ARGUMENT");
      EXPECT_EQ(info.domain(), "catalog.longtake.dev");
    } else if (any.UnpackTo(&bad)) {
      saw_bad_request = true;
      ASSERT_EQ(bad.field_violations_size(), 1);
      EXPECT_EQ(bad.field_violations(0).field(), "film.year");
    }
  }
  EXPECT_TRUE(saw_info);
  EXPECT_TRUE(saw_bad_request);
}

TEST(StatusAdapterTest, NotFoundNamesResource) {
  grpc::Status status = ToGrpcStatus(NotFound("films/nope"), kCatalogErrorDomain);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("films/nope"), std::string::npos);
  google::rpc::Status details = DecodeStatusDetails(status);
  bool saw_resource = false;
  for (const auto& any : details.details()) {
    google::rpc::ResourceInfo info;
    if (any.UnpackTo(&info)) {
      saw_resource = true;
      EXPECT_EQ(info.resource_type(), "films");
      EXPECT_EQ(info.resource_name(), "films/nope");
    }
  }
  EXPECT_TRUE(saw_resource);
}

TEST(StatusAdapterTest, RoundTripsBackToAbslStatus) {
  absl::Status original = InvalidArgument("page_size", "must not be negative");
  absl::Status back =
      FromGrpcStatus(ToGrpcStatus(original, kWatchlistErrorDomain));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(back), "INVALID_ARGUMENT");
  ASSERT_EQ(ErrorFieldViolations(back).size(), 1u);
  EXPECT_EQ(ErrorFieldViolations(back)[0].field, "page_size");
}

TEST(StatusAdapterTest, OkStaysOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus(), kCatalogErrorDomain).ok());
}

}  // namespace
}  // namespace longtake
