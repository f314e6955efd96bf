// ChunkedList against a std::set model: random inserts and erases (through
// chunk splits, emptied chunks, the flat-to-chunked switch), seeks and
// iteration; a custom order; bulk Sort/Assign.

#include "catalog_service/domain/chunked_list.h"

#include <cstdint>
#include <functional>
#include <random>
#include <set>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake::catalog::internal {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::Le;

std::vector<FilmIndex> Items(const ChunkedList& list) {
  return std::vector<FilmIndex>(list.begin(), list.end());
}

template <typename Set>
void ExpectSame(const ChunkedList& list, const Set& model) {
  ASSERT_EQ(list.size(), model.size());
  ASSERT_EQ(Items(list), std::vector<FilmIndex>(model.begin(), model.end()));
  EXPECT_THAT(list.ChunkSizes(), Each(Le(ChunkedList::kChunkMax)));
  for (size_t n : list.ChunkSizes()) EXPECT_GT(n, 0u);
}

// `it` holds the entry `want` points at in the model, or both are at the end.
void ExpectAt(const ChunkedList& list, ChunkedList::const_iterator it,
              const std::set<FilmIndex>& model,
              std::set<FilmIndex>::const_iterator want) {
  if (want == model.end()) {
    EXPECT_EQ(it, list.end());
    return;
  }
  ASSERT_NE(it, list.end());
  EXPECT_EQ(*it, *want);
}

TEST(ChunkedListTest, EmptyListHasNoEntries) {
  ChunkedList list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.begin(), list.end());
  EXPECT_EQ(list.PartitionPoint([](FilmIndex) { return true; }), list.end());
  EXPECT_FALSE(list.Erase(3, std::less<FilmIndex>()));
}

TEST(ChunkedListTest, InsertRefusesAnEqualEntry) {
  ChunkedList list;
  EXPECT_TRUE(list.Insert(5, std::less<FilmIndex>()));
  EXPECT_TRUE(list.Insert(2, std::less<FilmIndex>()));
  EXPECT_FALSE(list.Insert(5, std::less<FilmIndex>()));
  EXPECT_THAT(Items(list), ElementsAre(2, 5));
}

TEST(ChunkedListTest, SplitsAFullChunkAndDropsAnEmptyOne) {
  ChunkedList list;
  const FilmIndex n = ChunkedList::kChunkMax + 1;
  for (FilmIndex i = 0; i < n; ++i) list.Insert(i, std::less<FilmIndex>());
  EXPECT_EQ(list.ChunkSizes().size(), 2u);
  // Empty the first chunk entirely: it goes, the rest stays in order.
  const size_t first = list.ChunkSizes()[0];
  for (FilmIndex i = 0; i < first; ++i) {
    ASSERT_TRUE(list.Erase(i, std::less<FilmIndex>()));
  }
  EXPECT_EQ(list.ChunkSizes().size(), 1u);
  EXPECT_EQ(*list.begin(), first);
  EXPECT_EQ(list.size(), n - first);
}

TEST(ChunkedListTest, RandomOperationsMatchASet) {
  std::mt19937 rng(12345);
  ChunkedList list;
  std::set<FilmIndex> model;
  std::less<FilmIndex> less;
  for (int step = 0; step < 60000; ++step) {
    const FilmIndex x = rng() % 20000;
    // Grow for the first half, then mostly shrink (chunks empty out).
    const bool grow = step < 30000 ? rng() % 4 != 0 : rng() % 4 == 0;
    if (grow) {
      ASSERT_EQ(list.Insert(x, less), model.insert(x).second) << step;
    } else {
      ASSERT_EQ(list.Erase(x, less), model.erase(x) == 1) << step;
    }
    if (step % 997 == 0) {
      ExpectSame(list, model);
      // Seeks: first entry >= probe, and > probe.
      for (int k = 0; k < 20; ++k) {
        const FilmIndex probe = rng() % 21000;
        ExpectAt(list,
                 list.PartitionPoint([&](FilmIndex e) { return e < probe; }),
                 model, model.lower_bound(probe));
        ExpectAt(list,
                 list.PartitionPoint([&](FilmIndex e) { return e <= probe; }),
                 model, model.upper_bound(probe));
      }
    }
  }
  ExpectSame(list, model);
  EXPECT_GT(list.ChunkSizes().size(), 1u) << "the test never left flat mode";
  // Erase everything: back to empty.
  for (FilmIndex x : std::vector<FilmIndex>(model.begin(), model.end())) {
    ASSERT_TRUE(list.Erase(x, less));
  }
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.begin(), list.end());
  EXPECT_TRUE(list.Insert(9, less));
  EXPECT_THAT(Items(list), ElementsAre(9));
}

TEST(ChunkedListTest, KeepsACustomOrder) {
  // Descending by x / 10, then ascending: a two-key order like FilmLess.
  auto less = [](FilmIndex a, FilmIndex b) {
    if (a / 10 != b / 10) return a / 10 > b / 10;
    return a < b;
  };
  std::mt19937 rng(7);
  ChunkedList list;
  std::set<FilmIndex, decltype(less)> model(less);
  for (int step = 0; step < 20000; ++step) {
    const FilmIndex x = rng() % 8000;
    if (rng() % 3 != 0) {
      ASSERT_EQ(list.Insert(x, less), model.insert(x).second);
    } else {
      ASSERT_EQ(list.Erase(x, less), model.erase(x) == 1);
    }
  }
  ExpectSame(list, model);
}

TEST(ChunkedListTest, BulkSortAndAssignChunkTheEntries) {
  ChunkedList list;
  std::set<FilmIndex> model;
  std::mt19937 rng(3);
  for (int i = 0; i < 10000; ++i) {
    const FilmIndex x = rng() % 50000;
    list.AddUnsorted(x);
    model.insert(x);
  }
  list.Sort(std::less<FilmIndex>());
  ExpectSame(list, model);
  EXPECT_GT(list.ChunkSizes().size(), 1u);
  // Inserts after a bulk load fill the chunks, then split them.
  for (FilmIndex x = 50000; x < 60000; ++x) {
    list.Insert(x, std::less<FilmIndex>());
    model.insert(x);
  }
  ExpectSame(list, model);
  ChunkedList copy = list;
  ExpectSame(copy, model);
  EXPECT_TRUE(list.EraseLinear(50001));
  EXPECT_FALSE(list.EraseLinear(50001));
  model.erase(50001);
  ExpectSame(list, model);
}

}  // namespace
}  // namespace longtake::catalog::internal
