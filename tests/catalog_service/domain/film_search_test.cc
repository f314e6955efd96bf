// SearchFilms' ranking (film_search.h) over a corpus of a few thousand
// real-looking titles: exact titles first, a year in the query, punctuation
// in titles, popularity for ties.

#include "catalog_service/domain/film_search.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/catalog_service/domain/catalog_fixture.h"

namespace longtake::catalog {
namespace {

struct Title {
  std::string title;
  int year;
  int64_t votes;  // 0: unrated
};

// Titles that make the cases, among thousands of look-alikes that share
// their words. They go in after the look-alikes, and the lesser known first,
// so that neither insertion order nor the index's own tie-break can pass the
// tests.
const std::vector<Title>& Landmarks() {
  // title | year | votes (0: unrated)
  static constexpr char kTable[] = R"(Raise the Titanic|1980|7000
Titanic|1953|9000
Titanic|1997|1200000
Titanic Town|1998|1500
The Titanic Letters|1997|0
E.T. the Extra-Terrestrial|1982|420000
M*A*S*H|1970|75000
8½|1963|120000
1941|1979|40000
Blade Runner|1982|800000
Blade Runner 2049|2017|600000
Cuba|1979|9000
Cuba Libre|2015|300)";
  static const auto* titles = [] {
    auto* out = new std::vector<Title>();
    for (absl::string_view line : absl::StrSplit(kTable, '\n')) {
      std::vector<std::string> cells = absl::StrSplit(line, '|');
      Title t{cells[0], 0, 0};
      EXPECT_TRUE(absl::SimpleAtoi(cells[1], &t.year) &&
                  absl::SimpleAtoi(cells[2], &t.votes))
          << line;
      out->push_back(std::move(t));
    }
    return out;
  }();
  return *titles;
}

// A few thousand titles built from the words film titles are made of,
// including every landmark's words, so that a search for any of them has
// many candidates.
std::vector<Title> Corpus() {
  const std::vector<std::string> adjectives = {
      "Last",   "Silent", "Red",   "Lost",    "Great",
      "Dark",   "Little", "Wild",  "Secret",  "Cold",
      "Broken", "Golden", "Blade", "Titanic", "Extra"};
  const std::vector<std::string> nouns = {
      "Summer",  "River",  "Night",  "City",   "Letters", "Runner",
      "Town",    "Garden", "Cuba",   "Island", "Road",    "Winter",
      "Station", "Sea",    "Cranes", "Story",  "Mirror",  "Terrestrial"};
  const std::vector<std::string> patterns = {"The {a} {n}", "{a} {n}",
                                             "A {n} in {n2}", "{n} of the {a}",
                                             "Return to {n}"};
  std::vector<Title> out;
  std::mt19937 rng(7);
  for (int i = 0; out.size() < 3000; ++i) {
    std::string t = patterns[i % patterns.size()];
    auto put = [&](const std::string& slot, const std::string& word) {
      if (auto at = t.find(slot); at != std::string::npos) {
        t.replace(at, slot.size(), word);
      }
    };
    put("{a}", adjectives[rng() % adjectives.size()]);
    put("{n2}", nouns[rng() % nouns.size()]);
    put("{n}", nouns[rng() % nouns.size()]);
    out.push_back({absl::StrCat(t, " ", i),
                   1920 + static_cast<int>(rng() % 100),
                   static_cast<int64_t>(rng() % 50000)});
  }
  out.insert(out.end(), Landmarks().begin(), Landmarks().end());
  return out;
}

class FilmSearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    catalog_ = OpenSeeded().release();
    std::vector<ImportEntry> batch;
    auto flush = [&] {
      auto results = catalog_->ImportFilms(std::move(batch), {});
      ASSERT_OK(results);
      for (const ImportEntryResult& r : *results) ASSERT_OK(r.status);
      batch.clear();
    };
    int n = 0;
    for (const Title& t : Corpus()) {
      ImportEntry e;
      e.film.title = t.title;
      e.film.year = t.year;
      e.film_id = absl::StrCat("film-", n++);
      if (t.votes > 0) e.film.ratings = {{"imdb", 7.0, t.votes}};
      batch.push_back(std::move(e));
      if (batch.size() == 1000) flush();
    }
    flush();
  }
  static void TearDownTestSuite() { delete catalog_; }

  // "title (year)" of the first `n` results.
  static std::vector<std::string> Top(const std::string& query, size_t n) {
    SearchQuery q;
    q.query = query;
    q.page_size = static_cast<int>(n);
    auto page = catalog_->SearchFilms(q);
    EXPECT_OK(page);
    std::vector<std::string> out;
    if (!page.ok()) return out;
    for (const SearchResult& r : page->results) {
      out.push_back(absl::StrCat(r.film->title, " (", r.film->year, ")"));
    }
    return out;
  }

  static Catalog* catalog_;
};
Catalog* FilmSearchTest::catalog_ = nullptr;

