// JSON forms of the domain types (seed file and SQLite/PostgreSQL documents).

#include "catalog_service/domain/json_codec.h"

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog_service/sample_catalog.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog {
namespace {

TEST(JsonCodecTest, DurationsAndErrors) {
  EXPECT_EQ(FormatProtoDuration(absl::Seconds(1500)), "1500s");
  EXPECT_EQ(FormatProtoDuration(absl::Milliseconds(1500)), "1.5s");
  EXPECT_EQ(ParseProtoDuration("1500s"), absl::Seconds(1500));
  EXPECT_EQ(ParseProtoDuration("0.25s"), absl::Milliseconds(250));
  EXPECT_FALSE(ParseProtoDuration("25m").has_value());
  EXPECT_FALSE(ParseProtoDuration("s").has_value());
  auto bad = FromJson<Film>(nlohmann::json::parse(
                                R"({"title": 5, "year": "1957", "colour": true,
                                  "credits": [{"person": "people/x", "role": "DIRECTOR"}]})"),
                            "films[0]");
  ASSERT_FALSE(bad.ok());
  std::vector<std::string> fields;
  for (const auto& v : ErrorFieldViolations(bad.status()))
    fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre(
                          "films[0].title", "films[0].year", "films[0].colour",
                          "films[0].credits[0].role"));
  EXPECT_FALSE(FromJson<Person>(nlohmann::json::array(), "people[0]").ok());
  auto big = FromJson<Person>(
      nlohmann::json::parse(R"({"birth_year": 99999999999})"), "p");
  EXPECT_FALSE(big.ok());
}

TEST(JsonCodecTest, FilmRoundTripsWithEveryField) {
  Film film = testing::SampleFilm();
  // Cyrillic text and sub-second times must survive the JSON form too.
  film.original_titles = {"Летят журавли"};
  film.create_time = absl::FromUnixSeconds(1000) + absl::Milliseconds(5);
  ASSERT_OK_AND_ASSIGN(Film back, FromJson<Film>(ToJson(film), "film"));
  EXPECT_EQ(ToJson(back), ToJson(film));
  EXPECT_EQ(back.title, film.title);
  EXPECT_EQ(back.original_titles, film.original_titles);
  ASSERT_EQ(back.credits.size(), 2u);
  EXPECT_EQ(back.credits[1].character, "Veronika");
  EXPECT_EQ(back.credits[1].role, CreditRole::kCast);
  ASSERT_EQ(back.awards.size(), 1u);
  EXPECT_EQ(back.awards[0].year, 1958);
  EXPECT_EQ(back.etag, film.etag);
  EXPECT_EQ(back.create_time, film.create_time);
  EXPECT_EQ(back.update_time, film.update_time);
}

TEST(JsonCodecTest, PersonRoundTrips) {
  Person person = testing::SamplePerson();
  ASSERT_OK_AND_ASSIGN(Person back, FromJson<Person>(ToJson(person), "person"));
  EXPECT_EQ(ToJson(back), ToJson(person));
  EXPECT_EQ(back.display_name, person.display_name);
  EXPECT_EQ(back.known_roles, person.known_roles);
  EXPECT_EQ(back.death_year, 1973);
  EXPECT_EQ(back.create_time, person.create_time);
}

TEST(JsonCodecTest, SequenceRoundTripsEveryPrecision) {
  Sequence seq;
  seq.name = "films/the-cranes-are-flying/sequences/staircase";
  seq.title = "The staircase";
  seq.description = "Boris runs up the stairs.";
  seq.duration = absl::Seconds(90);
  seq.techniques = {CameraTechnique::kLongTake, CameraTechnique::kCraneShot};
  seq.characters = {"Boris"};
  seq.filming_method = "Hand-held, then a crane.";
  seq.film_order = 1;
  seq.start.precision = Timecode::Precision::kRelative;
  seq.start.relation = Timecode::Relation::kBefore;
  seq.start.relative_to = "films/the-cranes-are-flying/sequences/send-off";
  seq.start.description = "before the send-off";
  ASSERT_OK_AND_ASSIGN(Sequence back,
                       FromJson<Sequence>(ToJson(seq), "sequence"));
  EXPECT_EQ(ToJson(back), ToJson(seq));
  EXPECT_EQ(back.duration, seq.duration);
  EXPECT_EQ(back.techniques, seq.techniques);
  EXPECT_EQ(back.start.precision, Timecode::Precision::kRelative);
  EXPECT_EQ(back.start.relative_to, seq.start.relative_to);

  seq.start = {};
  seq.start.precision = Timecode::Precision::kFractionOfRuntime;
  seq.start.fraction = 0.75;
  ASSERT_OK_AND_ASSIGN(back, FromJson<Sequence>(ToJson(seq), "sequence"));
  EXPECT_EQ(back.start.fraction, 0.75);
  seq.start = {};
  seq.start.precision = Timecode::Precision::kApproximate;
  seq.start.offset = absl::Minutes(25);
  ASSERT_OK_AND_ASSIGN(back, FromJson<Sequence>(ToJson(seq), "sequence"));
  EXPECT_EQ(back.start.offset, absl::Minutes(25));
}

}  // namespace
}  // namespace longtake::catalog
