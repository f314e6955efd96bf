#pragma once

// Token buckets keyed by caller: each key may spend `burst` calls at once
// and then `per_second` calls a second. A refused call learns how long until
// it would be admitted (sent to clients as google.rpc.RetryInfo).
//
//   RateLimiter writes({.per_second = 20, .burst = 40});
//   if (absl::Duration wait = writes.Acquire("user:alice");
//       wait > absl::ZeroDuration()) {
//     return RateLimited("writes by alice", wait);
//   }
//
// Thread-safe. Keys idle long enough to have refilled are forgotten, so a
// stream of one-off callers does not grow memory without bound.

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace longtake {

class RateLimiter {
 public:
  struct Options {
    // 0: no limit (Acquire always admits).
    double per_second = 0;
    double burst = 1;
  };

  explicit RateLimiter(Options options,
                       std::function<absl::Time()> now = absl::Now);

  bool enabled() const { return options_.per_second > 0; }
  const Options& options() const { return options_; }

  // Takes one token from `key`'s bucket. Zero when admitted; otherwise the
  // time until a token will be there (nothing is taken).
  absl::Duration Acquire(absl::string_view key);

  // Buckets currently held (for tests).
  size_t keys() const;

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  void ForgetRefilledLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  const std::function<absl::Time()> now_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  size_t next_sweep_at_ ABSL_GUARDED_BY(mu_) = 1024;
};

}  // namespace longtake
