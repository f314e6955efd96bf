#include "catalog_service/domain/catalog_internal.h"

#include "catalog_service/domain/json_codec.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake::catalog::internal {
namespace {

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

TEST(FilterTest, ParsesConjunctions) {
  auto f = ParseFilmFilter(
      "year >= 1955 AND year<1960 AND person = \"people/mikhail-kalatozov\" AND role = "
      "CREDIT_ROLE_DIRECTOR AND era = \"eras/khrushchev-thaw\" AND technique = "
      "\"CAMERA_TECHNIQUE_CRANE_SHOT\"");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->year_min, 1955);
  EXPECT_EQ(f->year_max, 1959);
  EXPECT_THAT(f->persons, ::testing::ElementsAre("people/mikhail-kalatozov"));
  EXPECT_THAT(f->roles, ::testing::ElementsAre(CreditRole::kDirector));
  EXPECT_THAT(f->eras, ::testing::ElementsAre("eras/khrushchev-thaw"));
  EXPECT_THAT(f->techniques, ::testing::ElementsAre(CameraTechnique::kCraneShot));
  auto empty = ParseFilmFilter("   ");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->year_min, INT_MIN);
}

TEST(FilterTest, ErrorsExplainTheProblem) {
  auto unknown = ParseFilmFilter("title = \"x\"");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()), ::testing::HasSubstr("unknown field \"title\""));
  EXPECT_EQ(ErrorFieldViolations(unknown.status())[0].field, "filter");
  auto orr = ParseFilmFilter("year = 1 OR year = 2");
  ASSERT_FALSE(orr.ok());
  EXPECT_THAT(std::string(orr.status().message()), ::testing::HasSubstr("AND"));
  EXPECT_FALSE(ParseFilmFilter("year = 99999999999999").ok());
  EXPECT_FALSE(ParseFilmFilter("year = \"1957\"").ok());
  EXPECT_FALSE(ParseFilmFilter("year").ok());
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

TEST(JsonCodecTest, DurationsAndErrors) {
  EXPECT_EQ(FormatProtoDuration(absl::Seconds(1500)), "1500s");
  EXPECT_EQ(FormatProtoDuration(absl::Milliseconds(1500)), "1.5s");
  EXPECT_EQ(ParseProtoDuration("1500s"), absl::Seconds(1500));
  EXPECT_EQ(ParseProtoDuration("0.25s"), absl::Milliseconds(250));
  EXPECT_FALSE(ParseProtoDuration("25m").has_value());
  EXPECT_FALSE(ParseProtoDuration("s").has_value());
  auto bad = FilmFromJson(nlohmann::json::parse(
                              R"({"title": 5, "year": "1957", "colour": true,
                                  "credits": [{"person": "people/x", "role": "DIRECTOR"}]})"),
                          "films[0]");
  ASSERT_FALSE(bad.ok());
  std::vector<std::string> fields;
  for (const auto& v : ErrorFieldViolations(bad.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("films[0].title", "films[0].year",
                                                      "films[0].colour", "films[0].credits[0].role"));
  EXPECT_FALSE(PersonFromJson(nlohmann::json::array(), "people[0]").ok());
  auto big = PersonFromJson(nlohmann::json::parse(R"({"birth_year": 99999999999})"), "p");
  EXPECT_FALSE(big.ok());
}

}  // namespace
}  // namespace longtake::catalog::internal
