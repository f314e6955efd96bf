#pragma once

// The unary load of the soak benchmark (tools/bench/soak.cc): the read
// methods the load threads cycle through, the per-window call statistics the
// reporter takes, and the curator's offer writes that make events flow.
//
//   CallStats stats;
//   std::thread t([&] { ReadLoop(0, 1, clients, users, stop, stats); });
//   CallStats::Window w = stats.Take();   // every report

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "tools/bench/soak_clients.h"

namespace longtake::bench {

using Clock = std::chrono::steady_clock;
namespace catalog = ::longtake::catalog::v1;
namespace watchlist = ::longtake::watchlist::v1;

enum Method {
  kGetFilm,
  kSearchFilms,
  kListWatchlistItems,
  kWhereToWatch,
  kCreateOffer,
  kDeleteOffer,
  kMethodCount,
};
constexpr std::array<const char*, kMethodCount> kMethodNames = {
    "GetFilm",      "SearchFilms", "ListWatchlistItems",
    "WhereToWatch", "CreateOffer", "DeleteOffer"};
// The read methods the unary threads cycle through.
constexpr int kReadMethods = 4;

// Calls of one reporting window: latencies of successful calls per method
// and failed calls by code. Recorded by the load threads, taken (and reset)
// by the reporter.
class CallStats {
 public:
  struct Window {
    std::array<std::vector<double>, kMethodCount> latencies_ms;
    std::map<grpc::StatusCode, int64_t> errors;
    std::array<std::map<grpc::StatusCode, int64_t>, kMethodCount>
        errors_by_method;
    std::array<std::string, kMethodCount> first_error;
    int64_t calls = 0;
  };

  void Record(Method method, const grpc::Status& status,
              Clock::time_point start) {
    double ms =
        std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::lock_guard<std::mutex> lock(mu_);
    ++window_.calls;
    if (status.ok()) {
      window_.latencies_ms[method].push_back(ms);
      return;
    }
    ++window_.errors[status.error_code()];
    if (window_.errors_by_method[method][status.error_code()]++ == 0 &&
        window_.first_error[method].empty()) {
      window_.first_error[method] = absl::StrCat(CodeName(status.error_code()),
                                                 " ", status.error_message());
    }
  }

  Window Take() {
    std::lock_guard<std::mutex> lock(mu_);
    Window taken = std::move(window_);
    window_ = Window();
    return taken;
  }

 private:
  std::mutex mu_;
  Window window_;
};

struct User {
  std::string name;   // "soak-3"
  std::string token;  // a user token for `name`
};

// The stubs the load threads share (stubs and channels are thread-safe).
struct Clients {
  std::unique_ptr<catalog::CatalogService::Stub> catalog;
  std::unique_ptr<watchlist::WatchlistService::Stub> watchlist;
};

// One call of read method `method` (one of the first kReadMethods), the
// i-th of its thread: films, queries and users taken in turn.
grpc::Status CallRead(Method method, int i, const Clients& clients,
                      const std::vector<User>& users);

// Calls the read methods in turn until `stop` (thread `t` of `threads`:
// the threads start at different methods and users).
void ReadLoop(int t, int threads, const Clients& clients,
              const std::vector<User>& users, const std::atomic<bool>& stop,
              CallStats& stats);

// The curator: `rate` writes a second, alternately creating an offer for
// kFilm and deleting it; each acknowledged write is one event per stream.
class OfferWriter {
 public:
  OfferWriter(const Clients& clients, std::string token, double rate,
              CallStats& stats)
      : clients_(clients),
        token_(std::move(token)),
        period_(std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(1.0 / std::max(rate, 0.01)))),
        stats_(stats),
        id_prefix_(absl::StrCat("soak-", absl::ToUnixSeconds(absl::Now()))) {}

  void Run(const std::atomic<bool>& stop) {
    auto next = Clock::now();
    while (!stop) {
      std::this_thread::sleep_until(next);
      next += period_;
      WriteOnce();
    }
    // Leave no soak offer behind.
    if (!live_offer_.empty()) WriteOnce();
  }

  int64_t acknowledged() const { return acknowledged_; }

 private:
  void WriteOnce() {
    auto start = Clock::now();
    if (live_offer_.empty()) {
      watchlist::CreateOfferRequest request;
      request.set_offer_id(absl::StrCat(id_prefix_, "-", next_id_++));
      watchlist::Offer* offer = request.mutable_offer();
      offer->set_film(kFilm);
      offer->set_provider(kProvider);
      offer->set_monetization(watchlist::MONETIZATION_BUY);
      offer->set_format(watchlist::FORMAT_BLU_RAY);
      offer->set_region(kRegion);
      offer->mutable_price()->set_currency_code("GBP");
      offer->mutable_price()->set_units(20);
      offer->set_deep_link_uri("https://mrbongo.com/products/soak");
      watchlist::Offer created;
      grpc::Status s = clients_.watchlist->CreateOffer(Context(token_).get(),
                                                       request, &created);
      stats_.Record(kCreateOffer, s, start);
      if (s.ok()) {
        live_offer_ = created.name();
        ++acknowledged_;
      }
      return;
    }
    watchlist::DeleteOfferRequest request;
    request.set_name(live_offer_);
    google::protobuf::Empty empty;
    grpc::Status s =
        clients_.watchlist->DeleteOffer(Context(token_).get(), request, &empty);
    stats_.Record(kDeleteOffer, s, start);
    if (s.ok()) ++acknowledged_;
    if (s.ok() || s.error_code() == grpc::StatusCode::NOT_FOUND) {
      live_offer_.clear();
    }
  }

  const Clients& clients_;
  const std::string token_;
  const Clock::duration period_;
  CallStats& stats_;
  const std::string id_prefix_;
  int next_id_ = 0;
  std::string live_offer_;
  std::atomic<int64_t> acknowledged_{0};
};

}  // namespace longtake::bench
