#include "common/concurrency/periodic_task.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

TEST(PeriodicTaskTest, RunsEveryIntervalUntilStopped) {
  std::atomic<int> runs{0};
  absl::Notification third;
  PeriodicTask task("test", absl::Milliseconds(5), [&] {
    if (++runs == 3) third.Notify();
    return absl::OkStatus();
  });
  ASSERT_TRUE(third.WaitForNotificationWithTimeout(absl::Seconds(10)));
  task.Stop();
  const int after_stop = runs.load();
  absl::SleepFor(absl::Milliseconds(30));
  EXPECT_EQ(runs.load(), after_stop);
  task.Stop();  // idempotent
}

TEST(PeriodicTaskTest, FirstStepWaitsOneInterval) {
  std::atomic<int> runs{0};
  PeriodicTask task("test", absl::Hours(1), [&] {
    runs++;
    return absl::OkStatus();
  });
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(runs.load(), 0);
  // Stop does not wait out the interval.
  const absl::Time start = absl::Now();
  task.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(PeriodicTaskTest, RunOnceReturnsTheStepStatusAndKeepsGoingAfterErrors) {
  int calls = 0;
  PeriodicTask task("test", absl::Hours(1), [&] {
    ++calls;
    return calls == 1 ? absl::UnavailableError("store down") : absl::OkStatus();
  });
  EXPECT_EQ(task.RunOnce().code(), absl::StatusCode::kUnavailable);
  EXPECT_OK(task.RunOnce());
  EXPECT_EQ(calls, 2);
}

TEST(OnEachCommitTest, RunsTheStepOnlyAfterAWaitThatWasWoken) {
  // Waits answer: not woken, woken, an error (notifications down), woken,
  // then not woken from there on.
  std::atomic<int> waits{0};
  std::atomic<int> steps{0};
  absl::Notification done;
  auto waker = OnEachCommit(
      "test waker",
      [&](absl::Duration timeout) -> absl::StatusOr<bool> {
        EXPECT_EQ(timeout, kCommitWait);
        const int n = waits++;
        if (n == 2) return absl::UnavailableError("notifications down");
        if (n == 5 && !done.HasBeenNotified()) done.Notify();
        if (n >= 4) absl::SleepFor(absl::Milliseconds(1));
        return n == 1 || n == 3;
      },
      [&] {
        ++steps;
        return absl::OkStatus();
      });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  waker->Stop();
  EXPECT_EQ(steps.load(), 2);
}

}  // namespace
}  // namespace longtake
