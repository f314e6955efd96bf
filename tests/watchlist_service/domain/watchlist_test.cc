#include "watchlist_service/domain/watchlist.h"

#include <unistd.h>

#include <cstdio>
#include <thread>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/watchlist_service/domain/fake_film_directory.h"
#include "watchlist_service/domain/watchlist_store.h"

namespace longtake::watchlist {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using testing::FakeFilmDirectory;

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01

std::string SeedPath() { return std::string(LONGTAKE_SOURCE_DIR) + "/data/seed/offers.json"; }

WatchlistItem Item(const std::string& film, const std::string& note = "") {
  WatchlistItem item;
  item.film = film;
  item.note = note;
  return item;
}

std::vector<std::string> ViolationFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : ErrorFieldViolations(status)) fields.push_back(v.field);
  return fields;
}

class WatchlistTest : public ::testing::Test {
 protected:
  void SetUp() override { Open("sqlite::memory:"); }

  void Open(const std::string& url) {
    watchlist_.reset();
    auto store = OpenWatchlistStore(url);
    ASSERT_TRUE(store.ok()) << store.status();
    WatchlistOptions options;
    options.clock = [this] { return now_; };
    options.leaving_soon_window = absl::Hours(168);
    auto w = Watchlist::Open(std::move(*store), &directory_, options);
    ASSERT_TRUE(w.ok()) << w.status();
    watchlist_ = std::move(*w);
    ASSERT_TRUE(watchlist_->LoadSeedIfEmpty(SeedPath()).ok());
  }

  // A film known to the catalogue with no seeded offers.
  std::string NewFilm(const std::string& slug) {
    std::string name = "films/" + slug;
    directory_.Add(name, "Film " + slug, 1960);
    return name;
  }

  Offer MakeOffer(const std::string& film, const std::string& provider, Monetization m,
                  const std::string& region, std::optional<Money> price = std::nullopt) {
    Offer o;
    o.film = film;
    o.provider = provider;
    o.monetization = m;
    o.format = Format::kStreaming;
    o.quality = Quality::kHd;
    o.region = region;
    o.price = std::move(price);
    o.deep_link_uri = "https://example.com/watch";
    return o;
  }

  void AddProvider(const std::string& id, const std::string& display, std::vector<std::string> regions) {
    Provider p;
    p.display_name = display;
    p.kind = ProviderKind::kStreamingService;
    p.regions = std::move(regions);
    p.home_page_uri = "https://example.com/" + id;
    auto created = watchlist_->CreateProvider(p, id);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  absl::Time now_ = kNow;
  FakeFilmDirectory directory_;
  std::unique_ptr<Watchlist> watchlist_;
};

// ---- Seed and where to watch ----

TEST_F(WatchlistTest, SeedHasProvidersAndOffers) {
  auto providers = watchlist_->ListProviders(0, "");
  ASSERT_TRUE(providers.ok());
  ASSERT_EQ(providers->providers.size(), 2u);
  EXPECT_EQ(providers->providers[0].name, "providers/criterion-channel");
  EXPECT_THAT(providers->providers[0].regions, ElementsAre("US", "CA"));
  EXPECT_EQ(providers->providers[1].name, "providers/mr-bongo");
  EXPECT_EQ(providers->providers[1].kind, ProviderKind::kRetailer);
  auto offers = watchlist_->ListOffers({});
  ASSERT_TRUE(offers.ok());
  EXPECT_EQ(offers->offers.size(), 5u);
  // Loading again does nothing.
  ASSERT_TRUE(watchlist_->LoadSeedIfEmpty(SeedPath()).ok());
  EXPECT_EQ(watchlist_->ListOffers({})->offers.size(), 5u);
}

TEST_F(WatchlistTest, WhereToWatchIAmCubaInGbIsMrBongoDvd) {
  auto result = watchlist_->WhereToWatch({"films/i-am-cuba", "GB", {}});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->offers.size(), 1u);
  const RankedOffer& r = result->offers[0];
  EXPECT_EQ(r.offer.provider, "providers/mr-bongo");
  EXPECT_EQ(r.offer.monetization, Monetization::kBuy);
  EXPECT_EQ(r.offer.format, Format::kDvd);
  ASSERT_TRUE(r.offer.price.has_value());
  EXPECT_EQ(r.offer.price->currency_code, "GBP");
  EXPECT_EQ(r.offer.price->units, 12);
  EXPECT_EQ(r.offer.price->nanos, 990000000);
  EXPECT_THAT(r.offer.extras, ElementsAre("Interview with Martin Scorsese",
                                          "Retrospective documentary on the making of the film"));
  EXPECT_FALSE(r.offer.edition.empty());
  EXPECT_EQ(r.explanation, "buy on DVD from Mr Bongo for £12.99");
  EXPECT_TRUE(r.available_to_user);
  EXPECT_TRUE(result->available_in_regions.empty());
  EXPECT_THAT(result->summary, HasSubstr("Mr Bongo"));
}

