#pragma once

// A fixed pool of threads for blocking work (database writes, disk reads) so
// that gRPC callback threads never wait on I/O. Tasks run in submission order
// per thread; with one thread, in submission order overall, which serialises
// writers for free.
//
//   WorkQueue writes(1, "catalog-writer");
//   writes.Submit([=] { auto s = catalog->CreateFilm(...);
//   reactor->Finish(...); });
//
// A queue may be bounded (`max_pending` tasks waiting, not counting those
// running), so a slow dependency cannot pile up unbounded work and memory:
// Submit then answers kFull and the caller fails the call fast.
//
// The destructor (or Shutdown) runs what is queued, then joins.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace longtake {

class WorkQueue {
 public:
  enum class Admission { kQueued, kFull, kStopped };

  // `max_pending` 0: unbounded.
  WorkQueue(int threads, std::string name, size_t max_pending = 0);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // kQueued, or (the task is not run) kFull when `max_pending` tasks are
  // already waiting, kStopped after Shutdown.
  Admission Submit(std::function<void()> task);
  // Stops accepting, runs what is queued, joins. Idempotent.
  void Shutdown();

  const std::string& name() const { return name_; }

 private:
  void Run();

  std::string name_;
  const size_t max_pending_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace longtake
