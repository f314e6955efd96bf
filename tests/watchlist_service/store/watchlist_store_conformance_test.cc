// The store conformance suite: what every WatchlistStore must pass, run over
// each store URL: SQLite in memory and in a file, and PostgreSQL (a throwaway
// server started once per test process, a fresh database per test:
// tests/support/postgres_server.h).

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/scratch_store.h"
#include "tests/support/status_matchers.h"
#include "watchlist_service/domain/watchlist_store.h"
#include "watchlist_service/store/open_watchlist_store.h"

namespace longtake::watchlist {
namespace {

using ::longtake::testing::StatusIs;
using ::longtake::testing::WaitsSettle;
using ::testing::ElementsAre;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);

Provider MakeProvider(const std::string& id) {
  Provider p;
  p.name = "providers/" + id;
  p.display_name = "Provider " + id;
  p.kind = ProviderKind::kRetailer;
  p.regions = {"GB", "FR"};
  p.home_page_uri = "https://example.com/" + id;
  p.etag = "e-" + id;
  p.create_time = p.update_time = kT0;
  return p;
}

Offer MakeOffer(const std::string& id, const std::string& film,
                const std::string& region) {
  Offer o;
  o.name = "offers/" + id;
  o.film = film;
  o.provider = "providers/shop";
  o.monetization = Monetization::kBuy;
  o.format = Format::kBluRay;
  o.quality = Quality::kHd;
  o.region = region;
  o.price = Money{"GBP", 12, 990000000};
  o.deep_link_uri = "https://example.com/" + id;
  o.edition = "Edition " + id;
  o.extras = {"Commentary", "Booklet"};
  o.available_until = kT0 + absl::Hours(10);
  o.etag = "e-" + id;
  o.create_time = o.update_time = kT0;
  return o;
}

WatchlistItem MakeItem(const std::string& user, const std::string& id,
                       const std::string& film, int64_t rank) {
  WatchlistItem item;
  item.name = absl::StrCat("users/", user, "/watchlist/items/", id);
  item.film = film;
  item.note = "note " + id;
  item.rank = rank;
  item.add_time = kT0;
  item.etag = "e-" + id;
  return item;
}

class WatchlistStoreConformanceTest
    : public longtake::testing::StoreConformanceTest<WatchlistStore,
                                                     OpenWatchlistStore> {};

TEST_P(WatchlistStoreConformanceTest, ProvidersRoundTrip) {
  WriteBatch batch;
  batch.put_providers = {MakeProvider("b"), MakeProvider("a")};
  ASSERT_OK(store_->Commit(batch));
  auto got = store_->GetProvider("providers/a");
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->display_name, "Provider a");
  EXPECT_EQ((*got)->kind, ProviderKind::kRetailer);
  EXPECT_THAT((*got)->regions, ElementsAre("GB", "FR"));
  EXPECT_EQ((*got)->create_time, kT0);
  auto list = store_->ListProviders("", 0);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "providers/a");
  auto after = store_->ListProviders("providers/a", 10);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].name, "providers/b");
  EXPECT_EQ(*store_->CountProviders(), 2);
  EXPECT_FALSE(store_->GetProvider("providers/zzz")->has_value());
}

