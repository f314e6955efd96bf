#include "common/domain/region_code.h"

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

using ::longtake::testing::StatusIs;

TEST(RegionCodeTest, OnlyAssignedAlpha2CodesInUpperCaseAreRegions) {
  for (const char* code : {"GB", "US", "FR", "CU", "AX", "ZW"}) {
    EXPECT_TRUE(IsIsoRegion(code)) << code;
  }
  // Two upper-case letters are not enough: XX, UK and SU are not assigned.
  for (const char* code : {"XX", "UK", "SU", "gb", "Gb", "GBR", "G", ""}) {
    EXPECT_FALSE(IsIsoRegion(code)) << code;
  }
}

TEST(RegionCodeTest, FilmCountriesIncludeFormerCountries) {
  for (const char* code : {"SU", "YU", "DD", "CS", "GB", "CU"}) {
    EXPECT_TRUE(IsFilmCountry(code)) << code;
  }
  for (const char* code : {"XX", "su", "SUN", ""}) {
    EXPECT_FALSE(IsFilmCountry(code)) << code;
  }
}

TEST(RegionCodeTest, NormaliseUpperCasesOrNamesTheField) {
  ASSERT_OK_AND_ASSIGN(std::string gb, NormaliseRegion("gb", "region"));
  EXPECT_EQ(gb, "GB");
  for (const char* bad : {"XX", "XYZ", "", "g"}) {
    absl::StatusOr<std::string> r = NormaliseRegion(bad, "offer.region");
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
    std::vector<FieldViolation> fields = ErrorFieldViolations(r.status());
    ASSERT_EQ(fields.size(), 1u);
    EXPECT_EQ(fields[0].field, "offer.region");
    EXPECT_EQ(fields[0].description, RegionError(bad));
  }
}

TEST(RegionCodeTest, ErrorQuotesAShortPrefixOnly) {
  std::string long_region(10000, 'Q');
  EXPECT_LT(RegionError(long_region).size(), 100u);
}

}  // namespace
}  // namespace longtake
