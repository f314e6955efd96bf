// The compact film record: every field survives encode and decode, with
// Cyrillic text, empty films and large ones; the head (name, title key,
// etag, sort keys) reads without decoding; repeated strings are interned.

#include "catalog_service/domain/film_record.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake::catalog::internal {
namespace {

Film FullFilm() {
  Film f;
  f.name = "films/letyat-zhuravli";
  f.title = "Летят журавли";
  f.original_titles = {"Летят журавли", "The Cranes Are Flying"};
  f.aliases = {"Quand passent les cigognes", ""};
  f.year = 1957;
  f.runtime_minutes = 97;
  f.countries = {"SU"};
  f.languages = {"ru", "en"};
  f.synopsis = "Вероника и Борис — синопсис с «кавычками».";
  f.credits = {
      {"people/mikhail-kalatozov", "Михаил Калатозов", CreditRole::kDirector,
       "", "режиссёр"},
      {"people/tatiana-samoilova", "Tatiana Samoilova", CreditRole::kCast,
       "Вероника", ""},
      {"people/sergei-urusevsky", "Sergei Urusevsky",
       CreditRole::kCinematographer, "", ""},
      {"people/x", "", CreditRole::kPresenter, "", ""},
  };
  f.awards = {{"Palme d'Or", "Cannes Film Festival", 1958, "Best Film"},
              {"", "", -3, ""}};
  f.eras = {"eras/khrushchev-thaw"};
  f.studios = {"Mosfilm"};
  f.notes = {"one", "", "три"};
  f.etag = "W/\"abc123\"";
  f.create_time = absl::FromUnixNanos(1700000000123456789);
  f.update_time = absl::FromUnixSeconds(-86400 * 365) + absl::Nanoseconds(7);
  f.external_ids = {"tt0050634", 12345678901234, "Q467545"};
  f.genres = {"drama", "war"};
  f.ratings = {{"imdb", 8.3, 61000}, {"letterboxd", 4.25, -1}};
  return f;
}

TEST(FilmRecordTest, EveryFieldRoundTrips) {
  StringPool pool;
  const Film film = FullFilm();
  FilmRecord rec = EncodeFilm(film, &pool);
  EXPECT_EQ(DecodeFilm(rec, pool), film);
  EXPECT_EQ(rec.name(), "films/letyat-zhuravli");
  EXPECT_EQ(rec.etag(), "W/\"abc123\"");
  EXPECT_EQ(rec.title(), "Летят журавли");
  EXPECT_EQ(rec.title_key(), TitleKey(film.title));
  EXPECT_EQ(rec.year(), 1957);
  EXPECT_EQ(rec.runtime_minutes(), 97);
  EXPECT_EQ(rec.rating(), 8.3);
  EXPECT_EQ(rec.total_votes(), 60999);
}

TEST(FilmRecordTest, AnEmptyFilmRoundTrips) {
  StringPool pool;
  const Film film;
  FilmRecord rec = EncodeFilm(film, &pool);
  EXPECT_EQ(DecodeFilm(rec, pool), film);
  EXPECT_EQ(rec.name(), "");
  EXPECT_EQ(rec.etag(), "");
  EXPECT_EQ(rec.rating(), -1);
  EXPECT_EQ(rec.total_votes(), 0);
  EXPECT_EQ(DecodeFilm(rec, pool).create_time, absl::InfinitePast());
}

TEST(FilmRecordTest, MaximalSizesRoundTrip) {
  StringPool pool;
  Film film = FullFilm();
  film.title = std::string(1000, 'x');
  film.synopsis = std::string(20000, 's');
  film.name = "films/" + std::string(70000, 'n');  // beyond the 16-bit head
  film.credits.clear();
  for (int i = 0; i < 1000; ++i) {
    film.credits.push_back({"people/p" + std::to_string(i), "Имя",
                            CreditRole::kCast, std::string(300, 'c'), ""});
    film.notes.push_back(std::string(i % 200, 'z'));
  }
  film.year = -2147483647;
  film.runtime_minutes = 2147483647;
  film.external_ids.tmdb_id = INT64_MIN;
  film.ratings = {{"imdb", -0.0, INT64_MAX}};
  film.create_time = absl::InfiniteFuture();
  FilmRecord rec = EncodeFilm(film, &pool);
  EXPECT_EQ(DecodeFilm(rec, pool), film);
  EXPECT_EQ(rec.year(), -2147483647);
  EXPECT_EQ(rec.etag(), film.etag);
  EXPECT_EQ(rec.title(), film.title);
}

TEST(FilmRecordTest, AHexEtagAndAnArenaBlockRoundTrip) {
  StringPool pool;
  BlockArena arena;
  Film film = FullFilm();
  for (const std::string etag :
       {"0123456789abcdef", "ffffffffffffffff", "0000000000000000",
        "0123456789ABCDEF", "0123456789abcde", "0123456789abcdefa",
        "0123456789abcdeg"}) {
    film.etag = etag;
    FilmRecord own = EncodeFilm(film, &pool);
    FilmRecord bulk = EncodeFilm(film, &pool, &arena);
    EXPECT_EQ(own.etag(), etag);
    EXPECT_EQ(bulk.etag(), etag);
    EXPECT_EQ(DecodeFilm(own, pool), film);
    EXPECT_EQ(DecodeFilm(bulk, pool), film);
    EXPECT_GT(own.heap_bytes(), own.block_bytes());
    EXPECT_EQ(bulk.heap_bytes(), 0u);
  }
  // 16 hex digits take 8 bytes, not 17.
  film.etag = "0123456789abcdef";
  const size_t hex = EncodeFilm(film, &pool).block_bytes();
  film.etag = "0123456789abcdeg";
  EXPECT_EQ(EncodeFilm(film, &pool).block_bytes(), hex + 9);
}

TEST(FilmRecordTest, RepeatedStringsAreInternedOnce) {
  StringPool pool;
  const Film film = FullFilm();
  FilmRecord a = EncodeFilm(film, &pool);
  const size_t interned = pool.size();
  Film other = film;
  other.name = "films/other";
  FilmRecord b = EncodeFilm(other, &pool);
  EXPECT_EQ(pool.size(), interned);
  EXPECT_EQ(DecodeFilm(b, pool), other);
  EXPECT_EQ(DecodeFilm(a, pool), film);
  ASSERT_TRUE(pool.Find("people/mikhail-kalatozov").has_value());
  EXPECT_EQ(pool.Get(*pool.Find("Михаил Калатозов")), "Михаил Калатозов");
  EXPECT_FALSE(pool.Find("people/nobody").has_value());
}

TEST(StringPoolTest, LargeAndEmptyStringsKeepTheirIds) {
  StringPool pool;
  const uint32_t empty = pool.Intern("");
  const uint32_t small = pool.Intern("small");
  const std::string large(200000, 'L');
  const uint32_t big = pool.Intern(large);
  const uint32_t after = pool.Intern("after");
  EXPECT_EQ(pool.Get(empty), "");
  EXPECT_EQ(pool.Get(small), "small");
  EXPECT_EQ(pool.Get(big), large);
  EXPECT_EQ(pool.Get(after), "after");
  EXPECT_EQ(pool.Intern("small"), small);
  EXPECT_EQ(pool.size(), 4u);
}

}  // namespace
}  // namespace longtake::catalog::internal
