#include "common/concurrency/work_queue.h"

#include <atomic>
#include <mutex>
#include <thread>
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
      ASSERT_EQ(queue.Submit([&, i] {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(i);
      }),
                WorkQueue::Admission::kQueued);
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
  EXPECT_EQ(queue.Submit([&] { ran++; }), WorkQueue::Admission::kStopped);
  queue.Shutdown();  // idempotent
  EXPECT_EQ(ran.load(), 10);
  EXPECT_EQ(queue.name(), "test");
}

TEST(WorkQueueTest, ABoundedQueueRefusesTasksBeyondItsPendingLimit) {
  std::mutex gate;
  gate.lock();  // holds the one thread in its first task
  std::atomic<bool> started{false};
  std::atomic<int> ran{0};
  WorkQueue queue(1, "test", /*max_pending=*/2);
  ASSERT_EQ(queue.Submit([&] {
    started = true;
    std::lock_guard<std::mutex> wait(gate);
    ran++;
  }),
            WorkQueue::Admission::kQueued);
  while (!started) std::this_thread::yield();
  // The running task does not count: two may wait, the third is refused.
  EXPECT_EQ(queue.Submit([&] { ran++; }), WorkQueue::Admission::kQueued);
  EXPECT_EQ(queue.Submit([&] { ran++; }), WorkQueue::Admission::kQueued);
  EXPECT_EQ(queue.Submit([&] { ran++; }), WorkQueue::Admission::kFull);
  gate.unlock();
  queue.Shutdown();
  EXPECT_EQ(ran.load(), 3);
}

}  // namespace
}  // namespace longtake
