#include "watchlist_service/domain/event_hub.h"

#include <algorithm>
#include <utility>

namespace longtake::watchlist {

AvailabilityEvent MakeEvent(AvailabilityEvent::Kind kind, const Offer& offer,
                            absl::Time now) {
  AvailabilityEvent e;
  e.kind = kind;
  e.film = offer.film;
  e.offer = offer;
  e.event_time = now;
  return e;
}

// One subscriber. Its own mutex is held while its callback runs, so
// unsubscribing waits for a running callback.
struct EventHub::Slot {
  absl::Mutex mu;
  bool active ABSL_GUARDED_BY(mu) = true;
  EventCallback callback;
};

class EventHub::Subscription : public EventSubscription {
 public:
  Subscription(std::weak_ptr<EventHub> hub, std::shared_ptr<Slot> slot)
      : hub_(std::move(hub)), slot_(std::move(slot)) {}
  ~Subscription() override {
    if (auto hub = hub_.lock()) {
      hub->Remove(slot_);
    } else {
      absl::MutexLock lock(&slot_->mu);
      slot_->active = false;
    }
  }

 private:
  std::weak_ptr<EventHub> hub_;
  std::shared_ptr<Slot> slot_;
};

std::unique_ptr<EventSubscription> EventHub::Subscribe(EventCallback callback) {
  auto slot = std::make_shared<Slot>();
  slot->callback = std::move(callback);
  {
    absl::MutexLock lock(&mu_);
    slots_.push_back(slot);
  }
  return std::make_unique<Subscription>(weak_from_this(), std::move(slot));
}

void EventHub::Remove(const std::shared_ptr<Slot>& slot) {
  {
    absl::MutexLock lock(&slot->mu);  // waits for a running callback
    slot->active = false;
  }
  absl::MutexLock lock(&mu_);
  slots_.erase(std::remove(slots_.begin(), slots_.end(), slot), slots_.end());
}

void EventHub::PublishLocal(const std::vector<AvailabilityEvent>& events) {
  std::vector<AvailabilityEvent> fresh;
  {
    absl::MutexLock lock(&mu_);
    for (const AvailabilityEvent& e : events) {
      // At or below the poll watermark: a poll that ran between our commit
      // and now has published it already.
      if (e.event_id <= polled_upto_) continue;
      published_.insert(e.event_id);
      last_seen_ = std::max(last_seen_, e.event_id);
      fresh.push_back(e);
    }
  }
  Deliver(fresh);
}

int EventHub::PublishPolled(const std::vector<AvailabilityEvent>& events) {
  std::vector<AvailabilityEvent> fresh;
  {
    absl::MutexLock lock(&mu_);
    for (const AvailabilityEvent& e : events) {
      if (e.event_id <= polled_upto_) continue;  // a concurrent poll got it
      if (published_.erase(e.event_id) == 0) fresh.push_back(e);
      polled_upto_ = std::max(polled_upto_, e.event_id);
      last_seen_ = std::max(last_seen_, e.event_id);
    }
    for (auto it = published_.begin(); it != published_.end();) {
      if (*it <= polled_upto_) {
        published_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  Deliver(fresh);
  return static_cast<int>(fresh.size());
}

int64_t EventHub::polled_upto() {
  absl::MutexLock lock(&mu_);
  return polled_upto_;
}

int64_t EventHub::last_seen() {
  absl::MutexLock lock(&mu_);
  return last_seen_;
}

void EventHub::Deliver(const std::vector<AvailabilityEvent>& events) {
  if (events.empty()) return;
  std::vector<std::shared_ptr<Slot>> slots;
  {
    absl::MutexLock lock(&mu_);
    slots = slots_;
  }
  for (const auto& slot : slots) {
    absl::MutexLock lock(&slot->mu);
    if (!slot->active) continue;
    for (const AvailabilityEvent& e : events) slot->callback(e);
  }
}

}  // namespace longtake::watchlist
