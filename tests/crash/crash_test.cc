// kill -9 under load: writer threads write as fast as they can while the
// server under test is killed with SIGKILL at random moments, 20 times, and
// restarted on the same store and port. A writer whose call failed retries
// the same request (same request_id) until it is acknowledged, as a client
// would. At the end, on both stores (a SQLite file, a PostgreSQL server the
// test starts):
//   - every acknowledged write is there, complete (no half-written record),
//   - no write is there twice (a retry after the crash returned the first
//     result instead of writing again),
//   - nothing is there that no writer sent,
//   - (SQLite) the file passes PRAGMA integrity_check after every kill.
// Figures (writes, kills) are printed and recorded as test properties.

#include <sqlite3.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/token.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "tests/support/call_context.h"
#include "tests/support/postgres_server.h"
#include "tests/support/running_service.h"
#include "tests/support/server_process.h"
#include "tests/support/watchlist_requests.h"

namespace longtake {
namespace {

namespace wlv1 = ::longtake::watchlist::v1;
namespace catalogv1 = ::longtake::catalog::v1;
using ::longtake::testing::CallContext;
using ::longtake::testing::ServerProcess;

constexpr char kSecret[] = "crash-test-secret";
constexpr int kKills = 20;
constexpr int kWriters = 4;
constexpr char kProvider[] = "providers/crash-test";

// Reconnects quickly after a restart: gRPC's default backoff grows to 2 min,
// and a DNS target is re-resolved at most every 30 s, hence ipv4:.
std::shared_ptr<grpc::Channel> FastReconnectChannel(
    const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS, 50);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  return grpc::CreateCustomChannel("ipv4:" + address,
                                   grpc::InsecureChannelCredentials(), args);
}

std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db);
    return "cannot open " + path;
  }
  std::string result;
  sqlite3_exec(
      db, "PRAGMA integrity_check",
      [](void* out, int, char** values, char**) {
        static_cast<std::string*>(out)->append(values[0] ? values[0] : "");
        return 0;
      },
      &result, nullptr);
  sqlite3_close(db);
  return result;
}

