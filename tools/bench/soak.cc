// Soak benchmark: holds hundreds of WatchAvailability streams open on the
// watchlist while a few threads call the catalogue and the watchlist as fast
// as they answer and a curator creates and deletes an offer a few times a
// second (so events flow to every stream). Every --interval it prints one
// line (calls/s, errors by code, p50/p99 per method, streams open, events,
// both health statuses, each server's VmRSS); at the end a summary and a
// verdict. Then, unless --no-burst, 2,000 connections each send one
// oversized CreateWatchlistItem (a 1 MiB note, which validation refuses) at
// once, and the watchlist's memory high-water and RSS 10 s later are shown.
//
// Exits 1 when an invariant fails: an error in the steady phase, a stream
// that ended before the tool closed it, a stream that missed an event, a
// health check that was not SERVING, a server whose RSS grew after warm-up
// beyond --rss_margin_pct / --rss_margin_mib, or a read failing after the
// burst. tools/bench/soak.sh starts both servers on temporary stores and
// runs it; docs/benchmarks.md ("Soak") has the figures.
//
//   bench_soak --catalog_addr=127.0.0.1:50051 --watchlist_addr=127.0.0.1:50052
//       --token_secret=... --seconds=60 --streams=300
//       --catalog_pid=1234 --watchlist_pid=1235

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/token.h"
#include "common/config/flags.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "tools/bench/bench_flags.h"
#include "tools/bench/soak_burst.h"
#include "tools/bench/soak_clients.h"
#include "tools/bench/soak_load.h"

namespace {

using longtake::bench::CallStats;
using longtake::bench::Clients;
using longtake::bench::Clock;
using longtake::bench::kMethodCount;
using longtake::bench::kMethodNames;
using longtake::bench::kReadMethods;
using longtake::bench::Method;
using longtake::bench::OfferWriter;
using longtake::bench::ReadLoop;
using longtake::bench::User;
namespace catalog = longtake::catalog::v1;
namespace watchlist = longtake::watchlist::v1;
using longtake::bench::BurstResult;
using longtake::bench::CodeName;
using longtake::bench::CodesText;
using longtake::bench::Context;
using longtake::bench::HealthStatus;
using longtake::bench::kFilm;
using longtake::bench::kProvider;
using longtake::bench::kRegion;
using longtake::bench::Memory;
using longtake::bench::Mib;
using longtake::bench::MintToken;
using longtake::bench::OwnConnection;
using longtake::bench::Percentile;
using longtake::bench::ReadMemory;
using longtake::bench::RunBurst;

// ---- streams ----

// Counts shared by all streams.
struct StreamCounters {
  std::atomic<int> open{0};
  std::atomic<int64_t> events{0};
  std::mutex mu;
  std::condition_variable changed;
  int done = 0;
  int ended_unexpectedly = 0;
  std::string first_unexpected;
};

// One WatchAvailability stream, read until Stop() (callback API: hundreds
// of streams need no thread each). Must outlive its OnDone.
class AvailabilityWatcher
    : public grpc::ClientReadReactor<watchlist::WatchAvailabilityResponse> {
 public:
  AvailabilityWatcher(watchlist::WatchlistService::Stub& stub, const User& user,
                      StreamCounters& counters)
      : counters_(counters) {
    ctx_.AddMetadata("authorization", "Bearer " + user.token);
    request_.set_parent("users/" + user.name);
    stub.async()->WatchAvailability(&ctx_, &request_, this);
    StartRead(&response_);
    StartCall();
  }

  void Stop() {
    stopping_ = true;
    ctx_.TryCancel();
  }

  int64_t events() const { return events_; }

  void OnReadInitialMetadataDone(bool ok) override {
    if (!ok) return;
    opened_ = true;
    ++counters_.open;
    counters_.changed.notify_all();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    ++events_;
    ++counters_.events;
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    if (opened_) --counters_.open;
    std::lock_guard<std::mutex> lock(counters_.mu);
    ++counters_.done;
    if (!stopping_) {
      if (counters_.ended_unexpectedly++ == 0) {
        counters_.first_unexpected = absl::StrCat(CodeName(status.error_code()),
                                                  " ", status.error_message());
      }
    }
    counters_.changed.notify_all();
  }

 private:
  StreamCounters& counters_;
  grpc::ClientContext ctx_;
  watchlist::WatchAvailabilityRequest request_;
  watchlist::WatchAvailabilityResponse response_;
  std::atomic<bool> stopping_{false};
  bool opened_ = false;
  std::atomic<int64_t> events_{0};
};

// ---- the report ----

struct ServerWatch {
  std::string name;
  int64_t pid = 0;
  std::shared_ptr<grpc::Channel> channel;
  Memory start;
  double warm_rss = -1;  // RSS at the first report after warm-up
  double max_rss = -1;
  double end_rss = -1;
  int health_checks = 0;
  int not_serving = 0;
  std::string first_not_serving;

