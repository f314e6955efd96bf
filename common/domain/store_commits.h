#pragma once

// How a replica learns that another process committed to the store they
// share. Both services' store interfaces inherit it: a store that is told of
// commits (PostgreSQL's LISTEN/NOTIFY) says so and wakes a waiter at once;
// the others are only polled.
//
//   while (running) {
//     absl::StatusOr<bool> woken = store.WaitForCommit(absl::Seconds(1));
//     if (woken.ok() && *woken) CatchUp();  // else the periodic poll does
//   }

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace longtake {

class StoreCommits {
 public:
  virtual ~StoreCommits() = default;

  // Whether WaitForCommit is told of commits; without it, replicas poll.
  virtual bool NotifiesCommits() const { return false; }
  // Blocks until a batch may have been committed by anyone, or `timeout`
  // passes: true when woken (also after the notification connection was
  // re-established, since commits may have been missed meanwhile). An error
  // when notifications are down, after waiting `timeout`, so callers can
  // loop on it and poll meanwhile. One caller at a time.
  virtual absl::StatusOr<bool> WaitForCommit(absl::Duration timeout) {
    (void)timeout;
    return absl::UnimplementedError("this store does not notify commits");
  }
};

}  // namespace longtake