TEST_P(WatchlistStoreConformanceTest, OffersRoundTripAndFilter) {
  WriteBatch batch;
  Offer free = MakeOffer("c", "films/y", "US");
  free.monetization = Monetization::kFree;
  free.price.reset();
  free.available_until = absl::InfiniteFuture();
  free.available_from = kT0 - absl::Hours(1);
  batch.put_offers = {MakeOffer("a", "films/x", "GB"),
                      MakeOffer("b", "films/x", "FR"), free};
  ASSERT_OK(store_->Commit(batch));
  auto a = store_->GetOffer("offers/a");
  ASSERT_OK(a);
  ASSERT_TRUE(a->has_value());
  const Offer& o = **a;
  EXPECT_EQ(o.film, "films/x");
  EXPECT_EQ(o.format, Format::kBluRay);
  ASSERT_TRUE(o.price.has_value());
  EXPECT_EQ(o.price->currency_code, "GBP");
  EXPECT_EQ(o.price->nanos, 990000000);
  EXPECT_THAT(o.extras, ElementsAre("Commentary", "Booklet"));
  EXPECT_EQ(o.available_from, absl::InfinitePast());
  EXPECT_EQ(o.available_until, kT0 + absl::Hours(10));
  EXPECT_EQ(o.last_verify_time, absl::InfinitePast());

  auto c = store_->GetOffer("offers/c");
  EXPECT_FALSE((*c)->price.has_value());
  EXPECT_EQ((*c)->available_until, absl::InfiniteFuture());
  EXPECT_EQ((*c)->available_from, kT0 - absl::Hours(1));

  OfferFilter by_film;
  by_film.films = {"films/x"};
  EXPECT_EQ(store_->ListOffers(by_film, "", 0)->size(), 2u);
  by_film.regions = {"FR"};
  auto fr = store_->ListOffers(by_film, "", 0);
  ASSERT_EQ(fr->size(), 1u);
  EXPECT_EQ((*fr)[0].name, "offers/b");
  OfferFilter two_films;
  two_films.films = {"films/x", "films/y"};
  EXPECT_EQ(store_->ListOffers(two_films, "", 0)->size(), 3u);
  auto page = store_->ListOffers({}, "offers/a", 1);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].name, "offers/b");
  OfferFilter by_provider;
  by_provider.providers = {"providers/none"};
  EXPECT_TRUE(store_->ListOffers(by_provider, "", 0)->empty());

  WriteBatch del;
  del.delete_offers = {"offers/a"};
  ASSERT_OK(store_->Commit(del));
  EXPECT_FALSE(store_->GetOffer("offers/a")->has_value());
}

// Each list is any-of, the lists are ANDed, and a page holds `limit` matches
// (non-matching offers between them do not use it up).
TEST_P(WatchlistStoreConformanceTest, OffersFilterOnEachFieldBeforePaging) {
  WriteBatch batch;
  for (const char* id : {"a", "b", "c", "d", "e"}) {
    Offer o = MakeOffer(id, "films/x", "GB");
    if (o.name == "offers/b" || o.name == "offers/d") {
      o.provider = "providers/other";
      o.monetization = Monetization::kRent;
      o.format = Format::kDvd;
    }
    batch.put_offers.push_back(std::move(o));
  }
  ASSERT_OK(store_->Commit(batch));
  auto names = [this](const OfferFilter& filter, const std::string& after,
                      int limit) {
    std::vector<std::string> out;
    auto offers = store_->ListOffers(filter, after, limit);
    EXPECT_OK(offers);
    if (offers.ok()) {
      for (const Offer& o : *offers) out.push_back(o.name);
    }
    return out;
  };
  OfferFilter rentals;
  rentals.monetizations = {Monetization::kRent};
  EXPECT_THAT(names(rentals, "", 1), ElementsAre("offers/b"));
  EXPECT_THAT(names(rentals, "offers/b", 1), ElementsAre("offers/d"));
  EXPECT_THAT(names(rentals, "offers/d", 1), ElementsAre());
  OfferFilter discs;
  discs.formats = {Format::kDvd, Format::kBluRay};
  EXPECT_EQ(names(discs, "", 0).size(), 5u);
  discs.providers = {"providers/shop"};
  EXPECT_THAT(names(discs, "", 2), ElementsAre("offers/a", "offers/c"));
  discs.monetizations = {Monetization::kRent, Monetization::kFree};
  EXPECT_THAT(names(discs, "", 0), ElementsAre());
  OfferFilter places;
  places.regions = {"FR", "GB"};
  places.providers = {"providers/other", "providers/none"};
  EXPECT_THAT(names(places, "", 0), ElementsAre("offers/b", "offers/d"));
}

