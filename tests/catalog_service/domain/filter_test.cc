// The AIP-160 filter subset.

#include "catalog_service/domain/filter.h"

#include "catalog_service/domain/film_filter.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog::internal {
namespace {

using ::longtake::testing::StatusIs;

TEST(FilterTest, ParsesConjunctions) {
  auto f = ParseFilmFilter(
      "year >= 1955 AND year<1960 AND person = \"people/mikhail-kalatozov\" "
      "AND role = "
      "CREDIT_ROLE_DIRECTOR AND era = \"eras/khrushchev-thaw\" AND technique = "
      "\"CAMERA_TECHNIQUE_CRANE_SHOT\"");
  ASSERT_OK(f);
  EXPECT_EQ(f->year_min, 1955);
  EXPECT_EQ(f->year_max, 1959);
  EXPECT_THAT(f->persons, ::testing::ElementsAre("people/mikhail-kalatozov"));
  EXPECT_THAT(f->roles, ::testing::ElementsAre(CreditRole::kDirector));
  EXPECT_THAT(f->eras, ::testing::ElementsAre("eras/khrushchev-thaw"));
  EXPECT_THAT(f->techniques,
              ::testing::ElementsAre(CameraTechnique::kCraneShot));
  auto empty = ParseFilmFilter("   ");
  ASSERT_OK(empty);
  EXPECT_EQ(empty->year_min, INT_MIN);
}

TEST(FilterTest, ErrorsExplainTheProblem) {
  auto unknown = ParseFilmFilter("budget = 3");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()),
              ::testing::HasSubstr("unknown field \"budget\""));
  EXPECT_EQ(ErrorFieldViolations(unknown.status())[0].field, "filter");
  EXPECT_THAT(ParseFilmFilter("year = 1 or year = 2"),
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_FILTER"));
  EXPECT_FALSE(ParseFilmFilter("year = 99999999999999999").ok());
  EXPECT_FALSE(ParseFilmFilter("year = \"1957\"").ok());
  EXPECT_FALSE(ParseFilmFilter("year").ok());
  EXPECT_FALSE(ParseFilmFilter("(year = 1957").ok());
  EXPECT_FALSE(ParseFilmFilter("year = 1957)").ok());
  EXPECT_FALSE(ParseFilmFilter("year = 1957 AND").ok());
  EXPECT_FALSE(ParseFilmFilter("genre < \"war\"").ok());
  EXPECT_FALSE(ParseFilmFilter("title = \"*\"").ok());
}

// AIP-160: OR binds tighter than AND.
TEST(FilterTest, OrBindsTighterThanAnd) {
  ASSERT_OK_AND_ASSIGN(FilterExpr e, ParseFilterExpr("a = 1 AND b = 2 OR c = 3",
                                                     {"a", "b", "c"}));
  ASSERT_EQ(e.kind, FilterExpr::Kind::kAnd);
  ASSERT_EQ(e.operands.size(), 2u);
  EXPECT_EQ(e.operands[0].condition.field, "a");
  ASSERT_EQ(e.operands[1].kind, FilterExpr::Kind::kOr);
  EXPECT_EQ(e.operands[1].operands[1].condition.field, "c");

  ASSERT_OK_AND_ASSIGN(
      FilterExpr grouped,
      ParseFilterExpr("(a = 1 AND b = 2) OR NOT c = 3", {"a", "b", "c"}));
  ASSERT_EQ(grouped.kind, FilterExpr::Kind::kOr);
  EXPECT_EQ(grouped.operands[0].kind, FilterExpr::Kind::kAnd);
  EXPECT_EQ(grouped.operands[1].kind, FilterExpr::Kind::kNot);
}

TEST(FilterTest, TopLevelTermsGoToIndexesTheRestIsEvaluated) {
  ASSERT_OK_AND_ASSIGN(
      FilmFilter f,
      ParseFilmFilter("genre = \"War\" AND imdb_id = \"tt0050634\" AND "
                      "title = \"Letyat*\" AND (country = \"su\" OR "
                      "runtime > 90) AND NOT language = \"en\""));
  EXPECT_THAT(f.genres, ::testing::ElementsAre("war"));
  EXPECT_THAT(f.external_ids, ::testing::ElementsAre("imdb:tt0050634"));
  EXPECT_EQ(f.title_prefix, "letyat");
  ASSERT_EQ(f.rest.size(), 2u);
  EXPECT_EQ(f.rest[0].kind, FilterExpr::Kind::kOr);
  EXPECT_EQ(f.rest[1].kind, FilterExpr::Kind::kNot);
}

TEST(FilterTest, PeopleAndSequencesTakeAndOnly) {
  EXPECT_OK(ParseFilter("role = \"X\" AND role = \"Y\"", {"role"}));
  EXPECT_THAT(ParseFilter("role = \"X\" OR role = \"Y\"", {"role"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_FILTER"));
}

}  // namespace
}  // namespace longtake::catalog::internal
