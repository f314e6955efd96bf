// Watchlist: availability events (leaving-soon scan, resume, live
// subscription and polling for other replicas' events).

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/event_hub.h"
#include "watchlist_service/domain/watchlist.h"
#include "watchlist_service/domain/watchlist_errors.h"
#include "watchlist_service/domain/watchlist_store.h"
#include "watchlist_service/domain/watchlist_validation.h"

namespace longtake::watchlist {

absl::StatusOr<int> Watchlist::ScanLeavingSoon(absl::Time now) {
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<Offer> offers,
                            store_->ListOffers({}, "", 0));
  int emitted = 0;
  for (const Offer& offer : offers) {
    if (offer.available_until == absl::InfiniteFuture()) continue;
    if (offer.available_until <= now ||
        offer.available_until >= now + options_.leaving_soon_window) {
      continue;
    }
    LeavingSoonMark mark{offer.name, offer.available_until};
    LONGTAKE_ASSIGN_OR_RETURN(bool done, store_->HasLeavingSoonMark(mark));
    if (done) continue;
    WriteBatch batch;
    batch.leaving_soon_marks.push_back(mark);
    batch.append_events.push_back(
        MakeEvent(AvailabilityEvent::Kind::kLeavingSoon, offer, now));
    absl::Status s = CommitAndPublish(batch);
    // ALREADY_EXISTS: another replica emitted it.
    if (s.code() == absl::StatusCode::kAlreadyExists) continue;
    LONGTAKE_RETURN_IF_ERROR(s);
    ++emitted;
  }
  return emitted;
}

absl::StatusOr<std::vector<AvailabilityEvent>> Watchlist::EventsAfter(
    const std::string& parent, const std::vector<std::string>& regions,
    int64_t after_id, int limit) {
  LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(parent));
  if (after_id > 0) {
    // An id from another deployment (or an earlier database) would hide
    // every event until the ids caught up with it: refuse it instead.
    LONGTAKE_ASSIGN_OR_RETURN(int64_t newest, store_->LastEventId());
    if (after_id > newest) {
      return ErrorWithReason(
          absl::StatusCode::kOutOfRange, kResumePointUnknown,
          absl::StrCat("resume_after_event_id ", after_id,
                       " is beyond the newest event ", newest,
                       "; resume from 0 (new events only) or from an "
                       "event_id this service sent"));
    }
  }
  EventFilter filter;
  filter.user = user;
  LONGTAKE_ASSIGN_OR_RETURN(filter.regions, NormaliseRegions(regions));
  LONGTAKE_ASSIGN_OR_RETURN(
      std::vector<AvailabilityEvent> events,
      store_->ListEvents(std::max<int64_t>(after_id, 0), filter,
                         limit > 0 ? limit : 1000));
  for (AvailabilityEvent& e : events) e.user = parent;
  return events;
}

absl::StatusOr<bool> Watchlist::EventConcernsUser(
    const AvailabilityEvent& event, const std::string& parent,
    const std::vector<std::string>& regions) {
  LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(parent));
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<std::string> wanted_regions,
                            NormaliseRegions(regions));
  if (!wanted_regions.empty() &&
      std::find(wanted_regions.begin(), wanted_regions.end(),
                event.offer.region) == wanted_regions.end()) {
    return false;
  }
  LONGTAKE_ASSIGN_OR_RETURN(auto item,
                            store_->FindUnwatchedItem(user, event.film));
  return item.has_value();
}

std::unique_ptr<EventSubscription> Watchlist::Subscribe(
    EventCallback callback) {
  return hub_->Subscribe(std::move(callback));
}

absl::StatusOr<int> Watchlist::PollNewEvents() {
  constexpr int kBatch = 1000;
  int total = 0;
  while (true) {
    LONGTAKE_ASSIGN_OR_RETURN(
        std::vector<AvailabilityEvent> events,
        store_->ListEvents(hub_->polled_upto(), {}, kBatch));
    total += hub_->PublishPolled(events);
    if (static_cast<int>(events.size()) < kBatch) break;
  }
  return total;
}

bool Watchlist::store_notifies_commits() const {
  return store_->NotifiesCommits();
}

absl::StatusOr<bool> Watchlist::WaitForStoreCommit(absl::Duration timeout) {
  return store_->WaitForCommit(timeout);
}

int64_t Watchlist::last_event_id() const { return hub_->last_seen(); }

}  // namespace longtake::watchlist
