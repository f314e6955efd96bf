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

namespace {

using Clock = std::chrono::steady_clock;
namespace catalog = longtake::catalog::v1;
namespace watchlist = longtake::watchlist::v1;
namespace health = grpc::health::v1;

// Every soak user watches this film; the curator's offers are for it, so
// each offer write is an event for every stream.
constexpr char kFilm[] = "films/i-am-cuba";
constexpr char kProvider[] = "providers/mr-bongo";
constexpr char kRegion[] = "GB";
constexpr char kCreateItemMethod[] =
    "/longtake.watchlist.v1.WatchlistService/CreateWatchlistItem";
constexpr auto kCallDeadline = std::chrono::seconds(5);

// The one place that mints bearer tokens: the token format is changing
// (JWT), and only this function needs to follow it.
std::string MintToken(const std::string& secret, const std::string& user,
                      bool curator) {
  longtake::auth::TokenMinter signer(secret);
  return signer.Mint(
      user,
      curator ? longtake::auth::Role::kCurator : longtake::auth::Role::kUser,
      absl::Hours(24));
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string CodesText(const std::map<grpc::StatusCode, int64_t>& codes) {
  if (codes.empty()) return "0";
  std::vector<std::string> parts;
  for (const auto& [code, n] : codes) {
    parts.push_back(absl::StrCat(CodeName(code), ":", n));
  }
  return absl::StrJoin(parts, ",");
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

// A channel with a connection of its own (not shared with other channels to
// the same address), as a separate client would have.
std::shared_ptr<grpc::Channel> OwnConnection(const std::string& addr) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(addr, grpc::InsecureChannelCredentials(),
                                   args);
}

// ---- memory and health ----

struct Memory {
  double rss_mib = -1;  // VmRSS; -1 when unknown (no pid, process gone)
  double hwm_mib = -1;  // VmHWM: the RSS high-water since the process began
};

Memory ReadMemory(int64_t pid) {
  Memory m;
  if (pid <= 0) return m;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    double kb = 0;
    fields >> key >> kb;
    if (key == "VmRSS:") m.rss_mib = kb / 1024;
    if (key == "VmHWM:") m.hwm_mib = kb / 1024;
  }
  return m;
}

// "SERVING", another ServingStatus name, or the failed call's code.
std::string HealthStatus(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = health::Health::NewStub(channel);
  health::HealthCheckRequest request;
  health::HealthCheckResponse response;
  grpc::Status s = stub->Check(Context("").get(), request, &response);
  if (!s.ok()) return CodeName(s.error_code());
  return health::HealthCheckResponse::ServingStatus_Name(response.status());
}

// ---- unary calls ----

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

grpc::Status CallRead(Method method, int i, const Clients& clients,
                      const std::vector<User>& users) {
  static const std::array<const char*, 3> kNames = {
      "films/the-cranes-are-flying", "films/i-am-cuba",
      "films/letter-never-sent"};
  static const std::array<const char*, 5> kQueries = {
      "kalatozov", "cranes", "soy cuba", "letter never", "urusevsky"};
  const User& user = users[i % users.size()];
  switch (method) {
    case kGetFilm: {
      catalog::GetFilmRequest request;
      request.set_name(kNames[i % kNames.size()]);
      catalog::Film response;
      return clients.catalog->GetFilm(Context("").get(), request, &response);
    }
    case kSearchFilms: {
      catalog::SearchFilmsRequest request;
      request.set_query(kQueries[i % kQueries.size()]);
      request.set_page_size(10);
      catalog::SearchFilmsResponse response;
      return clients.catalog->SearchFilms(Context("").get(), request,
                                          &response);
    }
    case kListWatchlistItems: {
      watchlist::ListWatchlistItemsRequest request;
      request.set_parent("users/" + user.name);
      watchlist::ListWatchlistItemsResponse response;
      grpc::Status s = clients.watchlist->ListWatchlistItems(
          Context(user.token).get(), request, &response);
      if (s.ok() &&
          (response.items_size() == 0 || !response.items(0).enriched())) {
        return grpc::Status(grpc::StatusCode::INTERNAL,
                            "list empty or not enriched");
      }
      return s;
    }
    default: {
      watchlist::WhereToWatchRequest request;
      request.set_film(kFilm);
      request.set_region(kRegion);
      watchlist::WhereToWatchResponse response;
      return clients.watchlist->WhereToWatch(Context(user.token).get(), request,
                                             &response);
    }
  }
}

// Calls the read methods in turn until `stop` (thread `t` of `threads`:
// the threads start at different methods and users).
void ReadLoop(int t, int threads, const Clients& clients,
              const std::vector<User>& users, const std::atomic<bool>& stop,
              CallStats& stats) {
  for (int n = 0; !stop; ++n) {
    auto method = static_cast<Method>((n + t) % kReadMethods);
    auto start = Clock::now();
    stats.Record(method, CallRead(method, n * threads + t, clients, users),
                 start);
  }
}

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

// ---- burst ----

struct BurstResult {
  int connections = 0;
  int connected = 0;
  std::map<grpc::StatusCode, int64_t> codes;
  std::map<grpc::StatusCode, std::string> first_message;
  double seconds = 0;
  Memory before, right_after, settled;
};

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
  watchlist::CreateWatchlistItemRequest big;
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
    watchlist::CreateWatchlistItemRequest small;
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

std::string Mib(double mib) {
  return mib < 0 ? "?" : absl::StrFormat("%.1f", mib);
}

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
  for (ServerWatch& s : servers) {
    const double growth = s.end_rss - s.warm_rss;
    const bool measured = s.pid > 0 && s.warm_rss >= 0 && s.end_rss >= 0;
    const bool flat =
        !measured || growth <= std::max(s.warm_rss * *margin_pct_flag / 100.0,
                                        static_cast<double>(*margin_mib_flag));
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
