#include "common/domain/etag.h"

#include "gtest/gtest.h"

namespace longtake {
namespace {

TEST(EtagTest, SameContentSameEtagOtherContentOtherEtag) {
  EXPECT_EQ(EtagOf("{\"title\":\"I Am Cuba\"}"),
            EtagOf("{\"title\":\"I Am Cuba\"}"));
  EXPECT_NE(EtagOf("{\"title\":\"I Am Cuba\"}"),
            EtagOf("{\"title\":\"Soy Cuba\"}"));
  const std::string etag = EtagOf("x");
  EXPECT_EQ(etag.size(), 16u);
  EXPECT_EQ(etag.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(EtagTest, StableAcrossProcesses) {
  // FNV-1a of the empty string: the offset basis. A change of hash would
  // break every etag clients hold, so it is pinned here.
  EXPECT_EQ(EtagOf(""), "cbf29ce484222325");
}

}  // namespace
}  // namespace longtake
