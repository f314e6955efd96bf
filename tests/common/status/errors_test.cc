#include "common/status/errors.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ErrorsTest, InvalidArgumentNamesTheField) {
  absl::Status s =
      InvalidArgument("film.year", "must be between 1870 and 2100");
  EXPECT_THAT(s,
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("film.year"));
  ASSERT_EQ(ErrorFieldViolations(s).size(), 1u);
  EXPECT_EQ(ErrorFieldViolations(s)[0].field, "film.year");
}

TEST(ErrorsTest, InvalidArgumentsListsEveryField) {
  absl::Status s = InvalidArguments(
      {{"film.title", "is required"}, {"film.year", "is out of range"}},
      "INVALID_FILTER");
  EXPECT_THAT(s,
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_FILTER"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("film.title"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("film.year"));
  EXPECT_EQ(ErrorFieldViolations(s).size(), 2u);
}

TEST(ErrorsTest, ResourceErrorsCarryReasonAndResource) {
  EXPECT_THAT(NotFound("films/nope"),
              StatusIs(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND"));
  EXPECT_EQ(ErrorResource(NotFound("films/nope")), "films/nope");
  EXPECT_THAT(
      AlreadyExists("films/x"),
      StatusIs(absl::StatusCode::kAlreadyExists, "RESOURCE_ALREADY_EXISTS"));
  EXPECT_THAT(EtagMismatch("films/x"),
              StatusIs(absl::StatusCode::kAborted, "ETAG_MISMATCH"));
  absl::Status s =
      FailedPrecondition("PERSON_STILL_CREDITED", "credited", "people/x");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          "PERSON_STILL_CREDITED"));
  EXPECT_EQ(ErrorResource(s), "people/x");
}

TEST(ErrorsTest, PlainStatusHasNoReason) {
  EXPECT_EQ(ErrorReason(absl::InternalError("x")), "");
  EXPECT_EQ(ErrorResource(absl::InternalError("x")), "");
  EXPECT_TRUE(ErrorFieldViolations(absl::OkStatus()).empty());
}

TEST(ErrorsTest, RateLimitedCarriesItsRetryDelay) {
  absl::Status s = RateLimited("writes by alice", absl::Microseconds(1200));
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(s), "RATE_LIMITED");
  EXPECT_EQ(s.message(),
            "rate limit reached for writes by alice; retry after 2ms");
  EXPECT_EQ(ErrorRetryDelay(s), absl::Milliseconds(2));  // rounded up
  EXPECT_EQ(ErrorRetryDelay(absl::InternalError("x")), std::nullopt);
}

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument("n", "must be even");
  return n / 2;
}
absl::StatusOr<int> Quarter(int n) {
  LONGTAKE_ASSIGN_OR_RETURN(int half, Half(n));
  LONGTAKE_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}
absl::Status CheckEven(int n) {
  LONGTAKE_RETURN_IF_ERROR(Half(n).status());
  return absl::OkStatus();
}

TEST(ErrorsTest, EarlyReturnMacros) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_THAT(Quarter(6), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_OK(CheckEven(4));
  EXPECT_THAT(CheckEven(3), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace longtake
