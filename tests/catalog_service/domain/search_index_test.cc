#include "catalog_service/domain/search_index.h"

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/text/text_folding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using Field = SearchIndex::Field;
using DocId = SearchIndex::DocId;

constexpr uint8_t Bit(Field f) {
  return static_cast<uint8_t>(1u << static_cast<unsigned>(f));
}

// The keys of some texts, as Remove takes them.
std::vector<std::string> KeysOf(std::initializer_list<std::string_view> texts) {
  std::vector<std::string> keys;
  for (std::string_view text : texts) {
    std::vector<std::string> more = TokenKeys(text);
    keys.insert(keys.end(), more.begin(), more.end());
  }
  return keys;
}

std::vector<DocId> Docs(const std::vector<SearchIndex::Hit>& hits) {
  std::vector<DocId> docs;
  for (const auto& hit : hits) docs.push_back(hit.doc);
  return docs;
}

// The four Kalatozov-Urusevsky films as the seed catalogue describes them, plus
// distractors with lower ids that share some words, so that ranking (not DocId
// order) has to put the right film first.
class SeedIndexTest : public ::testing::Test {
 protected:
  static constexpr DocId kCubaLibre =
      1;  // distractor: "cuba" in title, "soy" only in a person's name
  static constexpr DocId kCraneOperator =
      2;  // distractor: "crane" (one edit from "cranes")
  static constexpr DocId kFirstEchelon = 10;
  static constexpr DocId kCranes = 11;
  static constexpr DocId kLetter = 12;
  static constexpr DocId kCuba = 13;

  void SetUp() override {
    index_.Add(kCubaLibre, Field::kTitle, "Cuba Libre");
    index_.Add(kCubaLibre, Field::kPerson, "Soy Kim");
    index_.Add(kCraneOperator, Field::kTitle, "The Crane Operator");

    index_.Add(kFirstEchelon, Field::kTitle, "The First Echelon");
    index_.Add(kFirstEchelon, Field::kOriginalTitle, "Pervyy eshelon");
    index_.Add(kCranes, Field::kTitle, "The Cranes Are Flying");
    index_.Add(kCranes, Field::kOriginalTitle, "Letyat zhuravli");
    index_.Add(kCranes, Field::kPerson, "Tatiana Samoilova");
    index_.Add(kCranes, Field::kPerson, "Aleksey Batalov");
    index_.Add(kLetter, Field::kTitle, "Letter Never Sent");
    index_.Add(kLetter, Field::kOriginalTitle, "Neotpravlennoye pismo");
    for (const char* person : {"Tatiana Samoilova", "Innokenty Smoktunovsky",
                               "Yevgeny Urbansky", "Vasily Livanov"}) {
      index_.Add(kLetter, Field::kPerson, person);
    }
    index_.Add(kCuba, Field::kTitle, "I Am Cuba");
    index_.Add(kCuba, Field::kOriginalTitle, "Soy Cuba");
    index_.Add(kCuba, Field::kOriginalTitle, "Ya - Kuba");
    for (DocId film : {kFirstEchelon, kCranes, kLetter, kCuba}) {
      index_.Add(film, Field::kPerson, "Mikhail Kalatozov");
      index_.Add(film, Field::kPerson, "Sergei Urusevsky");
    }
  }

  std::vector<DocId> Find(std::string_view query) const {
    return Docs(index_.Search(query, 100));
  }

  SearchIndex index_;
};

TEST_F(SeedIndexTest, CountsDocuments) {
  EXPECT_EQ(index_.DocumentCount(), 6u);
}

TEST_F(SeedIndexTest, MisspelledDirectorFindsAllFourFilms) {
  const auto hits = index_.Search("Kalatazov", 100);
  EXPECT_THAT(Docs(hits), ElementsAre(kFirstEchelon, kCranes, kLetter,
                                      kCuba));  // equal scores: DocId order
  for (const auto& hit : hits)
    EXPECT_EQ(hit.matched_fields, Bit(Field::kPerson));
  EXPECT_THAT(Find("Mikhail Kalatazov"),
              ElementsAre(kFirstEchelon, kCranes, kLetter, kCuba));
  EXPECT_THAT(Find("Kalatozov"),
              ElementsAre(kFirstEchelon, kCranes, kLetter, kCuba));
}

