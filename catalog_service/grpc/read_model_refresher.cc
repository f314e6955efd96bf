#include "catalog_service/grpc/read_model_refresher.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/logger.h"

namespace longtake::catalog {

ReadModelRefresher::ReadModelRefresher(Catalog* catalog, absl::Duration interval)
    : catalog_(catalog), interval_(interval) {
  thread_ = std::thread([this] { Run(); });
}

ReadModelRefresher::~ReadModelRefresher() { Stop(); }

void ReadModelRefresher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ReadModelRefresher::RefreshOnce() {
  const absl::Time start = absl::Now();
  absl::StatusOr<bool> reloaded = catalog_->Refresh();
  if (!reloaded.ok()) {
    // A store outage would otherwise log once per interval: say it once,
    // and again when it is over. Reads keep serving the last model.
    if (!failing_) {
      Log(LogLevel::kWarning, absl::StrCat("read model refresh failed (serving the last "
                                           "loaded catalogue): ",
                                           reloaded.status().ToString()));
    }
    failing_ = true;
    return false;
  }
  if (failing_) Log(LogLevel::kInfo, "read model refresh works again");
  failing_ = false;
  if (*reloaded) {
    Log(LogLevel::kInfo, absl::StrCat("read model reloaded from the store films=",
                                      catalog_->film_count(), " reload_ms=",
                                      absl::ToInt64Milliseconds(absl::Now() - start)));
  }
  return *reloaded;
}

void ReadModelRefresher::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, absl::ToChronoNanoseconds(interval_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    RefreshOnce();
    lock.lock();
  }
}

}  // namespace longtake::catalog
