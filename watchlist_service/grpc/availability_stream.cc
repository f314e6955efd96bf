#include "watchlist_service/grpc/availability_stream.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc/call_auth.h"
#include "common/grpc/server_runner.h"
#include "common/grpc/status_adapter.h"
#include "common/log/logger.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/watchlist_errors.h"
#include "watchlist_service/domain/watchlist_validation.h"
#include "watchlist_service/grpc/access_checks.h"
#include "watchlist_service/grpc/proto_conversion.h"

namespace longtake::watchlist {
namespace {

grpc::Status ToGrpc(const absl::Status& status) {
  return ToGrpcStatus(status, kWatchlistErrorDomain);
}

}  // namespace

absl::Status AvailabilityStreams::Register(
    const std::shared_ptr<AvailabilityStream>& stream,
    const std::string& user) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) return ShuttingDownError("watchlist");
  int& mine = per_user_[user];
  if (mine >= limits_.max_streams_per_user) {
    return ResourceExhausted(
        "STREAM_LIMIT",
        absl::StrCat(user, " already has ", mine,
                     " open WatchAvailability streams, the most allowed "
                     "(--max-streams-per-user); close one first"),
        absl::Seconds(1));
  }
  if (static_cast<int>(streams_.size()) >= limits_.max_streams) {
    if (mine == 0) per_user_.erase(user);
    return ResourceExhausted(
        "STREAM_LIMIT",
        absl::StrCat("the service holds ", streams_.size(),
                     " open WatchAvailability streams, the most allowed "
                     "(--max-streams); try again shortly"),
        absl::Seconds(1));
  }
  ++mine;
  streams_.emplace(stream.get(), user);
  return absl::OkStatus();
}

void AvailabilityStreams::Unregister(AvailabilityStream* stream) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = streams_.find(stream);
  if (it == streams_.end()) return;
  auto count = per_user_.find(it->second);
  if (count != per_user_.end() && --count->second <= 0) {
    per_user_.erase(count);
  }
  streams_.erase(it);
}

size_t AvailabilityStreams::open_count() {
  std::lock_guard<std::mutex> lock(mu_);
  return streams_.size();
}

void AvailabilityStreams::CloseAll(const grpc::Status& status) {
  std::vector<std::shared_ptr<AvailabilityStream>> open;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    for (const auto& [stream, user] : streams_) {
      if (auto shared = stream->weak_from_this().lock()) {
        open.push_back(std::move(shared));
      }
    }
  }
  for (auto& stream : open) stream->RequestFinish(status);
}

void AvailabilityStream::Start(const v1::WatchAvailabilityRequest& request) {
  self_ = shared_from_this();
  absl::StatusOr<auth::Principal> who =
      AuthenticateCall(*ctx_, *deps_.verifier);
  if (!who.ok()) return RequestFinish(ToGrpc(who.status()));
  if (absl::Status s = RequireOwner(*who, request.parent(), "parent");
      !s.ok()) {
    return RequestFinish(ToGrpc(s));
  }
  if (absl::Status s = ParseUserParent(request.parent()).status(); !s.ok()) {
    return RequestFinish(ToGrpc(s));
  }
  if (request.resume_after_event_id() < 0) {
    return RequestFinish(ToGrpc(
        InvalidArgument("resume_after_event_id",
                        "must be 0 (new events only) or a previous event_id")));
  }
  // Checked now, not at the first event: a bad region would otherwise only
  // make every event fail its filter.
  absl::StatusOr<std::vector<std::string>> regions =
      NormaliseRegions(std::vector<std::string>(request.regions().begin(),
                                                request.regions().end()));
  if (!regions.ok()) return RequestFinish(ToGrpc(regions.status()));
  user_ = request.parent();
  regions_ = *std::move(regions);
  resume_after_ = request.resume_after_event_id();

  std::weak_ptr<AvailabilityStream> weak = self_;
  WorkQueue* events = deps_.events;
  auto subscription = deps_.watchlist->Subscribe(
      [weak, events](const AvailabilityEvent& event) {
        // Publishing thread: hand off, never block it.
        if (weak.expired()) return;
        events->Submit([weak, event] {
          if (auto stream = weak.lock()) stream->HandleLive(event);
        });
      });
  {
    std::lock_guard<std::mutex> lock(mu_);
    subscription_ = std::move(subscription);
  }
  // Before anyone else can finish the stream (Register), and before any
  // write (writes start only after Replay, queued below).
  StartSendInitialMetadata();
  if (absl::Status s = deps_.streams->Register(self_, user_); !s.ok()) {
    return RequestFinish(ToGrpc(s));
  }
  std::shared_ptr<AvailabilityStream> self = self_;
  if (deps_.events->Submit([self] { self->Replay(); }) !=
      WorkQueue::Admission::kQueued) {
    RequestFinish(ToGrpc(ShuttingDownError("watchlist")));
  }
}

