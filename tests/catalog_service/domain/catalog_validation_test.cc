// Resource names, field checks and timecode descriptions.

#include "catalog_service/domain/catalog_validation.h"

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
  EXPECT_THAT(Fields(s.status()),
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
