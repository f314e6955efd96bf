#include "tools/cli/import_parser.h"

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/text/slug.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tools/cli/import_fields.h"

namespace longtake::cli {
namespace {

namespace v1 = ::longtake::catalog::v1;
using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The rejections for one line.
std::vector<ImportRejection> At(const ParsedImport& p, int64_t line) {
  std::vector<ImportRejection> out;
  for (const auto& r : p.rejected) {
    if (r.line == line) out.push_back(r);
  }
  return out;
}

// Person ids come from longtake::Slugify, the catalogue's own: the same
// cases the CLI's former SlugFromName covered, and Cyrillic now gives the
// name the server gives.
TEST(PersonIds, FoldCaseSpacesAccentsAndCyrillicLikeTheCatalogue) {
  auto person_of = [](const std::string& name) {
    ParsedImport p = ParseJsonLines(
        absl::StrCat(R"({"title":"X","credits":[{"person_name":")", name,
                     R"(","role":"director"}]})"));
    return p.entries.empty() ? std::string("(rejected)")
                             : p.entries[0].people(0).name();
  };
  EXPECT_EQ(person_of("Sergei Urusevsky"), "people/sergei-urusevsky");
  EXPECT_EQ(person_of("  Antonín  Dvořák "), "people/antonin-dvorak");
  EXPECT_EQ(person_of("Peter O'Toole"), "people/peter-otoole");
  EXPECT_EQ(person_of("the-cranes-are-flying"), "people/the-cranes-are-flying");
  EXPECT_EQ(person_of("Михаил Калатозов"), "people/mikhail-kalatozov");
}

TEST(PersonIds, NothingToSlugIsRejected) {
  ParsedImport p = ParseJsonLines(
      R"({"title":"X","credits":[{"person_name":"!!!","role":"director"}]})");
  EXPECT_TRUE(p.entries.empty());
  ASSERT_EQ(At(p, 1).size(), 1u);
  EXPECT_EQ(At(p, 1)[0].field, "credits[0].person_name");
  EXPECT_THAT(At(p, 1)[0].reason, HasSubstr("cannot make a person id"));
}

// The CLI and the server name a Cyrillic film and person alike: the parser's
// people, and the film name the catalogue derives from the title (the CLI
// sends no film_id), are "<collection>/" + longtake::Slugify(text).
TEST(CyrillicNames, CliAndServerGiveTheSameNames) {
  const std::string title = "Летят журавли";
  const std::string director = "Михаил Калатозов";
  ParsedImport jsonl = ParseJsonLines(absl::StrCat(
      R"({"title":")", title, R"(","year":1957,"credits":[{"person_name":")",
      director, R"(","role":"director"}]})"));
  absl::StatusOr<ParsedImport> csv = ParseCsv(
      absl::StrCat("title,year,directors\n", title, ",1957,", director, "\n"));
  ASSERT_OK(csv);
  for (const ParsedImport* p : {&jsonl, &*csv}) {
    ASSERT_EQ(p->entries.size(), 1u);
    const v1::ImportFilmsEntry& e = p->entries[0];
    EXPECT_EQ(e.film().title(), title);
    EXPECT_TRUE(e.film_id().empty());  // the catalogue names the film
    EXPECT_EQ("films/" + Slugify(e.film().title(), "film"),
              "films/letyat-zhuravli");
    ASSERT_EQ(e.people_size(), 1);
    EXPECT_EQ(e.people(0).name(), "people/" + Slugify(director, "person"));
    EXPECT_EQ(e.people(0).name(), "people/mikhail-kalatozov");
    EXPECT_EQ(e.people(0).display_name(), director);
    EXPECT_EQ(e.film().credits(0).person(), "people/mikhail-kalatozov");
  }
}

