// Two replicas of each service on one PostgreSQL server (a database per
// service: both have tables named schema_migrations and requests), and two
// catalogue replicas on one SQLite file. Watchlist
// replica N talks to catalogue replica N; all share one token secret. A write
// through one replica must become visible through the other within the bound
// the services document: catalogue --refresh-interval (+ one reload), watchlist
// --event-poll-interval for availability events. Measured catch-up times are
// printed and recorded as test properties (catalog_catch_up_ms, ...).

#include <algorithm>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/token.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "tests/support/call_context.h"
#include "tests/support/postgres_server.h"
#include "tests/support/running_service.h"
#include "tests/support/scratch_store.h"
#include "tests/support/seed_films.h"
#include "tests/support/server_process.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

namespace wlv1 = ::longtake::watchlist::v1;
namespace catalogv1 = ::longtake::catalog::v1;
namespace seed = ::longtake::testing::seed;
using ::longtake::testing::CallContext;
using ::longtake::testing::FreshPostgresDatabaseUrl;

constexpr char kSecret[] = "replicas-integration-secret";
// The services' documented defaults, passed explicitly so the bounds below
// follow from the flags.
constexpr absl::Duration kRefreshInterval = absl::Seconds(1);
constexpr absl::Duration kEventPollInterval = absl::Seconds(1);

using CatalogReplica = ::longtake::testing::RunningCatalog;
using WatchlistReplica = ::longtake::testing::RunningWatchlist;

template <typename Service>
absl::StatusOr<testing::RunningService<Service>> StartReplica(
    const std::string& binary, std::vector<std::string> args) {
  args.insert(args.end(),
              {"--listen=127.0.0.1:0", absl::StrCat("--token-secret=", kSecret),
               "--log-level=info"});
  return testing::StartService<Service>(binary, args);
}

absl::StatusOr<CatalogReplica> StartCatalogReplica(
    const std::string& store,
    absl::Duration refresh_interval = kRefreshInterval) {
  return StartReplica<catalogv1::CatalogService>(
      "longtake-catalog",
      {"--store=" + store, "--seed=" + testing::CatalogSeedPath(),
       absl::StrCat("--refresh-interval=",
                    absl::FormatDuration(refresh_interval))});
}

absl::StatusOr<WatchlistReplica> StartWatchlistReplica(
    const std::string& store, const std::string& catalog_address,
    absl::Duration event_poll_interval = kEventPollInterval) {
  return StartReplica<wlv1::WatchlistService>(
      "longtake-watchlist",
      {"--store=" + store, "--catalog=" + catalog_address,
       "--seed=" + testing::OffersSeedPath(),
       absl::StrCat("--event-poll-interval=",
                    absl::FormatDuration(event_poll_interval)),
       "--catalog-deadline=2s"});
}

