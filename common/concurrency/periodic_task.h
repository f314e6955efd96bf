#pragma once

// A background thread that runs one step every `interval` until stopped: the
// catalogue's read-model refresh and the watchlist's availability tick are
// both this loop. A run of failed steps is logged once when it starts and once
// when it ends, so a store outage does not log every interval.
//
//   PeriodicTask refresher("read model refresh", absl::Seconds(1),
//                          [&] { return catalog->Refresh().status(); });
//   ...
//   refresher.Stop();  // also done by the destructor

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace longtake {

class PeriodicTask {
 public:
  using Step = std::function<absl::Status()>;

  // `interval` must be positive. The thread starts at once and runs the
  // first step after one interval.
  PeriodicTask(std::string name, absl::Duration interval, Step step);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Runs one step now, on the caller's thread (also what the thread does
  // each tick), logging as the thread would.
  absl::Status RunOnce();
  // Idempotent; returns once the thread has ended.
  void Stop();

 private:
  void Loop();

  const std::string name_;
  const absl::Duration interval_;
  const Step step_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool failing_ = false;   // guarded by step_mu_
  std::mutex step_mu_;     // one step at a time
  std::thread thread_;
};

// A task that waits for other replicas' commits to a shared store (`wait`:
// StoreCommits::WaitForCommit through the service's model) and runs
// `on_commit` after each. One wait lasts at most `kCommitWait`, so Stop is
// prompt. While notifications are down a wait fails after its timeout and
// nothing runs: the service's periodic poll covers for it.
//
//   auto waker = OnEachCommit(
//       "catch-up on commit",
//       [model](absl::Duration t) { return model->WaitForStoreCommit(t); },
//       [model] { return model->Refresh().status(); });
inline constexpr absl::Duration kCommitWait = absl::Milliseconds(500);
std::unique_ptr<PeriodicTask> OnEachCommit(
    std::string name, std::function<absl::StatusOr<bool>(absl::Duration)> wait,
    PeriodicTask::Step on_commit);

}  // namespace longtake
