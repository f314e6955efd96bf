#include "common/concurrency/periodic_task.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/logger.h"

namespace longtake {

PeriodicTask::PeriodicTask(std::string name, absl::Duration interval, Step step)
    : name_(std::move(name)), interval_(interval), step_(std::move(step)) {
  thread_ = std::thread([this] { Loop(); });
}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

absl::Status PeriodicTask::RunOnce() {
  std::lock_guard<std::mutex> lock(step_mu_);
  absl::Status status = step_();
  if (!status.ok()) {
    if (!failing_) {
      Log(LogLevel::kWarning, absl::StrCat(name_, " failed (will retry every ",
                                           absl::FormatDuration(interval_),
                                           "): ", status.ToString()));
    }
    failing_ = true;
  } else if (failing_) {
    Log(LogLevel::kInfo, absl::StrCat(name_, " works again"));
    failing_ = false;
  }
  return status;
}

void PeriodicTask::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, absl::ToChronoNanoseconds(interval_),
                 [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    RunOnce().IgnoreError();
    lock.lock();
  }
}

std::unique_ptr<PeriodicTask> OnEachCommit(
    std::string name, std::function<absl::StatusOr<bool>(absl::Duration)> wait,
    PeriodicTask::Step on_commit) {
  return std::make_unique<PeriodicTask>(
      std::move(name), absl::Milliseconds(1),
      [wait = std::move(wait),
       on_commit = std::move(on_commit)]() -> absl::Status {
        absl::StatusOr<bool> woken = wait(kCommitWait);
        if (!woken.ok() || !*woken) return absl::OkStatus();
        return on_commit();
      });
}

}  // namespace longtake
