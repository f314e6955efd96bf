#include "tools/cli/csv_reader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SplitCsv, QuotingDoubledQuotesAndLineBreaksInsideQuotes) {
  std::vector<CsvRecord> r = SplitCsv(
      "a,b,c\r\n"
      "\"x, y\",\"say \"\"hi\"\"\",z\r\n"
      "\"multi\nline\",2,3\n"
      "\n"
      "last,row,\"\"\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_THAT(r[1].fields, ElementsAre("x, y", "say \"hi\"", "z"));
  EXPECT_EQ(r[1].line, 2);
  EXPECT_THAT(r[2].fields, ElementsAre("multi\nline", "2", "3"));
  EXPECT_EQ(r[2].line, 3);
  EXPECT_EQ(r[3].line, 6);
  EXPECT_THAT(r[3].fields, ElementsAre("last", "row", ""));
}

TEST(SplitCsv, UnclosedQuoteIsReported) {
  std::vector<CsvRecord> r = SplitCsv("a,b\n\"never closed,1\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_THAT(r[1].error, HasSubstr("never closed"));
}

TEST(SplitCsv, BomIsDroppedAndUnquotedFieldsTrimmed) {
  std::vector<CsvRecord> r =
      SplitCsv("\xEF\xBB\xBFtitle , year\n I Am Cuba ,\" 1964 \"");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_THAT(r[0].fields, ElementsAre("title", "year"));
  EXPECT_THAT(r[1].fields, ElementsAre("I Am Cuba", " 1964 "));
  EXPECT_TRUE(r[1].error.empty());
}

}  // namespace
}  // namespace longtake::cli
