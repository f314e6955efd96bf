#include "common/concurrency/circuit_breaker.h"

#include "gtest/gtest.h"

namespace longtake {
namespace {

using State = CircuitBreaker::State;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  absl::Time now_ = absl::FromUnixSeconds(1000);
  CircuitBreaker breaker_{
      {.failure_threshold = 3, .open_for = absl::Seconds(2)},
      [this] { return now_; }};

  void Fail(int times) {
    for (int i = 0; i < times; ++i) {
      ASSERT_TRUE(breaker_.Allow());
      breaker_.Record(false);
    }
  }
};

TEST_F(CircuitBreakerTest, OpensAfterThresholdFailuresInARow) {
  Fail(2);
  EXPECT_EQ(breaker_.state(), State::kClosed);
  EXPECT_TRUE(breaker_.Allow());
  breaker_.Record(false);
  EXPECT_EQ(breaker_.state(), State::kOpen);
  EXPECT_FALSE(breaker_.Allow());
}

TEST_F(CircuitBreakerTest, ASuccessResetsTheCount) {
  Fail(2);
  ASSERT_TRUE(breaker_.Allow());
  breaker_.Record(true);
  Fail(2);
  EXPECT_EQ(breaker_.state(), State::kClosed);
}

TEST_F(CircuitBreakerTest, HalfOpenLetsOneTrialThroughAfterTheCooldown) {
  Fail(3);
  now_ += absl::Milliseconds(1999);
  EXPECT_FALSE(breaker_.Allow());
  now_ += absl::Milliseconds(1);
  EXPECT_TRUE(breaker_.Allow());
  EXPECT_EQ(breaker_.state(), State::kHalfOpen);
  EXPECT_FALSE(breaker_.Allow()) << "only one trial at a time";
  breaker_.Record(true);
  EXPECT_EQ(breaker_.state(), State::kClosed);
  EXPECT_TRUE(breaker_.Allow());
}

TEST_F(CircuitBreakerTest, AFailedTrialReopensForAnotherCooldown) {
  Fail(3);
  now_ += absl::Seconds(2);
  ASSERT_TRUE(breaker_.Allow());
  breaker_.Record(false);
  EXPECT_EQ(breaker_.state(), State::kOpen);
  now_ += absl::Seconds(1);
  EXPECT_FALSE(breaker_.Allow());
  now_ += absl::Seconds(1);
  EXPECT_TRUE(breaker_.Allow());
}

}  // namespace
}  // namespace longtake