// A read after a restart: the first call may still go out on the killed
// connection (UNAVAILABLE), so it is retried a few times.
template <typename Call>
grpc::Status ReadAfterRestart(const std::string& token, Call call) {
  grpc::Status s;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto context = CallContext(token, absl::Seconds(10));
    context->set_wait_for_ready(true);
    s = call(context.get());
    if (s.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return s;
}

// What the writers were told: marker -> acknowledged resource name.
struct Ledger {
  std::mutex mu;
  std::map<std::string, std::string> acked;
  int retried_after_failure = 0;
};

class CrashTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      for (std::string* url : {&catalog_store_, &watchlist_store_}) {
        auto fresh = testing::FreshPostgresDatabaseUrl();
        ASSERT_TRUE(fresh.ok()) << fresh.status();
        *url = *fresh;
      }
    } else {
      catalog_file_ = dir_.path() + "/catalog.db";
      watchlist_file_ = dir_.path() + "/watchlist.db";
      catalog_store_ = "sqlite:///" + catalog_file_;
      watchlist_store_ = "sqlite:///" + watchlist_file_;
    }
    auth::TokenMinter signer(kSecret);
    curator_ = signer.Mint("cora", auth::Role::kCurator, absl::Hours(1));
  }

  std::vector<std::string> CommonArgs(int port) const {
    return {absl::StrCat("--listen=127.0.0.1:", port),
            absl::StrCat("--token-secret=", kSecret), "--log-level=warning",
            "--no-log-calls",
            // As fast as they can: no rate limits here.
            "--user-write-rate=0", "--peer-write-rate=0"};
  }

  std::unique_ptr<ServerProcess> StartCatalog(int port) {
    std::vector<std::string> args = CommonArgs(port);
    args.push_back("--store=" + catalog_store_);
    args.push_back("--seed=" + testing::CatalogSeedPath());
    auto process =
        ServerProcess::Start(testing::BinaryPath("longtake-catalog"), args);
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? *std::move(process) : nullptr;
  }

  std::unique_ptr<ServerProcess> StartWatchlist(int port,
                                                const std::string& catalog) {
    std::vector<std::string> args = CommonArgs(port);
    args.push_back("--store=" + watchlist_store_);
    args.push_back("--seed=" + testing::OffersSeedPath());
    args.push_back("--catalog=" + catalog);
    args.push_back("--catalog-deadline=2s");
    auto process =
        ServerProcess::Start(testing::BinaryPath("longtake-watchlist"), args);
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? *std::move(process) : nullptr;
  }

  // Runs `write(writer, seq, marker, request_id, &name)` on kWriters threads
  // while `server` is killed and restarted kKills times by `restart`
  // (which returns the new process). `file` is checked with integrity_check
  // after every kill when it is a SQLite file.
  template <typename Write, typename Restart>
  void KillUnderLoad(std::unique_ptr<ServerProcess>& server, Write write,
                     Restart restart, const std::string& file, Ledger* ledger) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        for (int seq = 0; !stop; ++seq) {
          const std::string marker = absl::StrCat("w", w, "-", seq);
          const std::string request_id = absl::StrCat("crash-", marker);
          bool failed_before = false;
          // The same request until it is acknowledged, even after `stop`.
          for (;;) {
            std::string name;
            grpc::Status s = write(marker, request_id, &name);
            if (s.ok()) {
              std::lock_guard<std::mutex> lock(ledger->mu);
              ledger->acked[marker] = name;
              if (failed_before) ++ledger->retried_after_failure;
              break;
            }
            ASSERT_TRUE(s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                        s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
                << marker << ": " << s.error_code() << " " << s.error_message();
            failed_before = true;
            absl::SleepFor(absl::Milliseconds(20));
          }
        }
      });
    }
    std::mt19937 random(20261204);
    std::uniform_int_distribution<int> pause_ms(50, 400);
    for (int kill = 0; kill < kKills && !HasFailure(); ++kill) {
      absl::SleepFor(absl::Milliseconds(pause_ms(random)));
      const int port = server->port();
      server->Kill();
      if (!file.empty()) {
        EXPECT_EQ(IntegrityCheck(file), "ok") << "after kill " << kill;
      }
      server = restart(port);
      if (server == nullptr) break;
    }
    absl::SleepFor(absl::Milliseconds(200));  // writes after the last restart
    stop = true;
    for (std::thread& t : writers) t.join();
  }

  void Record(const std::string& what, const Ledger& ledger) {
    RecordProperty(what + "_acknowledged",
                   static_cast<int>(ledger.acked.size()));
    RecordProperty(what + "_retried", ledger.retried_after_failure);
    std::printf(
        "%s on %s: %zu acknowledged writes over %d kills, %d retried "
        "after a failure\n",
        what.c_str(), GetParam().c_str(), ledger.acked.size(), kKills,
        ledger.retried_after_failure);
  }

  // Sends `request` with `request_id` through the stub's Create method as a
  // curator, waiting for the server through a restart (3 s at most); the
  // created resource's name in `*name`.
  template <typename Stub, typename Request, typename Resource>
  grpc::Status CreateThroughRestart(
      Stub* stub,
      grpc::Status (Stub::*create)(grpc::ClientContext*, const Request&,
                                   Resource*),
      Request request, const std::string& request_id, std::string* name) {
    request.set_request_id(request_id);
    Resource created;
    auto context = CallContext(curator_, absl::Seconds(3));
    context->set_wait_for_ready(true);  // through the restart
    grpc::Status s = (stub->*create)(context.get(), request, &created);
    *name = created.name();
    return s;
  }

  // KillUnderLoad, then checks that enough writes were acknowledged
  // (recorded as `what`) and restarts `server` on its port for reading them
  // back through a fresh process on the same store.
  template <typename Write, typename Restart>
  void KillUnderLoadThenRestart(std::unique_ptr<ServerProcess>& server,
                                Write write, Restart restart,
                                const std::string& file,
                                const std::string& what, Ledger* ledger) {
    KillUnderLoad(server, write, restart, file, ledger);
    ASSERT_NE(server, nullptr);
    ASSERT_FALSE(HasFailure());
    Record(what, *ledger);
    EXPECT_GT(ledger->acked.size(), 100u);
    const int port = server->port();
    server->Kill();
    server = restart(port);
    ASSERT_NE(server, nullptr);
  }

  // Reads every page of `list` through the stub's List method (each read
  // as ReadAfterRestart), handing each page to `each`.
  template <typename Stub, typename Request, typename Response, typename Each>
  void ReadEveryPage(Stub* stub,
                     grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                  const Request&, Response*),
                     Request list, Each each) {
    for (;;) {
      Response page;
      grpc::Status s =
          ReadAfterRestart(curator_, [&](grpc::ClientContext* context) {
            page.Clear();
            return (stub->*method)(context, list, &page);
          });
      ASSERT_TRUE(s.ok()) << s.error_message();
      each(page);
      if (HasFatalFailure() || page.next_page_token().empty()) return;
      list.set_page_token(page.next_page_token());
    }
  }

  // `seen` (marker -> resources read back that carry it) holds each write
  // the ledger acknowledged exactly once, and nothing else.
  static void ExpectEachAcknowledgedOnce(const Ledger& ledger,
                                         const std::map<std::string, int>& seen,
                                         const std::string& what) {
    for (const auto& [marker, name] : ledger.acked) {
      auto it = seen.find(marker);
      ASSERT_NE(it, seen.end()) << "acknowledged " << what << " lost: " << name;
      EXPECT_EQ(it->second, 1)
          << marker << " was written " << it->second << " times";
    }
    EXPECT_EQ(seen.size(), ledger.acked.size())
        << what << "s no acknowledged write accounts for";
  }

  testing::ScopedTempDir dir_;
  std::string catalog_store_, watchlist_store_;
  std::string catalog_file_, watchlist_file_;
  std::string curator_;
};