TEST_F(WatchlistTest, WhereToWatchIAmCubaInUsSaysWhereElse) {
  auto result = watchlist_->WhereToWatch({"films/i-am-cuba", "us", {}});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->offers.empty());
  EXPECT_THAT(result->available_in_regions, ElementsAre("GB"));
  EXPECT_EQ(result->summary, "Not available in US. Available in GB (buy on DVD from Mr Bongo).");
}

TEST_F(WatchlistTest, WhereToWatchSubscriptionDependsOnWhatTheyHave) {
  auto with = watchlist_->WhereToWatch(
      {"films/the-cranes-are-flying", "US", {"providers/criterion-channel"}});
  ASSERT_TRUE(with.ok());
  ASSERT_EQ(with->offers.size(), 1u);
  EXPECT_TRUE(with->offers[0].available_to_user);
  EXPECT_EQ(with->offers[0].explanation, "included in your Criterion Channel subscription");

  auto without = watchlist_->WhereToWatch({"films/the-cranes-are-flying", "CA", {}});
  ASSERT_TRUE(without.ok());
  ASSERT_EQ(without->offers.size(), 1u);
  EXPECT_FALSE(without->offers[0].available_to_user);
  EXPECT_THAT(without->offers[0].explanation, HasSubstr("Criterion Channel subscription"));
}

TEST_F(WatchlistTest, WhereToWatchRanksByKindThenPrice) {
  AddProvider("film4", "Film4", {"GB"});
  AddProvider("bfi-player", "BFI Player", {"GB"});
  AddProvider("shop", "Shop", {"GB"});
  std::string film = NewFilm("ranking-film");
  struct Spec {
    std::string id;
    std::string provider;
    Monetization m;
    std::optional<Money> price;
  };
  std::vector<Spec> specs = {
      {"buy", "providers/shop", Monetization::kBuy, Money{"GBP", 9, 990000000}},
      {"rent-dear", "providers/shop", Monetization::kRent, Money{"GBP", 3, 490000000}},
      {"sub-missing", "providers/bfi-player", Monetization::kSubscription, std::nullopt},
      {"rent-cheap", "providers/shop", Monetization::kRent, Money{"GBP", 2, 990000000}},
      {"ads", "providers/film4", Monetization::kAds, std::nullopt},
      {"sub-have", "providers/mr-bongo", Monetization::kSubscription, std::nullopt},
      {"free", "providers/film4", Monetization::kFree, std::nullopt},
  };
  for (const Spec& s : specs) {
    auto created = watchlist_->CreateOffer(MakeOffer(film, s.provider, s.m, "GB", s.price), s.id);
    ASSERT_TRUE(created.ok()) << s.id << ": " << created.status();
  }
  auto result = watchlist_->WhereToWatch({film, "GB", {"providers/mr-bongo"}});
  ASSERT_TRUE(result.ok()) << result.status();
  std::vector<std::string> order;
  for (const RankedOffer& r : result->offers) order.push_back(r.offer.name);
  EXPECT_THAT(order, ElementsAre("offers/sub-have", "offers/free", "offers/ads",
                                 "offers/rent-cheap", "offers/rent-dear", "offers/buy",
                                 "offers/sub-missing"));
  EXPECT_FALSE(result->offers.back().available_to_user);
  EXPECT_TRUE(result->offers[3].available_to_user);
  EXPECT_EQ(result->offers[3].explanation, "rent in HD from Shop for £2.99");
}

TEST_F(WatchlistTest, WhereToWatchOnlyOffersAvailableNow) {
  std::string film = NewFilm("windowed");
  Offer past = MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB");
  past.available_until = kNow - absl::Hours(1);
  past.available_from = kNow - absl::Hours(100);
  Offer future = MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB");
  future.available_from = kNow + absl::Hours(1);
  Offer current = MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB");
  current.available_from = kNow - absl::Hours(1);
  current.available_until = kNow + absl::Hours(1);
  ASSERT_TRUE(watchlist_->CreateOffer(past, "past").ok());
  ASSERT_TRUE(watchlist_->CreateOffer(future, "future").ok());
  ASSERT_TRUE(watchlist_->CreateOffer(current, "current").ok());
  auto result = watchlist_->WhereToWatch({film, "GB", {}});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->offers.size(), 1u);
  EXPECT_EQ(result->offers[0].offer.name, "offers/current");
  now_ = kNow + absl::Hours(2);
  result = watchlist_->WhereToWatch({film, "GB", {}});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->offers.size(), 1u);
  EXPECT_EQ(result->offers[0].offer.name, "offers/future");
}