using ::testing::ElementsAre;

TEST_F(FilmSearchTest, AnExactTitleComesFirstTheBetterKnownBeforeTheOther) {
  EXPECT_THAT(Top("titanic", 2),
              ElementsAre("Titanic (1997)", "Titanic (1953)"));
  EXPECT_THAT(Top("Cuba", 1), ElementsAre("Cuba (1979)"));
  EXPECT_THAT(Top("blade runner", 1), ElementsAre("Blade Runner (1982)"));
}

TEST_F(FilmSearchTest, AYearInTheQueryPicksTheFilmOfThatYear) {
  EXPECT_THAT(Top("titanic 1953", 1), ElementsAre("Titanic (1953)"));
  EXPECT_THAT(Top("Titanic 1997", 1), ElementsAre("Titanic (1997)"));
  // Then the other films of 1997 with the word, before other years.
  std::vector<std::string> top = Top("titanic 1997", 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_THAT(top[1], ::testing::EndsWith("(1997)"));
  EXPECT_THAT(Top("raise the titanic 1980", 1),
              ElementsAre("Raise the Titanic (1980)"));
  // A number that is part of the title is still the title.
  EXPECT_THAT(Top("blade runner 2049", 1),
              ElementsAre("Blade Runner 2049 (2017)"));
  EXPECT_THAT(Top("1941", 1), ElementsAre("1941 (1979)"));
}

TEST_F(FilmSearchTest, PunctuationInTitlesDoesNotMatter) {
  for (const char* query : {"E.T.", "ET", "e.t. the extra-terrestrial",
                            "et the extraterrestrial"}) {
    EXPECT_THAT(Top(query, 1), ElementsAre("E.T. the Extra-Terrestrial (1982)"))
        << query;
  }
  for (const char* query : {"M*A*S*H", "MASH", "m.a.s.h."}) {
    EXPECT_THAT(Top(query, 1), ElementsAre("M*A*S*H (1970)")) << query;
  }
  for (const char* query : {"8\xC2\xBD", "8 1/2"}) {
    EXPECT_THAT(Top(query, 1), ElementsAre("8\xC2\xBD (1963)")) << query;
  }
}

TEST_F(FilmSearchTest, PagesFollowTheRanking) {
  SearchQuery q;
  q.query = "titanic";
  q.page_size = 1;
  ASSERT_OK_AND_ASSIGN(SearchPage first, catalog_->SearchFilms(q));
  q.page_token = first.next_page_token;
  ASSERT_OK_AND_ASSIGN(SearchPage second, catalog_->SearchFilms(q));
  ASSERT_EQ(second.results.size(), 1u);
  EXPECT_EQ(second.results[0].film->year, 1953);
}

TEST(CompactTitleTest, DropsPunctuationInsideWordsAndSpellsFractions) {
  EXPECT_EQ(internal::CompactTitle("E.T."), "ET");
  EXPECT_EQ(internal::CompactTitle("M*A*S*H"), "MASH");
  EXPECT_EQ(internal::CompactTitle("8\xC2\xBD"), "8 1/2");
  EXPECT_EQ(internal::CompactTitle("I Am Cuba"), "I Am Cuba");
}

}  // namespace
}  // namespace longtake::catalog
