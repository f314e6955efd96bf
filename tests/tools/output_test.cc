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

TEST(ValueText, YearsMoneyAndEnumNames) {
  EXPECT_EQ(YearText(0), "");
  EXPECT_EQ(YearText(1957), "1957");
  google::type::Money price;
  EXPECT_EQ(MoneyText(price), "");
  price.set_currency_code("GBP");
  price.set_units(3);
  price.set_nanos(490000000);
  EXPECT_EQ(MoneyText(price), "GBP 3.49");
  EXPECT_EQ(RoleName(catalog::v1::CREDIT_ROLE_CINEMATOGRAPHER),
            "cinematographer");
  EXPECT_EQ(TechniqueName(catalog::v1::CAMERA_TECHNIQUE_CRANE_SHOT),
            "crane shot");
}

TEST(ValueText, StartOfASequence) {
  catalog::v1::Timecode t;
  t.set_precision(catalog::v1::Timecode::PRECISION_APPROXIMATE);
  t.mutable_offset()->set_seconds(25 * 60);
  EXPECT_EQ(StartText(t), "~25:00");
  t.set_precision(catalog::v1::Timecode::PRECISION_FRACTION_OF_RUNTIME);
  t.set_fraction(0.75);
  EXPECT_EQ(StartText(t), "75%");
  t.set_description("the send-off");
  EXPECT_EQ(StartText(t), "the send-off");
}

TEST(ValueText, DirectorsAndTimestamps) {
  catalog::v1::Film film;
  catalog::v1::Credit* c = film.add_credits();
  c->set_role(catalog::v1::CREDIT_ROLE_DIRECTOR);
  c->set_person("people/mikhail-kalatozov");
  c = film.add_credits();
  c->set_role(catalog::v1::CREDIT_ROLE_CAST);
  c->set_display_name("Tatiana Samoilova");
  EXPECT_EQ(Directors(film), "people/mikhail-kalatozov");
  google::protobuf::Timestamp ts;
  EXPECT_EQ(TimestampText(ts), "");
  ts.set_seconds(86400);
  EXPECT_EQ(TimestampText(ts), "1970-01-02 00:00");
}

}  // namespace
}  // namespace longtake::cli