TEST_F(WatchlistTest, WhereToWatchValidatesArguments) {
  auto bad_region = watchlist_->WhereToWatch({"films/i-am-cuba", "GBR", {}});
  EXPECT_EQ(bad_region.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationFields(bad_region.status()), ElementsAre("region"));
  auto bad_film = watchlist_->WhereToWatch({"i-am-cuba", "GB", {}});
  EXPECT_THAT(ViolationFields(bad_film.status()), ElementsAre("film"));
}

// ---- Offer validation, etags, idempotency ----

TEST_F(WatchlistTest, OfferValidationNamesFields) {
  Offer o = MakeOffer("films/x y", "providers/nobody", Monetization::kBuy, "gb");
  o.deep_link_uri = "ftp://example.com";
  o.available_from = kNow;
  o.available_until = kNow - absl::Hours(1);
  auto created = watchlist_->CreateOffer(o, "");
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationFields(created.status()),
              UnorderedElementsAre("offer.film", "offer.provider", "offer.region",
                                   "offer.price", "offer.deep_link_uri",
                                   "offer.available_until"));

  Offer unknown_provider =
      MakeOffer("films/i-am-cuba", "providers/nobody", Monetization::kFree, "GB");
  EXPECT_THAT(ViolationFields(watchlist_->CreateOffer(unknown_provider, "").status()),
              ElementsAre("offer.provider"));

  Offer bad_money = MakeOffer("films/i-am-cuba", "providers/mr-bongo", Monetization::kRent, "GB",
                              Money{"pounds", 1, 0});
  EXPECT_THAT(ViolationFields(watchlist_->CreateOffer(bad_money, "").status()),
              ElementsAre("offer.price.currency_code"));
  Offer negative = MakeOffer("films/i-am-cuba", "providers/mr-bongo", Monetization::kRent, "GB",
                             Money{"GBP", -1, 0});
  EXPECT_THAT(ViolationFields(watchlist_->CreateOffer(negative, "").status()),
              ElementsAre("offer.price"));

  // A price on a subscription offer is ignored.
  Offer sub = MakeOffer("films/i-am-cuba", "providers/mr-bongo", Monetization::kSubscription,
                        "GB", Money{"GBP", 5, 0});
  auto ok = watchlist_->CreateOffer(sub, "");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_FALSE(ok->price.has_value());
  EXPECT_THAT(ok->name, ::testing::StartsWith("offers/"));
}

