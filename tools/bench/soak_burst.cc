#include "tools/bench/soak_burst.h"

#include <array>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/generic/generic_stub.h"
#include "longtake/watchlist/v1/watchlist_service.pb.h"

namespace longtake::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kCreateItemMethod[] =
    "/longtake.watchlist.v1.WatchlistService/CreateWatchlistItem";

}  // namespace

// `connections` channels of their own, each sending one CreateWatchlistItem
// with a `note_bytes` note (for users soak-burst-N, so per-user limits do not
// hide the body from validation) at the same moment. The big part of the
// request is serialised once and shared by every call's buffer, so the
// client does not hold `connections` copies.
BurstResult RunBurst(const std::string& addr, const std::string& secret,
                     int connections, int64_t note_bytes, absl::Duration settle,
                     int64_t watchlist_pid) {
  BurstResult result;
  result.connections = connections;
  longtake::watchlist::v1::CreateWatchlistItemRequest big;
  big.mutable_item()->set_film(kFilm);
  big.mutable_item()->set_note(
      std::string(static_cast<size_t>(note_bytes), 'n'));
  const grpc::Slice big_part(big.SerializeAsString());

  struct Call {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<grpc::GenericStub> stub;
    grpc::ClientContext ctx;
    grpc::ByteBuffer request, response;
  };
  std::vector<std::unique_ptr<Call>> calls;
  for (int i = 0; i < connections; ++i) {
    auto call = std::make_unique<Call>();
    call->channel = OwnConnection(addr);
    call->channel->GetState(/*try_to_connect=*/true);
    calls.push_back(std::move(call));
  }
  const auto connect_by =
      std::chrono::system_clock::now() + std::chrono::seconds(30);
  for (auto& call : calls) {
    if (call->channel->WaitForConnected(connect_by)) ++result.connected;
  }
  for (int i = 0; i < connections; ++i) {
    Call& call = *calls[i];
    std::string user = absl::StrCat("soak-burst-", i);
    longtake::watchlist::v1::CreateWatchlistItemRequest small;
    small.set_parent("users/" + user);
    std::array<grpc::Slice, 2> parts = {grpc::Slice(small.SerializeAsString()),
                                        big_part};
    call.request = grpc::ByteBuffer(parts.data(), parts.size());
    call.stub = std::make_unique<grpc::GenericStub>(call.channel);
    call.ctx.AddMetadata("authorization",
                         "Bearer " + MintToken(secret, user, false));
    call.ctx.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(120));
  }
  result.before = ReadMemory(watchlist_pid);

  std::mutex mu;
  std::condition_variable all_done;
  int done = 0;
  auto start = Clock::now();
  for (auto& call : calls) {
    call->stub->UnaryCall(
        &call->ctx, kCreateItemMethod, grpc::StubOptions(), &call->request,
        &call->response, [&](grpc::Status status) {
          std::lock_guard<std::mutex> lock(mu);
          if (result.codes[status.error_code()]++ == 0) {
            result.first_message[status.error_code()] = status.error_message();
          }
          if (++done == connections) all_done.notify_all();
        });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    all_done.wait(lock, [&] { return done == connections; });
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.right_after = ReadMemory(watchlist_pid);
  calls.clear();  // the clients go away: 2,000 connections closed
  absl::SleepFor(settle);
  result.settled = ReadMemory(watchlist_pid);
  return result;
}

}  // namespace longtake::bench
