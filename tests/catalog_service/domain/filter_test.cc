// The AIP-160 filter subset.

#include "catalog_service/domain/filter.h"

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
  auto unknown = ParseFilmFilter("title = \"x\"");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()),
              ::testing::HasSubstr("unknown field \"title\""));
  EXPECT_EQ(ErrorFieldViolations(unknown.status())[0].field, "filter");
  auto orr = ParseFilmFilter("year = 1 OR year = 2");
  ASSERT_FALSE(orr.ok());
  EXPECT_THAT(std::string(orr.status().message()), ::testing::HasSubstr("AND"));
  EXPECT_FALSE(ParseFilmFilter("year = 99999999999999").ok());
  EXPECT_FALSE(ParseFilmFilter("year = \"1957\"").ok());
  EXPECT_FALSE(ParseFilmFilter("year").ok());
}

}  // namespace
}  // namespace longtake::catalog::internal