TEST_F(WatchlistTest, OfferEtagAndRequestId) {
  std::string film = NewFilm("etag-film");
  WriteOptions options;
  options.request_id = "req-offer-1";
  auto first = watchlist_->CreateOffer(
      MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB"), "", options);
  ASSERT_TRUE(first.ok());
  auto second = watchlist_->CreateOffer(
      MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB"), "", options);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->name, second->name);
  ListOffersQuery q;
  q.filter = absl::StrCat("film = \"", film, "\"");
  EXPECT_EQ(watchlist_->ListOffers(q)->offers.size(), 1u);

  Offer stale = *first;
  stale.etag = "not-the-etag";
  stale.edition = "x";
  auto update = watchlist_->UpdateOffer(stale, {"edition"});
  EXPECT_EQ(update.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(update.status()), "ETAG_MISMATCH");
  Offer fresh = *first;
  fresh.edition = "Special edition";
  auto updated = watchlist_->UpdateOffer(fresh, {"edition"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->edition, "Special edition");
  EXPECT_NE(updated->etag, first->etag);
  EXPECT_EQ(watchlist_->UpdateOffer(fresh, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(WatchlistTest, ListOffersFiltersAndPages) {
  ListOffersQuery q;
  q.filter = "region = \"US\"";
  q.page_size = 1;
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) {
    auto page = watchlist_->ListOffers(q);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Offer& o : page->offers) {
      EXPECT_EQ(o.region, "US");
      names.push_back(o.name);
    }
    if (page->next_page_token.empty()) break;
    q.page_token = page->next_page_token;
  }
  EXPECT_EQ(names.size(), 2u);
  q = {};
  q.filter = "film = \"films/i-am-cuba\" AND region = \"GB\"";
  EXPECT_EQ(watchlist_->ListOffers(q)->offers.size(), 1u);
  q.filter = "price < 3";
  EXPECT_THAT(ViolationFields(watchlist_->ListOffers(q).status()), ElementsAre("filter"));
}

TEST_F(WatchlistTest, ProviderWithOffersCannotBeDeleted) {
  auto s = watchlist_->DeleteProvider("providers/mr-bongo", "");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(s), "PROVIDER_HAS_OFFERS");
  AddProvider("empty", "Empty", {"FR"});
  EXPECT_TRUE(watchlist_->DeleteProvider("providers/empty", "").ok());
  EXPECT_EQ(watchlist_->GetProvider("providers/empty").status().code(),
            absl::StatusCode::kNotFound);
}

// ---- Watchlist items ----

TEST_F(WatchlistTest, AddListAndEnrich) {
  auto item = watchlist_->CreateItem("users/alice", Item("films/i-am-cuba", "Havana"));
  ASSERT_TRUE(item.ok()) << item.status();
  EXPECT_EQ(item->name, "users/alice/watchlist/items/i-am-cuba");
  EXPECT_TRUE(item->enriched);
  EXPECT_EQ(item->film_summary.title, "I Am Cuba");
  EXPECT_EQ(item->rank, 1);
  auto second = watchlist_->CreateItem("users/alice", Item("films/letter-never-sent"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->rank, 2);

  ListItemsQuery q;
  q.parent = "users/alice";
  auto page = watchlist_->ListItems(q);
  ASSERT_TRUE(page.ok()) << page.status();
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
    ASSERT_TRUE(watchlist_->CreateItem("users/carol", Item(film)).ok());
  }
  ListItemsQuery q;
  q.parent = "users/carol";
  q.page_size = 500;  // coerced to 100
  int before = directory_.calls();
  auto page = watchlist_->ListItems(q);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->items.size(), 100u);
  EXPECT_EQ(directory_.calls() - before, 1);
  EXPECT_EQ(directory_.largest_batch(), 100u);
  for (const WatchlistItem& item : page->items) EXPECT_TRUE(item.enriched) << item.name;
  EXPECT_EQ(page->items[0].film, "films/film-1000");
  ASSERT_FALSE(page->next_page_token.empty());

  q.page_token = page->next_page_token;
  auto rest = watchlist_->ListItems(q);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->items.size(), 50u);
  EXPECT_EQ(directory_.calls() - before, 2);
  EXPECT_TRUE(rest->next_page_token.empty());
  EXPECT_EQ(rest->items.back().film, "films/film-1149");

  // Default page size is 50.
  q = {};
  q.parent = "users/carol";
  EXPECT_EQ(watchlist_->ListItems(q)->items.size(), 50u);
  q.page_size = -1;
  EXPECT_THAT(ViolationFields(watchlist_->ListItems(q).status()), ElementsAre("page_size"));
}

TEST_F(WatchlistTest, DirectoryDownListsUnenriched) {
  ASSERT_TRUE(watchlist_->CreateItem("users/alice", Item("films/i-am-cuba")).ok());
  directory_.set_down(true);
  ListItemsQuery q;
  q.parent = "users/alice";
  auto page = watchlist_->ListItems(q);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_FALSE(page->items[0].enriched);
  EXPECT_TRUE(page->items[0].film_summary.title.empty());
  EXPECT_EQ(page->items[0].film, "films/i-am-cuba");

  auto got = watchlist_->GetItem(page->items[0].name);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->enriched);

  auto add = watchlist_->CreateItem("users/alice", Item("films/letter-never-sent"));
  EXPECT_EQ(add.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(add.status()), "CATALOG_UNAVAILABLE");
  EXPECT_THAT(std::string(add.status().message()), HasSubstr("catalogue"));
}

TEST_F(WatchlistTest, AddUnknownFilmIsNotFoundNamingIt) {
  auto add = watchlist_->CreateItem("users/alice", Item("films/no-such-film"));
  EXPECT_EQ(add.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorResource(add.status()), "films/no-such-film");
  auto bad = watchlist_->CreateItem("users/Alice!", Item("films/i-am-cuba"));
  EXPECT_THAT(ViolationFields(bad.status()), ElementsAre("parent"));
  auto bad_film = watchlist_->CreateItem("users/alice", Item("i-am-cuba"));
  EXPECT_THAT(ViolationFields(bad_film.status()), ElementsAre("item.film"));
}