TEST_F(SeedIndexTest, OriginalTitleFindsIAmCubaFirstWhateverTheCase) {
  for (const char* query : {"soy cuba", "SOY CUBA", "Soy Cuba"}) {
    const auto hits = index_.Search(query, 10);
    ASSERT_FALSE(hits.empty()) << query;
    EXPECT_EQ(hits[0].doc, kCuba) << query;
    EXPECT_EQ(hits[0].matched_fields,
              Bit(Field::kTitle) | Bit(Field::kOriginalTitle))
        << query;
    EXPECT_THAT(Docs(hits), ElementsAre(kCuba, kCubaLibre)) << query;
    EXPECT_GT(hits[0].score, hits[1].score);
  }
  EXPECT_THAT(Find("Ya Kuba"), ElementsAre(kCuba));
}

TEST_F(SeedIndexTest, TransliteratedAndCyrillicOriginalTitleFindCranes) {
  const char* cyrillic =
      "\xD0\xBB\xD0\xB5\xD1\x82\xD1\x8F\xD1\x82 "
      "\xD0\xB6\xD1\x83\xD1\x80\xD0\xB0\xD0\xB2\xD0\xBB\xD0\xB8";
  for (const char* query : {"Letyat zhuravli", cyrillic, "letiat zhuravli"}) {
    const auto hits = index_.Search(query, 10);
    ASSERT_FALSE(hits.empty()) << query;
    EXPECT_EQ(hits[0].doc, kCranes) << query;
    EXPECT_TRUE(hits[0].matched_fields & Bit(Field::kOriginalTitle)) << query;
  }
  // Cyrillic in the index, Latin in the query.
  SearchIndex index;
  index.Add(7, Field::kOriginalTitle,
            "\xD0\x9D\xD0\xB5\xD0\xBE\xD1\x82\xD0\xBF\xD1\x80\xD0\xB0\xD0\xB2"
            "\xD0\xBB\xD0\xB5\xD0\xBD\xD0\xBD\xD0\xBE\xD0\xB5 "
            "\xD0\xBF\xD0\xB8\xD1\x81\xD1\x8C\xD0\xBC\xD0\xBE");
  EXPECT_THAT(Docs(index.Search("Neotpravlennoye pismo", 10)), ElementsAre(7u));
}

TEST_F(SeedIndexTest, CinematographerVariantSpellingFindsAllFour) {
  EXPECT_THAT(Find("Urusevskiy"),
              ElementsAre(kFirstEchelon, kCranes, kLetter, kCuba));
  EXPECT_THAT(Find("Sergey Urusevskii"),
              ElementsAre(kFirstEchelon, kCranes, kLetter, kCuba));
}

TEST_F(SeedIndexTest, TitleWordFindsCranesFirst) {
  const auto hits = index_.Search("cranes", 10);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].doc, kCranes);
  EXPECT_EQ(hits[0].matched_fields, Bit(Field::kTitle));
  EXPECT_THAT(
      Docs(hits),
      ElementsAre(kCranes, kCraneOperator));  // the fuzzy match ranks below
}

TEST_F(SeedIndexTest, ActressVariantSpellingFindsHerTwoFilms) {
  EXPECT_THAT(Find("Tatyana Samoylova"),
              UnorderedElementsAre(kCranes, kLetter));
  EXPECT_THAT(Find("Innokentiy Smoktunovskiy"), ElementsAre(kLetter));
  EXPECT_THAT(Find("Evgeni Urbanskii"), ElementsAre(kLetter));
  EXPECT_THAT(Find("Alexei Batalov"), ElementsAre(kCranes));
}

TEST_F(SeedIndexTest, NoHitsForUnknownOrEmptyQueries) {
  EXPECT_THAT(Find("zzzz"), IsEmpty());
  EXPECT_THAT(Find(""), IsEmpty());
  EXPECT_THAT(Find(" ,.- "), IsEmpty());
  EXPECT_THAT(index_.Search("cranes", 0), IsEmpty());
}

TEST_F(SeedIndexTest, EveryQueryTokenMustMatch) {
  EXPECT_THAT(Find("cranes cuba"), IsEmpty());
  EXPECT_THAT(Find("cranes samoilova"), ElementsAre(kCranes));
  EXPECT_THAT(Find("cuba zzzz"), IsEmpty());
}

