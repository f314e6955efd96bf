#include "common/domain/field_mask.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

using ::longtake::testing::StatusIs;

struct Thing {
  std::string title;
  int year = 0;
};

const MaskSetters<Thing>& Setters() {
  static const auto* setters = new MaskSetters<Thing>{
      {"title", [](Thing& to, const Thing& from) { to.title = from.title; }},
      {"year", [](Thing& to, const Thing& from) { to.year = from.year; }},
  };
  return *setters;
}

TEST(FieldMaskTest, CopiesOnlyTheNamedFields) {
  Thing to{"old", 1957};
  ASSERT_OK(ApplyMask({"title"}, Setters(), Thing{"new", 1964}, &to));
  EXPECT_EQ(to.title, "new");
  EXPECT_EQ(to.year, 1957);
}

TEST(FieldMaskTest, StarCopiesEveryField) {
  Thing to{"old", 1957};
  ASSERT_OK(ApplyMask({"*"}, Setters(), Thing{"new", 1964}, &to));
  EXPECT_EQ(to.title, "new");
  EXPECT_EQ(to.year, 1964);
}

TEST(FieldMaskTest, EmptyMaskAndUnknownPathsNameUpdateMask) {
  Thing to;
  absl::Status empty = ApplyMask({}, Setters(), Thing{}, &to);
  EXPECT_THAT(empty, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ErrorFieldViolations(empty).at(0).field, "update_mask");

  absl::Status unknown = ApplyMask({"title", "etag"}, Setters(), Thing{}, &to);
  EXPECT_THAT(unknown, StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_EQ(ErrorFieldViolations(unknown).size(), 1u);
  EXPECT_EQ(ErrorFieldViolations(unknown)[0].field, "update_mask.paths[1]");
  EXPECT_THAT(ErrorFieldViolations(unknown)[0].description,
              ::testing::HasSubstr("title, year"));
}

// A mask is a list a client sends: bounded like the others, before any path
// is looked at.
TEST(FieldMaskTest, TooManyPathsNameUpdateMaskPaths) {
  Thing to{"old", 1957};
  EXPECT_OK(ApplyMask(FieldMask(kMaxListEntries, "title"), Setters(),
                      Thing{"new", 1964}, &to));
  to = Thing{"old", 1957};
  absl::Status crowded = ApplyMask(FieldMask(kMaxListEntries + 1, "title"),
                                   Setters(), Thing{"new", 1964}, &to);
  EXPECT_THAT(crowded,
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
  ASSERT_EQ(ErrorFieldViolations(crowded).size(), 1u);
  EXPECT_EQ(ErrorFieldViolations(crowded)[0].field, "update_mask.paths");
  EXPECT_EQ(to.title, "old");
}

}  // namespace
}  // namespace longtake
