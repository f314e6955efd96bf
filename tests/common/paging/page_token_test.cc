#include "common/paging/page_token.h"

#include <string>

#include "common/domain/field_limits.h"
#include "common/status/errors.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

TEST(PageTokenTest, RoundTripsPositionForSameArguments) {
  std::string token =
      EncodePageToken("year>=1955|title", "films/letter-never-sent");
  auto position = DecodePageToken(token, "year>=1955|title");
  ASSERT_TRUE(position.ok()) << position.status();
  EXPECT_EQ(*position, "films/letter-never-sent");
}

TEST(PageTokenTest, EmptyTokenIsFirstPage) {
  auto position = DecodePageToken("", "anything");
  ASSERT_OK(position);
  EXPECT_EQ(*position, "");
}

TEST(PageTokenTest, RejectsTokenReusedWithDifferentArguments) {
  std::string token = EncodePageToken("year>=1955", "films/x");
  auto position = DecodePageToken(token, "year>=1960");
  ASSERT_EQ(position.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(position.status()), "PAGE_TOKEN_MISMATCH");
  ASSERT_EQ(ErrorFieldViolations(position.status()).size(), 1u);
  EXPECT_EQ(ErrorFieldViolations(position.status())[0].field, "page_token");
}

TEST(PageTokenTest, RejectsGarbage) {
  for (const char* bad : {"not-a-token", "!!!", "AAAA"}) {
    auto position = DecodePageToken(bad, "");
    EXPECT_EQ(position.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_EQ(ErrorReason(position.status()), "INVALID_PAGE_TOKEN") << bad;
  }
}

// Longer than any token the services issue: refused before it is decoded,
// naming page_token, with the reason of every limit.
TEST(PageTokenTest, RejectsTokenOverItsLimit) {
  const std::string args = "films|year >= 1955|title";
  const std::string token = EncodePageToken(args, std::string(2000, 'k'));
  ASSERT_LE(token.size(), kMaxPageTokenBytes);
  EXPECT_OK(DecodePageToken(token, args));
  auto position = DecodePageToken(std::string(kMaxPageTokenBytes + 1, 'A'), "");
  EXPECT_EQ(position.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(position.status()), "INVALID_ARGUMENT");
  ASSERT_EQ(ErrorFieldViolations(position.status()).size(), 1u);
  EXPECT_EQ(ErrorFieldViolations(position.status())[0].field, "page_token");
}

TEST(PageSizeTest, DefaultsCoercesAndRejectsNegative) {
  EXPECT_EQ(*ResolvePageSize(0, 50, 1000), 50);
  EXPECT_EQ(*ResolvePageSize(7, 50, 1000), 7);
  EXPECT_EQ(*ResolvePageSize(5000, 50, 1000), 1000);
  auto negative = ResolvePageSize(-1, 50, 1000);
  ASSERT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorFieldViolations(negative.status())[0].field, "page_size");
}

}  // namespace
}  // namespace longtake
