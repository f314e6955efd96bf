#pragma once

// A circuit breaker for calls to another service: after `failure_threshold`
// failures in a row it opens, and calls are refused at once for `open_for`
// instead of each waiting out its deadline; then one trial call is let
// through (half-open) and its outcome closes or reopens the circuit.
//
//   CircuitBreaker breaker({.failure_threshold = 5,
//                           .open_for = absl::Seconds(2)});
//   if (!breaker.Allow()) return FailFast();
//   absl::Status s = CallTheOtherService();
//   breaker.Record(/*success=*/!IsOutage(s));
//
// Thread-safe. Only outages count as failures: the caller decides which
// answers are outages (an unknown film is a success of the call).

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace longtake {

class CircuitBreaker {
 public:
  struct Options {
    int failure_threshold = 5;
    absl::Duration open_for = absl::Seconds(2);
  };
  enum class State { kClosed, kOpen, kHalfOpen };

  // `now` is the clock (tests pass a fake one).
  explicit CircuitBreaker(Options options,
                          std::function<absl::Time()> now = absl::Now);

  // True when a call may go ahead. While half-open, only one call at a time
  // is allowed (the trial); the others are refused until it is recorded.
  bool Allow();
  // The outcome of a call that Allow() let through.
  void Record(bool success);

  State state() const;

 private:
  const Options options_;
  const std::function<absl::Time()> now_;
  mutable absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kClosed;
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time opened_at_ ABSL_GUARDED_BY(mu_);
  bool trial_in_flight_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace longtake