// Film names served by a catalogue replica (the seed has a handful).
std::set<std::string> FilmNames(catalogv1::CatalogService::Stub& stub) {
  catalogv1::ListFilmsRequest request;
  request.set_page_size(1000);
  catalogv1::ListFilmsResponse response;
  grpc::Status s = stub.ListFilms(CallContext("").get(), request, &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  std::set<std::string> names;
  for (const auto& film : response.films()) names.insert(film.name());
  return names;
}

class ReplicasTest : public ::testing::Test {
 protected:
  ReplicasTest() : minter_(kSecret) {
    alice_ = minter_.Mint("alice", auth::Role::kUser, absl::Hours(1));
    curator_ = minter_.Mint("cora", auth::Role::kCurator, absl::Hours(1));
  }

  void SetUp() override {
    auto catalog_db = FreshPostgresDatabaseUrl();
    ASSERT_TRUE(catalog_db.ok()) << catalog_db.status();
    auto watchlist_db = FreshPostgresDatabaseUrl();
    ASSERT_TRUE(watchlist_db.ok()) << watchlist_db.status();
    catalog_db_ = *catalog_db;
    watchlist_db_ = *watchlist_db;
  }

  // Replica 1 of each service first: its seed load finishes before replica 2
  // opens the store (the concurrent case has its own test below).
  void StartAll(absl::Duration event_poll_interval = kEventPollInterval) {
    for (int i = 0; i < 2; ++i) {
      auto replica = StartCatalogReplica(catalog_db_);
      ASSERT_TRUE(replica.ok()) << replica.status();
      catalogs_.push_back(*std::move(replica));
    }
    for (int i = 0; i < 2; ++i) {
      auto replica = StartWatchlistReplica(
          watchlist_db_, catalogs_[i].process->address(), event_poll_interval);
      ASSERT_TRUE(replica.ok()) << replica.status();
      watchlists_.push_back(*std::move(replica));
    }
  }

  // Starts two catalogue replicas on `store` that poll the store only every
  // minute, updates a film through the first and returns how long the second
  // took to serve the update (InfiniteDuration when not within 5 s). Checks
  // that the second was woken by commits and caught up from the change log.
  absl::Duration NotifiedUpdateReachesReplicaTwo(const std::string& store) {
    for (int i = 0; i < 2; ++i) {
      auto replica = StartCatalogReplica(store, absl::Minutes(1));
      EXPECT_TRUE(replica.ok()) << replica.status();
      if (!replica.ok()) return absl::InfiniteDuration();
      catalogs_.push_back(*std::move(replica));
    }
    catalogv1::UpdateFilmRequest update;
    update.mutable_film()->set_name(seed::kCranes);
    update.mutable_film()->set_title("The Cranes Are Flying (notified)");
    update.mutable_update_mask()->add_paths("title");
    catalogv1::Film updated;
    grpc::Status s = catalogs_[0].stub->UpdateFilm(CallContext(curator_).get(),
                                                   update, &updated);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok()) return absl::InfiniteDuration();
    const absl::Time written = absl::Now();
    catalogv1::GetFilmRequest get;
    get.set_name(seed::kCranes);
    catalogv1::Film seen;
    absl::Duration took = absl::InfiniteDuration();
    while (absl::Now() - written < absl::Seconds(5)) {
      s = catalogs_[1].stub->GetFilm(CallContext("").get(), get, &seen);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (seen.title() == updated.title()) {
        took = absl::Now() - written;
        break;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    const std::string log = catalogs_[1].process->StderrTail();
    EXPECT_THAT(log,
                ::testing::HasSubstr("listening for commit notifications"));
    EXPECT_THAT(log, ::testing::HasSubstr("applied 1 changes up to revision"));
    EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr("full reload")));
    return took;
  }

  // Creates an offer through watchlist replica 1 for a film on alice's list,
  // with alice's stream open on replica 2; returns how long the event took
  // to reach the stream (checking it), or an infinite duration when it did
  // not within 3 s.
  absl::Duration OfferEventReachesReplicaTwo();

  void Report(const std::string& key, absl::Duration took) {
    const int64_t ms = absl::ToInt64Milliseconds(took);
    RecordProperty(key, static_cast<int>(ms));
    std::cout << "[ replicas ] " << key << "=" << ms << "\n";
  }

  grpc::Status AddToWatchlist(WatchlistReplica& replica,
                              const std::string& film) {
    wlv1::CreateWatchlistItemRequest request;
    request.set_parent("users/alice");
    request.mutable_item()->set_film(film);
    wlv1::WatchlistItem item;
    return replica.stub->CreateWatchlistItem(CallContext(alice_).get(), request,
                                             &item);
  }

  auth::TokenMinter minter_;
  std::string alice_, curator_;
  std::string catalog_db_, watchlist_db_;
  std::vector<CatalogReplica> catalogs_;
  std::vector<WatchlistReplica> watchlists_;
};

TEST_F(ReplicasTest, FilmCreatedOnOneCatalogueReplicaIsReadableOnTheOther) {
  StartAll();
  ASSERT_FALSE(HasFatalFailure());

  catalogv1::CreateFilmRequest create;
  create.mutable_film()->set_title("The Replicated Film");
  create.mutable_film()->set_year(1964);
  catalogv1::Film created;
  grpc::Status s = catalogs_[0].stub->CreateFilm(CallContext(curator_).get(),
                                                 create, &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_FALSE(created.name().empty());
  const absl::Time written = absl::Now();

  // Not there before the write: the poll below measures real catch-up.
  catalogv1::GetFilmRequest get;
  get.set_name(created.name());
  catalogv1::Film seen;
  grpc::Status last;
  absl::Duration took = absl::InfiniteDuration();
  while (absl::Now() - written < absl::Seconds(5)) {
    last = catalogs_[1].stub->GetFilm(CallContext("").get(), get, &seen);
    if (last.ok()) {
      took = absl::Now() - written;
      break;
    }
    EXPECT_EQ(last.error_code(), grpc::StatusCode::NOT_FOUND)
        << last.error_message();
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(last.ok()) << "replica 2 never served " << created.name() << ": "
                         << last.error_message();
  Report("catalog_catch_up_ms", took);
  EXPECT_EQ(seen.title(), "The Replicated Film");
  EXPECT_EQ(seen.etag(), created.etag());
  // The documented bound: one interval plus one reload (generous for a
  // loaded test machine, still well under the 5 s poll).
  EXPECT_LT(took, kRefreshInterval + absl::Seconds(2));
  // Caught up from the store's change log, not by reloading everything.
  const std::string log = catalogs_[1].process->StderrTail();
  EXPECT_THAT(log, ::testing::HasSubstr("applied 1 changes up to revision"));
  EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr("full reload")));
  EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr("reloaded")));

  // Watchlist replica 2 validates films against catalogue replica 2, which
  // now knows the new film.
  s = AddToWatchlist(watchlists_[1], created.name());
  EXPECT_TRUE(s.ok()) << s.error_message();
}