TEST(ParseJsonLines, GoodRowBecomesEntryWithPeopleAndSequences) {
  ParsedImport p = ParseJsonLines(
      R"({"title":"Letter Never Sent","year":1959,"original_titles":["Neotpravlennoye pismo"],)"
      R"("runtime_minutes":96,"countries":["SU"],"languages":["ru"],"synopsis":"Geologists.",)"
      R"("credits":[{"person_name":"Mikhail Kalatozov","role":"director"},)"
      R"({"person_name":"Sergei Urusevsky","role":"CREDIT_ROLE_CINEMATOGRAPHER"},)"
      R"({"person_name":"Tatiana Samoilova","role":"cast","character":"Tanya"}],)"
      R"("sequences":[{"title":"Farewell","start":"opening","techniques":["static"]},)"
      R"({"title":"Send-off","start":"~25:00","techniques":["crane","hand-held"]},)"
      R"({"title":"Funeral","start":"75%"},{"title":"Exact","start":"1:02:03"}]})");
  ASSERT_TRUE(p.rejected.empty())
      << p.rejected[0].field << ": " << p.rejected[0].reason;
  ASSERT_EQ(p.entries.size(), 1u);
  const v1::ImportFilmsEntry& e = p.entries[0];
  EXPECT_EQ(e.source_line(), 1);
  EXPECT_EQ(e.film().title(), "Letter Never Sent");
  EXPECT_EQ(e.film().year(), 1959);
  EXPECT_EQ(e.film().runtime_minutes(), 96);
  EXPECT_THAT(e.film().original_titles(), ElementsAre("Neotpravlennoye pismo"));
  ASSERT_EQ(e.film().credits_size(), 3);
  EXPECT_EQ(e.film().credits(0).person(), "people/mikhail-kalatozov");
  EXPECT_EQ(e.film().credits(1).role(), v1::CREDIT_ROLE_CINEMATOGRAPHER);
  EXPECT_EQ(e.film().credits(2).character(), "Tanya");
  ASSERT_EQ(e.people_size(), 3);
  EXPECT_EQ(e.people(1).name(), "people/sergei-urusevsky");
  EXPECT_EQ(e.people(1).display_name(), "Sergei Urusevsky");
  ASSERT_EQ(e.sequences_size(), 4);
  EXPECT_EQ(e.sequences(0).start().precision(),
            v1::Timecode::PRECISION_FRACTION_OF_RUNTIME);
  EXPECT_EQ(e.sequences(0).start().fraction(), 0.0);
  EXPECT_EQ(e.sequences(1).start().precision(),
            v1::Timecode::PRECISION_APPROXIMATE);
  EXPECT_EQ(e.sequences(1).start().offset().seconds(), 25 * 60);
  EXPECT_THAT(e.sequences(1).techniques(),
              ElementsAre(v1::CAMERA_TECHNIQUE_CRANE_SHOT,
                          v1::CAMERA_TECHNIQUE_HAND_HELD));
  EXPECT_DOUBLE_EQ(e.sequences(2).start().fraction(), 0.75);
  EXPECT_EQ(e.sequences(3).start().precision(), v1::Timecode::PRECISION_EXACT);
  EXPECT_EQ(e.sequences(3).start().offset().seconds(), 3723);
}

TEST(ParseJsonLines, SamePersonInTwoRolesIsOnePerson) {
  ParsedImport p = ParseJsonLines(
      R"({"title":"X","credits":[{"person_name":"Ann Lee","role":"director"},)"
      R"({"person_name":"Ann Lee","role":"writer"}]})");
  ASSERT_EQ(p.entries.size(), 1u);
  ASSERT_EQ(p.entries[0].people_size(), 1);
  EXPECT_THAT(p.entries[0].people(0).known_roles(),
              ElementsAre(v1::CREDIT_ROLE_DIRECTOR, v1::CREDIT_ROLE_WRITER));
}

