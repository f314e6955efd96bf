// Watchlist items, their order and history (watchlist_service/domain/items.cc).

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/domain/field_limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/request_options.h"
#include "tests/support/scratch_store.h"
#include "tests/support/status_matchers.h"
#include "tests/watchlist_service/domain/watchlist_test_fixture.h"

namespace longtake::watchlist {
namespace {

// The item note of the hostile probe (15 MB, here one byte over), an
// oversized request_id (even with validate_only), etag, page token, filter
// and reorder list: each refused naming its field, nothing written.
TEST_F(WatchlistTest, ItemRequestsOverTheirLimitsNameTheField) {
  const std::string note(kMaxNoteBytes + 1, 'n');
  auto noted =
      watchlist_->CreateItem("users/alice", Item("films/i-am-cuba", note));
  EXPECT_THAT(noted,
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
  EXPECT_THAT(ViolatedFields(noted.status()), ElementsAre("item.note"));
  WriteOptions long_id;
  long_id.request_id = std::string(kMaxRequestIdBytes + 1, 'r');
  for (bool validate_only : {false, true}) {
    long_id.validate_only = validate_only;
    EXPECT_THAT(
        ViolatedFields(
            watchlist_
                ->CreateItem("users/alice", Item("films/i-am-cuba"), long_id)
                .status()),
        ElementsAre("request_id"));
  }
  ListItemsQuery list;
  list.parent = "users/alice";
  auto empty = watchlist_->ListItems(list);
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->items.empty());

  auto item = watchlist_->CreateItem(
      "users/alice", Item("films/i-am-cuba", std::string(kMaxNoteBytes, 'n')));
  ASSERT_OK(item);
  WatchlistItem change;
  change.name = item->name;
  change.note = note;
  EXPECT_THAT(ViolatedFields(watchlist_->UpdateItem(change, {"note"}).status()),
              ElementsAre("item.note"));
  change.note = "fine";
  change.etag = std::string(kMaxEtagBytes + 1, 'e');
  EXPECT_THAT(ViolatedFields(watchlist_->UpdateItem(change, {"note"}).status()),
              ElementsAre("item.etag"));
  EXPECT_THAT(
      ViolatedFields(
          watchlist_->UpdateItem(change, FieldMask(kMaxListEntries + 1, "note"))
              .status()),
      ElementsAre("update_mask.paths"));

  ExpectListQueryLimits(
      list, [&](const ListItemsQuery& q) { return watchlist_->ListItems(q); });
  list.subscriptions.assign(kMaxListEntries + 1, "providers/mubi");
  EXPECT_THAT(ViolatedFields(watchlist_->ListItems(list).status()),
              ElementsAre("subscriptions"));
  EXPECT_THAT(
      ViolatedFields(
          watchlist_
              ->ReorderItems("users/alice", std::vector<std::string>(
                                                kMaxBatchSize + 1, item->name))
              .status()),
      ElementsAre("names"));
  EXPECT_THAT(
      ViolatedFields(watchlist_
                         ->ListHistory("users/alice", 0,
                                       std::string(kMaxPageTokenBytes + 1, 'p'))
                         .status()),
      ElementsAre("page_token"));
}

TEST_F(WatchlistTest, AddListAndEnrich) {
  auto item =
      watchlist_->CreateItem("users/alice", Item("films/i-am-cuba", "Havana"));
  ASSERT_OK(item);
  EXPECT_EQ(item->name, "users/alice/watchlist/items/i-am-cuba");
  EXPECT_TRUE(item->enriched);
  EXPECT_EQ(item->film_summary.title, "I Am Cuba");
  EXPECT_EQ(item->rank, 1);
  auto second =
      watchlist_->CreateItem("users/alice", Item("films/letter-never-sent"));
  ASSERT_OK(second);
  EXPECT_EQ(second->rank, 2);

  ListItemsQuery q;
  q.parent = "users/alice";
  auto page = watchlist_->ListItems(q);
  ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].film, "films/i-am-cuba");
  EXPECT_EQ(page->items[0].note, "Havana");
  EXPECT_EQ(page->items[0].film_summary.year, 1964);
  EXPECT_TRUE(page->items[1].enriched);
  EXPECT_FALSE(page->items[0].best_offer.has_value());  // no region asked
  // Another user sees nothing.
  q.parent = "users/bob";
  EXPECT_TRUE(watchlist_->ListItems(q)->items.empty());
}

