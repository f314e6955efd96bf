#include "common/limits/rate_limiter.h"

#include <algorithm>
#include <utility>

namespace longtake {

RateLimiter::RateLimiter(Options options, std::function<absl::Time()> now)
    : options_(options), now_(std::move(now)) {}

absl::Duration RateLimiter::Acquire(absl::string_view key) {
  if (!enabled()) return absl::ZeroDuration();
  const absl::Time now = now_();
  absl::MutexLock lock(&mu_);
  if (buckets_.size() >= next_sweep_at_) ForgetRefilledLocked(now);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{options_.burst, now});
  Bucket& bucket = it->second;
  if (!inserted) {
    const double refill =
        absl::ToDoubleSeconds(now - bucket.updated) * options_.per_second;
    bucket.tokens = std::min(options_.burst, bucket.tokens + refill);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::ZeroDuration();
  }
  return absl::Seconds((1 - bucket.tokens) / options_.per_second);
}

void RateLimiter::ForgetRefilledLocked(absl::Time now) {
  const absl::Duration full =
      absl::Seconds(options_.burst / options_.per_second);
  absl::erase_if(buckets_, [&](const auto& entry) {
    return now - entry.second.updated >= full;
  });
  // Sweep again when the map has doubled, so sweeping stays amortised O(1).
  next_sweep_at_ = std::max<size_t>(1024, buckets_.size() * 2);
}

size_t RateLimiter::keys() const {
  absl::MutexLock lock(&mu_);
  return buckets_.size();
}

}  // namespace longtake
