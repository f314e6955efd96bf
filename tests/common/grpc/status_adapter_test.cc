#include "common/grpc/status_adapter.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

constexpr absl::string_view kDomain = "test.longtake.dev";

TEST(StatusAdapterTest, InvalidArgumentCarriesErrorInfoAndFieldViolations) {
  grpc::Status status = ToGrpcStatus(
      InvalidArgument("film.year", "must be between 1870 and 2100"), kDomain);
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
      EXPECT_EQ(info.domain(), kDomain);
    } else if (any.UnpackTo(&bad)) {
      saw_bad_request = true;
      ASSERT_EQ(bad.field_violations_size(), 1);
      EXPECT_EQ(bad.field_violations(0).field(), "film.year");
    }
  }
  EXPECT_TRUE(saw_info);
  EXPECT_TRUE(saw_bad_request);
}

TEST(StatusAdapterTest, ARetryDelayBecomesRetryInfo) {
  grpc::Status s = ToGrpcStatus(
      ResourceExhausted("STREAM_LIMIT", "too many", absl::Milliseconds(1500)),
      "test.longtake.dev");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  google::rpc::Status details = DecodeStatusDetails(s);
  bool found = false;
  for (const auto& any : details.details()) {
    google::rpc::RetryInfo retry;
    if (!any.UnpackTo(&retry)) continue;
    found = true;
    EXPECT_EQ(retry.retry_delay().seconds(), 1);
    EXPECT_EQ(retry.retry_delay().nanos(), 500000000);
  }
  EXPECT_TRUE(found);
}

TEST(StatusAdapterTest, NotFoundNamesResource) {
  grpc::Status status = ToGrpcStatus(NotFound("films/nope"), kDomain);
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
  absl::Status back = FromGrpcStatus(ToGrpcStatus(original, kDomain));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(back), "INVALID_ARGUMENT");
  ASSERT_EQ(ErrorFieldViolations(back).size(), 1u);
  EXPECT_EQ(ErrorFieldViolations(back)[0].field, "page_size");
}

TEST(StatusAdapterTest, OkStaysOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus(), kDomain).ok());
}

TEST(StatusAdapterTest, EchoedInputIsCapped) {
  const std::string huge(1 << 20, 'x');
  grpc::Status status = ToGrpcStatus(
      InvalidArgument(huge, absl::StrCat("\"", huge, "\" is not a film")),
      kDomain);
  EXPECT_LE(status.error_message().size(), kMaxErrorMessageBytes + 32);
  // Every detail together stays small too.
  EXPECT_LT(status.error_details().size(), 4096u);
  google::rpc::Status details = DecodeStatusDetails(status);
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      ASSERT_EQ(bad.field_violations_size(), 1);
      EXPECT_LE(bad.field_violations(0).field().size(),
                kMaxErrorFieldBytes + 32);
      EXPECT_NE(bad.field_violations(0).description().find("more bytes"),
                std::string::npos);
    }
  }
}

TEST(StatusAdapterTest, CapKeepsUtf8Whole) {
  std::string cyrillic;
  for (int i = 0; i < 2000; ++i) cyrillic += "ж";  // two bytes each
  grpc::Status status = ToGrpcStatus(NotFound(cyrillic), kDomain);
  const std::string& message = status.error_message();
  const size_t cut = message.find("...(");
  ASSERT_NE(cut, std::string::npos);
  EXPECT_EQ(cut % 2, 0u) << "cut inside a two-byte character";
}

}  // namespace
}  // namespace longtake