TEST_F(WatchlistTest, AddIsIdempotentAndDuplicatesReturnExisting) {
  WriteOptions options;
  options.request_id = "add-1";
  auto first = watchlist_->CreateItem("users/alice", Item("films/i-am-cuba"), options);
  auto again = watchlist_->CreateItem("users/alice", Item("films/i-am-cuba"), options);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->name, again->name);
  auto dup = watchlist_->CreateItem("users/alice", Item("films/i-am-cuba", "x"));
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->name, first->name);
  EXPECT_EQ(dup->etag, first->etag);
  ListItemsQuery q;
  q.parent = "users/alice";
  EXPECT_EQ(watchlist_->ListItems(q)->items.size(), 1u);
}

TEST_F(WatchlistTest, RequestIdSurvivesRestart) {
  char path[] = "/tmp/wlcore-domain-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::string url = absl::StrCat("sqlite://", path);
  Open(url);
  WriteOptions options;
  options.request_id = "restart-1";
  auto first = watchlist_->CreateItem("users/dora", Item("films/i-am-cuba"), options);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(watchlist_->DeleteItem(first->name).ok());
  Open(url);  // a new process, same store
  auto again = watchlist_->CreateItem("users/dora", Item("films/i-am-cuba"), options);
  // The request was done: the retry does not re-add the film.
  EXPECT_EQ(again.status().code(), absl::StatusCode::kNotFound);
  ListItemsQuery q;
  q.parent = "users/dora";
  EXPECT_TRUE(watchlist_->ListItems(q)->items.empty());
  watchlist_.reset();
  std::remove(path);
  std::remove(absl::StrCat(path, "-wal").c_str());
  std::remove(absl::StrCat(path, "-shm").c_str());
}

TEST_F(WatchlistTest, UpdateReorderMarkWatchedHistory) {
  std::vector<std::string> names;
  for (const char* film : {"films/i-am-cuba", "films/letter-never-sent",
                           "films/the-cranes-are-flying"}) {
    auto item = watchlist_->CreateItem("users/erin", Item(film));
    ASSERT_TRUE(item.ok());
    names.push_back(item->name);
  }
  auto reordered = watchlist_->ReorderItems("users/erin", {names[2], names[0]});
  ASSERT_TRUE(reordered.ok()) << reordered.status();
  std::vector<std::string> order;
  for (const auto& item : *reordered) order.push_back(item.name);
  EXPECT_THAT(order, ElementsAre(names[2], names[0], names[1]));
  ListItemsQuery q;
  q.parent = "users/erin";
  auto listed = watchlist_->ListItems(q);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->items.size(), 3u);
  EXPECT_EQ(listed->items[0].name, names[2]);
  EXPECT_EQ(listed->items[2].name, names[1]);
  EXPECT_EQ(watchlist_->ReorderItems("users/erin", {names[0], names[0]}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(watchlist_->ReorderItems("users/erin", {"users/erin/watchlist/items/nope"})
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  WatchlistItem change;
  change.name = names[1];
  change.note = "with popcorn";
  auto updated = watchlist_->UpdateItem(change, {"note"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->note, "with popcorn");
  EXPECT_EQ(updated->rank, 3);  // untouched
  EXPECT_THAT(ViolationFields(watchlist_->UpdateItem(change, {"film"}).status()),
              ElementsAre("update_mask"));

  now_ = kNow + absl::Hours(3);
  auto watched = watchlist_->MarkWatched(names[0]);
  ASSERT_TRUE(watched.ok()) << watched.status();
  EXPECT_EQ(watched->watch_time, now_);
  EXPECT_TRUE(watched->watched());
  listed = watchlist_->ListItems(q);
  ASSERT_EQ(listed->items.size(), 2u);
  auto history = watchlist_->ListHistory("users/erin", 0, "");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->items.size(), 1u);
  EXPECT_EQ(history->items[0].name, names[0]);
  EXPECT_EQ(history->items[0].watch_time, now_);
  EXPECT_TRUE(history->items[0].enriched);

  // Watched films can go back on the list as a new item.
  auto again = watchlist_->CreateItem("users/erin", Item("films/i-am-cuba"));
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->name, names[0]);
  EXPECT_FALSE(again->watched());

  ASSERT_TRUE(watchlist_->DeleteItem(names[1]).ok());
  EXPECT_EQ(watchlist_->GetItem(names[1]).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(WatchlistTest, BestOfferAndWatchableNow) {
  for (const char* film : {"films/i-am-cuba", "films/letter-never-sent",
                           "films/the-cranes-are-flying"}) {
    ASSERT_TRUE(watchlist_->CreateItem("users/fay", Item(film)).ok());
  }
  ListItemsQuery q;
  q.parent = "users/fay";
  q.region = "US";
  q.subscriptions = {"providers/criterion-channel"};
  auto page = watchlist_->ListItems(q);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_FALSE(page->items[0].best_offer.has_value());  // I Am Cuba: GB only
  ASSERT_TRUE(page->items[1].best_offer.has_value());
  EXPECT_EQ(page->items[1].best_offer->provider, "providers/criterion-channel");

  q.filter = "watchable_now = true";
  page = watchlist_->ListItems(q);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].film, "films/letter-never-sent");

  q.subscriptions.clear();  // no subscription: nothing to watch in US
  EXPECT_TRUE(watchlist_->ListItems(q)->items.empty());
  q.region = "GB";
  page = watchlist_->ListItems(q);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].film, "films/i-am-cuba");

  q.region.clear();
  EXPECT_THAT(ViolationFields(watchlist_->ListItems(q).status()), ElementsAre("region"));
  q.region = "GB";
  q.filter = "watchable = yes";
  EXPECT_THAT(ViolationFields(watchlist_->ListItems(q).status()), ElementsAre("filter"));
}

