// Latency benchmark for catalogue and watchlist reads: issues requests over
// one channel with a fixed number of outstanding calls and prints requests/s
// and latency percentiles. Queries cycle through a list so caches can't make
// every call the same.
//
//   bench_latency --addr=127.0.0.1:50051 --rpc=search
//   --queries=kalatozov,cranes bench_latency --addr=127.0.0.1:50051 --rpc=list
//   --filters='year >= 1950 AND year <= 1960' bench_latency
//   --addr=127.0.0.1:50052 --rpc=watchlist --parent=users/bench --token=...
//   bench_latency --rpc=search --while_pid=4242   # for as long as pid 4242
//   runs

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/config/flags.h"
#include "grpcpp/grpcpp.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "tools/bench/bench_flags.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace catalog = longtake::catalog::v1;
namespace watchlist = longtake::watchlist::v1;
using CatalogStub = catalog::CatalogService::Stub;

// One blocking call whose reply is dropped: only its status is measured.
template <typename Stub, typename Request, typename Response>
grpc::Status Unary(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                const Request&, Response*),
                   Stub& stub, grpc::ClientContext* context,
                   const Request& request) {
  Response response;
  return (stub.*method)(context, request, &response);
}

struct Stats {
  std::mutex mu;
  std::vector<double> latencies_ms;
  int errors = 0;
  std::string first_error;
};

