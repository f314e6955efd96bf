#include "common/text/slug.h"

#include <string>

#include "gtest/gtest.h"

namespace longtake {
namespace {

TEST(SlugTest, ValidatesAndDerives) {
  EXPECT_TRUE(IsValidSlug("the-cranes-are-flying"));
  EXPECT_TRUE(IsValidSlug("a1"));
  EXPECT_FALSE(IsValidSlug(""));
  EXPECT_FALSE(IsValidSlug("-x"));
  EXPECT_FALSE(IsValidSlug("Upper"));
  EXPECT_FALSE(IsValidSlug("with space"));
  EXPECT_FALSE(IsValidSlug(std::string(64, 'a')));
  EXPECT_EQ(Slugify("The Cranes Are Flying", "film"), "the-cranes-are-flying");
  EXPECT_EQ(Slugify("Летят журавли", "film"), "letyat-zhuravli");
  EXPECT_EQ(Slugify("Ya - Kuba!", "film"), "ya-kuba");
  EXPECT_EQ(Slugify("Été", "film"), "ete");
  EXPECT_EQ(Slugify("!!!", "film"), "film");
  EXPECT_EQ(Slugify("", "person"), "person");
  EXPECT_LE(Slugify(std::string(500, 'x'), "f").size(), 63u);
  EXPECT_TRUE(IsValidSlug(Slugify(std::string(40, 'a') + " " + std::string(40, 'b'), "f")));
}

}  // namespace
}  // namespace longtake