// Polling every minute: only a commit notification (PostgreSQL's NOTIFY,
// inotify on a SQLite file) can bring the write to replica 2 within the
// bound.
TEST_F(ReplicasTest, CommitNotificationWakesTheOtherCatalogueReplica) {
  const absl::Duration took = NotifiedUpdateReachesReplicaTwo(catalog_db_);
  Report("catalog_notified_catch_up_ms", took);
  EXPECT_LT(took, absl::Seconds(2));
}

TEST_F(ReplicasTest, CommitsToOneSqliteFileWakeTheOtherCatalogueReplica) {
  ASSERT_OK_AND_ASSIGN(testing::ScratchStore file,
                       testing::ScratchStore::Make("file"));
  const absl::Duration took = NotifiedUpdateReachesReplicaTwo(file.url());
  Report("catalog_sqlite_notified_catch_up_ms", took);
  EXPECT_LT(took, absl::Seconds(2));
}

TEST_F(ReplicasTest, WatchlistItemAddedOnOneReplicaIsListedByTheOther) {
  StartAll();
  ASSERT_FALSE(HasFatalFailure());
  grpc::Status s = AddToWatchlist(watchlists_[0], seed::kCranes);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const absl::Time written = absl::Now();

  wlv1::ListWatchlistItemsRequest list;
  list.set_parent("users/alice");
  wlv1::ListWatchlistItemsResponse response;
  s = watchlists_[1].stub->ListWatchlistItems(CallContext(alice_).get(), list,
                                              &response);
  const absl::Duration took = absl::Now() - written;
  ASSERT_TRUE(s.ok()) << s.error_message();
  Report("watchlist_list_ms", took);
  ASSERT_EQ(response.items_size(), 1);
  EXPECT_EQ(response.items(0).film(), seed::kCranes);
  // Titles come from replica 2's catalogue.
  EXPECT_EQ(response.items(0).film_summary().title(), "The Cranes Are Flying");
}

absl::Duration ReplicasTest::OfferEventReachesReplicaTwo() {
  // Alice's list is written through replica 2, the offer through replica 1.
  grpc::Status s = AddToWatchlist(watchlists_[1], seed::kCuba);
  EXPECT_TRUE(s.ok()) << s.error_message();
  if (!s.ok()) return absl::InfiniteDuration();

  wlv1::WatchAvailabilityRequest watch;
  watch.set_parent("users/alice");
  watch.add_regions("GB");
  auto stream_ctx = CallContext(alice_, absl::Seconds(30));
  auto reader = watchlists_[1].stub->WatchAvailability(stream_ctx.get(), watch);
  reader->WaitForInitialMetadata();  // subscribed: later events arrive

  wlv1::CreateOfferRequest create;
  wlv1::Offer* offer = create.mutable_offer();
  offer->set_film(seed::kCuba);
  offer->set_provider("providers/mr-bongo");
  offer->set_monetization(wlv1::MONETIZATION_BUY);
  offer->set_format(wlv1::FORMAT_BLU_RAY);
  offer->set_region("GB");
  offer->mutable_price()->set_currency_code("GBP");
  offer->mutable_price()->set_units(20);
  offer->set_deep_link_uri("https://mrbongo.com/products/i-am-cuba-bluray");
  wlv1::Offer created;
  s = watchlists_[0].stub->CreateOffer(CallContext(curator_).get(), create,
                                       &created);
  EXPECT_TRUE(s.ok()) << s.error_message();
  if (!s.ok()) return absl::InfiniteDuration();
  const absl::Time written = absl::Now();

  // Read on another thread so a missing event fails after 3 s, not at the
  // stream deadline.
  std::future<bool> read = std::async(std::launch::async, [&] {
    wlv1::WatchAvailabilityResponse response;
    bool ok = reader->Read(&response);
    if (ok) {
      EXPECT_EQ(response.event().kind(),
                wlv1::AvailabilityEvent::KIND_OFFER_AVAILABLE);
      EXPECT_EQ(response.event().film(), seed::kCuba);
      EXPECT_EQ(response.event().user(), "users/alice");
      EXPECT_EQ(response.event().offer().name(), created.name());
    }
    return ok;
  });
  const bool arrived =
      read.wait_for(std::chrono::seconds(3)) == std::future_status::ready &&
      read.get();
  const absl::Duration took = absl::Now() - written;
  EXPECT_TRUE(arrived) << "no event on replica 2 within 3 s";
  stream_ctx->TryCancel();
  if (read.valid()) read.wait();
  wlv1::WatchAvailabilityResponse rest;
  while (reader->Read(&rest)) {
  }
  reader->Finish();
  return arrived ? took : absl::InfiniteDuration();
}