// Runs `total` calls (or until `stop` turns true) with `concurrency`
// outstanding at once, each call a blocking stub call on its own thread
// (simple, and the client side is not what is measured: the server's p99
// dominates).
template <typename CallFn>
void RunLoad(int total, int concurrency, CallFn call, Stats* stats,
             const std::atomic<bool>* stop = nullptr) {
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&] {
      std::vector<double> local;
      for (int i = next++; i < total && !(stop != nullptr && *stop);
           i = next++) {
        auto start = Clock::now();
        grpc::Status status = call(i);
        double ms =
            std::chrono::duration<double, std::milli>(Clock::now() - start)
                .count();
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(stats->mu);
          if (stats->errors++ == 0) stats->first_error = status.error_message();
          continue;
        }
        local.push_back(ms);
      }
      std::lock_guard<std::mutex> lock(stats->mu);
      stats->latencies_ms.insert(stats->latencies_ms.end(), local.begin(),
                                 local.end());
    });
  }
  for (auto& t : threads) t.join();
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  longtake::FlagSet flags("bench_latency",
                          "Measures latency percentiles of longtake reads.");
  const longtake::Flag<std::string> addr_flag =
      flags.AddString("addr", "", "127.0.0.1:50051", "server address");
  const longtake::Flag<std::string> rpc_flag = flags.AddString(
      "rpc", "", "search", "search | list | getfilm | batchget | watchlist");
  const longtake::Flag<std::string> queries_flag = flags.AddString(
      "queries", "", "kalatozov,cranes,soy cuba,letter never,the,night,river",
      "comma-separated search queries");
  const longtake::Flag<std::string> filters_flag =
      flags.AddString("filters", "", "year >= 1950 AND year <= 1960",
                      "'|'-separated ListFilms filters");
  const longtake::Flag<std::string> names_flag =
      flags.AddString("names", "", "films/the-cranes-are-flying",
                      "comma-separated film names (getfilm, batchget)");
  const longtake::Flag<int64_t> page_size_flag = flags.AddInt(
      "page_size", "", 20, "page size for list, search and watchlist");
  const longtake::Flag<std::string> parent_flag = flags.AddString(
      "parent", "", "users/bench", "watchlist owner for --rpc=watchlist");
  const longtake::Flag<std::string> token_flag = flags.AddString(
      "token", "LONGTAKE_TOKEN", "", "bearer token (watchlist)");
  const longtake::Flag<int64_t> requests_flag =
      flags.AddInt("requests", "", 20000, "number of calls");
  const longtake::Flag<int64_t> concurrency_flag =
      flags.AddInt("concurrency", "", 4, "calls in flight");
  const longtake::Flag<int64_t> warmup_flag =
      flags.AddInt("warmup", "", 500, "calls before measuring");
  const longtake::Flag<int64_t> while_pid_flag = flags.AddInt(
      "while_pid", "", 0,
      "instead of --requests calls, call until this process has exited "
      "(reads while an import runs)");
  if (auto exit_code = longtake::bench::ParseFlagsOrUsage(flags, argc, argv)) {
    return *exit_code;
  }
  auto channel =
      grpc::CreateChannel(*addr_flag, grpc::InsecureChannelCredentials());
  auto catalog_stub = catalog::CatalogService::NewStub(channel);
  auto watchlist_stub = watchlist::WatchlistService::NewStub(channel);
  std::vector<std::string> queries = absl::StrSplit(*queries_flag, ',');
  std::vector<std::string> filters = absl::StrSplit(*filters_flag, '|');
  std::vector<std::string> names = absl::StrSplit(*names_flag, ',');
  const int page_size = static_cast<int>(*page_size_flag);
  const std::string rpc = *rpc_flag;
  const std::string token = *token_flag;

  auto call = [&](int i) -> grpc::Status {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    if (rpc == "search") {
      catalog::SearchFilmsRequest req;
      req.set_query(queries[i % queries.size()]);
      req.set_page_size(page_size);
      return Unary(&CatalogStub::SearchFilms, *catalog_stub, &ctx, req);
    }
    if (rpc == "list") {
      catalog::ListFilmsRequest req;
      req.set_filter(filters[i % filters.size()]);
      req.set_page_size(page_size);
      return Unary(&CatalogStub::ListFilms, *catalog_stub, &ctx, req);
    }
    if (rpc == "getfilm") {
      catalog::GetFilmRequest req;
      req.set_name(names[i % names.size()]);
      return Unary(&CatalogStub::GetFilm, *catalog_stub, &ctx, req);
    }
    if (rpc == "batchget") {
      catalog::BatchGetFilmsRequest req;
      for (const auto& n : names) req.add_names(n);
      return Unary(&CatalogStub::BatchGetFilms, *catalog_stub, &ctx, req);
    }
    watchlist::ListWatchlistItemsRequest req;
    req.set_parent(*parent_flag);
    req.set_page_size(page_size);
    watchlist::ListWatchlistItemsResponse resp;
    grpc::Status status = watchlist_stub->ListWatchlistItems(&ctx, req, &resp);
    if (status.ok() && resp.items_size() > 0 && !resp.items(0).enriched()) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "items not enriched");
    }
    return status;
  };

  Stats warm;
  RunLoad(static_cast<int>(*warmup_flag), 1, call, &warm);
  Stats stats;
  auto start = Clock::now();
  std::atomic<bool> stop{false};
  std::thread watcher;
  int total = static_cast<int>(*requests_flag);
  if (const pid_t pid = static_cast<pid_t>(*while_pid_flag); pid > 0) {
    total = std::numeric_limits<int>::max();
    watcher = std::thread([pid, &stop] {
      while (kill(pid, 0) == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      stop = true;
    });
  }
  RunLoad(total, static_cast<int>(*concurrency_flag), call, &stats, &stop);
  if (watcher.joinable()) watcher.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  auto& v = stats.latencies_ms;
  size_t ok = v.size();
  std::cout << absl::StrFormat(
      "rpc=%s calls=%d errors=%d rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
      "max_ms=%.3f\n",
      rpc, static_cast<int>(ok), stats.errors, ok / seconds,
      Percentile(v, 0.50), Percentile(v, 0.90), Percentile(v, 0.99),
      Percentile(v, 1.0));
  if (stats.errors > 0) {
    std::cerr << "first error: " << stats.first_error << "\n";
    return 1;
  }
  return 0;
}
