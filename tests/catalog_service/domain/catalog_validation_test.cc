// Resource names, field checks and timecode descriptions.

#include "catalog_service/domain/catalog_validation.h"

#include <string>
#include <vector>

#include "common/domain/field_limits.h"
#include "tests/catalog_service/domain/catalog_fixture.h"

// In internal, beside what it tests; the fixture comes from the catalogue's
// namespace around it.
namespace longtake::catalog::internal {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;

TEST_F(CatalogTest, FilmValidationNamesEveryBadField) {
  Film f = NewFilm();
  f.title = "";
  f.year = 1800;
  f.runtime_minutes = -5;
  f.countries = {"su"};
  f.credits.push_back({"people/nobody", "", CreditRole::kCast, "", ""});
  f.credits.push_back(
      {"people/sergei-urusevsky", "", CreditRole::kUnspecified, "", ""});
  f.eras = {"eras/nope"};
  auto s = catalog_->CreateFilm(f, "Bad Id", {});
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s.status()),
              ::testing::UnorderedElementsAre(
                  "film_id", "film.title", "film.year", "film.runtime_minutes",
                  "film.countries[0]", "film.credits[1].person",
                  "film.credits[2].role", "film.eras[0]"));
  EXPECT_EQ(catalog_->film_count(), 4u);
  Film unknown_year = NewFilm();
  unknown_year.year = 0;
  EXPECT_OK(catalog_->CreateFilm(unknown_year, "unknown-year",
                                 {.request_id = "", .validate_only = true}));
}

// ---- Documented limits (common/domain/field_limits.h, API.md "Limits") ----