TEST_F(SeedIndexTest, PrefixOnlyForTheLastTokenOfAtLeastThreeChars) {
  EXPECT_THAT(Find("kalat"),
              ElementsAre(kFirstEchelon, kCranes, kLetter, kCuba));
  EXPECT_THAT(Find("flying kalat"), ElementsAre(kCranes));
  EXPECT_THAT(Find("kalat flying"), IsEmpty());
  EXPECT_THAT(Find("neotpr"), ElementsAre(kLetter));
  EXPECT_THAT(Find("ne"), IsEmpty());  // 2 chars: exact only
}

TEST_F(SeedIndexTest, FuzzyDistanceDependsOnTokenLength) {
  EXPECT_THAT(Find("zhuravla"), ElementsAre(kCranes));  // 8 chars, 1 edit
  EXPECT_THAT(Find("zhurovla"), IsEmpty());             // 8 chars, 2 edits
  EXPECT_THAT(Find("kalatazuv"), ElementsAre(kFirstEchelon, kCranes, kLetter,
                                             kCuba));  // 9 chars, 2 edits
  EXPECT_THAT(Find("kolatazuv"), IsEmpty());           // 9 chars, 3 edits
  EXPECT_THAT(Find("cubx"), IsEmpty());                // 4 chars: no fuzzy
  EXPECT_THAT(Find("flyign"),
              ElementsAre(kCranes));  // transposition counts as one edit
}

TEST_F(SeedIndexTest, RemoveAndReAdd) {
  index_.Remove(kCranes, KeysOf({"The Cranes Are Flying", "Letyat zhuravli",
                                 "Tatiana Samoilova", "Aleksey Batalov",
                                 "Mikhail Kalatozov", "Sergei Urusevsky"}));
  EXPECT_EQ(index_.DocumentCount(), 5u);
  EXPECT_FALSE(index_.Contains(kCranes));
  EXPECT_THAT(Find("cranes"), ElementsAre(kCraneOperator));
  EXPECT_THAT(Find("Kalatozov"), ElementsAre(kFirstEchelon, kLetter, kCuba));
  EXPECT_THAT(Find("Samoilova"), ElementsAre(kLetter));

  index_.Add(kCranes, Field::kTitle, "Cranes Are Flying (restored)");
  EXPECT_THAT(Find("restored"), ElementsAre(kCranes));
  EXPECT_THAT(Find("zhuravli"), IsEmpty());
  EXPECT_EQ(index_.DocumentCount(), 6u);

  index_.Remove(999, KeysOf({"Cranes"}));  // unknown: no-op
  EXPECT_EQ(index_.DocumentCount(), 6u);
  EXPECT_EQ(index_.RemovalScans(), 0u);  // the keys found every posting
}

TEST_F(SeedIndexTest, RemoveWithMissingKeysStillRemovesEveryPosting) {
  // Only the title's keys: the people's and original title's postings are
  // found by a scan.
  index_.Remove(kCranes, KeysOf({"The Cranes Are Flying"}));
  EXPECT_EQ(index_.RemovalScans(), 1u);
  EXPECT_FALSE(index_.Contains(kCranes));
  EXPECT_THAT(Find("zhuravli"), IsEmpty());
  EXPECT_THAT(Find("Batalov"), IsEmpty());
  EXPECT_THAT(Find("Kalatozov"), ElementsAre(kFirstEchelon, kLetter, kCuba));
  EXPECT_THAT(Find("Samoilova"), ElementsAre(kLetter));
  // Re-used for another film, the id is found by the new texts only.
  index_.Add(kCranes, Field::kTitle, "Batalova");
  EXPECT_THAT(Find("Batalova"), ElementsAre(kCranes));
  EXPECT_THAT(Find("Urusevsky"), ElementsAre(kFirstEchelon, kLetter, kCuba));
}