TEST_F(WatchlistTest, WatchableNowPagesThroughFilteredItems) {
  // 30 films, every third watchable in GB.
  for (int i = 0; i < 30; ++i) {
    std::string film = NewFilm(absl::StrCat("w-", 100 + i));
    ASSERT_TRUE(watchlist_->CreateItem("users/gus", Item(film)).ok());
    if (i % 3 == 0) {
      ASSERT_TRUE(watchlist_
                      ->CreateOffer(MakeOffer(film, "providers/mr-bongo", Monetization::kFree,
                                              "GB"),
                                    "")
                      .ok());
    }
  }
  ListItemsQuery q;
  q.parent = "users/gus";
  q.region = "GB";
  q.filter = "watchable_now = true";
  q.page_size = 4;
  std::vector<std::string> films;
  for (int i = 0; i < 10; ++i) {
    auto page = watchlist_->ListItems(q);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->items.size(), 4u);
    for (const auto& item : page->items) films.push_back(item.film);
    if (page->next_page_token.empty()) break;
    q.page_token = page->next_page_token;
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
      auto item = watchlist_->CreateItem("users/lee", Item("films/i-am-cuba"), options);
      if (item.ok()) names[i] = item->name;
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& name : names) EXPECT_EQ(name, "users/lee/watchlist/items/i-am-cuba");
  ListItemsQuery q;
  q.parent = "users/lee";
  EXPECT_EQ(watchlist_->ListItems(q)->items.size(), 1u);
}