TEST(ParseJsonLines, MessyRowsAreRejectedWithLineFieldAndReason) {
  ParsedImport p = ParseJsonLines(
      "{\"title\":\"Good\",\"year\":1957}\n"          // 1
      "{\"title\":\"Bad year\",\"year\":\"19x7\"}\n"  // 2
      "{\"title\":1957}\n"  // 3: number where text belongs
      "{\"year\":1960}\n"   // 4: missing title
      "{\"title\":\"Odd\",\"sequences\":[{\"title\":\"S\",\"start\":\"half "
      "past\"}]}\n"                           // 5
      "{\"title\":\"Broken\"\n"               // 6: not JSON
      "[1,2]\n"                               // 7: not an object
      "{\"title\":\"Far\",\"year\":1700}\n"   // 8: implausible year
      "{\"title\":\"Good\",\"year\":1957}\n"  // 9: duplicate of 1
      "{\"title\":\"R\",\"credits\":[{\"person_name\":\"A\",\"role\":"
      "\"gaffer\"}]}\n"  // 10
      "{\"title\":\"T\",\"sequences\":[{\"title\":\"S\",\"techniques\":["
      "\"zoom\"]}]}\n"                                               // 11
      "{\"title\":\"C\",\"credits\":[{\"role\":\"director\"}]}\n");  // 12
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.entries[0].film().title(), "Good");
  EXPECT_EQ(p.rejected_rows, 11);

  auto expect_one = [&](int64_t line, const std::string& field,
                        const std::string& reason) {
    std::vector<ImportRejection> r = At(p, line);
    ASSERT_EQ(r.size(), 1u) << "line " << line;
    EXPECT_EQ(r[0].field, field) << "line " << line;
    EXPECT_THAT(r[0].reason, HasSubstr(reason)) << "line " << line;
  };
  expect_one(2, "year", "\"19x7\" is not a whole number");
  expect_one(3, "title", "expected text, got a number");
  expect_one(4, "title", "missing");
  expect_one(5, "sequences[0].start", "is not a timecode");
  expect_one(6, "json", "not valid JSON");
  expect_one(7, "json", "expected an object");
  expect_one(8, "year", "not a plausible year");
  expect_one(9, "title", "duplicate of line 1");
  expect_one(10, "credits[0].role", "unknown role \"gaffer\"");
  expect_one(11, "sequences[0].techniques", "unknown technique \"zoom\"");
  expect_one(12, "credits[0].person_name", "missing");
}

TEST(ParseJsonLines, NumbersAsTextBomCrlfAndEmptyLinesAreFine) {
  ParsedImport p = ParseJsonLines(
      "\xEF\xBB\xBF{\"title\":\"A\",\"year\":\"1957\",\"runtime_minutes\":\" "
      "97 \"}\r\n"
      "\r\n"
      "   \n"
      "{\"title\":\"B\",\"year\":1958.0,\"countries\":\"SU; CU\"}\r\n");
  ASSERT_TRUE(p.rejected.empty()) << p.rejected[0].reason;
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_EQ(p.entries[0].film().year(), 1957);
  EXPECT_EQ(p.entries[0].film().runtime_minutes(), 97);
  EXPECT_EQ(p.entries[1].source_line(), 4);
  EXPECT_EQ(p.entries[1].film().year(), 1958);
  EXPECT_THAT(p.entries[1].film().countries(), ElementsAre("SU", "CU"));
}