TEST_F(SeedIndexTest, RenamedPersonsOldNameNoLongerFindsTheFilm) {
  // What the catalogue does on a rename: remove with the old keys, re-add
  // with the new ones.
  const std::vector<std::string> old_keys =
      KeysOf({"I Am Cuba", "Soy Cuba", "Ya - Kuba", "Mikhail Kalatozov",
              "Sergei Urusevsky"});
  index_.Remove(kCuba, old_keys);
  index_.Add(kCuba, Field::kTitle, "I Am Cuba");
  index_.Add(kCuba, Field::kOriginalTitle, "Soy Cuba");
  index_.Add(kCuba, Field::kOriginalTitle, "Ya - Kuba");
  index_.Add(kCuba, Field::kPerson, "Mikheil Kalatozishvili");
  index_.Add(kCuba, Field::kPerson, "Sergei Urusevsky");
  EXPECT_EQ(index_.RemovalScans(), 0u);
  EXPECT_THAT(Find("Kalatozov"), ElementsAre(kFirstEchelon, kCranes, kLetter));
  EXPECT_THAT(Find("Kalatozishvili"), ElementsAre(kCuba));
  EXPECT_THAT(Find("Kalatozishvilli"), ElementsAre(kCuba));  // fuzzy
}

TEST(SearchIndexRankingTest, ExactBeatsPrefixBeatsFuzzy) {
  SearchIndex index;
  index.Add(1, Field::kTitle, "Mirrar");   // fuzzy
  index.Add(2, Field::kTitle, "Mirrors");  // prefix (also one edit)
  index.Add(3, Field::kTitle, "Mirror");   // exact
  const auto hits = index.Search("mirror", 10);
  EXPECT_THAT(Docs(hits), ElementsAre(3u, 2u, 1u));
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_GT(hits[1].score, hits[2].score);
}

TEST(SearchIndexRankingTest, TitleBeatsAliasBeatsPerson) {
  SearchIndex index;
  index.Add(1, Field::kPerson, "Stalker Jones");
  index.Add(2, Field::kAlias, "Stalker");
  index.Add(3, Field::kOriginalTitle, "Stalker");
  index.Add(4, Field::kTitle, "Stalker");
  const auto hits = index.Search("stalker", 10);
  EXPECT_THAT(
      Docs(hits),
      ElementsAre(3u, 4u, 2u, 1u));  // title == original title, then DocId
  ASSERT_EQ(hits.size(), 4u);
  EXPECT_EQ(hits[0].score, hits[1].score);
  EXPECT_GT(hits[1].score, hits[2].score);
  EXPECT_GT(hits[2].score, hits[3].score);
  EXPECT_EQ(hits[2].matched_fields, Bit(Field::kAlias));
}

TEST(SearchIndexRankingTest, MatchKindOutweighsField) {
  SearchIndex index;
  index.Add(1, Field::kTitle, "Mirrors");  // prefix in a title
  index.Add(2, Field::kPerson, "Mirror");  // exact in a person
  EXPECT_THAT(Docs(index.Search("mirror", 10)), ElementsAre(2u, 1u));
}

TEST(SearchIndexRankingTest, TiesGoToLowerDocIdAndLimitKeepsTheBest) {
  SearchIndex index;
  for (DocId doc : {9u, 5u, 7u, 3u}) index.Add(doc, Field::kTitle, "Solaris");
  index.Add(100, Field::kTitle, "Solaris Solaris");
  index.Add(1, Field::kPerson, "Solaris");
  EXPECT_THAT(Docs(index.Search("solaris", 10)),
              ElementsAre(3u, 5u, 7u, 9u, 100u, 1u));
  EXPECT_THAT(Docs(index.Search("solaris", 2)), ElementsAre(3u, 5u));
}

TEST(SearchIndexTest, AccentsMatchBothWays) {
  SearchIndex index;
  index.Add(1, Field::kTitle, "ete");
  index.Add(2, Field::kTitle,
            "\xC3\x89t\xC3\xA9 \xC3\xA0 Paris");  // Été à Paris
  EXPECT_THAT(Docs(index.Search("\xC3\x89t\xC3\xA9", 10)), ElementsAre(1u, 2u));
  EXPECT_THAT(Docs(index.Search("ete paris", 10)), ElementsAre(2u));
}

