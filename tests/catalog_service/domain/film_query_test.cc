// ListFilms: orders, filters, keyset pagination, the index planner.

#include "catalog_service/domain/film_query.h"

#include <set>

#include "tests/catalog_service/domain/catalog_fixture.h"

namespace longtake::catalog {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;

TEST_F(CatalogTest, ListOrders) {
  EXPECT_THAT(
      List(""),
      ElementsAre("films/i-am-cuba", "films/letter-never-sent",
                  "films/the-cranes-are-flying", "films/the-first-echelon"));
  EXPECT_THAT(
      List("", "year"),
      ElementsAre("films/the-first-echelon", "films/the-cranes-are-flying",
                  "films/letter-never-sent", "films/i-am-cuba"));
  EXPECT_THAT(
      List("", "year desc"),
      ElementsAre("films/i-am-cuba", "films/letter-never-sent",
                  "films/the-cranes-are-flying", "films/the-first-echelon"));
}

TEST_F(CatalogTest, PaginatesToTheEndWithoutDuplicates) {
  for (const char* order : {"title", "year", "year desc"}) {
    ListFilmsQuery q;
    q.page_size = 1;
    q.order_by = order;
    std::set<std::string> seen;
    int pages = 0;
    while (true) {
      auto page = catalog_->ListFilms(q);
      ASSERT_OK(page);
      ASSERT_EQ(page->films.size(), 1u);
      EXPECT_TRUE(seen.insert(page->films[0]->name).second)
          << page->films[0]->name;
      ++pages;
      if (page->next_page_token.empty()) break;
      q.page_token = page->next_page_token;
      ASSERT_LE(pages, 10);
    }
    EXPECT_EQ(pages, 4) << order;
    EXPECT_EQ(seen.size(), 4u);
  }
  // Filtered pagination: two films in 1955..1959 with page size 1.
  ListFilmsQuery q;
  q.page_size = 1;
  q.filter = "year >= 1955 AND year <= 1959 AND role = \"CREDIT_ROLE_CAST\"";
  auto first = catalog_->ListFilms(q);
  ASSERT_OK(first);
  EXPECT_THAT(Names(first->films), ElementsAre("films/letter-never-sent"));
  ASSERT_FALSE(first->next_page_token.empty());
  q.page_token = first->next_page_token;
  auto second = catalog_->ListFilms(q);
  ASSERT_OK(second);
  EXPECT_THAT(Names(second->films), ElementsAre("films/the-cranes-are-flying"));
  EXPECT_EQ(second->next_page_token, "");
}

TEST_F(CatalogTest, Filters) {
  EXPECT_THAT(List("year = 1957"), ElementsAre("films/the-cranes-are-flying"));
  EXPECT_THAT(List("year >= 1959", "year"),
              ElementsAre("films/letter-never-sent", "films/i-am-cuba"));
  EXPECT_THAT(List("year < 1957"), ElementsAre("films/the-first-echelon"));
  EXPECT_THAT(
      List("year > 1955 AND year <= 1959", "year"),
      ElementsAre("films/the-cranes-are-flying", "films/letter-never-sent"));
  EXPECT_EQ(List("person = \"people/mikhail-kalatozov\"").size(), 4u);
  EXPECT_THAT(
      List("person = \"people/tatiana-samoilova\"", "year"),
      ElementsAre("films/the-cranes-are-flying", "films/letter-never-sent"));
  EXPECT_THAT(List("person = \"people/martin-scorsese\" AND role = "
                   "\"CREDIT_ROLE_PRESENTER\""),
              ElementsAre("films/i-am-cuba"));
  EXPECT_THAT(List("person = \"people/mikhail-kalatozov\" AND role = "
                   "\"CREDIT_ROLE_CAST\""),
              ElementsAre());
  EXPECT_THAT(List("role = CREDIT_ROLE_PRESENTER"),
              ElementsAre("films/i-am-cuba"));
  EXPECT_EQ(List("era = \"eras/khrushchev-thaw\"").size(), 4u);
  EXPECT_THAT(List("era = \"eras/french-new-wave\""), ElementsAre());
  EXPECT_THAT(List("technique = \"CAMERA_TECHNIQUE_CRANE_SHOT\""),
              ElementsAre("films/i-am-cuba", "films/the-cranes-are-flying"));
  EXPECT_THAT(List("technique = \"CAMERA_TECHNIQUE_SUSPENDED_CABLE_RIG\""),
              ElementsAre("films/i-am-cuba"));
  EXPECT_THAT(
      List(
          "technique = \"CAMERA_TECHNIQUE_STATIC_RESTRICTED\" AND year = 1959"),
      ElementsAre("films/letter-never-sent"));
  EXPECT_THAT(List("year >= 1960 AND year <= 1950"), ElementsAre());
  EXPECT_THAT(List("person = \"people/nobody\""), ElementsAre());
}

TEST_F(CatalogTest, FiltersCombineWithOrNotAndParentheses) {
  EXPECT_THAT(List("year = 1957 OR year = 1964"),
              ElementsAre("films/i-am-cuba", "films/the-cranes-are-flying"));
  // OR binds tighter than AND (AIP-160).
  EXPECT_THAT(List("country = \"SU\" AND year = 1955 OR year = 1964", "year"),
              ElementsAre("films/the-first-echelon", "films/i-am-cuba"));
  EXPECT_THAT(List("(year < 1957 OR year > 1960) AND language = \"es\""),
              ElementsAre("films/i-am-cuba"));
  EXPECT_THAT(
      List("NOT country = \"CU\" AND runtime > 0", "year"),
      ElementsAre("films/the-cranes-are-flying", "films/letter-never-sent"));
  EXPECT_THAT(List("-person = \"people/tatiana-samoilova\"", "year"),
              ElementsAre("films/the-first-echelon", "films/i-am-cuba"));
  EXPECT_THAT(List("era != \"eras/khrushchev-thaw\""), ElementsAre());
}

TEST_F(CatalogTest, FiltersOnTitleCountryLanguageAndRuntime) {
  EXPECT_THAT(List("title = \"the cranes*\""),
              ElementsAre("films/the-cranes-are-flying"));
  EXPECT_THAT(
      List("title = \"The*\""),
      ElementsAre("films/the-cranes-are-flying", "films/the-first-echelon"));
  EXPECT_THAT(List("title = \"I AM CUBA\""), ElementsAre("films/i-am-cuba"));
  EXPECT_THAT(List("title = \"I Am\""), ElementsAre());
  EXPECT_THAT(List("country = \"cu\""), ElementsAre("films/i-am-cuba"));
  EXPECT_THAT(List("language = \"ES\""), ElementsAre("films/i-am-cuba"));
  EXPECT_THAT(
      List("runtime >= 96 AND runtime <= 100", "runtime"),
      ElementsAre("films/letter-never-sent", "films/the-cranes-are-flying"));
}

TEST_F(CatalogTest, OrdersByRuntimeRatingAndTitleBothWays) {
  EXPECT_THAT(
      List("", "title desc"),
      ElementsAre("films/the-first-echelon", "films/the-cranes-are-flying",
                  "films/letter-never-sent", "films/i-am-cuba"));
  EXPECT_THAT(List("runtime > 0", "runtime desc"),
              ElementsAre("films/i-am-cuba", "films/the-cranes-are-flying",
                          "films/letter-never-sent"));
  // Ratings: the one with the most votes counts; unrated films come first
  // in ascending order.
  Film rated = NewFilm();
  rated.ratings = {{"imdb", 8.3, 30000}, {"tmdb", 7.0, 500}};
  ASSERT_OK(catalog_->CreateFilm(rated, "rated", {}));
  Film lower = NewFilm();
  lower.title = "Lower";
  lower.ratings = {{"tmdb", 6.1, 20}};
  ASSERT_OK(catalog_->CreateFilm(lower, "lower", {}));
  EXPECT_THAT(List("rating > 0", "rating desc"),
              ElementsAre("films/rated", "films/lower"));
  EXPECT_THAT(List("rating >= 8"), ElementsAre("films/rated"));
  std::vector<std::string> ascending = List("", "rating");
  ASSERT_EQ(ascending.size(), 6u);
  EXPECT_EQ(ascending[4], "films/lower");
  EXPECT_EQ(ascending[5], "films/rated");
}

TEST_F(CatalogTest, PaginatesEveryOrderToTheEnd) {
  for (const char* order : {"title desc", "runtime", "runtime desc", "rating",
                            "rating desc", "year asc"}) {
    ListFilmsQuery q;
    q.page_size = 1;
    q.order_by = order;
    std::vector<std::string> paged;
    for (int pages = 0; pages < 10; ++pages) {
      ASSERT_OK_AND_ASSIGN(FilmPage page, catalog_->ListFilms(q));
      for (const auto& film : page.films) paged.push_back(film->name);
      if (page.next_page_token.empty()) break;
      q.page_token = page.next_page_token;
    }
    EXPECT_EQ(paged, List("", order)) << order;
  }
}

TEST_F(CatalogTest, FindsFilmsByExternalIdAndGenre) {
  Film film = NewFilm();
  film.external_ids = {"tt9000001", 4242, "Q9000001"};
  film.genres = {"Drama", "war"};
  ASSERT_OK(catalog_->CreateFilm(film, "with-ids", {}));
  for (const char* filter : {"imdb_id = \"tt9000001\"", "tmdb_id = 4242",
                             "wikidata_id = \"Q9000001\"", "genre = \"drama\"",
                             "genre = \"war\" AND genre = \"drama\"",
                             "imdb_id = \"tt9000001\" OR year = 1"}) {
    EXPECT_THAT(List(filter), ElementsAre("films/with-ids")) << filter;
  }
  EXPECT_THAT(List("imdb_id = \"tt0000001\""), ElementsAre());
  EXPECT_THAT(List("genre = \"comedy\""), ElementsAre());

  // An id names one film.
  Film twin = NewFilm();
  twin.title = "Twin";
  twin.external_ids.imdb_id = "tt9000001";
  EXPECT_THAT(ViolatedFields(catalog_->CreateFilm(twin, "twin", {}).status()),
              ElementsAre("film.external_ids.imdb_id"));
}

TEST_F(CatalogTest, BadExternalIdsGenresAndRatingsNameTheField) {
  Film film = NewFilm();
  film.external_ids = {"0050634", -1, "Q0"};
  film.genres = {std::string(41, 'x')};
  film.ratings = {{"IMDb", 11, -1}, {"x", 5, 0}, {"x", 6, 0}};
  EXPECT_THAT(
      ViolatedFields(catalog_->CreateFilm(film, "bad-ids", {}).status()),
      ElementsAre("film.external_ids.imdb_id", "film.external_ids.tmdb_id",
                  "film.external_ids.wikidata_id", "film.genres[0]",
                  "film.ratings[0].source", "film.ratings[0].value",
                  "film.ratings[0].votes", "film.ratings[2].source"));
}

TEST_F(CatalogTest, BadListArgumentsNameTheField) {
  for (const char* filter :
       {"year >= abc", "budget = \"x\"", "year >=", "person = \"mikhail\"",
        "role = \"DIRECTOR\"", "technique = \"CAMERA_TECHNIQUE_NOPE\"",
        "year = 1957 or year = 1959", "year = 1957 AND", "person = \"people/x",
        "era < \"eras/khrushchev-thaw\"", "(year = 1957", "title > \"x\"",
        "runtime = \"long\"", "NOT"}) {
    ListFilmsQuery q;
    q.filter = filter;
    auto page = catalog_->ListFilms(q);
    ASSERT_FALSE(page.ok()) << filter;
    EXPECT_THAT(page, StatusIs(absl::StatusCode::kInvalidArgument)) << filter;
    EXPECT_THAT(ViolatedFields(page.status()), ElementsAre("filter")) << filter;
  }
  ListFilmsQuery q;
  for (const char* order : {"popularity", "year sideways", "title, year"}) {
    q.order_by = order;
    EXPECT_THAT(ViolatedFields(catalog_->ListFilms(q).status()),
                ElementsAre("order_by"))
        << order;
  }
  q = {};
  q.page_size = -1;
  EXPECT_THAT(ViolatedFields(catalog_->ListFilms(q).status()),
              ElementsAre("page_size"));
  q = {};
  q.page_token = "garbage!";
  EXPECT_THAT(ViolatedFields(catalog_->ListFilms(q).status()),
              ElementsAre("page_token"));
  // A token minted for another filter is rejected.
  q = {};
  q.page_size = 1;
  auto page = catalog_->ListFilms(q);
  ASSERT_OK(page);
  q.page_token = page->next_page_token;
  q.filter = "year = 1957";
  EXPECT_THAT(ViolatedFields(catalog_->ListFilms(q).status()),
              ElementsAre("page_token"));
  // Huge page sizes are coerced.
  q = {};
  q.page_size = 1 << 30;
  auto all = catalog_->ListFilms(q);
  ASSERT_OK(all);
  EXPECT_EQ(all->films.size(), 4u);
}

// Many films: selective filters use the indexes, keyset pagination stays exact.
TEST(CatalogScaleTest, ThousandsOfFilmsPaginateAndFilter) {
  auto catalog = OpenSeeded();
  for (int batch = 0; batch < 3; ++batch) {
    std::vector<ImportEntry> entries(1000);
    for (int i = 0; i < 1000; ++i) {
      int n = batch * 1000 + i;
      entries[i].film.title = "Generated film " + std::to_string(n);
      entries[i].film.year = 1900 + n % 100;
      entries[i].film.credits = {
          {n % 500 == 0 ? "people/sergei-urusevsky" : "people/vasily-livanov",
           "", CreditRole::kCast, "", ""}};
    }
    auto results = catalog->ImportFilms(std::move(entries), {});
    ASSERT_OK(results);
    for (const auto& r : *results) ASSERT_OK(r.status);
  }
  EXPECT_EQ(catalog->film_count(), 3004u);
  ListFilmsQuery q;
  q.filter =
      "person = \"people/sergei-urusevsky\" AND role = \"CREDIT_ROLE_CAST\"";
  auto page = catalog->ListFilms(q);
  ASSERT_OK(page);
  EXPECT_EQ(page->films.size(), 6u);
  q = {};
  q.order_by = "year desc";
  q.page_size = 1000;
  std::set<std::string> seen;
  int last_year = 1 << 30;
  while (true) {
    auto p = catalog->ListFilms(q);
    ASSERT_OK(p);
    for (const auto& f : p->films) {
      EXPECT_TRUE(seen.insert(f->name).second);
      EXPECT_LE(f->year, last_year);
      last_year = f->year;
    }
    if (p->next_page_token.empty()) break;
    q.page_token = p->next_page_token;
  }
  EXPECT_EQ(seen.size(), 3004u);
  q = {};
  q.filter = "year = 1950";
  auto y = catalog->ListFilms(q);
  ASSERT_OK(y);
  EXPECT_EQ(y->films.size(), 30u);
}

}  // namespace
}  // namespace longtake::catalog
