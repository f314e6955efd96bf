#include "tools/cli/output.h"

#include "gtest/gtest.h"
#include "longtake/catalog/v1/resources.pb.h"

namespace longtake::cli {
namespace {

TEST(DisplayWidth, CountsCodePointsNotBytes) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("Летят"), 5u);
  EXPECT_EQ(DisplayWidth(""), 0u);
}

TEST(Table, AlignsColumnsWithoutTrailingSpaces) {
  Table table({"FILM", "YEAR"});
  table.AddRow({"films/i-am-cuba", "1964"});
  table.AddRow({"Летят", ""});
  EXPECT_EQ(table.Render(),
            "FILM             YEAR\n"
            "films/i-am-cuba  1964\n"
            "Летят\n");
}

TEST(WithThousands, GroupsDigits) {
  EXPECT_EQ(WithThousands(0), "0");
  EXPECT_EQ(WithThousands(999), "999");
  EXPECT_EQ(WithThousands(9812), "9,812");
  EXPECT_EQ(WithThousands(1234567), "1,234,567");
  EXPECT_EQ(WithThousands(-1000), "-1,000");
}

TEST(ToJson, PrintsProtoJsonFieldNames) {
  catalog::v1::Film film;
  film.set_name("films/i-am-cuba");
  film.set_runtime_minutes(141);
  std::string json = ToJson(film, /*one_line=*/true);
  EXPECT_EQ(json, "{\"name\":\"films/i-am-cuba\",\"runtimeMinutes\":141}\n");
}

}  // namespace
}  // namespace longtake::cli