TEST(ParseCsv, ColumnsListsCastAndMessyRows) {
  absl::StatusOr<ParsedImport> p = ParseCsv(
      "\xEF\xBB\xBFTitle,year,original_title,runtime_minutes,countries,"
      "languages,directors,"
      "cinematographers,cast,synopsis\r\n"
      "I Am Cuba,1964,Soy Cuba;Ya - Kuba,141,SU;CU,es;ru,Mikhail "
      "Kalatozov,Sergei Urusevsky,"
      "\"Sergio Corrieri (Alberto); Luz María Collazo (María)\",\"Four "
      "stories, one poem.\"\r\n"
      "Bad Year,19x7,,,,,,,,\r\n"
      ",1960,,90,,,,,,\r\n"
      "Bad Runtime,1960,,ninety,,,,,,\r\n"
      "Too many,1960,,90,SU,ru,a,b,c,d,e\r\n"
      "Short Row,1961\r\n");
  ASSERT_OK(p);
  ASSERT_EQ(p->entries.size(), 2u);
  const v1::ImportFilmsEntry& cuba = p->entries[0];
  EXPECT_EQ(cuba.source_line(), 2);
  EXPECT_EQ(cuba.film().title(), "I Am Cuba");
  EXPECT_THAT(cuba.film().original_titles(),
              ElementsAre("Soy Cuba", "Ya - Kuba"));
  EXPECT_THAT(cuba.film().languages(), ElementsAre("es", "ru"));
  EXPECT_EQ(cuba.film().synopsis(), "Four stories, one poem.");
  ASSERT_EQ(cuba.film().credits_size(), 4);
  EXPECT_EQ(cuba.film().credits(2).person(), "people/sergio-corrieri");
  EXPECT_EQ(cuba.film().credits(2).character(), "Alberto");
  EXPECT_EQ(cuba.film().credits(3).person(), "people/luz-maria-collazo");
  EXPECT_EQ(p->entries[1].film().title(), "Short Row");
  EXPECT_EQ(p->entries[1].film().year(), 1961);

  EXPECT_EQ(p->rejected_rows, 4);
  ASSERT_EQ(At(*p, 3).size(), 1u);
  EXPECT_EQ(At(*p, 3)[0].field, "year");
  ASSERT_EQ(At(*p, 4).size(), 1u);
  EXPECT_EQ(At(*p, 4)[0].field, "title");
  ASSERT_EQ(At(*p, 5).size(), 1u);
  EXPECT_EQ(At(*p, 5)[0].field, "runtime_minutes");
  ASSERT_EQ(At(*p, 6).size(), 1u);
  EXPECT_EQ(At(*p, 6)[0].field, "row");
}

TEST(ParseCsv, HeaderWithoutTitleOrWithUnknownColumnIsAnError) {
  EXPECT_THAT(ParseCsv("year,directors\n1957,X\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseCsv("title,budget\nX,1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseCsv(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseImportFile, PicksFormatByExtensionAndReadsSamples) {
  absl::StatusOr<ParsedImport> jsonl = ParseImportFile(
      std::string(LONGTAKE_SOURCE_DIR) + "/data/samples/films.jsonl");
  ASSERT_OK(jsonl);
  EXPECT_GE(jsonl->entries.size(), 3u);
  EXPECT_GE(jsonl->rejected_rows, 5);
  absl::StatusOr<ParsedImport> csv = ParseImportFile(
      std::string(LONGTAKE_SOURCE_DIR) + "/data/samples/films.csv");
  ASSERT_OK(csv);
  EXPECT_EQ(csv->entries.size(), 2u);
  EXPECT_GE(csv->rejected_rows, 3);
  EXPECT_THAT(ParseImportFile("/nonexistent/films.jsonl"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(
      ParseImportFile(std::string(LONGTAKE_SOURCE_DIR) + "/CMakeLists.txt"),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ImportFieldsTest, RolesByEnumNameWordOrSynonym) {
  EXPECT_EQ(RoleFromText("CREDIT_ROLE_CAST"), v1::CREDIT_ROLE_CAST);
  EXPECT_EQ(RoleFromText(" Composer "), v1::CREDIT_ROLE_COMPOSER);
  EXPECT_EQ(RoleFromText("Director of Photography"),
            v1::CREDIT_ROLE_CINEMATOGRAPHER);
  EXPECT_EQ(RoleFromText("actress"), v1::CREDIT_ROLE_CAST);
  EXPECT_EQ(RoleFromText("grip"), v1::CREDIT_ROLE_UNSPECIFIED);
}

TEST(ImportFieldsTest, TechniquesByEnumNameWordOrSynonym) {
  EXPECT_EQ(TechniqueFromText("Long take"), v1::CAMERA_TECHNIQUE_LONG_TAKE);
  EXPECT_EQ(TechniqueFromText("hand-held"), v1::CAMERA_TECHNIQUE_HAND_HELD);
  EXPECT_EQ(TechniqueFromText("camera_technique_crane_shot"),
            v1::CAMERA_TECHNIQUE_CRANE_SHOT);
  EXPECT_EQ(TechniqueFromText("aerial"),
            v1::CAMERA_TECHNIQUE_AERIAL_OVER_CROWD);
  EXPECT_EQ(TechniqueFromText("zoom"), v1::CAMERA_TECHNIQUE_UNSPECIFIED);
}

}  // namespace
}  // namespace longtake::cli