TEST_F(ReplicasTest, OfferCreatedOnReplicaOneReachesAStreamOnReplicaTwo) {
  StartAll();
  ASSERT_FALSE(HasFatalFailure());
  const absl::Duration took = OfferEventReachesReplicaTwo();
  if (took != absl::InfiniteDuration()) Report("availability_event_ms", took);
}

TEST_F(ReplicasTest, CommitNotificationWakesTheOtherWatchlistReplica) {
  // Polling every minute: only PostgreSQL's NOTIFY on commit can bring the
  // event to replica 2's stream within the bound below.
  StartAll(absl::Minutes(1));
  ASSERT_FALSE(HasFatalFailure());
  const absl::Duration took = OfferEventReachesReplicaTwo();
  Report("availability_event_notified_ms", took);
  EXPECT_LT(took, absl::Seconds(2));
  EXPECT_THAT(watchlists_[1].process->StderrTail(),
              ::testing::HasSubstr("listening for commit notifications"));
}

// Both catalogue replicas start at the same moment on an empty store: each
// may load the seed (the names are fixed, so the second load overwrites the
// first), and both end up serving exactly the seed's films.
TEST_F(ReplicasTest, CatalogueReplicasStartingTogetherLoadTheSeedOnce) {
  // ServerProcess children get SIGKILL when the thread that forked them ends
  // (PR_SET_PDEATHSIG follows the thread), so each starter thread keeps its
  // replica until the test is done, then stops it and returns the exit code.
  std::promise<void> done_promise;
  std::shared_future<void> done = done_promise.get_future().share();
  std::promise<absl::StatusOr<CatalogReplica*>> started[2];
  std::future<int> exit_codes[2];
  for (int i = 0; i < 2; ++i) {
    exit_codes[i] = std::async(std::launch::async, [&, i] {
      auto replica = StartCatalogReplica(catalog_db_);
      if (!replica.ok()) {
        started[i].set_value(replica.status());
        return -1000;
      }
      started[i].set_value(&*replica);
      done.wait();
      return replica->process->Stop();
    });
  }
  auto a = started[0].get_future().get();
  auto b = started[1].get_future().get();
  // Stops both replicas (and joins their threads) however the test ends.
  struct Finish {
    std::promise<void>* done;
    ~Finish() {
      if (done != nullptr) done->set_value();
    }
  } finish{&done_promise};
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  CatalogReplica* first = *a;
  CatalogReplica* second = *b;

  std::ifstream in(testing::CatalogSeedPath());
  std::stringstream seed;
  seed << in.rdbuf();
  // Films in the seed: top-level film names, not their sequences.
  std::set<std::string> expected;
  const std::string text = seed.str();
  const std::string key = "\"name\": \"films/";
  for (size_t pos = text.find(key); pos != std::string::npos;
       pos = text.find(key, pos + 1)) {
    const size_t start = pos + key.size() - 6;
    const std::string name = text.substr(start, text.find('"', start) - start);
    if (name.find("/sequences/") == std::string::npos) expected.insert(name);
  }
  ASSERT_FALSE(expected.empty());

  // Either replica may have overwritten the other's seed rows: after one
  // refresh both serve the store's single copy.
  absl::SleepFor(kRefreshInterval + absl::Milliseconds(500));
  EXPECT_EQ(FilmNames(*first->stub), expected);
  EXPECT_EQ(FilmNames(*second->stub), expected);
  done_promise.set_value();
  finish.done = nullptr;
  EXPECT_EQ(exit_codes[0].get(), 0);
  EXPECT_EQ(exit_codes[1].get(), 0);
}

}  // namespace
}  // namespace longtake
