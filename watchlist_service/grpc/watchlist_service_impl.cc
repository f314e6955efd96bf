#include "watchlist_service/grpc/watchlist_service_impl.h"

#include <deque>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/grpc/call_auth.h"
#include "common/grpc/status_adapter.h"
#include "common/log/logger.h"
#include "common/status/errors.h"
#include "watchlist_service/grpc/proto_conversion.h"

namespace longtake::watchlist {
namespace {

grpc::Status ToGrpc(const absl::Status& status) {
  return ToGrpcStatus(status, kWatchlistErrorDomain);
}

absl::Status ShuttingDown() {
  return ErrorWithReason(absl::StatusCode::kUnavailable, "SERVER_SHUTTING_DOWN",
                         "the watchlist service is shutting down; try again shortly");
}

absl::Status AnyUser(const auth::Principal&) { return absl::OkStatus(); }

// Curators only; the shared helper's reason, with a message about offers and
// providers rather than the catalogue.
absl::Status Curator(const auth::Principal& who) {
  absl::Status status = RequireCurator(who);
  if (status.ok()) return status;
  return ErrorWithReason(
      status.code(), ErrorReason(status),
      absl::StrCat("user ", who.user,
                   " may not change providers or offers: curator role required"));
}

// `resource` is "users/{user}" or below it; only that user may touch it.
absl::Status RequireOwner(const auth::Principal& who, const std::string& resource,
                          absl::string_view field) {
  absl::string_view rest(resource);
  if (!absl::ConsumePrefix(&rest, "users/")) {
    return InvalidArgument(field, absl::StrCat("must name a user's resource, users/{user}...; got \"",
                                               resource, "\""));
  }
  absl::string_view user = rest.substr(0, rest.find('/'));
  if (!auth::IsValidUserName(user)) {
    return InvalidArgument(field, absl::StrCat("\"", user,
                                               "\" is not a user name ([a-z0-9][a-z0-9_-]{0,62})"));
  }
  if (user != who.user) {
    return ErrorWithReason(
        absl::StatusCode::kPermissionDenied, "NOT_RESOURCE_OWNER",
        absl::StrCat("user ", who.user, " may not access ", resource,
                     ": a user reads and writes only their own watchlist"),
        resource);
  }
  return absl::OkStatus();
}

WriteOptions Write(const std::string& request_id) {
  WriteOptions options;
  options.request_id = request_id;
  return options;
}

}  // namespace

// ---------------------------------------------------------------------------
// WatchAvailability: one reactor per stream. Shared ownership: the reactor
// keeps itself alive until OnDone; queued tasks and the subscription hold
// (weak) references, so a late task never touches a freed reactor.
class WatchlistServiceImpl::AvailabilityStream
    : public grpc::ServerWriteReactor<v1::WatchAvailabilityResponse>,
      public std::enable_shared_from_this<AvailabilityStream> {
 public:
  AvailabilityStream(WatchlistServiceImpl* service, Ctx* ctx)
      : service_(service), ctx_(ctx) {}

  // On the callback thread: authorise, subscribe, tell the client (initial
  // metadata) that live events are now captured, queue the replay.
  void Start(const v1::WatchAvailabilityRequest& request) {
    self_ = shared_from_this();
    absl::StatusOr<auth::Principal> who = AuthenticateCall(*ctx_, *service_->signer_);
    if (!who.ok()) return RequestFinish(ToGrpc(who.status()));
    if (absl::Status s = RequireOwner(*who, request.parent(), "parent"); !s.ok()) {
      return RequestFinish(ToGrpc(s));
    }
    if (absl::Status s = ParseUserParent(request.parent()).status(); !s.ok()) {
      return RequestFinish(ToGrpc(s));
    }
    if (request.resume_after_event_id() < 0) {
      return RequestFinish(ToGrpc(InvalidArgument(
          "resume_after_event_id", "must be 0 (new events only) or a previous event_id")));
    }
    user_ = request.parent();
    for (const std::string& region : request.regions()) {
      regions_.push_back(absl::AsciiStrToUpper(region));
    }
    resume_after_ = request.resume_after_event_id();

    std::weak_ptr<AvailabilityStream> weak = self_;
    WorkQueue* events = &service_->events_;
    auto subscription = service_->watchlist_->Subscribe(
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
    if (!service_->Register(self_)) return RequestFinish(ToGrpc(ShuttingDown()));
    std::shared_ptr<AvailabilityStream> self = self_;
    if (!service_->events_.Submit([self] { self->Replay(); })) {
      RequestFinish(ToGrpc(ShuttingDown()));
    }
  }

  // Any thread. Ends the stream once the write in flight (if any) is done.
  void RequestFinish(grpc::Status status) {
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

  void OnSendInitialMetadataDone(bool /*ok*/) override {}

  void OnWriteDone(bool ok) override {
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

  void OnCancel() override { RequestFinish(grpc::Status::CANCELLED); }

  void OnDone() override {
    std::shared_ptr<AvailabilityStream> keep = std::move(self_);
    std::unique_ptr<EventSubscription> subscription;
    {
      std::lock_guard<std::mutex> lock(mu_);
      subscription = std::move(subscription_);
    }
    subscription.reset();
    service_->Unregister(this);
  }

 private:
  // Events queue: stored events after resume_after_, then the live ones
  // held back meanwhile.
  void Replay() {
    int64_t after = resume_after_;
    if (resume_after_ > 0) {
      constexpr int kBatch = 500;
      for (;;) {
        if (IsFinishing()) return;
        auto events = service_->watchlist_->EventsAfter(user_, regions_, after, kBatch);
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

  // Events queue, for each published event.
  void HandleLive(const AvailabilityEvent& event) {
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

  void Deliver(AvailabilityEvent event) {
    if (event.event_id != 0 && event.event_id <= replayed_up_to_) return;  // replayed
    auto concerns = service_->watchlist_->EventConcernsUser(event, user_, regions_);
    if (!concerns.ok()) {
      Log(LogLevel::kWarning, absl::StrCat("WatchAvailability ", user_,
                                           ": cannot filter event ", event.event_id, ": ",
                                           concerns.status().ToString()));
      return;
    }
    if (!*concerns) return;
    event.user = user_;
    Enqueue(event);
  }

  void Enqueue(const AvailabilityEvent& event) {
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

  bool IsFinishing() {
    std::lock_guard<std::mutex> lock(mu_);
    return finishing_;
  }

  WatchlistServiceImpl* service_;
  Ctx* ctx_;
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

// ---------------------------------------------------------------------------

WatchlistServiceImpl::WatchlistServiceImpl(Watchlist* watchlist,
                                           const auth::TokenSigner* signer,
                                           WatchlistServiceOptions options)
    : watchlist_(watchlist),
      signer_(signer),
      reads_(options.read_threads, "watchlist-reads"),
      writes_(options.write_threads, "watchlist-writes"),
      events_(1, "watchlist-events") {}

WatchlistServiceImpl::~WatchlistServiceImpl() {
  CloseStreams();
  events_.Shutdown();
  writes_.Shutdown();
  reads_.Shutdown();
}

bool WatchlistServiceImpl::Register(const std::shared_ptr<AvailabilityStream>& stream) {
  std::lock_guard<std::mutex> lock(streams_mu_);
  if (closing_) return false;
  streams_.insert(stream.get());
  return true;
}

void WatchlistServiceImpl::Unregister(AvailabilityStream* stream) {
  std::lock_guard<std::mutex> lock(streams_mu_);
  streams_.erase(stream);
}

void WatchlistServiceImpl::CloseStreams() {
  std::vector<std::shared_ptr<AvailabilityStream>> open;
  {
    std::lock_guard<std::mutex> lock(streams_mu_);
    closing_ = true;
    for (AvailabilityStream* stream : streams_) {
      if (auto shared = stream->weak_from_this().lock()) open.push_back(std::move(shared));
    }
  }
  for (auto& stream : open) stream->RequestFinish(ToGrpc(ShuttingDown()));
}

template <typename Check, typename Work>
WatchlistServiceImpl::Reactor* WatchlistServiceImpl::Serve(Ctx* ctx, WorkQueue& queue,
                                                           Check check, Work work) {
  Reactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<auth::Principal> who = AuthenticateCall(*ctx, *signer_);
  absl::Status allowed = who.ok() ? check(*who) : who.status();
  if (!allowed.ok()) {
    reactor->Finish(ToGrpc(allowed));
    return reactor;
  }
  if (!queue.Submit([reactor, work]() mutable { reactor->Finish(ToGrpc(work())); })) {
    reactor->Finish(ToGrpc(ShuttingDown()));
  }
  return reactor;
}

// ---- Providers ----

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::GetProvider(
    Ctx* ctx, const v1::GetProviderRequest* request, v1::Provider* response) {
  return Serve(ctx, reads_, AnyUser, [this, request, response]() -> absl::Status {
    auto provider = watchlist_->GetProvider(request->name());
    if (!provider.ok()) return provider.status();
    ToProto(*provider, response);
    return absl::OkStatus();
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::ListProviders(
    Ctx* ctx, const v1::ListProvidersRequest* request, v1::ListProvidersResponse* response) {
  return Serve(ctx, reads_, AnyUser, [this, request, response]() -> absl::Status {
    auto page = watchlist_->ListProviders(request->page_size(), request->page_token());
    if (!page.ok()) return page.status();
    for (const Provider& provider : page->providers) ToProto(provider, response->add_providers());
    response->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::CreateProvider(
    Ctx* ctx, const v1::CreateProviderRequest* request, v1::Provider* response) {
  return Serve(ctx, writes_, Curator, [this, request, response]() -> absl::Status {
    auto provider = watchlist_->CreateProvider(FromProto(request->provider()),
                                               request->provider_id(),
                                               Write(request->request_id()));
    if (!provider.ok()) return provider.status();
    ToProto(*provider, response);
    return absl::OkStatus();
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::UpdateProvider(
    Ctx* ctx, const v1::UpdateProviderRequest* request, v1::Provider* response) {
  return Serve(ctx, writes_, Curator, [this, request, response]() -> absl::Status {
    auto provider = watchlist_->UpdateProvider(FromProto(request->provider()),
                                               FromProto(request->update_mask()),
                                               Write(request->request_id()));
    if (!provider.ok()) return provider.status();
    ToProto(*provider, response);
    return absl::OkStatus();
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::DeleteProvider(
    Ctx* ctx, const v1::DeleteProviderRequest* request, Empty* /*response*/) {
  return Serve(ctx, writes_, Curator, [this, request]() -> absl::Status {
    return watchlist_->DeleteProvider(request->name(), request->etag(),
                                      Write(request->request_id()));
  });
}

// ---- Offers ----

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::GetOffer(
    Ctx* ctx, const v1::GetOfferRequest* request, v1::Offer* response) {
  return Serve(ctx, reads_, AnyUser, [this, request, response]() -> absl::Status {
    auto offer = watchlist_->GetOffer(request->name());
    if (!offer.ok()) return offer.status();
    ToProto(*offer, response);
    return absl::OkStatus();
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::ListOffers(
    Ctx* ctx, const v1::ListOffersRequest* request, v1::ListOffersResponse* response) {
  return Serve(ctx, reads_, AnyUser, [this, request, response]() -> absl::Status {
    ListOffersQuery query;
    query.page_size = request->page_size();
    query.page_token = request->page_token();
    query.filter = request->filter();
    auto page = watchlist_->ListOffers(query);
    if (!page.ok()) return page.status();
    for (const Offer& offer : page->offers) ToProto(offer, response->add_offers());
    response->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::CreateOffer(
    Ctx* ctx, const v1::CreateOfferRequest* request, v1::Offer* response) {
  return Serve(ctx, writes_, Curator, [this, request, response]() -> absl::Status {
    auto offer = watchlist_->CreateOffer(FromProto(request->offer()), request->offer_id(),
                                         Write(request->request_id()));
    if (!offer.ok()) return offer.status();
    ToProto(*offer, response);
    return absl::OkStatus();
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::UpdateOffer(
    Ctx* ctx, const v1::UpdateOfferRequest* request, v1::Offer* response) {
  return Serve(ctx, writes_, Curator, [this, request, response]() -> absl::Status {
    auto offer = watchlist_->UpdateOffer(FromProto(request->offer()),
                                         FromProto(request->update_mask()),
                                         Write(request->request_id()));
    if (!offer.ok()) return offer.status();
    ToProto(*offer, response);
    return absl::OkStatus();
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::DeleteOffer(
    Ctx* ctx, const v1::DeleteOfferRequest* request, Empty* /*response*/) {
  return Serve(ctx, writes_, Curator, [this, request]() -> absl::Status {
    return watchlist_->DeleteOffer(request->name(), request->etag(),
                                   Write(request->request_id()));
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::WhereToWatch(
    Ctx* ctx, const v1::WhereToWatchRequest* request, v1::WhereToWatchResponse* response) {
  return Serve(ctx, reads_, AnyUser, [this, request, response]() -> absl::Status {
    WhereToWatchQuery query;
    query.film = request->film();
    query.region = request->region();
    query.subscriptions.assign(request->subscriptions().begin(),
                               request->subscriptions().end());
    auto result = watchlist_->WhereToWatch(query);
    if (!result.ok()) return result.status();
    ToProto(*result, response);
    return absl::OkStatus();
  });
}

// ---- Watchlist items: the owner only ----

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::CreateWatchlistItem(
    Ctx* ctx, const v1::CreateWatchlistItemRequest* request, v1::WatchlistItem* response) {
  return Serve(
      ctx, writes_,
      [request](const auth::Principal& who) {
        return RequireOwner(who, request->parent(), "parent");
      },
      [this, request, response]() -> absl::Status {
        auto item = watchlist_->CreateItem(request->parent(), FromProto(request->item()),
                                           Write(request->request_id()));
        if (!item.ok()) return item.status();
        ToProto(*item, response);
        return absl::OkStatus();
      });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::GetWatchlistItem(
    Ctx* ctx, const v1::GetWatchlistItemRequest* request, v1::WatchlistItem* response) {
  return Serve(
      ctx, reads_,
      [request](const auth::Principal& who) {
        return RequireOwner(who, request->name(), "name");
      },
      [this, request, response]() -> absl::Status {
        auto item = watchlist_->GetItem(request->name());
        if (!item.ok()) return item.status();
        ToProto(*item, response);
        return absl::OkStatus();
      });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::ListWatchlistItems(
    Ctx* ctx, const v1::ListWatchlistItemsRequest* request,
    v1::ListWatchlistItemsResponse* response) {
  return Serve(
      ctx, reads_,
      [request](const auth::Principal& who) {
        return RequireOwner(who, request->parent(), "parent");
      },
      [this, request, response]() -> absl::Status {
        ListItemsQuery query;
        query.parent = request->parent();
        query.page_size = request->page_size();
        query.page_token = request->page_token();
        query.filter = request->filter();
        query.region = request->region();
        query.subscriptions.assign(request->subscriptions().begin(),
                                   request->subscriptions().end());
        auto page = watchlist_->ListItems(query);
        if (!page.ok()) return page.status();
        for (const WatchlistItem& item : page->items) ToProto(item, response->add_items());
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::UpdateWatchlistItem(
    Ctx* ctx, const v1::UpdateWatchlistItemRequest* request, v1::WatchlistItem* response) {
  return Serve(
      ctx, writes_,
      [request](const auth::Principal& who) {
        return RequireOwner(who, request->item().name(), "item.name");
      },
      [this, request, response]() -> absl::Status {
        auto item = watchlist_->UpdateItem(FromProto(request->item()),
                                           FromProto(request->update_mask()),
                                           Write(request->request_id()));
        if (!item.ok()) return item.status();
        ToProto(*item, response);
        return absl::OkStatus();
      });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::DeleteWatchlistItem(
    Ctx* ctx, const v1::DeleteWatchlistItemRequest* request, Empty* /*response*/) {
  return Serve(
      ctx, writes_,
      [request](const auth::Principal& who) {
        return RequireOwner(who, request->name(), "name");
      },
      [this, request]() -> absl::Status {
        return watchlist_->DeleteItem(request->name(), Write(request->request_id()));
      });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::ReorderWatchlistItems(
    Ctx* ctx, const v1::ReorderWatchlistItemsRequest* request,
    v1::ReorderWatchlistItemsResponse* response) {
  return Serve(
      ctx, writes_,
      [request](const auth::Principal& who) {
        return RequireOwner(who, request->parent(), "parent");
      },
      [this, request, response]() -> absl::Status {
        std::vector<std::string> names(request->names().begin(), request->names().end());
        auto items = watchlist_->ReorderItems(request->parent(), names);
        if (!items.ok()) return items.status();
        for (const WatchlistItem& item : *items) ToProto(item, response->add_items());
        return absl::OkStatus();
      });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::MarkWatched(
    Ctx* ctx, const v1::MarkWatchedRequest* request, v1::WatchlistItem* response) {
  return Serve(
      ctx, writes_,
      [request](const auth::Principal& who) {
        return RequireOwner(who, request->name(), "name");
      },
      [this, request, response]() -> absl::Status {
        auto item = watchlist_->MarkWatched(request->name(), Write(request->request_id()));
        if (!item.ok()) return item.status();
        ToProto(*item, response);
        return absl::OkStatus();
      });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::ListHistory(
    Ctx* ctx, const v1::ListHistoryRequest* request, v1::ListHistoryResponse* response) {
  return Serve(
      ctx, reads_,
      [request](const auth::Principal& who) {
        return RequireOwner(who, request->parent(), "parent");
      },
      [this, request, response]() -> absl::Status {
        auto page = watchlist_->ListHistory(request->parent(), request->page_size(),
                                            request->page_token());
        if (!page.ok()) return page.status();
        for (const WatchlistItem& item : page->items) ToProto(item, response->add_items());
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<v1::WatchAvailabilityResponse>* WatchlistServiceImpl::WatchAvailability(
    Ctx* ctx, const v1::WatchAvailabilityRequest* request) {
  auto stream = std::make_shared<AvailabilityStream>(this, ctx);
  stream->Start(*request);
  return stream.get();
}

}  // namespace longtake::watchlist
