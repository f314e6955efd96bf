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
  WorkQueue(int threads, std::string name);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Returns false after Shutdown (the task is not run).
  bool Submit(std::function<void()> task);
  // Stops accepting, runs what is queued, joins. Idempotent.
  void Shutdown();

  const std::string& name() const { return name_; }

 private:
  void Run();

  std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace longtake