// One byte or one entry over each limit is refused naming that field; every
// field at its limit is accepted.
TEST_F(CatalogTest, FilmFieldsOverTheirLimitsAreNamed) {
  Film at_limit = NewFilm();
  at_limit.title = std::string(kMaxCatalogTextBytes, 't');
  at_limit.synopsis = std::string(kMaxCatalogLongTextBytes, 's');
  at_limit.aliases.assign(kMaxCatalogListEntries, "alias");
  at_limit.genres = {std::string(kMaxLabelBytes, 'g')};
  at_limit.credits[0].note = std::string(kMaxCatalogTextBytes, 'n');
  EXPECT_OK(catalog_->CreateFilm(at_limit, "at-limit",
                                 {.request_id = "", .validate_only = true}));

  Film over = NewFilm();
  over.title = std::string(kMaxCatalogTextBytes + 1, 't');
  over.synopsis = std::string(kMaxCatalogLongTextBytes + 1, 's');
  over.aliases.assign(kMaxCatalogListEntries + 1, "alias");
  over.studios = {"Mosfilm", std::string(kMaxCatalogTextBytes + 1, 'm')};
  over.awards.assign(kMaxCatalogListEntries + 1,
                     Award{"Palme d'Or", "", 0, ""});
  over.countries.assign(kMaxCatalogListEntries + 1, "SU");
  over.genres = {"war", std::string(kMaxLabelBytes + 1, 'g')};
  over.ratings = {{std::string(kMaxLabelBytes + 1, 'r'), 7, 10}};
  over.credits[0].note = std::string(kMaxCatalogTextBytes + 1, 'n');
  auto s = catalog_->CreateFilm(over, "over", {});
  EXPECT_THAT(s,
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
  EXPECT_THAT(
      ViolatedFields(s.status()),
      ::testing::UnorderedElementsAre(
          "film.title", "film.synopsis", "film.aliases", "film.studios[1]",
          "film.awards", "film.countries", "film.genres[1]",
          "film.ratings[0].source", "film.credits[0].note"));
  EXPECT_THAT(s.status().message(),
              ::testing::HasSubstr("film.title: is too long (at most 1000 "
                                   "bytes; got 1001)"));
  EXPECT_EQ(catalog_->film_count(), 4u);
}

TEST_F(CatalogTest, PersonAndSequenceFieldsOverTheirLimitsAreNamed) {
  Person person;
  person.display_name = "Tatiana Samoilova";
  person.biography = std::string(kMaxCatalogLongTextBytes + 1, 'b');
  person.known_roles.assign(kMaxCatalogListEntries + 1, CreditRole::kCast);
  auto p = catalog_->CreatePerson(person, "tatiana-samoilova", {});
  EXPECT_THAT(p, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(p.status()),
              ::testing::UnorderedElementsAre("person.biography",
                                              "person.known_roles"));

  Sequence seq;
  seq.title = "The staircase";
  seq.start.precision = Timecode::Precision::kExact;
  seq.filming_method = std::string(kMaxCatalogLongTextBytes + 1, 'f');
  seq.characters.assign(kMaxCatalogListEntries + 1, "Veronika");
  seq.techniques.assign(kMaxCatalogListEntries + 1,
                        CameraTechnique::kCraneShot);
  auto q = catalog_->CreateSequence("films/the-cranes-are-flying", seq,
                                    "staircase", {});
  EXPECT_THAT(q, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(q.status()),
              ::testing::UnorderedElementsAre("sequence.filming_method",
                                              "sequence.characters",
                                              "sequence.techniques"));
}

// The request-wide fields: request_id (even with validate_only, which
// records nothing), etag, update_mask, and the list and search arguments.
TEST_F(CatalogTest, RequestFieldsOverTheirLimitsAreNamed) {
  const std::string long_id(kMaxRequestIdBytes + 1, 'r');
  for (bool validate_only : {false, true}) {
    auto s = catalog_->CreateFilm(
        NewFilm(), "", {.request_id = long_id, .validate_only = validate_only});
    EXPECT_THAT(
        s, StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
    EXPECT_THAT(ViolatedFields(s.status()), ElementsAre("request_id"));
  }
  EXPECT_OK(catalog_->CreateFilm(
      NewFilm(), "", {.request_id = std::string(kMaxRequestIdBytes, 'r')}));
  EXPECT_THAT(ViolatedFields(catalog_->DeleteFilm(
                  "films/the-cranes-are-flying",
                  std::string(kMaxEtagBytes + 1, 'e'), {})),
              ElementsAre("etag"));
  Film update = NewFilm();
  update.name = "films/the-cranes-are-flying";
  EXPECT_THAT(
      ViolatedFields(
          catalog_
              ->UpdateFilm(update, FieldMask(kMaxListEntries + 1, "title"), {})
              .status()),
      ElementsAre("update_mask.paths"));

  ListFilmsQuery films;
  ExpectListQueryLimits(
      films, [&](const ListFilmsQuery& q) { return catalog_->ListFilms(q); });
  films.order_by = std::string(kMaxOrderByBytes + 1, ' ');
  EXPECT_THAT(ViolatedFields(catalog_->ListFilms(films).status()),
              ElementsAre("order_by"));
  films.order_by.clear();
  // Deep parentheses would otherwise recurse once each.
  films.filter = std::string(kMaxFilterBytes + 1, '(');
  auto listed = catalog_->ListFilms(films);
  EXPECT_THAT(listed,
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
  EXPECT_THAT(ViolatedFields(listed.status()), ElementsAre("filter"));
  ListPeopleQuery people;
  people.filter = std::string(kMaxFilterBytes + 1, ' ');
  EXPECT_THAT(ViolatedFields(catalog_->ListPeople(people).status()),
              ElementsAre("filter"));
  ListSequencesQuery sequences;
  sequences.parent = "films/-";
  sequences.filter = std::string(kMaxFilterBytes + 1, ' ');
  EXPECT_THAT(ViolatedFields(catalog_->ListSequences(sequences).status()),
              ElementsAre("filter"));

  SearchQuery search;
  search.query = std::string(kMaxCatalogTextBytes + 1, 'q');
  EXPECT_THAT(ViolatedFields(catalog_->SearchFilms(search).status()),
              ElementsAre("query"));
  EXPECT_THAT(ViolatedFields(catalog_
                                 ->BatchGetFilms(std::vector<std::string>(
                                     kMaxBatchSize + 1, "films/i-am-cuba"))
                                 .status()),
              ElementsAre("names"));
}

// The tokens the catalogue issues must pass its own page_token limit, even
// after the longest title that folds to the longest key ("щ" is "shch").
TEST_F(CatalogTest, IssuedPageTokensStayUnderTheLimit) {
  std::string title;
  while (title.size() + 2 <= kMaxCatalogTextBytes) title += "щ";
  for (const char* id : {"shch-1", "shch-2"}) {
    Film film = NewFilm();
    film.title = title;
    film.runtime_minutes = 777;  // only these two
    ASSERT_OK(catalog_->CreateFilm(film, id, {}));
  }
  ListFilmsQuery q;
  q.page_size = 1;
  q.filter = "runtime = 777";
  auto page = catalog_->ListFilms(q);
  ASSERT_OK(page);
  EXPECT_GT(page->next_page_token.size(), 2 * title.size());
  EXPECT_LE(page->next_page_token.size(), kMaxPageTokenBytes);
  q.page_token = page->next_page_token;
  EXPECT_OK(catalog_->ListFilms(q));
}

// ImportFilms (the CLI's `longtake import` and the gRPC method share it):
// an entry's own lists are bounded, and reported on that entry only.
TEST_F(CatalogTest, ImportEntryOverItsLimitsIsReportedOnTheEntry) {
  ImportEntry good;
  good.film = NewFilm();
  good.source_line = 1;
  ImportEntry crowded;
  crowded.film = NewFilm();
  crowded.film.title = "A Crowded Film";
  crowded.people.assign(kMaxCatalogListEntries + 1, Person{});
  crowded.sequences.assign(kMaxCatalogListEntries + 1, Sequence{});
  crowded.source_line = 2;
  ImportEntry wordy;
  wordy.film = NewFilm();
  wordy.film.title = "A Wordy Film";
  wordy.film.notes = {std::string(kMaxCatalogTextBytes + 1, 'n')};
  wordy.source_line = 3;
  ASSERT_OK_AND_ASSIGN(
      std::vector<ImportEntryResult> results,
      catalog_->ImportFilms({good, crowded, wordy}, WriteOptions{}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_OK(results[0].status);
  EXPECT_THAT(results[1].status,
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
  EXPECT_THAT(ViolatedFields(results[1].status),
              ElementsAre("people", "sequences"));
  EXPECT_THAT(ViolatedFields(results[2].status), ElementsAre("film.notes[0]"));
}

TEST(NameTest, Parses) {
  EXPECT_EQ(ParseName("films/i-am-cuba", "films"), "i-am-cuba");
  EXPECT_FALSE(ParseName("films/", "films"));
  EXPECT_FALSE(ParseName("people/x", "films"));
  EXPECT_FALSE(ParseName("films/a/b", "films"));
  auto s = ParseSequenceName("films/i-am-cuba/sequences/funeral");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->film, "films/i-am-cuba");
  EXPECT_EQ(s->id, "funeral");
  EXPECT_FALSE(ParseSequenceName("films/i-am-cuba/sequences/"));
  EXPECT_FALSE(ParseSequenceName("films/-/sequences/x"));
}

TEST(TimecodeTest, Describes) {
  Timecode t;
  t.precision = Timecode::Precision::kExact;
  t.offset = absl::Seconds(3730);
  EXPECT_EQ(DescribeTimecode(t, ""), "at 1:02:10");
  t.precision = Timecode::Precision::kApproximate;
  t.offset = absl::Minutes(25);
  EXPECT_EQ(DescribeTimecode(t, ""), "around 25:00");
  t.precision = Timecode::Precision::kFractionOfRuntime;
  t.fraction = 0;
  EXPECT_EQ(DescribeTimecode(t, ""), "the opening");
  t.fraction = 0.75;
  EXPECT_EQ(DescribeTimecode(t, ""), "about three quarters through");
  t.fraction = 0.05;
  EXPECT_EQ(DescribeTimecode(t, ""), "very early");
  t.fraction = 0.4;
  EXPECT_EQ(DescribeTimecode(t, ""), "about 40% through");
  t.precision = Timecode::Precision::kRelative;
  t.relation = Timecode::Relation::kBefore;
  EXPECT_EQ(DescribeTimecode(t, "The send-off"), "before The send-off");
}

}  // namespace
}  // namespace longtake::catalog::internal