TEST_F(WatchlistTest, OneDirectoryCallPerPage) {
  for (int i = 0; i < 150; ++i) {
    std::string film = NewFilm(absl::StrCat("film-", 1000 + i));
    ASSERT_OK(watchlist_->CreateItem("users/carol", Item(film)));
  }
  ListItemsQuery q;
  q.parent = "users/carol";
  q.page_size = 500;  // coerced to 100
  int before = directory_.calls();
  auto page = watchlist_->ListItems(q);
  ASSERT_OK(page);
  EXPECT_EQ(page->items.size(), 100u);
  EXPECT_EQ(directory_.calls() - before, 1);
  EXPECT_EQ(directory_.largest_batch(), 100u);
  for (const WatchlistItem& item : page->items)
    EXPECT_TRUE(item.enriched) << item.name;
  EXPECT_EQ(page->items[0].film, "films/film-1000");
  ASSERT_FALSE(page->next_page_token.empty());

  q.page_token = page->next_page_token;
  auto rest = watchlist_->ListItems(q);
  ASSERT_OK(rest);
  EXPECT_EQ(rest->items.size(), 50u);
  EXPECT_EQ(directory_.calls() - before, 2);
  EXPECT_TRUE(rest->next_page_token.empty());
  EXPECT_EQ(rest->items.back().film, "films/film-1149");

  // Default page size is 50.
  q = {};
  q.parent = "users/carol";
  EXPECT_EQ(watchlist_->ListItems(q)->items.size(), 50u);
  q.page_size = -1;
  EXPECT_THAT(ViolatedFields(watchlist_->ListItems(q).status()),
              ElementsAre("page_size"));
}

TEST_F(WatchlistTest, DirectoryDownListsUnenriched) {
  ASSERT_OK(watchlist_->CreateItem("users/alice", Item("films/i-am-cuba")));
  directory_.set_down(true);
  ListItemsQuery q;
  q.parent = "users/alice";
  auto page = watchlist_->ListItems(q);
  ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_FALSE(page->items[0].enriched);
  EXPECT_TRUE(page->items[0].film_summary.title.empty());
  EXPECT_EQ(page->items[0].film, "films/i-am-cuba");

  auto got = watchlist_->GetItem(page->items[0].name);
  ASSERT_OK(got);
  EXPECT_FALSE(got->enriched);

  auto add =
      watchlist_->CreateItem("users/alice", Item("films/letter-never-sent"));
  EXPECT_THAT(add, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(ErrorReason(add.status()), "CATALOG_UNAVAILABLE");
  EXPECT_THAT(std::string(add.status().message()), HasSubstr("catalogue"));
}

TEST_F(WatchlistTest, AddUnknownFilmIsNotFoundNamingIt) {
  auto add = watchlist_->CreateItem("users/alice", Item("films/no-such-film"));
  EXPECT_THAT(add, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(ErrorResource(add.status()), "films/no-such-film");
  auto bad = watchlist_->CreateItem("users/Alice!", Item("films/i-am-cuba"));
  EXPECT_THAT(ViolatedFields(bad.status()), ElementsAre("parent"));
  auto bad_film = watchlist_->CreateItem("users/alice", Item("i-am-cuba"));
  EXPECT_THAT(ViolatedFields(bad_film.status()), ElementsAre("item.film"));
}

TEST_F(WatchlistTest, AddIsIdempotentAndDuplicatesReturnExisting) {
  WriteOptions options;
  options.request_id = "add-1";
  auto first =
      watchlist_->CreateItem("users/alice", Item("films/i-am-cuba"), options);
  auto again =
      watchlist_->CreateItem("users/alice", Item("films/i-am-cuba"), options);
  ASSERT_OK(first);
  ASSERT_OK(again);
  EXPECT_EQ(first->name, again->name);
  auto dup =
      watchlist_->CreateItem("users/alice", Item("films/i-am-cuba", "x"));
  ASSERT_OK(dup);
  EXPECT_EQ(dup->name, first->name);
  EXPECT_EQ(dup->etag, first->etag);
  ListItemsQuery q;
  q.parent = "users/alice";
  EXPECT_EQ(watchlist_->ListItems(q)->items.size(), 1u);
}

// A request id belongs to its caller: bob reusing alice's ids gets his own
// writes done, never her records; alice reusing an id for a different
// request is refused. On both stores.
TEST_F(WatchlistTest, RequestIdsArePerCallerAndPerRequest) {
  for (const std::string kind : {"sqlite::memory:", "postgres"}) {
    SCOPED_TRACE(kind);
    ASSERT_OK_AND_ASSIGN(longtake::testing::ScratchStore scratch,
                         longtake::testing::ScratchStore::Make(kind));
    Open(scratch.url());
    auto as = [](std::string caller, std::string hash) {
      return longtake::testing::RequestAs<WriteOptions>("shared-key", caller,
                                                        hash);
    };

    ASSERT_OK_AND_ASSIGN(
        WatchlistItem alices,
        watchlist_->CreateItem("users/alice",
                               Item("films/i-am-cuba", "alice's own note"),
                               as("alice", "create-a")));
    ASSERT_OK_AND_ASSIGN(
        WatchlistItem bobs,
        watchlist_->CreateItem("users/bob", Item("films/i-am-cuba", "bob's"),
                               as("bob", "create-b")));
    EXPECT_EQ(bobs.name, "users/bob/watchlist/items/i-am-cuba");
    EXPECT_EQ(bobs.note, "bob's");
    // alice's retry is answered from her record...
    ASSERT_OK_AND_ASSIGN(
        WatchlistItem again,
        watchlist_->CreateItem("users/alice",
                               Item("films/i-am-cuba", "alice's own note"),
                               as("alice", "create-a")));
    EXPECT_EQ(again.name, alices.name);
    // ...but the same key on a different request is refused.
    EXPECT_THAT(watchlist_->CreateItem("users/alice",
                                       Item("films/the-cranes-are-flying"),
                                       as("alice", "create-cranes")),
                StatusIs(absl::StatusCode::kInvalidArgument));
    // bob's delete with a key alice used elsewhere is done, not skipped.
    using longtake::testing::RequestAs;
    ASSERT_OK(watchlist_->DeleteItem(
        alices.name, RequestAs<WriteOptions>("delete-key", "alice", "del-a")));
    ASSERT_OK(watchlist_->DeleteItem(
        bobs.name, RequestAs<WriteOptions>("delete-key", "bob", "del-b")));
    EXPECT_THAT(watchlist_->GetItem(bobs.name),
                StatusIs(absl::StatusCode::kNotFound));
    watchlist_.reset();
  }
}

TEST_F(WatchlistTest, RequestIdSurvivesRestart) {
  const std::string url = TempSqliteUrl("domain");
  Open(url);
  WriteOptions options;
  options.request_id = "restart-1";
  auto first =
      watchlist_->CreateItem("users/dora", Item("films/i-am-cuba"), options);
  ASSERT_OK(first);
  ASSERT_OK(watchlist_->DeleteItem(first->name));
  Open(url);  // a new process, same store
  auto again =
      watchlist_->CreateItem("users/dora", Item("films/i-am-cuba"), options);
  // The request was done: the retry does not re-add the film.
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kNotFound));
  ListItemsQuery q;
  q.parent = "users/dora";
  EXPECT_TRUE(watchlist_->ListItems(q)->items.empty());
}

