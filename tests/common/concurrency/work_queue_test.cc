#include "common/concurrency/work_queue.h"

#include <atomic>
#include <mutex>
#include <vector>

#include "gtest/gtest.h"

namespace longtake {
namespace {

TEST(WorkQueueTest, OneThreadRunsTasksInSubmissionOrder) {
  std::mutex mu;
  std::vector<int> order;
  {
    WorkQueue queue(1, "test");
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(queue.Submit([&, i] {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(i);
      }));
    }
  }  // the destructor runs what is queued
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(WorkQueueTest, ShutdownRunsQueuedTasksThenRefusesNewOnes) {
  std::atomic<int> ran{0};
  WorkQueue queue(2, "test");
  for (int i = 0; i < 10; ++i) queue.Submit([&] { ran++; });
  queue.Shutdown();
  EXPECT_EQ(ran.load(), 10);
  EXPECT_FALSE(queue.Submit([&] { ran++; }));
  queue.Shutdown();  // idempotent
  EXPECT_EQ(ran.load(), 10);
  EXPECT_EQ(queue.name(), "test");
}

}  // namespace
}  // namespace longtake