TEST_P(WatchlistStoreConformanceTest, EtagChecksGuardWrites) {
  WriteBatch create;
  create.expect_etags = {{"providers/a", ""}};
  create.put_providers = {MakeProvider("a")};
  ASSERT_OK(store_->Commit(create));
  EXPECT_THAT(store_->Commit(create),
              StatusIs(absl::StatusCode::kAlreadyExists));

  WriteBatch stale;
  stale.expect_etags = {{"providers/a", "wrong"}};
  Provider changed = MakeProvider("a");
  changed.display_name = "Changed";
  stale.put_providers = {changed};
  EXPECT_THAT(store_->Commit(stale), StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ((*store_->GetProvider("providers/a"))->display_name, "Provider a");

  WriteBatch fresh = stale;
  fresh.expect_etags = {{"providers/a", "e-a"}};
  ASSERT_OK(store_->Commit(fresh));
  EXPECT_EQ((*store_->GetProvider("providers/a"))->display_name, "Changed");
}

TEST_P(WatchlistStoreConformanceTest, FailedBatchWritesNothing) {
  WriteBatch first;
  first.request = RequestRecord{"r1", "CreateOffer", "offers/a", "", "hash-a"};
  first.put_offers = {MakeOffer("a", "films/x", "GB")};
  ASSERT_OK(store_->Commit(first));

  WriteBatch second;
  second.put_offers = {MakeOffer("b", "films/x", "GB")};
  AvailabilityEvent e;
  e.kind = AvailabilityEvent::Kind::kOfferAvailable;
  e.offer = second.put_offers[0];
  second.append_events = {e};
  second.request =
      RequestRecord{"r1", "CreateOffer", "offers/b", "", "hash-b"};  // taken
  EXPECT_THAT(store_->Commit(second),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_FALSE(store_->GetOffer("offers/b")->has_value());
  EXPECT_EQ(*store_->LastEventId(), 0);

  auto record = store_->GetRequest("CreateOffer", "r1");
  ASSERT_OK(record);
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->resource, "offers/a");
  EXPECT_EQ((*record)->request_hash, "hash-a");
  EXPECT_FALSE(store_->GetRequest("CreateOffer", "r2")->has_value());
}

TEST_P(WatchlistStoreConformanceTest, ItemsListHistoryAndOneUnwatchedPerFilm) {
  WriteBatch batch;
  batch.put_items = {
      MakeItem("ann", "b", "films/b", 2), MakeItem("ann", "a", "films/a", 1),
      MakeItem("ann", "c", "films/c", 3), MakeItem("ben", "a", "films/a", 1)};
  ASSERT_OK(store_->Commit(batch));
  auto list = store_->ListItems("ann", false, 0, 0);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].film, "films/a");
  EXPECT_EQ((*list)[2].film, "films/c");
  EXPECT_EQ(store_->ListItems("ann", false, 1, 1)->at(0).film, "films/b");
  EXPECT_EQ(*store_->MaxRank("ann"), 3);
  EXPECT_EQ(*store_->MaxRank("nobody"), 0);
  auto found = store_->FindUnwatchedItem("ann", "films/b");
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->note, "note b");

  WriteBatch dup;
  dup.put_items = {MakeItem("ann", "b2", "films/b", 4)};
  EXPECT_THAT(store_->Commit(dup), StatusIs(absl::StatusCode::kAlreadyExists));

  WatchlistItem watched = MakeItem("ann", "b", "films/b", 2);
  watched.watch_time = kT0 + absl::Hours(1);
  WatchlistItem watched2 = MakeItem("ann", "c", "films/c", 3);
  watched2.watch_time = kT0 + absl::Hours(2);
  WriteBatch watch;
  watch.put_items = {watched, watched2};
  ASSERT_OK(store_->Commit(watch));
  EXPECT_EQ(store_->ListItems("ann", false, 0, 0)->size(), 1u);
  auto history = store_->ListItems("ann", true, 0, 0);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].film, "films/c");  // most recent first
  EXPECT_EQ((*history)[0].watch_time, kT0 + absl::Hours(2));
  EXPECT_FALSE(store_->FindUnwatchedItem("ann", "films/b")->has_value());
  // Once watched, the film may be added again.
  ASSERT_OK(store_->Commit(dup));

  WriteBatch del;
  del.delete_items = {"users/ann/watchlist/items/a"};
  ASSERT_OK(store_->Commit(del));
  EXPECT_FALSE(store_->GetItem("users/ann/watchlist/items/a")->has_value());
  EXPECT_TRUE(store_->GetItem("users/ben/watchlist/items/a")->has_value());
}