TEST_F(WatchlistTest, UpdateReorderMarkWatchedHistory) {
  std::vector<std::string> names;
  for (const char* film : {"films/i-am-cuba", "films/letter-never-sent",
                           "films/the-cranes-are-flying"}) {
    auto item = watchlist_->CreateItem("users/erin", Item(film));
    ASSERT_OK(item);
    names.push_back(item->name);
  }
  auto reordered = watchlist_->ReorderItems("users/erin", {names[2], names[0]});
  ASSERT_OK(reordered);
  std::vector<std::string> order;
  for (const auto& item : *reordered) order.push_back(item.name);
  EXPECT_THAT(order, ElementsAre(names[2], names[0], names[1]));
  ListItemsQuery q;
  q.parent = "users/erin";
  auto listed = watchlist_->ListItems(q);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->items.size(), 3u);
  EXPECT_EQ(listed->items[0].name, names[2]);
  EXPECT_EQ(listed->items[2].name, names[1]);
  EXPECT_THAT(watchlist_->ReorderItems("users/erin", {names[0], names[0]}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(watchlist_->ReorderItems("users/erin",
                                       {"users/erin/watchlist/items/nope"}),
              StatusIs(absl::StatusCode::kNotFound));

  WatchlistItem change;
  change.name = names[1];
  change.note = "with popcorn";
  auto updated = watchlist_->UpdateItem(change, {"note"});
  ASSERT_OK(updated);
  EXPECT_EQ(updated->note, "with popcorn");
  EXPECT_EQ(updated->rank, 3);  // untouched
  // The shared ApplyMask names the bad path inside update_mask.
  EXPECT_THAT(ViolatedFields(watchlist_->UpdateItem(change, {"film"}).status()),
              ElementsAre("update_mask.paths[0]"));

  now_ = kNow + absl::Hours(3);
  auto watched = watchlist_->MarkWatched(names[0]);
  ASSERT_OK(watched);
  EXPECT_EQ(watched->watch_time, now_);
  EXPECT_TRUE(watched->watched());
  listed = watchlist_->ListItems(q);
  ASSERT_EQ(listed->items.size(), 2u);
  auto history = watchlist_->ListHistory("users/erin", 0, "");
  ASSERT_OK(history);
  ASSERT_EQ(history->items.size(), 1u);
  EXPECT_EQ(history->items[0].name, names[0]);
  EXPECT_EQ(history->items[0].watch_time, now_);
  EXPECT_TRUE(history->items[0].enriched);

  // Watched films can go back on the list as a new item.
  auto again = watchlist_->CreateItem("users/erin", Item("films/i-am-cuba"));
  ASSERT_OK(again);
  EXPECT_NE(again->name, names[0]);
  EXPECT_FALSE(again->watched());

  ASSERT_OK(watchlist_->DeleteItem(names[1]));
  EXPECT_THAT(watchlist_->GetItem(names[1]),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(WatchlistTest, BestOfferAndWatchableNow) {
  for (const char* film : {"films/i-am-cuba", "films/letter-never-sent",
                           "films/the-cranes-are-flying"}) {
    ASSERT_OK(watchlist_->CreateItem("users/fay", Item(film)));
  }
  ListItemsQuery q;
  q.parent = "users/fay";
  q.region = "US";
  q.subscriptions = {"providers/criterion-channel"};
  auto page = watchlist_->ListItems(q);
  ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_FALSE(page->items[0].best_offer.has_value());  // I Am Cuba: GB only
  ASSERT_TRUE(page->items[1].best_offer.has_value());
  EXPECT_EQ(page->items[1].best_offer->provider, "providers/criterion-channel");

  q.filter = "watchable_now = true";
  page = watchlist_->ListItems(q);
  ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].film, "films/letter-never-sent");

  q.subscriptions.clear();  // no subscription: nothing to watch in US
  EXPECT_TRUE(watchlist_->ListItems(q)->items.empty());
  q.region = "GB";
  page = watchlist_->ListItems(q);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].film, "films/i-am-cuba");

  q.region.clear();
  EXPECT_THAT(ViolatedFields(watchlist_->ListItems(q).status()),
              ElementsAre("region"));
  q.region = "GB";
  q.filter = "watchable = yes";
  EXPECT_THAT(ViolatedFields(watchlist_->ListItems(q).status()),
              ElementsAre("filter"));
}