void AvailabilityStream::RequestFinish(grpc::Status status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finishing_) return;
    finishing_ = true;
    finish_status_ = std::move(status);
    pending_.clear();
    if (writing_) return;  // OnWriteDone finishes
    finished_ = true;
  }
  Finish(finish_status_);
}

void AvailabilityStream::OnWriteDone(bool ok) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!ok && !finishing_) {  // the client went away mid-write
    finishing_ = true;
    finish_status_ = grpc::Status::CANCELLED;
    pending_.clear();
  }
  if (!finishing_ && !pending_.empty()) {
    current_ = std::move(pending_.front());
    pending_.pop_front();
    lock.unlock();
    StartWrite(&current_);
    return;
  }
  writing_ = false;
  if (finishing_ && !finished_) {
    finished_ = true;
    lock.unlock();
    Finish(finish_status_);
  }
}

void AvailabilityStream::OnDone() {
  std::shared_ptr<AvailabilityStream> keep = std::move(self_);
  std::unique_ptr<EventSubscription> subscription;
  {
    std::lock_guard<std::mutex> lock(mu_);
    subscription = std::move(subscription_);
  }
  subscription.reset();
  deps_.streams->Unregister(this);
}

void AvailabilityStream::Replay() {
  int64_t after = resume_after_;
  if (resume_after_ > 0) {
    constexpr int kBatch = 500;
    for (;;) {
      if (IsFinishing()) return;
      auto events =
          deps_.watchlist->EventsAfter(user_, regions_, after, kBatch);
      if (!events.ok()) return RequestFinish(ToGrpc(events.status()));
      for (AvailabilityEvent& event : *events) {
        after = std::max(after, event.event_id);
        event.user = user_;
        Enqueue(event);
      }
      if (static_cast<int>(events->size()) < kBatch) break;
    }
  }
  std::vector<AvailabilityEvent> held;
  {
    std::lock_guard<std::mutex> lock(mu_);
    replayed_up_to_ = after;
    replaying_ = false;
    held.swap(held_);
  }
  for (const AvailabilityEvent& event : held) Deliver(event);
}

void AvailabilityStream::HandleLive(const AvailabilityEvent& event) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finishing_) return;
    if (replaying_) {
      held_.push_back(event);
      return;
    }
  }
  Deliver(event);
}

void AvailabilityStream::Deliver(AvailabilityEvent event) {
  // Already sent by the replay.
  if (event.event_id != 0 && event.event_id <= replayed_up_to_) return;
  auto concerns = deps_.watchlist->EventConcernsUser(event, user_, regions_);
  if (!concerns.ok()) {
    Log(LogLevel::kWarning,
        absl::StrCat("WatchAvailability ", user_, ": cannot filter event ",
                     event.event_id, ": ", concerns.status().ToString()));
    return;
  }
  if (!*concerns) return;
  event.user = user_;
  Enqueue(event);
}

void AvailabilityStream::Enqueue(const AvailabilityEvent& event) {
  v1::WatchAvailabilityResponse response;
  ToProto(event, response.mutable_event());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finishing_) return;
    if (writing_) {
      pending_.push_back(std::move(response));
      return;
    }
    writing_ = true;
    current_ = std::move(response);
  }
  StartWrite(&current_);
}

bool AvailabilityStream::IsFinishing() {
  std::lock_guard<std::mutex> lock(mu_);
  return finishing_;
}

}  // namespace longtake::watchlist