TEST_P(WatchlistStoreConformanceTest, EventsAreMonotonicAndFiltered) {
  WriteBatch items;
  items.put_items = {MakeItem("ann", "x", "films/x", 1)};
  WatchlistItem seen = MakeItem("ann", "y", "films/y", 2);
  seen.watch_time = kT0;
  items.put_items.push_back(seen);
  ASSERT_OK(store_->Commit(items));

  WriteBatch batch;
  for (const auto& [film, region] :
       std::vector<std::pair<std::string, std::string>>{{"films/x", "GB"},
                                                        {"films/x", "US"},
                                                        {"films/y", "GB"},
                                                        {"films/z", "GB"}}) {
    AvailabilityEvent e;
    e.kind = AvailabilityEvent::Kind::kPriceChanged;
    e.offer = MakeOffer("o-" + region, film, region);
    e.film = film;
    e.previous_price = Money{"GBP", 20, 0};
    e.event_time = kT0;
    batch.append_events.push_back(e);
  }
  auto result = store_->Commit(batch);
  ASSERT_OK(result);
  ASSERT_EQ(result->event_ids.size(), 4u);
  for (size_t i = 1; i < 4; ++i)
    EXPECT_GT(result->event_ids[i], result->event_ids[i - 1]);
  EXPECT_EQ(*store_->LastEventId(), result->event_ids[3]);

  auto all = store_->ListEvents(0, {}, 0);
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].kind, AvailabilityEvent::Kind::kPriceChanged);
  EXPECT_EQ((*all)[0].offer.extras, MakeOffer("o", "f", "GB").extras);
  EXPECT_EQ((*all)[0].offer.available_until, kT0 + absl::Hours(10));
  EXPECT_EQ((*all)[0].previous_price->units, 20);
  EXPECT_EQ((*all)[0].event_time, kT0);
  EXPECT_EQ((*all)[0].film, "films/x");

  EventFilter ann;
  ann.user = "ann";
  auto mine = store_->ListEvents(0, ann, 0);
  ASSERT_EQ(mine->size(), 2u);  // films/x only: y is watched, z not listed
  ann.regions = {"US"};
  mine = store_->ListEvents(0, ann, 0);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].offer.region, "US");
  EXPECT_EQ(store_->ListEvents(result->event_ids[1], {}, 0)->size(), 2u);
  EXPECT_EQ(store_->ListEvents(0, {}, 3)->size(), 3u);
}

TEST_P(WatchlistStoreConformanceTest, EventCommitsWakeWaitersWhereSupported) {
  if (!store_->NotifiesCommits()) {
    EXPECT_FALSE(store_->WaitForCommit(absl::Milliseconds(1)).ok());
    GTEST_SKIP() << "this store does not notify commits";
  }
  auto writer = OpenWatchlistStore(scratch_.url());
  ASSERT_OK(writer);
  // The first wait starts listening; nothing was committed yet.
  ASSERT_OK_AND_ASSIGN(bool woken,
                       store_->WaitForCommit(absl::Milliseconds(50)));
  EXPECT_FALSE(woken);
  // A commit without events wakes nobody on PostgreSQL, which notifies
  // event commits only; a SQLite file's watcher sees every commit.
  WriteBatch items;
  items.put_items = {MakeItem("ann", "x", "films/x", 1)};
  ASSERT_OK((*writer)->Commit(items));
  if (GetParam() == "postgres") {
    ASSERT_OK_AND_ASSIGN(woken, store_->WaitForCommit(absl::Milliseconds(200)));
    EXPECT_FALSE(woken);
  } else {
    EXPECT_TRUE(WaitsSettle(*store_));
  }
  // One with events wakes the waiter once.
  WriteBatch events;
  for (const std::string region : {"GB", "US"}) {
    AvailabilityEvent e;
    e.kind = AvailabilityEvent::Kind::kOfferAvailable;
    e.offer = MakeOffer("o-" + region, "films/x", region);
    e.film = "films/x";
    e.event_time = kT0;
    events.append_events.push_back(e);
  }
  ASSERT_OK((*writer)->Commit(events));
  ASSERT_OK_AND_ASSIGN(woken, store_->WaitForCommit(absl::Seconds(5)));
  EXPECT_TRUE(woken);
  EXPECT_TRUE(WaitsSettle(*store_));
}