  // Checks health and reads memory; returns "SERVING" or what it got.
  std::string Observe(bool warmed_up) {
    std::string status = HealthStatus(channel);
    ++health_checks;
    if (status != "SERVING" && not_serving++ == 0) first_not_serving = status;
    Memory m = ReadMemory(pid);
    end_rss = m.rss_mib;
    max_rss = std::max(max_rss, m.rss_mib);
    if (warmed_up && warm_rss < 0) warm_rss = m.rss_mib;
    return status;
  }
};

}  // namespace

int main(int argc, char** argv) {
  longtake::FlagSet flags(
      "bench_soak",
      "Holds WatchAvailability streams open under unary load and reports "
      "health, errors, latency and memory; exits 1 when an invariant fails.");
  const auto catalog_addr =
      flags.AddString("catalog_addr", "", "127.0.0.1:50051", "catalogue");
  const auto watchlist_addr =
      flags.AddString("watchlist_addr", "", "127.0.0.1:50052", "watchlist");
  const auto secret_flag =
      flags.AddString("token_secret", "LONGTAKE_TOKEN_SECRET", "",
                      "the servers' token secret (the tool mints its tokens)");
  const auto seconds_flag =
      flags.AddInt("seconds", "", 60, "length of the steady phase");
  const auto streams_flag =
      flags.AddInt("streams", "", 300, "WatchAvailability streams held open");
  const auto per_user_flag = flags.AddInt(
      "streams_per_user", "", 10,
      "streams per user (the watchlist's --max-streams-per-user is 16)");
  const auto threads_flag = flags.AddInt(
      "unary_threads", "", 4,
      "threads calling GetFilm, SearchFilms, ListWatchlistItems and "
      "WhereToWatch in turn, each as fast as answers come");
  const auto write_rate_flag =
      flags.AddInt("write_rate", "", 4,
                   "curator offer writes per second (create, then delete)");
  const auto interval_flag = flags.AddDuration("interval", "", absl::Seconds(5),
                                               "time between report lines");
  const auto warmup_flag =
      flags.AddDuration("warmup", "", absl::Seconds(10),
                        "RSS is compared with the first report after this");
  const auto margin_pct_flag = flags.AddInt(
      "rss_margin_pct", "", 10,
      "memory is flat when the end RSS is within this % of the warmed-up RSS");
  const auto margin_mib_flag =
      flags.AddInt("rss_margin_mib", "", 8, "... or within this many MiB");
  const auto catalog_pid_flag = flags.AddInt(
      "catalog_pid", "", 0, "catalogue process, for its VmRSS (0: not shown)");
  const auto watchlist_pid_flag = flags.AddInt(
      "watchlist_pid", "", 0, "watchlist process, for its VmRSS/VmHWM");
  const auto burst_flag = flags.AddBool(
      "burst", "", true, "after the steady phase, the connection burst");
  const auto burst_connections_flag = flags.AddInt(
      "burst_connections", "", 2000, "connections of the burst, one call each");
  const auto burst_note_flag = flags.AddInt(
      "burst_note_bytes", "", 1 << 20,
      "note size of each burst CreateWatchlistItem (validation allows 4096)");
  const auto burst_growth_flag = flags.AddInt(
      "burst_max_growth_mib", "", 256,
      "fail when the burst raises the watchlist's high-water (VmHWM) more "
      "than this above its RSS before the burst");
  const auto burst_settle_flag = flags.AddDuration(
      "burst_settle", "", absl::Seconds(10),
      "wait after the burst before reading the watchlist's RSS again");
  if (auto exit_code = longtake::bench::ParseFlagsOrUsage(flags, argc, argv)) {
    return *exit_code;
  }
  const std::string secret = *secret_flag;
  const int streams = static_cast<int>(*streams_flag);
  const int per_user = static_cast<int>(std::max<int64_t>(*per_user_flag, 1));
  if (secret.empty() || streams < 1) {
    std::cerr << "bench_soak: --token_secret (or LONGTAKE_TOKEN_SECRET) and "
                 "--streams >= 1 are required\n";
    return 2;
  }

  ServerWatch servers[2];
  servers[0].name = "catalog";
  servers[0].pid = *catalog_pid_flag;
  servers[0].channel =
      grpc::CreateChannel(*catalog_addr, grpc::InsecureChannelCredentials());
  servers[1].name = "watchlist";
  servers[1].pid = *watchlist_pid_flag;
  servers[1].channel =
      grpc::CreateChannel(*watchlist_addr, grpc::InsecureChannelCredentials());
  for (ServerWatch& s : servers) s.start = ReadMemory(s.pid);
  Clients clients{catalog::CatalogService::NewStub(servers[0].channel),
                  watchlist::WatchlistService::NewStub(servers[1].channel)};

  // Users, each with kFilm on the list (so offers for it are their events).
  const int user_count = (streams + per_user - 1) / per_user;
  std::vector<User> users;
  for (int i = 0; i < user_count; ++i) {
    User user{absl::StrCat("soak-", i), ""};
    user.token = MintToken(secret, user.name, false);
    watchlist::CreateWatchlistItemRequest request;
    request.set_parent("users/" + user.name);
    request.mutable_item()->set_film(kFilm);
    watchlist::WatchlistItem item;
    grpc::Status s = clients.watchlist->CreateWatchlistItem(
        Context(user.token).get(), request, &item);
    if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      std::cerr << "setup: adding " << kFilm << " to users/" << user.name
                << " failed: " << CodeName(s.error_code()) << " "
                << s.error_message() << "\n";
      return 1;
    }
    users.push_back(std::move(user));
  }

  // The streams: one connection per user, as each user's app would have.
  StreamCounters counters;
  std::vector<std::shared_ptr<grpc::Channel>> user_channels;
  std::vector<std::unique_ptr<watchlist::WatchlistService::Stub>> user_stubs;
  for (int i = 0; i < user_count; ++i) {
    user_channels.push_back(OwnConnection(*watchlist_addr));
    user_stubs.push_back(
        watchlist::WatchlistService::NewStub(user_channels.back()));
  }
  std::vector<std::unique_ptr<AvailabilityWatcher>> watchers;
  for (int i = 0; i < streams; ++i) {
    watchers.push_back(std::make_unique<AvailabilityWatcher>(
        *user_stubs[i / per_user], users[i / per_user], counters));
  }
  {
    std::unique_lock<std::mutex> lock(counters.mu);
    counters.changed.wait_for(lock, std::chrono::seconds(30), [&] {
      return counters.open == streams || counters.done > 0;
    });
    if (counters.open != streams) {
      std::cerr << "setup: " << counters.open << " of " << streams
                << " streams opened; first failure: "
                << counters.first_unexpected << "\n";
      lock.unlock();
      for (auto& w : watchers) w->Stop();
      lock.lock();
      counters.changed.wait_for(lock, std::chrono::seconds(10),
                                [&] { return counters.done == streams; });
      if (counters.done != streams) {
        for (auto& w : watchers) (void)w.release();  // still referenced by gRPC
      }
      return 1;
    }
  }
  std::cout << absl::StrFormat(
                   "soak: %d s, %d streams over %d users, %d unary threads, "
                   "%d offer writes/s; RSS MiB at start: catalog %s, "
                   "watchlist %s",
                   *seconds_flag, streams, user_count, *threads_flag,
                   *write_rate_flag, Mib(servers[0].start.rss_mib),
                   Mib(servers[1].start.rss_mib))
            << std::endl;

  // The steady phase.
  CallStats stats;
  std::atomic<bool> stop{false};
  OfferWriter writer(clients, MintToken(secret, "soak-curator", true),
                     static_cast<double>(*write_rate_flag), stats);
  std::vector<std::thread> threads;
  for (int t = 0; t < *threads_flag; ++t) {
    threads.emplace_back(ReadLoop, t, static_cast<int>(*threads_flag),
                         std::cref(clients), std::cref(users), std::cref(stop),
                         std::ref(stats));
  }
  if (*write_rate_flag > 0) {
    threads.emplace_back([&] { writer.Run(stop); });
  }
  const auto start = Clock::now();
  const auto interval = absl::ToChronoNanoseconds(*interval_flag);
  const auto end = start + std::chrono::seconds(*seconds_flag);
  int64_t total_calls = 0;
  std::map<grpc::StatusCode, int64_t> total_errors;
  std::array<std::string, kMethodCount> first_errors;
  int64_t events_before = 0;
  for (auto tick = start + interval;; tick += interval) {
    const bool last = tick >= end;
    std::this_thread::sleep_until(std::min(tick, end));
    if (last) {
      stop = true;
      for (auto& t : threads) t.join();
    }
    const double elapsed =
        std::chrono::duration<double>(Clock::now() - start).count();
    const double window_s = std::chrono::duration<double>(interval).count();
    CallStats::Window w = stats.Take();
    total_calls += w.calls;
    for (const auto& [code, n] : w.errors) total_errors[code] += n;
    std::string latencies;
    for (int m = 0; m < kMethodCount; ++m) {
      if (first_errors[m].empty()) first_errors[m] = w.first_error[m];
      auto& v = w.latencies_ms[m];
      if (v.empty()) continue;
      absl::StrAppendFormat(&latencies, " %s %.2f/%.2f", kMethodNames[m],
                            Percentile(v, 0.50), Percentile(v, 0.99));
    }
    const bool warmed_up = elapsed >= absl::ToDoubleSeconds(*warmup_flag) ||
                           last;  // a run shorter than the warm-up
    std::string health[2];
    for (int i = 0; i < 2; ++i) health[i] = servers[i].Observe(warmed_up);
    const int64_t events = counters.events;
    std::cout << absl::StrFormat(
                     "t=%3.0fs calls/s=%.0f errors=%s p50/p99 ms:%s | "
                     "streams=%d events=+%d | health catalog=%s watchlist=%s "
                     "| RSS MiB catalog=%s watchlist=%s",
                     elapsed, w.calls / window_s, CodesText(w.errors),
                     latencies, counters.open.load(), events - events_before,
                     health[0], health[1], Mib(servers[0].end_rss),
                     Mib(servers[1].end_rss))
              << std::endl;
    events_before = events;
    if (last) break;
  }
  const double steady_s =
      std::chrono::duration<double>(Clock::now() - start).count();

  // Every acknowledged write is an event for every stream: give the last
  // ones a moment to arrive, then count the streams short of them.
  const int64_t writes = writer.acknowledged();
  auto streams_short = [&] {
    return std::count_if(watchers.begin(), watchers.end(),
                         [&](const auto& w) { return w->events() < writes; });
  };
  for (int i = 0; i < 50 && streams_short() > 0; ++i)
    absl::SleepFor(absl::Milliseconds(100));
  const int64_t short_streams = streams_short();

  std::optional<BurstResult> burst;
  std::string burst_health[2];
  std::map<grpc::StatusCode, int64_t> after_burst_errors;
  if (*burst_flag) {
    std::cout << absl::StrFormat(
                     "burst: %d connections, one CreateWatchlistItem with a "
                     "%d-byte note each, at once...",
                     *burst_connections_flag, *burst_note_flag)
              << std::endl;
    burst = RunBurst(*watchlist_addr, secret,
                     static_cast<int>(*burst_connections_flag),
                     *burst_note_flag, *burst_settle_flag, servers[1].pid);
    // (Not Observe: the steady phase's RSS figures end before the burst.)
    for (int i = 0; i < 2; ++i)
      burst_health[i] = HealthStatus(servers[i].channel);
    // Reads still answer.
    for (int m = 0; m < kReadMethods; ++m) {
      grpc::Status s = CallRead(static_cast<Method>(m), 0, clients, users);
      if (!s.ok()) {
        ++after_burst_errors[s.error_code()];
        std::cout << "after the burst, " << kMethodNames[m]
                  << " failed: " << CodeName(s.error_code()) << " "
                  << s.error_message() << std::endl;
      }
    }
  }

  // Close the streams; any that ended before this ended unexpectedly.
  for (auto& w : watchers) w->Stop();
  {
    std::unique_lock<std::mutex> lock(counters.mu);
    if (!counters.changed.wait_for(lock, std::chrono::seconds(10),
                                   [&] { return counters.done == streams; })) {
      std::cout << "warning: " << streams - counters.done
                << " streams did not finish after cancel" << std::endl;
      for (auto& w : watchers) (void)w.release();  // still referenced by gRPC
    }
  }

  // The summary and the verdict.
  std::vector<std::string> failures;
  std::cout << absl::StrFormat(
                   "summary: %.0f s, %d calls (%.0f/s), errors %s, offer "
                   "writes acknowledged %d",
                   steady_s, total_calls, total_calls / steady_s,
                   CodesText(total_errors), writes)
            << std::endl;
  if (!total_errors.empty()) {
    failures.push_back("errors in the steady phase");
    for (int m = 0; m < kMethodCount; ++m) {
      if (!first_errors[m].empty()) {
        std::cout << "  first " << kMethodNames[m]
                  << " error: " << first_errors[m] << std::endl;
      }
    }
  }
  std::cout << absl::StrFormat(
                   "streams: %d held, %d ended unexpectedly, %d events "
                   "received (%d expected: %d writes x %d streams), %d "
                   "streams missed events",
                   streams, counters.ended_unexpectedly, counters.events.load(),
                   writes * streams, writes, streams, short_streams)
            << std::endl;
  if (counters.ended_unexpectedly > 0) {
    failures.push_back(absl::StrCat(
        "streams ended unexpectedly (first: ", counters.first_unexpected, ")"));
  }
  if (short_streams > 0) failures.push_back("streams missed events");
  // Memory is flat when `to` is within the RSS margins above `from`.
  auto within_margin = [&](double from, double to) {
    return to - from <= std::max(from * *margin_pct_flag / 100.0,
                                 static_cast<double>(*margin_mib_flag));
  };
  for (ServerWatch& s : servers) {
    const double growth = s.end_rss - s.warm_rss;
    const bool measured = s.pid > 0 && s.warm_rss >= 0 && s.end_rss >= 0;
    const bool flat = !measured || within_margin(s.warm_rss, s.end_rss);
    std::cout << absl::StrFormat(
                     "%s: health %s (%d checks), RSS MiB start %s, after "
                     "warm-up %s, max %s, end %s: %s",
                     s.name,
                     s.not_serving == 0
                         ? "always SERVING"
                         : absl::StrCat(s.not_serving, " not SERVING (first ",
                                        s.first_not_serving, ")"),
                     s.health_checks, Mib(s.start.rss_mib), Mib(s.warm_rss),
                     Mib(s.max_rss), Mib(s.end_rss),
                     !measured ? "not measured"
                     : flat    ? absl::StrFormat("flat (%+.1f)", growth)
                               : absl::StrFormat("GREW %+.1f", growth))
              << std::endl;
    if (s.not_serving > 0) failures.push_back(s.name + " not SERVING");
    if (!flat) failures.push_back(s.name + " memory grew");
  }
  if (burst) {
    std::cout << absl::StrFormat(
                     "burst: %d of %d connected, answered in %.1f s: %s; "
                     "watchlist MiB: RSS before %s, high-water (VmHWM) "
                     "before %s, after %s; RSS right after %s, %.0f s after "
                     "%s; health after: catalog %s, watchlist %s",
                     burst->connected, burst->connections, burst->seconds,
                     CodesText(burst->codes), Mib(burst->before.rss_mib),
                     Mib(burst->before.hwm_mib),
                     Mib(burst->right_after.hwm_mib),
                     Mib(burst->right_after.rss_mib),
                     absl::ToDoubleSeconds(*burst_settle_flag),
                     Mib(burst->settled.rss_mib), burst_health[0],
                     burst_health[1])
              << std::endl;
    for (const auto& [code, message] : burst->first_message) {
      std::cout << "  first " << CodeName(code) << ": "
                << message.substr(0, 200) << std::endl;
    }
    if (burst->codes.count(grpc::StatusCode::OK) > 0) {
      failures.push_back("the burst's oversized notes were accepted");
    }
    const double growth = burst->right_after.hwm_mib - burst->before.rss_mib;
    if (burst->before.rss_mib < 0 || burst->right_after.hwm_mib < 0 ||
        burst->settled.rss_mib < 0) {
      failures.push_back("the watchlist's memory was not measured");
    } else {
      if (growth > static_cast<double>(*burst_growth_flag)) {
        failures.push_back(absl::StrFormat(
            "the burst raised the watchlist's high-water by %.0f MiB (at "
            "most %d)",
            growth, *burst_growth_flag));
      }
      // Given back: within the same margins as the steady phase.
      if (!within_margin(burst->before.rss_mib, burst->settled.rss_mib)) {
        failures.push_back("the burst's memory was not given back");
      }
    }
    if (burst_health[0] != "SERVING" || burst_health[1] != "SERVING") {
      failures.push_back("not SERVING after the burst");
    }
    if (!after_burst_errors.empty()) {
      failures.push_back("reads failed after the burst");
    }
  }
  if (failures.empty()) {
    std::cout << "verdict: PASS" << std::endl;
    return 0;
  }
  std::cout << "verdict: FAIL: " << absl::StrJoin(failures, "; ") << std::endl;
  return 1;
}
