#include "common/concurrency/work_queue.h"

namespace longtake {

WorkQueue::WorkQueue(int threads, std::string name, size_t max_pending)
    : name_(std::move(name)), max_pending_(max_pending) {
  if (threads < 1) threads = 1;
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

WorkQueue::~WorkQueue() { Shutdown(); }

WorkQueue::Admission WorkQueue::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Admission::kStopped;
    if (max_pending_ > 0 && tasks_.size() >= max_pending_) {
      return Admission::kFull;
    }
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
  return Admission::kQueued;
}

void WorkQueue::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkQueue::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping and drained
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace longtake