TEST(SearchIndexTest, ManyTextsPerFieldAndDocumentCount) {
  SearchIndex index;
  EXPECT_EQ(index.DocumentCount(), 0u);
  index.Add(4, Field::kAlias, "Alpha");
  index.Add(4, Field::kAlias, "Beta");
  index.Add(4, Field::kTitle, "Alpha");
  index.Add(5, Field::kTitle, "...");  // no tokens, still a document
  EXPECT_EQ(index.DocumentCount(), 2u);
  const auto hits = index.Search("alpha beta", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].matched_fields, Bit(Field::kTitle) | Bit(Field::kAlias));
  index.Remove(5, KeysOf({"..."}));
  EXPECT_EQ(index.DocumentCount(), 1u);
}

TEST(SearchIndexTest, PrefixExpansionIsCappedToMostFrequentTerms) {
  SearchIndex index;
  DocId doc = 0;
  // 40 rare words sharing the prefix "pre", one frequent one.
  for (char a = 'a'; a < 'a' + 20; ++a) {
    for (char b : {'b', 'c'})
      index.Add(doc++, Field::kTitle, std::string("pre") + a + b + "q");
  }
  const DocId first_frequent = doc;
  for (int i = 0; i < 5; ++i) index.Add(doc++, Field::kTitle, "prezzz");
  const auto hits = index.Search("pre", 1000);
  EXPECT_EQ(hits.size(), SearchIndex::kMaxPrefixExpansions - 1 + 5);
  const std::vector<DocId> docs = Docs(hits);
  for (DocId d = first_frequent; d < doc; ++d)
    EXPECT_TRUE(std::count(docs.begin(), docs.end(), d)) << d;
}

TEST(SearchIndexTest, MemoryEstimateGrowsWithContent) {
  SearchIndex index;
  const size_t empty = index.MemoryBytesEstimate();
  for (DocId doc = 0; doc < 1000; ++doc)
    index.Add(doc, Field::kTitle, "film number " + std::to_string(doc));
  const SearchIndex::MemoryStats stats = index.MemoryUsage();
  EXPECT_GT(stats.Total(), empty);
  EXPECT_GT(stats.postings, 1000 * (sizeof(DocId) + 1));
  EXPECT_EQ(stats.Total(), index.MemoryBytesEstimate());
  index.ShrinkToFit();
  EXPECT_LE(index.MemoryBytesEstimate(), stats.Total());
  EXPECT_THAT(Docs(index.Search("film 999", 10)), ElementsAre(999u));
}

// Randomised check of posting maintenance (out-of-order adds, removes, re-adds,
// removal by keys) against a brute-force model. Tokens are 2 letters, so only
// exact matching applies.
TEST(SearchIndexTest, MatchesBruteForceModelUnderRandomUpdates) {
  std::mt19937 rng(12345);
  std::vector<std::string> words;
  for (char a : std::string("bcdfg")) {
    for (char b : std::string("hjklm")) words.push_back(std::string{a, b});
  }
  SearchIndex index;
  std::vector<std::set<std::string>> model(3000);
  std::vector<std::vector<std::string>> added_keys(model.size());
  std::vector<bool> present(model.size(), false);
  auto add_random = [&](DocId doc) {
    const int texts = 1 + static_cast<int>(rng() % 3);
    for (int t = 0; t < texts; ++t) {
      std::string text;
      const int n = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < n; ++i) {
        const std::string& w = words[rng() % words.size()];
        text += w + " ";
        model[doc].insert(w);
      }
      index.Add(doc, static_cast<Field>(rng() % 4), text);
      for (std::string& key : TokenKeys(text))
        added_keys[doc].push_back(std::move(key));
    }
    present[doc] = true;
  };
  std::vector<DocId> order(model.size());
  for (DocId d = 0; d < order.size(); ++d) order[d] = d;
  std::shuffle(order.begin(), order.end(), rng);
  for (DocId d : order) add_random(d);
  for (int step = 0; step < 6000; ++step) {
    const DocId d = rng() % model.size();
    index.Remove(d, added_keys[d]);
    added_keys[d].clear();
    model[d].clear();
    present[d] = false;
    if (rng() % 2) add_random(d);
  }
  EXPECT_EQ(index.RemovalScans(), 0u);
  EXPECT_EQ(index.DocumentCount(), static_cast<size_t>(std::count(
                                       present.begin(), present.end(), true)));
  for (int q = 0; q < 200; ++q) {
    const std::string a = words[rng() % words.size()];
    const std::string b = words[rng() % words.size()];
    std::vector<DocId> expected;
    for (DocId d = 0; d < model.size(); ++d) {
      if (model[d].contains(a) && model[d].contains(b)) expected.push_back(d);
    }
    std::vector<DocId> got = Docs(index.Search(a + " " + b, model.size()));
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, expected) << a << " " << b;
  }
}

