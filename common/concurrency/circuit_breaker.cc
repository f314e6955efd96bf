#include "common/concurrency/circuit_breaker.h"

#include <utility>

namespace longtake {

CircuitBreaker::CircuitBreaker(Options options, std::function<absl::Time()> now)
    : options_(options), now_(std::move(now)) {}

bool CircuitBreaker::Allow() {
  absl::MutexLock lock(&mu_);
  switch (state_) {
    case State::kClosed:
      return true;
    case State::kOpen:
      if (now_() - opened_at_ < options_.open_for) return false;
      state_ = State::kHalfOpen;
      trial_in_flight_ = true;
      return true;
    case State::kHalfOpen:
      if (trial_in_flight_) return false;
      trial_in_flight_ = true;
      return true;
  }
  return true;
}

void CircuitBreaker::Record(bool success) {
  absl::MutexLock lock(&mu_);
  trial_in_flight_ = false;
  if (success) {
    state_ = State::kClosed;
    consecutive_failures_ = 0;
    return;
  }
  ++consecutive_failures_;
  if (state_ == State::kHalfOpen ||
      consecutive_failures_ >= options_.failure_threshold) {
    state_ = State::kOpen;
    opened_at_ = now_();
  }
}

CircuitBreaker::State CircuitBreaker::state() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

}  // namespace longtake
