#include "watchlist_service/grpc/watchlist_service_impl.h"

#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/grpc/call_auth.h"
#include "common/grpc/request_fingerprint.h"
#include "common/grpc/server_runner.h"
#include "common/grpc/status_adapter.h"
#include "common/grpc/trace_metadata.h"
#include "common/grpc/well_known_types.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/watchlist_errors.h"
#include "watchlist_service/grpc/access_checks.h"
#include "watchlist_service/grpc/proto_conversion.h"

namespace longtake::watchlist {
namespace {

grpc::Status ToGrpc(const absl::Status& status) {
  return ToGrpcStatus(status, kWatchlistErrorDomain);
}

// The write options of a request: its id, scoped to the caller, and its
// fingerprint (common/domain/request_record.h).
template <typename Request>
WriteOptions Write(const auth::Principal& who, const Request& request) {
  WriteOptions options;
  options.request_id = request.request_id();
  options.caller = who.user;
  options.request_hash = RequestFingerprint(request);
  return options;
}

// A handler's result as the call's status: a plain status as it is; a value
// converted into the response.
absl::Status Respond(absl::Status status, void* /*response*/) { return status; }
template <typename T, typename Response>
absl::Status Respond(absl::StatusOr<T> result, Response* response) {
  if (!result.ok()) return result.status();
  ToProto(*result, response);
  return absl::OkStatus();
}

// The check of a call on a user's watchlist: `resource` (in the request,
// which outlives the check) must be the caller's.
auto OwnerOf(const std::string& resource, absl::string_view field) {
  return [&resource, field](const auth::Principal& who) {
    return RequireOwner(who, resource, field);
  };
}

}  // namespace

WatchlistServiceImpl::WatchlistServiceImpl(Watchlist* watchlist,
                                           const auth::TokenVerifier* verifier,
                                           CallLimits* limits,
                                           WatchlistServiceOptions options)
    : watchlist_(watchlist),
      verifier_(verifier),
      limits_(limits),
      streams_(options.stream_limits),
      reads_(options.read_threads, "watchlist-reads"),
      writes_(options.write_threads, "watchlist-writes"),
      events_(1, "watchlist-events"),
      catalogue_calls_(options.catalogue_threads, "watchlist-catalogue-calls",
                       options.catalogue_max_pending) {}

WatchlistServiceImpl::~WatchlistServiceImpl() {
  CloseStreams();
  catalogue_calls_.Shutdown();
  events_.Shutdown();
  writes_.Shutdown();
  reads_.Shutdown();
}

void WatchlistServiceImpl::CloseStreams() {
  streams_.CloseAll(ToGrpc(ShuttingDownError("watchlist")));
}

template <bool kIsWrite, typename Check, typename Work, typename Response>
WatchlistServiceImpl::Reactor* WatchlistServiceImpl::Serve(
    Ctx* ctx, WorkQueue& queue, Check check, Response* response, Work work) {
  Reactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<auth::Principal> who = AuthenticateCall(*ctx, *verifier_);
  absl::Status allowed = who.ok() ? check(*who) : who.status();
  if (kIsWrite && allowed.ok()) allowed = limits_->AdmitWrite(*ctx, who->user);
  if (!allowed.ok()) {
    reactor->Finish(ToGrpc(allowed));
    return reactor;
  }
  // Writes are given the caller (their request records are per caller).
  // The work runs for the call's trace, so a catalogue call it makes
  // forwards the traceparent.
  WorkQueue::Admission admission =
      queue.Submit([reactor, response, work, who = *who,
                    trace = IncomingTrace(*ctx)]() mutable {
        ScopedTrace scope(trace);
        if constexpr (std::is_invocable_v<Work&, const auth::Principal&>) {
          reactor->Finish(ToGrpc(Respond(work(who), response)));
        } else {
          reactor->Finish(ToGrpc(Respond(work(), response)));
        }
      });
  switch (admission) {
    case WorkQueue::Admission::kQueued:
      break;
    case WorkQueue::Admission::kFull:
      // Only the catalogue-calls queue is bounded.
      reactor->Finish(ToGrpc(ErrorWithReason(
          absl::StatusCode::kUnavailable, kCatalogUnavailable,
          absl::StrCat("too many calls are waiting for the catalogue (",
                       queue.name(), " is full); try again shortly"))));
      break;
    case WorkQueue::Admission::kStopped:
      reactor->Finish(ToGrpc(ShuttingDownError("watchlist")));
      break;
  }
  return reactor;
}

// ---- Providers ----

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::GetProvider(
    Ctx* ctx, const v1::GetProviderRequest* request, v1::Provider* response) {
  return Serve(ctx, reads_, AnyUser, response, [this, request] {
    return watchlist_->GetProvider(request->name());
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::ListProviders(
    Ctx* ctx, const v1::ListProvidersRequest* request,
    v1::ListProvidersResponse* response) {
  return Serve(ctx, reads_, AnyUser, response, [this, request] {
    return watchlist_->ListProviders(request->page_size(),
                                     request->page_token());
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::CreateProvider(
    Ctx* ctx, const v1::CreateProviderRequest* request,
    v1::Provider* response) {
  return Serve<kWrite>(ctx, writes_, Curator, response,
                       [this, request](const auth::Principal& who) {
                         return watchlist_->CreateProvider(
                             FromProto(request->provider()),
                             request->provider_id(), Write(who, *request));
                       });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::UpdateProvider(
    Ctx* ctx, const v1::UpdateProviderRequest* request,
    v1::Provider* response) {
  return Serve<kWrite>(ctx, writes_, Curator, response,
                       [this, request](const auth::Principal& who) {
                         return watchlist_->UpdateProvider(
                             FromProto(request->provider()),
                             FieldMaskFromProto(request->update_mask()),
                             Write(who, *request));
                       });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::DeleteProvider(
    Ctx* ctx, const v1::DeleteProviderRequest* request, Empty* response) {
  return Serve<kWrite>(ctx, writes_, Curator, response,
                       [this, request](const auth::Principal& who) {
                         return watchlist_->DeleteProvider(
                             request->name(), request->etag(),
                             Write(who, *request));
                       });
}

// ---- Offers ----

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::GetOffer(
    Ctx* ctx, const v1::GetOfferRequest* request, v1::Offer* response) {
  return Serve(ctx, reads_, AnyUser, response, [this, request] {
    return watchlist_->GetOffer(request->name());
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::ListOffers(
    Ctx* ctx, const v1::ListOffersRequest* request,
    v1::ListOffersResponse* response) {
  return Serve(ctx, reads_, AnyUser, response, [this, request] {
    ListOffersQuery query;
    query.page_size = request->page_size();
    query.page_token = request->page_token();
    query.filter = request->filter();
    return watchlist_->ListOffers(query);
  });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::CreateOffer(
    Ctx* ctx, const v1::CreateOfferRequest* request, v1::Offer* response) {
  return Serve<kWrite>(
      ctx, catalogue_calls_, Curator, response,
      [this, request](const auth::Principal& who) -> absl::StatusOr<Offer> {
        LONGTAKE_ASSIGN_OR_RETURN(Offer offer, FromProto(request->offer()));
        return watchlist_->CreateOffer(std::move(offer), request->offer_id(),
                                       Write(who, *request));
      });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::UpdateOffer(
    Ctx* ctx, const v1::UpdateOfferRequest* request, v1::Offer* response) {
  return Serve<kWrite>(
      ctx, catalogue_calls_, Curator, response,
      [this, request](const auth::Principal& who) -> absl::StatusOr<Offer> {
        LONGTAKE_ASSIGN_OR_RETURN(Offer offer, FromProto(request->offer()));
        return watchlist_->UpdateOffer(
            std::move(offer), FieldMaskFromProto(request->update_mask()),
            Write(who, *request));
      });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::DeleteOffer(
    Ctx* ctx, const v1::DeleteOfferRequest* request, Empty* response) {
  return Serve<kWrite>(ctx, writes_, Curator, response,
                       [this, request](const auth::Principal& who) {
                         return watchlist_->DeleteOffer(request->name(),
                                                        request->etag(),
                                                        Write(who, *request));
                       });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::WhereToWatch(
    Ctx* ctx, const v1::WhereToWatchRequest* request,
    v1::WhereToWatchResponse* response) {
  return Serve(ctx, reads_, AnyUser, response, [this, request] {
    WhereToWatchQuery query;
    query.film = request->film();
    query.region = request->region();
    query.subscriptions.assign(request->subscriptions().begin(),
                               request->subscriptions().end());
    return watchlist_->WhereToWatch(query);
  });
}

// ---- Watchlist items: the owner only ----

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::CreateWatchlistItem(
    Ctx* ctx, const v1::CreateWatchlistItemRequest* request,
    v1::WatchlistItem* response) {
  return Serve<kWrite>(ctx, catalogue_calls_,
                       OwnerOf(request->parent(), "parent"), response,
                       [this, request](const auth::Principal& who) {
                         return watchlist_->CreateItem(
                             request->parent(), FromProto(request->item()),
                             Write(who, *request));
                       });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::GetWatchlistItem(
    Ctx* ctx, const v1::GetWatchlistItemRequest* request,
    v1::WatchlistItem* response) {
  return Serve(
      ctx, catalogue_calls_, OwnerOf(request->name(), "name"), response,
      [this, request] { return watchlist_->GetItem(request->name()); });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::ListWatchlistItems(
    Ctx* ctx, const v1::ListWatchlistItemsRequest* request,
    v1::ListWatchlistItemsResponse* response) {
  return Serve(ctx, catalogue_calls_, OwnerOf(request->parent(), "parent"),
               response, [this, request] {
                 ListItemsQuery query;
                 query.parent = request->parent();
                 query.page_size = request->page_size();
                 query.page_token = request->page_token();
                 query.filter = request->filter();
                 query.region = request->region();
                 query.subscriptions.assign(request->subscriptions().begin(),
                                            request->subscriptions().end());
                 return watchlist_->ListItems(query);
               });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::UpdateWatchlistItem(
    Ctx* ctx, const v1::UpdateWatchlistItemRequest* request,
    v1::WatchlistItem* response) {
  return Serve<kWrite>(
      ctx, catalogue_calls_, OwnerOf(request->item().name(), "item.name"),
      response, [this, request](const auth::Principal& who) {
        return watchlist_->UpdateItem(
            FromProto(request->item()),
            FieldMaskFromProto(request->update_mask()), Write(who, *request));
      });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::DeleteWatchlistItem(
    Ctx* ctx, const v1::DeleteWatchlistItemRequest* request, Empty* response) {
  return Serve<kWrite>(ctx, writes_, OwnerOf(request->name(), "name"), response,
                       [this, request](const auth::Principal& who) {
                         return watchlist_->DeleteItem(request->name(),
                                                       Write(who, *request));
                       });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::ReorderWatchlistItems(
    Ctx* ctx, const v1::ReorderWatchlistItemsRequest* request,
    v1::ReorderWatchlistItemsResponse* response) {
  return Serve<kWrite>(ctx, catalogue_calls_,
                       OwnerOf(request->parent(), "parent"), response,
                       [this, request] {
                         return watchlist_->ReorderItems(
                             request->parent(),
                             std::vector<std::string>(request->names().begin(),
                                                      request->names().end()));
                       });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::MarkWatched(
    Ctx* ctx, const v1::MarkWatchedRequest* request,
    v1::WatchlistItem* response) {
  return Serve<kWrite>(ctx, catalogue_calls_, OwnerOf(request->name(), "name"),
                       response, [this, request](const auth::Principal& who) {
                         return watchlist_->MarkWatched(request->name(),
                                                        Write(who, *request));
                       });
}

WatchlistServiceImpl::Reactor* WatchlistServiceImpl::ListHistory(
    Ctx* ctx, const v1::ListHistoryRequest* request,
    v1::ListHistoryResponse* response) {
  return Serve(ctx, catalogue_calls_, OwnerOf(request->parent(), "parent"),
               response, [this, request] {
                 return watchlist_->ListHistory(request->parent(),
                                                request->page_size(),
                                                request->page_token());
               });
}

grpc::ServerWriteReactor<v1::WatchAvailabilityResponse>*
WatchlistServiceImpl::WatchAvailability(
    Ctx* ctx, const v1::WatchAvailabilityRequest* request) {
  auto stream = std::make_shared<AvailabilityStream>(
      AvailabilityStream::Deps{watchlist_, verifier_, &events_, &streams_},
      ctx);
  stream->Start(*request);
  return stream.get();
}

}  // namespace longtake::watchlist
