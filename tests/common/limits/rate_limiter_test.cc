#include "common/limits/rate_limiter.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace longtake {
namespace {

class RateLimiterTest : public ::testing::Test {
 protected:
  absl::Time now_ = absl::FromUnixSeconds(1000);
  RateLimiter limiter_{{.per_second = 2, .burst = 3}, [this] { return now_; }};
};

TEST_F(RateLimiterTest, AdmitsTheBurstThenSaysHowLongToWait) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter_.Acquire("alice"), absl::ZeroDuration()) << i;
  }
  EXPECT_EQ(limiter_.Acquire("alice"), absl::Milliseconds(500));
  now_ += absl::Milliseconds(250);
  EXPECT_EQ(limiter_.Acquire("alice"), absl::Milliseconds(250));
  now_ += absl::Milliseconds(250);
  EXPECT_EQ(limiter_.Acquire("alice"), absl::ZeroDuration());
}

TEST_F(RateLimiterTest, KeysHaveBucketsOfTheirOwn) {
  for (int i = 0; i < 3; ++i) limiter_.Acquire("alice");
  EXPECT_GT(limiter_.Acquire("alice"), absl::ZeroDuration());
  EXPECT_EQ(limiter_.Acquire("bob"), absl::ZeroDuration());
}

TEST_F(RateLimiterTest, RefillStopsAtTheBurst) {
  limiter_.Acquire("alice");
  now_ += absl::Hours(1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter_.Acquire("alice"), absl::ZeroDuration()) << i;
  }
  EXPECT_GT(limiter_.Acquire("alice"), absl::ZeroDuration());
}

TEST_F(RateLimiterTest, ForgetsCallersWhoseBucketsRefilled) {
  for (int i = 0; i < 5000; ++i) limiter_.Acquire(absl::StrCat("peer-", i));
  now_ += absl::Seconds(10);  // every bucket is full again
  for (int i = 0; i < 5000; ++i) limiter_.Acquire(absl::StrCat("late-", i));
  EXPECT_LT(limiter_.keys(), 9000u);
}

TEST(RateLimiterDisabledTest, ZeroPerSecondAdmitsEverything) {
  RateLimiter limiter({.per_second = 0});
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(limiter.Acquire("alice"), absl::ZeroDuration());
  }
}

}  // namespace
}  // namespace longtake
