#include "common/text/slug.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace longtake {
namespace {

TEST(SlugTest, ValidatesIds) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"the-cranes-are-flying", true},
      {"a1", true},
      {std::string(63, 'a'), true},
      {"", false},
      {"-x", false},
      {"Upper", false},
      {"with space", false},
      {std::string(64, 'a'), false},
  };
  for (const auto& [id, valid] : cases) {
    EXPECT_EQ(IsValidSlug(id), valid) << '"' << id << '"';
  }
}

TEST(SlugTest, DerivesFromFreeText) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"The Cranes Are Flying", "the-cranes-are-flying"},
      {"Летят журавли", "letyat-zhuravli"},
      {"Ya - Kuba!", "ya-kuba"},
      {"Été", "ete"},
      {"!!!", "film"},
      {"", "film"},
  };
  for (const auto& [text, slug] : cases) {
    EXPECT_EQ(Slugify(text, "film"), slug) << '"' << text << '"';
  }
}

TEST(SlugTest, LongTextGivesAValidSlug) {
  EXPECT_LE(Slugify(std::string(500, 'x'), "f").size(), 63u);
  EXPECT_TRUE(IsValidSlug(
      Slugify(std::string(40, 'a') + " " + std::string(40, 'b'), "f")));
}

}  // namespace
}  // namespace longtake
