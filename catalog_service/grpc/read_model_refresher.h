#pragma once

// A background thread that keeps this replica's in-memory catalogue close to
// the shared store: every `interval` it calls Catalog::Refresh(), which reads
// the store's revision (one small query) and reloads everything only when
// another replica (or this one) has written since the last load. A replica's
// reads are therefore at most `interval` + one reload behind the store.
//
//   ReadModelRefresher refresher(catalog.get(), absl::Seconds(1));
//   ...
//   refresher.Stop();  // also done by the destructor

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "catalog_service/domain/catalog.h"

namespace longtake::catalog {

class ReadModelRefresher {
 public:
  // `interval` must be positive; the thread starts at once.
  ReadModelRefresher(Catalog* catalog, absl::Duration interval);
  ~ReadModelRefresher();
  ReadModelRefresher(const ReadModelRefresher&) = delete;
  ReadModelRefresher& operator=(const ReadModelRefresher&) = delete;

  // One refresh now (also what the thread does each tick). True when the
  // read model was reloaded.
  bool RefreshOnce();
  // Idempotent; returns once the thread has ended.
  void Stop();

 private:
  void Run();

  Catalog* catalog_;
  absl::Duration interval_;
  std::atomic<bool> failing_{false};  // log a run of failures once
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace longtake::catalog