TEST_P(WatchlistStoreConformanceTest, LeavingSoonMarksAreUnique) {
  LeavingSoonMark mark{"offers/a", kT0 + absl::Hours(5)};
  EXPECT_FALSE(*store_->HasLeavingSoonMark(mark));
  WriteBatch batch;
  batch.leaving_soon_marks = {mark};
  ASSERT_OK(store_->Commit(batch));
  EXPECT_TRUE(*store_->HasLeavingSoonMark(mark));
  EXPECT_THAT(store_->Commit(batch),
              StatusIs(absl::StatusCode::kAlreadyExists));
  LeavingSoonMark moved{"offers/a", kT0 + absl::Hours(6)};
  EXPECT_FALSE(*store_->HasLeavingSoonMark(moved));
}

TEST_P(WatchlistStoreConformanceTest, DataSurvivesReopen) {
  if (!scratch_.persistent()) GTEST_SKIP() << "in-memory store";
  WriteBatch batch;
  batch.put_providers = {MakeProvider("a")};
  AvailabilityEvent e;
  e.offer = MakeOffer("a", "films/x", "GB");
  batch.append_events = {e};
  ASSERT_OK(store_->Commit(batch));
  store_.reset();
  auto reopened = OpenWatchlistStore(scratch_.url());
  ASSERT_OK(reopened);
  EXPECT_TRUE((*reopened)->GetProvider("providers/a")->has_value());
  EXPECT_EQ(*(*reopened)->LastEventId(), 1);
}

// An acknowledged commit survives the process being killed (kill -9):
// the child commits, then SIGKILLs itself without closing the database.
TEST_P(WatchlistStoreConformanceTest, AcknowledgedWriteSurvivesKill) {
  if (!scratch_.persistent()) GTEST_SKIP() << "in-memory store";
  store_.reset();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = OpenWatchlistStore(scratch_.url());
    if (!store.ok()) _exit(2);
    WriteBatch batch;
    batch.put_items = {MakeItem("kim", "a", "films/a", 1)};
    batch.request = RequestRecord{"k1", "CreateItem",
                                  "users/kim/watchlist/items/a", "", ""};
    if (!(*store)->Commit(batch).ok()) _exit(3);
    kill(getpid(), SIGKILL);
    _exit(4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status))
      << "child exit status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  auto reopened = OpenWatchlistStore(scratch_.url());
  ASSERT_OK(reopened);
  EXPECT_TRUE((*reopened)->GetItem("users/kim/watchlist/items/a")->has_value());
  EXPECT_TRUE((*reopened)->GetRequest("CreateItem", "k1")->has_value());
}

INSTANTIATE_TEST_SUITE_P(Stores, WatchlistStoreConformanceTest,
                         longtake::testing::StoreKinds(),
                         longtake::testing::StoreKindName);

TEST(OpenWatchlistStoreTest, RejectsUnknownUrls) {
  // Nothing listens on port 1: a PostgreSQL URL is accepted, the server is not
  // there.
  EXPECT_THAT(OpenWatchlistStore("postgres://postgres@127.0.0.1:1/w"),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(OpenWatchlistStore("mysql://x"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(OpenWatchlistStore("sqlite://"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace longtake::watchlist