TEST_F(WatchlistTest, WatchableNowPagesThroughFilteredItems) {
  // 30 films, every third watchable in GB.
  for (int i = 0; i < 30; ++i) {
    std::string film = NewFilm(absl::StrCat("w-", 100 + i));
    ASSERT_OK(watchlist_->CreateItem("users/gus", Item(film)));
    if (i % 3 == 0) {
      ASSERT_OK(watchlist_->CreateOffer(
          MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB"),
          ""));
    }
  }
  ListItemsQuery q;
  q.parent = "users/gus";
  q.region = "GB";
  q.filter = "watchable_now = true";
  q.page_size = 4;
  std::vector<std::string> films;
  for (const ItemPage& page : AllPages(q)) {
    EXPECT_LE(page.items.size(), 4u);
    for (const auto& item : page.items) films.push_back(item.film);
  }
  ASSERT_EQ(films.size(), 10u);
  EXPECT_EQ(films.front(), "films/w-100");
  EXPECT_EQ(films.back(), "films/w-127");
}

TEST_F(WatchlistTest, ConcurrentAddsMakeOneItem) {
  std::vector<std::thread> threads;
  std::vector<std::string> names(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([this, i, &names] {
      WriteOptions options;
      options.request_id = i % 2 == 0 ? "same-request" : "";
      auto item =
          watchlist_->CreateItem("users/lee", Item("films/i-am-cuba"), options);
      if (item.ok()) names[i] = item->name;
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& name : names)
    EXPECT_EQ(name, "users/lee/watchlist/items/i-am-cuba");
  ListItemsQuery q;
  q.parent = "users/lee";
  EXPECT_EQ(watchlist_->ListItems(q)->items.size(), 1u);
}

TEST_F(WatchlistTest, ValidateOnlyWritesNothing) {
  WriteOptions options;
  options.validate_only = true;
  auto item =
      watchlist_->CreateItem("users/max", Item("films/i-am-cuba"), options);
  ASSERT_OK(item);
  ListItemsQuery q;
  q.parent = "users/max";
  EXPECT_TRUE(watchlist_->ListItems(q)->items.empty());
  int64_t events = watchlist_->last_event_id();
  auto offer =
      watchlist_->CreateOffer(MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                                        Monetization::kFree, "GB"),
                              "v-only", options);
  ASSERT_OK(offer);
  EXPECT_THAT(watchlist_->GetOffer("offers/v-only"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(watchlist_->last_event_id(), events);
}

}  // namespace
}  // namespace longtake::watchlist
