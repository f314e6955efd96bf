#pragma once

// The gRPC adapter of the watchlist service: authenticates every call (bearer
// token), authorises it (own watchlist only; curators for provider and offer
// writes), converts proto <-> domain and runs the domain on work queues so
// gRPC callback threads never wait for the store or the catalogue.
//
//   WatchlistServiceImpl service(watchlist.get(), &verifier);
//   options.services = {&service};
//   runner.AddBeforeDrainHook([&] { service.CloseStreams(); });
//
// Errors leave only through ToGrpcStatus(status, kWatchlistErrorDomain)
// (watchlist_service/domain/watchlist_errors.h). Access checks are in
// access_checks.h; WatchAvailability streams are AvailabilityStream
// reactors (availability_stream.h).

#include "common/auth/token.h"
#include "common/concurrency/work_queue.h"
#include "common/grpc/call_limits.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "watchlist_service/domain/watchlist.h"
#include "watchlist_service/grpc/availability_stream.h"

namespace longtake::watchlist {

struct WatchlistServiceOptions {
  // Reads (lists, where-to-watch, gets) run in parallel.
  int read_threads = 4;
  // Writes; the domain and store serialise what needs it.
  int write_threads = 2;
  // Calls that ask the catalogue (watchlist items, which are enriched with
  // film titles; offer writes, which check the film) run on a pool of their
  // own, so a slow or frozen catalogue cannot hold the threads of the calls
  // that never need it (providers, offers, where-to-watch). Bounded: beyond
  // `catalogue_max_pending` waiting calls, UNAVAILABLE CATALOG_UNAVAILABLE.
  int catalogue_threads = 4;
  size_t catalogue_max_pending = 256;
  // Open WatchAvailability streams, in all and per user.
  StreamLimits stream_limits;
};

class WatchlistServiceImpl final
    : public ::longtake::watchlist::v1::WatchlistService::CallbackService {
 public:
  // `watchlist`, `verifier` and `limits` (the write rate limits) must
  // outlive the service.
  WatchlistServiceImpl(Watchlist* watchlist,
                       const auth::TokenVerifier* verifier, CallLimits* limits,
                       WatchlistServiceOptions options = {});
  ~WatchlistServiceImpl() override;

  // Ends every open WatchAvailability stream with UNAVAILABLE (clients resume
  // elsewhere with their last event id) and refuses new ones. Meant as a
  // ServerRunner before-drain hook, so shutdown needn't wait out the grace.
  void CloseStreams();
  // WatchAvailability streams open now.
  size_t open_streams() { return streams_.open_count(); }

  using Reactor = grpc::ServerUnaryReactor;
  using Ctx = grpc::CallbackServerContext;
  using Empty = google::protobuf::Empty;

  Reactor* GetProvider(Ctx* ctx, const v1::GetProviderRequest* request,
                       v1::Provider* response) override;
  Reactor* ListProviders(Ctx* ctx, const v1::ListProvidersRequest* request,
                         v1::ListProvidersResponse* response) override;
  Reactor* CreateProvider(Ctx* ctx, const v1::CreateProviderRequest* request,
                          v1::Provider* response) override;
  Reactor* UpdateProvider(Ctx* ctx, const v1::UpdateProviderRequest* request,
                          v1::Provider* response) override;
  Reactor* DeleteProvider(Ctx* ctx, const v1::DeleteProviderRequest* request,
                          Empty* response) override;

  Reactor* GetOffer(Ctx* ctx, const v1::GetOfferRequest* request,
                    v1::Offer* response) override;
  Reactor* ListOffers(Ctx* ctx, const v1::ListOffersRequest* request,
                      v1::ListOffersResponse* response) override;
  Reactor* CreateOffer(Ctx* ctx, const v1::CreateOfferRequest* request,
                       v1::Offer* response) override;
  Reactor* UpdateOffer(Ctx* ctx, const v1::UpdateOfferRequest* request,
                       v1::Offer* response) override;
  Reactor* DeleteOffer(Ctx* ctx, const v1::DeleteOfferRequest* request,
                       Empty* response) override;

  Reactor* WhereToWatch(Ctx* ctx, const v1::WhereToWatchRequest* request,
                        v1::WhereToWatchResponse* response) override;

  Reactor* CreateWatchlistItem(Ctx* ctx,
                               const v1::CreateWatchlistItemRequest* request,
                               v1::WatchlistItem* response) override;
  Reactor* GetWatchlistItem(Ctx* ctx,
                            const v1::GetWatchlistItemRequest* request,
                            v1::WatchlistItem* response) override;
  Reactor* ListWatchlistItems(
      Ctx* ctx, const v1::ListWatchlistItemsRequest* request,
      v1::ListWatchlistItemsResponse* response) override;
  Reactor* UpdateWatchlistItem(Ctx* ctx,
                               const v1::UpdateWatchlistItemRequest* request,
                               v1::WatchlistItem* response) override;
  Reactor* DeleteWatchlistItem(Ctx* ctx,
                               const v1::DeleteWatchlistItemRequest* request,
                               Empty* response) override;
  Reactor* ReorderWatchlistItems(
      Ctx* ctx, const v1::ReorderWatchlistItemsRequest* request,
      v1::ReorderWatchlistItemsResponse* response) override;
  Reactor* MarkWatched(Ctx* ctx, const v1::MarkWatchedRequest* request,
                       v1::WatchlistItem* response) override;
  Reactor* ListHistory(Ctx* ctx, const v1::ListHistoryRequest* request,
                       v1::ListHistoryResponse* response) override;

  grpc::ServerWriteReactor<v1::WatchAvailabilityResponse>* WatchAvailability(
      Ctx* ctx, const v1::WatchAvailabilityRequest* request) override;

 private:
  // Authenticates, runs `check` (authorisation, cheap) on the callback
  // thread, then `work` on `queue`; finishes the reactor with work's status.
  // `work` returns an absl::Status, or an absl::StatusOr<T> whose value is
  // converted into `response` (ToProto) before the reactor finishes.
  // Serve<kWrite> also applies the write rate limits after authorisation.
  static constexpr bool kWrite = true;
  template <bool kIsWrite = false, typename Check, typename Work,
            typename Response>
  Reactor* Serve(Ctx* ctx, WorkQueue& queue, Check check, Response* response,
                 Work work);

  Watchlist* watchlist_;
  const auth::TokenVerifier* verifier_;
  CallLimits* limits_;

  AvailabilityStreams streams_;

  // Declared last: destroyed (drained and joined) first, while everything
  // their tasks touch is still alive.
  WorkQueue reads_;
  WorkQueue writes_;
  // Stream replays and live-event filtering, one thread so each stream's
  // events keep their order.
  WorkQueue events_;
  WorkQueue catalogue_calls_;
};

}  // namespace longtake::watchlist
