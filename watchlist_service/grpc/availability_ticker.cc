#include "watchlist_service/grpc/availability_ticker.h"

#include "absl/strings/str_cat.h"
#include "common/log/logger.h"

namespace longtake::watchlist {

AvailabilityTicker::AvailabilityTicker(Watchlist* watchlist, absl::Duration interval)
    : watchlist_(watchlist), interval_(interval) {
  thread_ = std::thread([this] { Run(); });
}

AvailabilityTicker::~AvailabilityTicker() { Stop(); }

void AvailabilityTicker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AvailabilityTicker::Tick() {
  if (auto scanned = watchlist_->ScanLeavingSoon(absl::Now()); !scanned.ok()) {
    Log(LogLevel::kWarning, absl::StrCat("leaving-soon scan failed: ",
                                         scanned.status().ToString()));
  } else if (*scanned > 0) {
    Log(LogLevel::kInfo, absl::StrCat("leaving-soon events=", *scanned));
  }
  if (auto polled = watchlist_->PollNewEvents(); !polled.ok()) {
    Log(LogLevel::kWarning, absl::StrCat("event polling failed: ",
                                         polled.status().ToString()));
  }
}

void AvailabilityTicker::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, absl::ToChronoNanoseconds(interval_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Tick();
    lock.lock();
  }
}

}  // namespace longtake::watchlist