// Optimal string alignment distance, the plain way.
int EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// Randomised check of fuzzy matching against a brute-force scan of the
// vocabulary: every term within the distance is found, whatever its length
// and wherever the edits are (the deletion neighbourhood covers only a prefix
// of each term), both for terms indexed before ShrinkToFit (merged into the
// sorted array) and for terms added after it.
TEST(SearchIndexTest, FuzzyMatchesBruteForceForTermsAddedBeforeAndAfterMerge) {
  std::mt19937 rng(777);
  const std::string letters = "abdegilmnoprstu";
  const auto random_word = [&](size_t length) {
    std::string w;
    for (size_t i = 0; i < length; ++i) w += letters[rng() % letters.size()];
    return w;
  };
  // Words and one- or two-edit variants of them, so that there are matches.
  std::vector<std::string> words;
  for (int i = 0; i < 300; ++i) words.push_back(random_word(4 + rng() % 12));
  const auto mutate = [&](std::string w, int edits) {
    for (int e = 0; e < edits && !w.empty(); ++e) {
      const size_t at = rng() % w.size();
      switch (rng() % 4) {
        case 0:
          w.erase(at, 1);
          break;
        case 1:
          w.insert(at, 1, letters[rng() % letters.size()]);
          break;
        case 2:
          w[at] = letters[rng() % letters.size()];
          break;
        default:
          if (at + 1 < w.size()) std::swap(w[at], w[at + 1]);
      }
    }
    return w;
  };
  for (int i = 0; i < 600; ++i)
    words.push_back(
        mutate(words[rng() % 300], 1 + static_cast<int>(rng() % 2)));
  SearchIndex index;
  std::vector<std::string> doc_key;  // each document: one word's key
  for (size_t i = 0; i < words.size(); ++i) {
    if (i == words.size() / 2) index.ShrinkToFit();  // the rest stay recent
    const std::vector<std::string> keys = TokenKeys(words[i]);
    ASSERT_EQ(keys.size(), 1u) << words[i];
    index.AddKeys(static_cast<DocId>(i), Field::kTitle, keys);
    doc_key.push_back(keys[0]);
  }
  int checked = 0;
  for (int q = 0; q < 400; ++q) {
    const std::string query =
        mutate(words[rng() % words.size()], static_cast<int>(rng() % 3));
    const std::vector<std::string> query_keys = TokenKeys(query);
    if (query_keys.size() != 1) continue;
    const std::string& key = query_keys[0];
    const int max_distance = key.size() >= SearchIndex::kMinFuzzy2Length   ? 2
                             : key.size() >= SearchIndex::kMinFuzzy1Length ? 1
                                                                           : 0;
    // Terms matching exactly, by prefix, and fuzzily; queries whose
    // expansions hit the caps are skipped (the caps choose among them).
    std::set<std::string> prefix_terms, fuzzy_terms;
    for (const std::string& term : doc_key) {
      if (term != key && key.size() >= SearchIndex::kMinPrefixLength &&
          term.starts_with(key))
        prefix_terms.insert(term);
      if (term != key && max_distance > 0 &&
          EditDistance(term, key) <= max_distance)
        fuzzy_terms.insert(term);
    }
    if (prefix_terms.size() > SearchIndex::kMaxPrefixExpansions ||
        fuzzy_terms.size() > SearchIndex::kMaxFuzzyExpansions)
      continue;
    std::vector<DocId> expected;
    for (DocId d = 0; d < doc_key.size(); ++d) {
      if (doc_key[d] == key || prefix_terms.contains(doc_key[d]) ||
          fuzzy_terms.contains(doc_key[d]))
        expected.push_back(d);
    }
    std::vector<DocId> got = Docs(index.Search(query, words.size()));
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, expected) << query << " (key " << key << ")";
    if (!fuzzy_terms.empty()) ++checked;
  }
  EXPECT_GT(checked, 50);  // the check did exercise fuzzy matches
}

}  // namespace
}  // namespace longtake::catalog
