#pragma once

// WatchAvailability: one server-streaming reactor per call. It replays the
// stored events after resume_after_event_id, then streams live ones (one
// write in flight, the rest queued) until the client cancels or the
// service closes its streams.
//
//   auto stream = std::make_shared<AvailabilityStream>(deps, ctx);
//   stream->Start(*request);
//   return stream.get();
//
// Shared ownership: the reactor keeps itself alive until OnDone; queued
// tasks and the subscription hold weak references, so a late task never
// touches a freed reactor.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/token.h"
#include "common/concurrency/work_queue.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "watchlist_service/domain/watchlist.h"

namespace longtake::watchlist {

class AvailabilityStream;

// The open streams of one service, so that shutdown can end them, and
// their caps: each open stream holds a thread's worth of nothing but memory
// and a subscription, so one user (or all) may only hold so many.
struct StreamLimits {
  int max_streams = 10000;
  int max_streams_per_user = 16;
};

class AvailabilityStreams {
 public:
  explicit AvailabilityStreams(StreamLimits limits) : limits_(limits) {}

  // UNAVAILABLE SHUTTING_DOWN once CloseAll() ran; RESOURCE_EXHAUSTED
  // STREAM_LIMIT when `user` or the service holds as many streams as allowed.
  // Either way the stream must end.
  absl::Status Register(const std::shared_ptr<AvailabilityStream>& stream,
                        const std::string& user);
  void Unregister(AvailabilityStream* stream);
  // Ends every open stream with `status` and refuses new ones.
  void CloseAll(const grpc::Status& status);
  // How many streams are open now (a metrics gauge reads it).
  size_t open_count();

 private:
  const StreamLimits limits_;
  std::mutex mu_;
  std::map<AvailabilityStream*, std::string> streams_;  // -> user
  std::map<std::string, int> per_user_;
  bool closing_ = false;
};

class AvailabilityStream
    : public grpc::ServerWriteReactor<v1::WatchAvailabilityResponse>,
      public std::enable_shared_from_this<AvailabilityStream> {
 public:
  // What a stream uses; all must outlive it.
  struct Deps {
    Watchlist* watchlist;
    const auth::TokenVerifier* verifier;
    // Replays and live-event filtering, on one thread so each stream's
    // events keep their order.
    WorkQueue* events;
    AvailabilityStreams* streams;
  };

  AvailabilityStream(Deps deps, grpc::CallbackServerContext* ctx)
      : deps_(deps), ctx_(ctx) {}

  // On the callback thread: authorise, subscribe, tell the client (initial
  // metadata) that live events are now captured, queue the replay.
  void Start(const v1::WatchAvailabilityRequest& request);

  // Any thread. Ends the stream once the write in flight (if any) is done.
  void RequestFinish(grpc::Status status);

  void OnSendInitialMetadataDone(bool /*ok*/) override {}
  void OnWriteDone(bool ok) override;
  void OnCancel() override { RequestFinish(grpc::Status::CANCELLED); }
  void OnDone() override;

 private:
  // Events queue: stored events after resume_after_, then the live ones
  // held back meanwhile.
  void Replay();
  // Events queue, for each published event.
  void HandleLive(const AvailabilityEvent& event);
  void Deliver(AvailabilityEvent event);
  void Enqueue(const AvailabilityEvent& event);
  bool IsFinishing();

  const Deps deps_;
  grpc::CallbackServerContext* ctx_;
  std::shared_ptr<AvailabilityStream> self_;
  // Set in Start, read-only afterwards.
  std::string user_;
  std::vector<std::string> regions_;
  int64_t resume_after_ = 0;
  // Written once by Replay before replaying_ turns false; read after.
  int64_t replayed_up_to_ = 0;

  std::mutex mu_;
  std::unique_ptr<EventSubscription> subscription_;
  bool replaying_ = true;
  std::vector<AvailabilityEvent> held_;
  std::deque<v1::WatchAvailabilityResponse> pending_;
  v1::WatchAvailabilityResponse current_;  // the write in flight
  bool writing_ = false;
  bool finishing_ = false;
  bool finished_ = false;
  grpc::Status finish_status_;
};

}  // namespace longtake::watchlist
