#pragma once

// Shared by the catalogue's domain tests: a Catalog on an in-memory SQLite
// store loaded with data/seed/catalog.json (4 films, 9 people, 1 era, 5
// sequences), and small helpers to read results.
//
//   class MyTest : public CatalogTest {};
//   TEST_F(MyTest, X) { EXPECT_THAT(List("year = 1957"), ElementsAre(...)); }

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "catalog_service/domain/catalog.h"
#include "catalog_service/store/open_catalog_store.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/list_limits.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog {

inline constexpr char kSeed[] = LONGTAKE_SOURCE_DIR "/data/seed/catalog.json";

using ::longtake::testing::ExpectListQueryLimits;
using ::longtake::testing::ViolatedFields;

inline std::vector<std::string> Names(
    const std::vector<std::shared_ptr<const Film>>& films) {
  std::vector<std::string> out;
  for (const auto& f : films) out.push_back(f->name);
  return out;
}

inline std::unique_ptr<Catalog> OpenSeeded(
    const std::string& url = "sqlite::memory:") {
  auto store = OpenCatalogStore(url);
  EXPECT_OK(store);
  auto catalog = Catalog::Open(std::move(*store));
  EXPECT_OK(catalog);
  EXPECT_OK((*catalog)->LoadSeedIfEmpty(kSeed));
  return std::move(*catalog);
}

// A valid film not in the seed.
inline Film NewFilm() {
  Film f;
  f.title = "The Unfinished Film";
  f.year = 1960;
  f.runtime_minutes = 90;
  f.credits = {{"people/mikhail-kalatozov", "", CreditRole::kDirector, "", ""}};
  f.eras = {"eras/khrushchev-thaw"};
  return f;
}

// A fresh SQLite file URL under a per-process temporary directory.
inline std::string TempUrl(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("longtake-catalog-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / name).string();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix);
  }
  return "sqlite://" + path;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override { catalog_ = OpenSeeded(); }

  // The names ListFilms returns on one page for `filter` and `order`.
  std::vector<std::string> List(const std::string& filter,
                                const std::string& order = "") {
    ListFilmsQuery q;
    q.filter = filter;
    q.order_by = order;
    auto page = catalog_->ListFilms(q);
    EXPECT_OK(page);
    if (!page.ok()) return {};
    EXPECT_EQ(page->next_page_token, "");
    return Names(page->films);
  }

  // Follows next_page_token from `query` to the last page of `list` (a
  // Catalog member such as &Catalog::ListPeople); the number of `items`
  // (a page member such as &PersonPage::people) seen, -1 when a call fails.
  template <typename Query, typename Page, typename Items>
  int CountAcrossPages(Query query,
                       absl::StatusOr<Page> (Catalog::*list)(const Query&)
                           const,
                       Items Page::*items) {
    int count = 0;
    while (true) {
      absl::StatusOr<Page> page = ((*catalog_).*list)(query);
      EXPECT_OK(page);
      if (!page.ok()) return -1;
      count += static_cast<int>(((*page).*items).size());
      if (page->next_page_token.empty()) return count;
      query.page_token = page->next_page_token;
    }
  }

  // A film's sequences, in film order (none, and a failure, on error).
  auto Sequences(const std::string& film) {
    ListSequencesQuery q;
    q.parent = film;
    auto page = catalog_->ListSequences(q);
    EXPECT_OK(page);
    return page.ok() ? std::move(page->sequences) : decltype(page->sequences){};
  }

  std::unique_ptr<Catalog> catalog_;
};

}  // namespace longtake::catalog
