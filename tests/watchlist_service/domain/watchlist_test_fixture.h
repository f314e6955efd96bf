#pragma once

// The fixture of the Watchlist domain tests: a Watchlist over an in-memory
// SQLite store with the offers seed loaded, a pinned clock and a fake
// catalogue. Shared by the tests of offers, items, events and the seed.
//
//   TEST_F(WatchlistTest, Something) {
//     std::string film = NewFilm("some-film");  // known to the catalogue
//     ASSERT_OK(watchlist_->CreateItem("users/alice", Item(film)));
//   }

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/list_limits.h"
#include "tests/support/status_matchers.h"
#include "tests/watchlist_service/domain/fake_film_directory.h"
#include "watchlist_service/domain/watchlist.h"
#include "watchlist_service/store/open_watchlist_store.h"

namespace longtake::watchlist {

// The matchers the domain test files use.
using ::longtake::testing::ExpectListQueryLimits;
using ::longtake::testing::StatusIs;
using ::longtake::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

inline const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01

inline std::string SeedPath() {
  return std::string(LONGTAKE_SOURCE_DIR) + "/data/seed/offers.json";
}

inline WatchlistItem Item(const std::string& film,
                          const std::string& note = "") {
  WatchlistItem item;
  item.film = film;
  item.note = note;
  return item;
}

class WatchlistTest : public ::testing::Test {
 protected:
  void SetUp() override { Open("sqlite::memory:"); }

  // Closes the store, then removes the files TempSqliteUrl made.
  void TearDown() override {
    watchlist_.reset();
    for (const std::string& path : temp_files_) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::remove((path + suffix).c_str());
      }
    }
  }

  // A new empty file's sqlite:// url, for tests that reopen or share a
  // store; removed after the test.
  std::string TempSqliteUrl(const std::string& tag) {
    std::string path = "/tmp/wlcore-" + tag + "-XXXXXX";
    int fd = mkstemp(path.data());
    EXPECT_GE(fd, 0) << path;
    if (fd >= 0) close(fd);
    temp_files_.push_back(path);
    return "sqlite://" + path;
  }

  void Open(const std::string& url) {
    watchlist_.reset();
    auto store = OpenWatchlistStore(url);
    ASSERT_OK(store);
    WatchlistOptions options;
    options.clock = [this] { return now_; };
    options.leaving_soon_window = absl::Hours(168);
    auto w = Watchlist::Open(std::move(*store), &directory_, options);
    ASSERT_OK(w);
    watchlist_ = std::move(*w);
    ASSERT_OK(watchlist_->LoadSeedIfEmpty(SeedPath()));
  }

  // Every page of a list (at most 10), following next_page_token.
  template <typename Query>
  auto AllPages(Query query) {
    std::vector<typename decltype(List(query))::value_type> pages;
    for (int i = 0; i < 10; ++i) {
      auto page = List(query);
      EXPECT_OK(page);
      if (!page.ok()) break;
      pages.push_back(*page);
      if (page->next_page_token.empty()) break;
      query.page_token = page->next_page_token;
    }
    return pages;
  }
  absl::StatusOr<ItemPage> List(const ListItemsQuery& q) {
    return watchlist_->ListItems(q);
  }
  absl::StatusOr<OfferPage> List(const ListOffersQuery& q) {
    return watchlist_->ListOffers(q);
  }

  // A film known to the catalogue with no seeded offers.
  std::string NewFilm(const std::string& slug) {
    std::string name = "films/" + slug;
    directory_.Add(name, "Film " + slug, 1960);
    return name;
  }

  Offer MakeOffer(const std::string& film, const std::string& provider,
                  Monetization m, const std::string& region,
                  std::optional<Money> price = std::nullopt) {
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

  void AddProvider(const std::string& id, const std::string& display,
                   std::vector<std::string> regions) {
    Provider p;
    p.display_name = display;
    p.kind = ProviderKind::kStreamingService;
    p.regions = std::move(regions);
    p.home_page_uri = "https://example.com/" + id;
    auto created = watchlist_->CreateProvider(p, id);
    ASSERT_OK(created);
  }

  absl::Time now_ = kNow;
  testing::FakeFilmDirectory directory_;
  std::unique_ptr<Watchlist> watchlist_;
  std::vector<std::string> temp_files_;
};

}  // namespace longtake::watchlist
