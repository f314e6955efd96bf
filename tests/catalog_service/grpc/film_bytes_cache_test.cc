// GetFilm's reply cache: hits only for the same film version, replaced by a
// newer version, bounded by bytes with the least recently read dropped first.

#include "catalog_service/grpc/film_bytes_cache.h"

#include <string>

#include "gtest/gtest.h"

namespace longtake::catalog {
namespace {

grpc::Slice Bytes(size_t n, char c) { return grpc::Slice(std::string(n, c)); }

TEST(FilmBytesCacheTest, HitsOnlyTheSameVersion) {
  FilmBytesCache cache(1 << 20);
  cache.Put("films/a", "e1", Bytes(10, 'a'));
  ASSERT_TRUE(cache.Find("films/a", "e1").has_value());
  EXPECT_EQ(cache.Find("films/a", "e1")->size(), 10u);
  EXPECT_FALSE(cache.Find("films/a", "e2").has_value());
  EXPECT_FALSE(cache.Find("films/b", "e1").has_value());
  cache.Put("films/a", "e2", Bytes(20, 'b'));
  EXPECT_FALSE(cache.Find("films/a", "e1").has_value());
  EXPECT_EQ(cache.Find("films/a", "e2")->size(), 20u);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(FilmBytesCacheTest, StaysWithinItsBytesDroppingTheLeastRecentlyRead) {
  const size_t bound = 10000;
  FilmBytesCache cache(bound);
  for (int i = 0; i < 10; ++i) {
    cache.Put("films/f" + std::to_string(i), "e", Bytes(500, 'x'));
  }
  for (int round = 0; round < 5; ++round) {
    ASSERT_TRUE(cache.Find("films/f0", "e").has_value());  // kept warm
    for (int i = 10 + round * 10; i < 20 + round * 10; ++i) {
      cache.Put("films/f" + std::to_string(i), "e", Bytes(500, 'x'));
      EXPECT_LE(cache.bytes(), bound);
    }
  }
  EXPECT_TRUE(cache.Find("films/f0", "e").has_value());
  EXPECT_FALSE(cache.Find("films/f1", "e").has_value());
  EXPECT_TRUE(cache.Find("films/f59", "e").has_value());
}

TEST(FilmBytesCacheTest, ZeroBytesKeepsNothing) {
  FilmBytesCache cache(0);
  cache.Put("films/a", "e1", Bytes(1, 'a'));
  EXPECT_FALSE(cache.Find("films/a", "e1").has_value());
  EXPECT_EQ(cache.bytes(), 0u);
}

}  // namespace
}  // namespace longtake::catalog
