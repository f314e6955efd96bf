#pragma once

// A background thread that, every `interval`, emits LEAVING_SOON events
// (Watchlist::ScanLeavingSoon) and publishes events other replicas wrote
// (Watchlist::PollNewEvents), so open WatchAvailability streams see them.
//
//   AvailabilityTicker ticker(watchlist.get(), absl::Seconds(1));
//   ...
//   ticker.Stop();  // also done by the destructor

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "watchlist_service/domain/watchlist.h"

namespace longtake::watchlist {

class AvailabilityTicker {
 public:
  AvailabilityTicker(Watchlist* watchlist, absl::Duration interval);
  ~AvailabilityTicker();
  AvailabilityTicker(const AvailabilityTicker&) = delete;
  AvailabilityTicker& operator=(const AvailabilityTicker&) = delete;

  // Runs one round now (also what the thread does each tick).
  void Tick();
  // Idempotent; returns once the thread has ended.
  void Stop();

 private:
  void Run();

  Watchlist* watchlist_;
  absl::Duration interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace longtake::watchlist
