#include "common/grpc/server_runner.h"

#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

using ::longtake::testing::StatusIs;

TEST(CallLogLevelTest, ClientCancellationAndClientErrorsAreInfo) {
  EXPECT_EQ(CallLogLevel(grpc::StatusCode::OK), LogLevel::kInfo);
  EXPECT_EQ(CallLogLevel(grpc::StatusCode::CANCELLED), LogLevel::kInfo);
  EXPECT_EQ(CallLogLevel(grpc::StatusCode::INVALID_ARGUMENT), LogLevel::kInfo);
  EXPECT_EQ(CallLogLevel(grpc::StatusCode::NOT_FOUND), LogLevel::kInfo);
  EXPECT_EQ(CallLogLevel(grpc::StatusCode::UNAUTHENTICATED), LogLevel::kInfo);
}

TEST(CallLogLevelTest, OutagesWarnAndServerFaultsAreErrors) {
  EXPECT_EQ(CallLogLevel(grpc::StatusCode::UNAVAILABLE), LogLevel::kWarning);
  EXPECT_EQ(CallLogLevel(grpc::StatusCode::DEADLINE_EXCEEDED),
            LogLevel::kWarning);
  EXPECT_EQ(CallLogLevel(grpc::StatusCode::INTERNAL), LogLevel::kError);
  EXPECT_EQ(CallLogLevel(grpc::StatusCode::UNKNOWN), LogLevel::kError);
}

TEST(ShuttingDownErrorTest, OneReasonForBothServices) {
  EXPECT_THAT(ShuttingDownError("watchlist"),
              StatusIs(absl::StatusCode::kUnavailable, "SHUTTING_DOWN"));
  EXPECT_THAT(ShuttingDownError("catalogue"),
              StatusIs(absl::StatusCode::kUnavailable, "SHUTTING_DOWN"));
}

TEST(ServerRunnerTest, ShutdownRunsDrainHooksInOrderWithTheGraceDeadline) {
  ServerRunner runner;
  ServerRunnerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.log_calls = false;
  ASSERT_OK(runner.Start(options));
  EXPECT_GT(runner.port(), 0);

  std::vector<int> order;
  absl::Time seen_deadline;
  runner.AddDrainHook([&](absl::Time deadline) {
    order.push_back(1);
    seen_deadline = deadline;
  });
  runner.AddDrainHook([&](absl::Time) { order.push_back(2); });
  const absl::Time before = absl::Now();
  runner.Shutdown(absl::Seconds(3));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_GE(seen_deadline, before + absl::Seconds(3));
  EXPECT_LE(seen_deadline, absl::Now() + absl::Seconds(3));
  runner.Shutdown(absl::Seconds(3));  // idempotent: hooks run once
  EXPECT_EQ(order.size(), 2u);
}

}  // namespace
}  // namespace longtake