TEST_F(WatchlistTest, ValidateOnlyWritesNothing) {
  WriteOptions options;
  options.validate_only = true;
  auto item = watchlist_->CreateItem("users/max", Item("films/i-am-cuba"), options);
  ASSERT_TRUE(item.ok()) << item.status();
  ListItemsQuery q;
  q.parent = "users/max";
  EXPECT_TRUE(watchlist_->ListItems(q)->items.empty());
  int64_t events = watchlist_->last_event_id();
  auto offer = watchlist_->CreateOffer(
      MakeOffer("films/i-am-cuba", "providers/mr-bongo", Monetization::kFree, "GB"), "v-only",
      options);
  ASSERT_TRUE(offer.ok()) << offer.status();
  EXPECT_EQ(watchlist_->GetOffer("offers/v-only").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(watchlist_->last_event_id(), events);
}

TEST_F(WatchlistTest, ProviderCrudAndValidation) {
  Provider bad;
  bad.regions = {"gb"};
  bad.home_page_uri = "mrbongo.com";
  auto created = watchlist_->CreateProvider(bad, "x");
  EXPECT_THAT(ViolationFields(created.status()),
              UnorderedElementsAre("provider.display_name", "provider.regions[0]",
                                   "provider.home_page_uri"));
  EXPECT_THAT(ViolationFields(watchlist_->CreateProvider(bad, "Bad Id").status()),
              ElementsAre("provider_id"));
  Provider dup;
  dup.display_name = "Again";
  EXPECT_EQ(watchlist_->CreateProvider(dup, "mr-bongo").status().code(),
            absl::StatusCode::kAlreadyExists);

  auto current = watchlist_->GetProvider("providers/mr-bongo");
  ASSERT_TRUE(current.ok());
  Provider change = *current;
  change.display_name = "Mr Bongo Films";
  change.regions = {"ZZ"};  // not in the mask: ignored
  auto updated = watchlist_->UpdateProvider(change, {"display_name"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->display_name, "Mr Bongo Films");
  EXPECT_THAT(updated->regions, ElementsAre("GB"));
  EXPECT_NE(updated->etag, current->etag);
  // The new name shows in explanations.
  auto where = watchlist_->WhereToWatch({"films/i-am-cuba", "GB", {}});
  EXPECT_EQ(where->offers[0].explanation, "buy on DVD from Mr Bongo Films for £12.99");
  // The old etag is stale now.
  EXPECT_EQ(watchlist_->UpdateProvider(change, {"display_name"}).status().code(),
            absl::StatusCode::kAborted);
}

TEST_F(WatchlistTest, OfferUpdateEventsForWindowAndRegion) {
  std::string film = NewFilm("moving");
  ASSERT_TRUE(watchlist_->CreateItem("users/nia", Item(film)).ok());
  Offer later = MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB");
  later.available_from = kNow + absl::Hours(24);
  auto created = watchlist_->CreateOffer(later, "moving-free");
  ASSERT_TRUE(created.ok());
  std::vector<AvailabilityEvent::Kind> kinds;
  auto sub = watchlist_->Subscribe(
      [&kinds](const AvailabilityEvent& e) { kinds.push_back(e.kind); });
  Offer now_available = *created;
  now_available.available_from = kNow - absl::Hours(1);
  auto updated = watchlist_->UpdateOffer(now_available, {"available_from"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  Offer moved = *updated;
  moved.region = "IE";
  ASSERT_TRUE(watchlist_->UpdateOffer(moved, {"region"}).ok());
  EXPECT_THAT(kinds, ElementsAre(AvailabilityEvent::Kind::kOfferAvailable,
                                 AvailabilityEvent::Kind::kOfferRemoved,
                                 AvailabilityEvent::Kind::kOfferAvailable));
  auto removed = watchlist_->EventsAfter("users/nia", {"GB"}, 0, 0);
  ASSERT_TRUE(removed.ok());
  ASSERT_FALSE(removed->empty());
  EXPECT_EQ(removed->back().kind, AvailabilityEvent::Kind::kOfferRemoved);
  EXPECT_EQ(removed->back().offer.region, "GB");
}

// ---- Events ----

TEST_F(WatchlistTest, OfferEventsAreStoredPublishedAndResumable) {
  std::string film = NewFilm("eventful");
  ASSERT_TRUE(watchlist_->CreateItem("users/hana", Item(film)).ok());
  std::vector<AvailabilityEvent> live;
  auto subscription =
      watchlist_->Subscribe([&live](const AvailabilityEvent& e) { live.push_back(e); });

  auto offer = watchlist_->CreateOffer(
      MakeOffer(film, "providers/mr-bongo", Monetization::kRent, "GB", Money{"GBP", 3, 0}),
      "eventful-rent");
  ASSERT_TRUE(offer.ok()) << offer.status();
  Offer cheaper = *offer;
  cheaper.price = Money{"GBP", 2, 500000000};
  ASSERT_TRUE(watchlist_->UpdateOffer(cheaper, {"price"}).ok());
  ASSERT_TRUE(watchlist_->DeleteOffer(offer->name, "").ok());

  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0].kind, AvailabilityEvent::Kind::kOfferAvailable);
  EXPECT_EQ(live[1].kind, AvailabilityEvent::Kind::kPriceChanged);
  ASSERT_TRUE(live[1].previous_price.has_value());
  EXPECT_EQ(live[1].previous_price->units, 3);
  EXPECT_EQ(live[1].offer.price->nanos, 500000000);
  EXPECT_EQ(live[2].kind, AvailabilityEvent::Kind::kOfferRemoved);
  EXPECT_EQ(live[2].offer.name, offer->name);
  EXPECT_LT(live[0].event_id, live[1].event_id);
  EXPECT_LT(live[1].event_id, live[2].event_id);
  EXPECT_EQ(watchlist_->last_event_id(), live[2].event_id);

  auto stored = watchlist_->EventsAfter("users/hana", {}, 0, 0);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->size(), 3u);  // seed events are for films not on the list
  EXPECT_EQ((*stored)[1].event_id, live[1].event_id);
  EXPECT_EQ((*stored)[1].user, "users/hana");
  EXPECT_EQ((*stored)[1].previous_price->units, 3);
  EXPECT_EQ((*stored)[2].offer.price->units, 2);

  auto resumed = watchlist_->EventsAfter("users/hana", {"gb"}, live[0].event_id, 0);
  ASSERT_TRUE(resumed.ok());
  ASSERT_EQ(resumed->size(), 2u);
  EXPECT_EQ((*resumed)[0].kind, AvailabilityEvent::Kind::kPriceChanged);
  EXPECT_TRUE(watchlist_->EventsAfter("users/hana", {"US"}, 0, 0)->empty());
  EXPECT_TRUE(watchlist_->EventsAfter("users/ivan", {}, 0, 0)->empty());

  EXPECT_TRUE(*watchlist_->EventConcernsUser(live[0], "users/hana", {}));
  EXPECT_FALSE(*watchlist_->EventConcernsUser(live[0], "users/hana", {"US"}));
  EXPECT_FALSE(*watchlist_->EventConcernsUser(live[0], "users/ivan", {}));

  subscription.reset();
  ASSERT_TRUE(watchlist_
                  ->CreateOffer(MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB"),
                                "")
                  .ok());
  EXPECT_EQ(live.size(), 3u);  // unsubscribed
}

TEST_F(WatchlistTest, LeavingSoonEmittedOnce) {
  std::string film = NewFilm("leaving");
  Offer soon = MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB");
  soon.available_until = kNow + absl::Hours(48);
  Offer later = MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB");
  later.available_until = kNow + absl::Hours(24 * 30);
  ASSERT_TRUE(watchlist_->CreateOffer(soon, "soon").ok());
  ASSERT_TRUE(watchlist_->CreateOffer(later, "later").ok());
  int live = 0;
  auto sub = watchlist_->Subscribe([&live](const AvailabilityEvent& e) {
    if (e.kind == AvailabilityEvent::Kind::kLeavingSoon) ++live;
  });
  auto first = watchlist_->ScanLeavingSoon(kNow);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(*watchlist_->ScanLeavingSoon(kNow + absl::Hours(1)), 0);
  EXPECT_EQ(live, 1);
  // Once "later" enters the window it is announced, once.
  EXPECT_EQ(*watchlist_->ScanLeavingSoon(kNow + absl::Hours(24 * 25)), 1);
  EXPECT_EQ(*watchlist_->ScanLeavingSoon(kNow + absl::Hours(24 * 26)), 0);
  ASSERT_TRUE(watchlist_->CreateItem("users/jo", Item(film)).ok());
  auto events = watchlist_->EventsAfter("users/jo", {}, 0, 0);
  int leaving = 0;
  for (const auto& e : *events) leaving += e.kind == AvailabilityEvent::Kind::kLeavingSoon;
  EXPECT_EQ(leaving, 2);
}

TEST_F(WatchlistTest, PollingDeliversOtherReplicasEvents) {
  char path[] = "/tmp/wlcore-replica-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::string url = absl::StrCat("sqlite://", path);
  Open(url);
  auto other_store = OpenWatchlistStore(url);
  ASSERT_TRUE(other_store.ok());
  auto replica = Watchlist::Open(std::move(*other_store), &directory_, {});
  ASSERT_TRUE(replica.ok());
  std::vector<int64_t> seen_here, seen_there;
  auto sub_here = watchlist_->Subscribe(
      [&seen_here](const AvailabilityEvent& e) { seen_here.push_back(e.event_id); });
  auto sub_there = (*replica)->Subscribe(
      [&seen_there](const AvailabilityEvent& e) { seen_there.push_back(e.event_id); });

  ASSERT_TRUE(watchlist_
                  ->CreateOffer(MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                                          Monetization::kFree, "GB"),
                                "")
                  .ok());
  ASSERT_EQ(seen_here.size(), 1u);
  EXPECT_TRUE(seen_there.empty());
  EXPECT_EQ(*(*replica)->PollNewEvents(), 1);
  EXPECT_EQ(seen_there, seen_here);
  EXPECT_EQ(*(*replica)->PollNewEvents(), 0);
  EXPECT_EQ(*watchlist_->PollNewEvents(), 0);  // published locally already
  EXPECT_EQ(seen_here.size(), 1u);

  replica->reset();
  watchlist_.reset();
  std::remove(path);
  std::remove(absl::StrCat(path, "-wal").c_str());
  std::remove(absl::StrCat(path, "-shm").c_str());
}

}  // namespace
}  // namespace longtake::watchlist