TEST_P(CrashTest, CatalogueKeepsEveryAcknowledgedFilmExactlyOnce) {
  std::unique_ptr<ServerProcess> catalog = StartCatalog(0);
  ASSERT_NE(catalog, nullptr);
  auto channel = FastReconnectChannel(catalog->address());
  auto stub = catalogv1::CatalogService::NewStub(channel);

  Ledger ledger;
  auto write = [&](const std::string& marker, const std::string& request_id,
                   std::string* name) {
    catalogv1::CreateFilmRequest request;
    // No film_id: the server makes one from the title, so a create that ran
    // twice would leave a second film ("...-2"), not an ALREADY_EXISTS.
    request.mutable_film()->set_title(absl::StrCat("Crash ", marker));
    request.mutable_film()->set_year(1960);
    request.mutable_film()->set_synopsis(absl::StrCat("synopsis of ", marker));
    return CreateThroughRestart(stub.get(),
                                &catalogv1::CatalogService::Stub::CreateFilm,
                                std::move(request), request_id, name);
  };
  KillUnderLoadThenRestart(
      catalog, write, [&](int port) { return StartCatalog(port); },
      catalog_file_, "catalogue", &ledger);
  ASSERT_FALSE(HasFatalFailure());
  std::map<std::string, int> seen;  // marker -> films with it
  catalogv1::ListFilmsRequest list;
  list.set_page_size(1000);
  ReadEveryPage(stub.get(), &catalogv1::CatalogService::Stub::ListFilms, list,
                [&](const catalogv1::ListFilmsResponse& page) {
                  for (const catalogv1::Film& film : page.films()) {
                    absl::string_view title = film.title();
                    if (!absl::ConsumePrefix(&title, "Crash ")) continue;
                    const std::string marker(title);
                    ++seen[marker];
                    EXPECT_EQ(film.year(), 1960) << film.name();
                    EXPECT_EQ(film.synopsis(), "synopsis of " + marker)
                        << film.name();
                  }
                });
  ASSERT_FALSE(HasFatalFailure());
  ExpectEachAcknowledgedOnce(ledger, seen, "film");
}

TEST_P(CrashTest, WatchlistKeepsEveryAcknowledgedOfferExactlyOnce) {
  std::unique_ptr<ServerProcess> catalog = StartCatalog(0);
  ASSERT_NE(catalog, nullptr);
  std::unique_ptr<ServerProcess> watchlist =
      StartWatchlist(0, catalog->address());
  ASSERT_NE(watchlist, nullptr);
  auto channel = FastReconnectChannel(watchlist->address());
  auto stub = wlv1::WatchlistService::NewStub(channel);
  {
    wlv1::Provider created;
    grpc::Status s = stub->CreateProvider(
        CallContext(curator_).get(),
        testing::StreamingProviderRequest("crash-test", "Crash Test", {"GB"},
                                          "https://crash.example"),
        &created);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  Ledger ledger;
  auto write = [&](const std::string& marker, const std::string& request_id,
                   std::string* name) {
    // No offer_id: generated.
    wlv1::CreateOfferRequest request = testing::StreamingRentalRequest(
        "films/i-am-cuba", kProvider, "GB", {"GBP", 3},
        absl::StrCat("https://crash.example/", marker));
    return CreateThroughRestart(stub.get(),
                                &wlv1::WatchlistService::Stub::CreateOffer,
                                std::move(request), request_id, name);
  };
  const std::string catalog_address = catalog->address();
  KillUnderLoadThenRestart(
      watchlist, write,
      [&](int port) { return StartWatchlist(port, catalog_address); },
      watchlist_file_, "watchlist", &ledger);
  ASSERT_FALSE(HasFatalFailure());
  std::map<std::string, int> seen;
  wlv1::ListOffersRequest list;
  list.set_page_size(1000);
  list.set_filter(absl::StrCat("provider = \"", kProvider, "\""));
  ReadEveryPage(
      stub.get(), &wlv1::WatchlistService::Stub::ListOffers, list,
      [&](const wlv1::ListOffersResponse& page) {
        for (const wlv1::Offer& offer : page.offers()) {
          absl::string_view link = offer.deep_link_uri();
          ASSERT_TRUE(absl::ConsumePrefix(&link, "https://crash.example/"))
              << offer.name();
          ++seen[std::string(link)];
          EXPECT_EQ(offer.film(), "films/i-am-cuba") << offer.name();
          EXPECT_EQ(offer.price().units(), 3) << offer.name();
          EXPECT_EQ(offer.region(), "GB") << offer.name();
        }
      });
  ASSERT_FALSE(HasFatalFailure());
  ExpectEachAcknowledgedOnce(ledger, seen, "offer");
}

INSTANTIATE_TEST_SUITE_P(Stores, CrashTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace longtake
