#pragma once

// Live fan-out of availability events inside one Watchlist: local writes
// publish right after their commit; events other replicas wrote arrive by
// polling the store. The hub remembers what it published so that each
// event goes out once, whichever way it arrived first.
//
//   auto hub = std::make_shared<EventHub>(last_event_id);
//   std::unique_ptr<EventSubscription> sub = hub->Subscribe(callback);
//   hub->PublishLocal(committed_events);
//   hub->PublishPolled(store->ListEvents(hub->polled_upto(), {}, 1000));

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "watchlist_service/domain/model.h"
#include "watchlist_service/domain/watchlist.h"

namespace longtake::watchlist {

// An event about `offer` at `now` (film copied from the offer).
AvailabilityEvent MakeEvent(AvailabilityEvent::Kind kind, const Offer& offer,
                            absl::Time now);

class EventHub : public std::enable_shared_from_this<EventHub> {
 public:
  // `last_id`: the newest event already in the store (not published again).
  explicit EventHub(int64_t last_id)
      : polled_upto_(last_id), last_seen_(last_id) {}

  // Destroying the handle unsubscribes, also after the hub is gone.
  std::unique_ptr<EventSubscription> Subscribe(EventCallback callback);

  // Events of a local commit (with their ids): published, and remembered so
  // polling does not repeat them.
  void PublishLocal(const std::vector<AvailabilityEvent>& events);
  // Events read by a poll, oldest first: those not yet published here go
  // out. Returns how many.
  int PublishPolled(const std::vector<AvailabilityEvent>& events);

  // The id the next poll reads after.
  int64_t polled_upto();
  // The highest event id seen, published or polled.
  int64_t last_seen();

 private:
  struct Slot;
  class Subscription;

  void Remove(const std::shared_ptr<Slot>& slot);
  void Deliver(const std::vector<AvailabilityEvent>& events);

  absl::Mutex mu_;
  std::vector<std::shared_ptr<Slot>> slots_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<int64_t> published_ ABSL_GUARDED_BY(mu_);
  int64_t polled_upto_ ABSL_GUARDED_BY(mu_);
  int64_t last_seen_ ABSL_GUARDED_BY(mu_);
};

}  // namespace longtake::watchlist
