#include "tools/cli/import_parser.h"

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/text/slug.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tools/cli/import_fields.h"
#include "tools/cli/import_keys.h"

namespace longtake::cli {
namespace {

namespace v1 = ::longtake::catalog::v1;
using ::longtake::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

// The rejections for one line.
std::vector<ImportRejection> At(const ParsedImport& p, int64_t line) {
  std::vector<ImportRejection> out;
  for (const auto& r : p.rejected) {
    if (r.line == line) out.push_back(r);
  }
  return out;
}

// Exactly one rejection, of `field`, with a reason `reason` matches:
//   EXPECT_THAT(At(p, 3), OneRejection("year", HasSubstr("no 4-digit year")));
::testing::Matcher<std::vector<ImportRejection>> OneRejection(
    const std::string& field,
    ::testing::Matcher<const std::string&> reason = ::testing::_) {
  return ElementsAre(
      AllOf(Field("field", &ImportRejection::field, field),
            Field("reason", &ImportRejection::reason, std::move(reason))));
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
  EXPECT_THAT(At(p, 1), OneRejection("credits[0].person_name",
                                     HasSubstr("cannot make a person id")));
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
      "{\"title\":true}\n"  // 3: true/false where text belongs
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
    EXPECT_THAT(At(p, line), OneRejection(field, HasSubstr(reason)))
        << "line " << line;
  };
  expect_one(2, "year", "\"19x7\" has no 4-digit year");
  expect_one(3, "title", "expected text, got true/false");
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
  EXPECT_THAT(At(*p, 3), OneRejection("year"));
  EXPECT_THAT(At(*p, 4), OneRejection("title"));
  EXPECT_THAT(At(*p, 5), OneRejection("runtime_minutes"));
  EXPECT_THAT(At(*p, 6), OneRejection("row"));
}

TEST(ParseCsv, HeaderWithoutATitleColumnOrAnEmptyFileIsAnError) {
  absl::StatusOr<ParsedImport> no_title = ParseCsv("year,directors\n1957,X\n");
  EXPECT_THAT(no_title, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(no_title.status().message()),
              HasSubstr("--map 'COLUMN=title'"));
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

// --- Real-world files: JSON arrays, key synonyms, --map, dates, unknown keys,
// numbers as text, nulls.

TEST(ParseJson, ArrayOfObjectsNumberedByTheLineEachStartsOn) {
  absl::StatusOr<ParsedImport> p = ParseJson(
      "\xEF\xBB\xBF[\n"
      "  {\"title\": \"A\", \"year\": 1957},\n"
      "  {\"title\": \"B\",\n"
      "   \"note\": \"[not, a {bracket\\\" to count\"},\n"
      "  {\"year\": 1960},\n"
      "  \"text\"\n"
      "]\n");
  ASSERT_OK(p);
  EXPECT_FALSE(p->numbered_by_element);
  ASSERT_EQ(p->entries.size(), 2u);
  EXPECT_EQ(p->entries[0].source_line(), 2);
  EXPECT_EQ(p->entries[1].source_line(), 3);
  EXPECT_THAT(p->entries[1].film().notes(),
              ElementsAre("[not, a {bracket\" to count"));
  EXPECT_EQ(p->rejected_rows, 2);
  EXPECT_THAT(At(*p, 5), OneRejection("title"));
  EXPECT_THAT(At(*p, 6),
              OneRejection("json", HasSubstr("expected an object, got text")));
}

TEST(ParseJson, ResultsOrFilmsListOfAnApiResponseOnOneLineByElement) {
  for (const char* key : {"results", "Films"}) {
    absl::StatusOr<ParsedImport> p = ParseJson(absl::StrCat(
        R"({"page": 1, "other": [{"title": "Not a film"}], ")", key,
        R"(": [{"title": "A"}, {"year": 1960}, {"title": "C"}]})"));
    ASSERT_OK(p);
    EXPECT_TRUE(p->numbered_by_element) << key;
    ASSERT_EQ(p->entries.size(), 2u) << key;
    EXPECT_EQ(p->entries[0].film().title(), "A");
    EXPECT_EQ(p->entries[1].source_line(), 3);
    ASSERT_EQ(At(*p, 2).size(), 1u) << key;
    EXPECT_EQ(RowPlace("f.json", *p, 2), "f.json element 2");
  }
  absl::StatusOr<ParsedImport> lines = ParseJson("[{\"title\": \"A\"}]");
  ASSERT_OK(lines);
  EXPECT_EQ(RowPlace("f.json", *lines, 7), "f.json:7");
}

TEST(ParseJson, OneObjectJsonLinesEmptyAndBrokenFiles) {
  absl::StatusOr<ParsedImport> one = ParseJson("\n{\"title\": \"A\"}\n");
  ASSERT_OK(one);
  ASSERT_EQ(one->entries.size(), 1u);
  EXPECT_EQ(one->entries[0].source_line(), 2);
  // A .json file that holds JSON lines.
  absl::StatusOr<ParsedImport> jsonl =
      ParseJson("{\"title\": \"A\"}\n{\"title\": \"B\"}\n{broken\n");
  ASSERT_OK(jsonl);
  EXPECT_EQ(jsonl->entries.size(), 2u);
  EXPECT_THAT(At(*jsonl, 3), OneRejection("json"));
  absl::StatusOr<ParsedImport> empty = ParseJson("  \n");
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->entries.empty());
  EXPECT_EQ(empty->rejected_rows, 0);
  absl::StatusOr<ParsedImport> broken = ParseJson("[{\"title\": \"A\"},\n{");
  EXPECT_THAT(broken, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(broken.status().message()),
              HasSubstr("not valid JSON: parse error at line 2"));
  EXPECT_THAT(ParseJson("1957"), StatusIs(absl::StatusCode::kInvalidArgument));
}

// The same film under the names spreadsheets and API dumps give its fields,
// as JSON and as CSV, makes the same entry.
TEST(ImportKeys, SynonymsInAnyCaseAndSpellingInEveryFormat) {
  absl::StatusOr<ParsedImport> json = ParseJson(R"json([{
      "Title": "I Am Cuba", "Release Date": "Jul 26 1964",
      "Director": "Mikhail Kalatozov", "Running Time min": 141,
      "Original Title": "Soy Cuba", "Overview": "Four stories.",
      "countries": ["SU", "CU"], "LANGUAGE": "es; ru",
      "Cinematographer(s)": "Sergei Urusevsky",
      "stars": ["Sergio Corrieri (Alberto)"]}])json");
  absl::StatusOr<ParsedImport> csv = ParseCsv(
      "Film Title,release_date,directors,Runtime (min),original-title,plot,"
      "Country,Languages,Cinematographer,Actors\n"
      "I Am Cuba,1964-07-26,Mikhail Kalatozov,141,Soy Cuba,Four stories.,"
      "SU;CU,es;ru,Sergei Urusevsky,Sergio Corrieri (Alberto)\n");
  ASSERT_OK(json);
  ASSERT_OK(csv);
  for (const ParsedImport* p : {&*json, &*csv}) {
    ASSERT_TRUE(p->rejected.empty()) << p->rejected[0].field;
    EXPECT_TRUE(p->unknown_keys.empty());
    ASSERT_EQ(p->entries.size(), 1u);
    const v1::Film& film = p->entries[0].film();
    EXPECT_EQ(film.title(), "I Am Cuba");
    EXPECT_EQ(film.year(), 1964);
    EXPECT_EQ(film.runtime_minutes(), 141);
    EXPECT_THAT(film.original_titles(), ElementsAre("Soy Cuba"));
    EXPECT_EQ(film.synopsis(), "Four stories.");
    EXPECT_THAT(film.countries(), ElementsAre("SU", "CU"));
    EXPECT_THAT(film.languages(), ElementsAre("es", "ru"));
    ASSERT_EQ(film.credits_size(), 3);
    EXPECT_EQ(film.credits(0).role(), v1::CREDIT_ROLE_DIRECTOR);
    EXPECT_EQ(film.credits(0).person(), "people/mikhail-kalatozov");
    EXPECT_EQ(film.credits(1).role(), v1::CREDIT_ROLE_CINEMATOGRAPHER);
    EXPECT_EQ(film.credits(1).person(), "people/sergei-urusevsky");
    EXPECT_EQ(film.credits(2).role(), v1::CREDIT_ROLE_CAST);
    EXPECT_EQ(film.credits(2).character(), "Alberto");
  }
  EXPECT_EQ(NormalizeKey("Running_Time (min)"), "runningtimemin");
}

TEST(ImportKeys, MapNamesTheRestAndRejectsAnUnknownField) {
  KeyMap keys;
  ASSERT_OK(keys.Add("Premiere=year, Nom=title"));
  ASSERT_OK(keys.Add("Photography=cinematographer"));
  ASSERT_OK(keys.Add("Overview=notes"));  // a --map wins over a synonym
  EXPECT_EQ(keys.Find("premiere"), ImportField::kYear);
  EXPECT_EQ(keys.Find("NOM"), ImportField::kTitle);
  EXPECT_EQ(keys.Find("photography"), ImportField::kCinematographers);
  EXPECT_EQ(keys.Find("Release Date"), ImportField::kYear);
  EXPECT_EQ(keys.Find("Overview"), ImportField::kNotes);
  EXPECT_EQ(keys.Find("Budget"), std::nullopt);
  absl::Status bad = keys.Add("Budget=box_office");
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(bad.message()),
              HasSubstr("unknown field \"box_office\""));
  EXPECT_THAT(keys.Add("year"), StatusIs(absl::StatusCode::kInvalidArgument));

  absl::StatusOr<ParsedImport> p = ParseCsv(
      "Nom,Premiere,Photography\nLetter Never Sent,Dec 1959,S U\n", keys);
  ASSERT_OK(p);
  ASSERT_EQ(p->entries.size(), 1u);
  EXPECT_EQ(p->entries[0].film().title(), "Letter Never Sent");
  EXPECT_EQ(p->entries[0].film().year(), 1959);
  EXPECT_EQ(p->entries[0].film().credits(0).role(),
            v1::CREDIT_ROLE_CINEMATOGRAPHER);
}

TEST(ImportFieldsTest, YearFromDatesInTheUsualShapes) {
  for (const char* date : {"Jun 12 1998", "June 12, 1998", "12 Jun 1998",
                           "1998-06-12", "12/06/1998", "06/12/1998", "1998",
                           " 1998 ", "19980612", "1998-06-12T00:00:00+0100"}) {
    int64_t year = 0;
    EXPECT_TRUE(YearFromDate(date, &year)) << date;
    EXPECT_EQ(year, 1998) << date;
  }
  for (const char* date : {"", "12/06/98", "19x7", "the Thaw", "0100"}) {
    int64_t year = 0;
    EXPECT_FALSE(YearFromDate(date, &year)) << date;
  }
  ParsedImport p = ParseJsonLines(
      "{\"title\": \"A\", \"Release Date\": \"June 12, 1998\"}\n"
      "{\"title\": \"B\", \"year\": 1998}\n"
      "{\"title\": \"C\", \"Release Date\": \"12/06/98\"}\n"
      "{\"title\": \"D\", \"date\": [1998]}\n");
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_EQ(p.entries[0].film().year(), 1998);
  EXPECT_EQ(p.entries[1].film().year(), 1998);
  EXPECT_THAT(At(p, 3),
              OneRejection("Release Date",
                           HasSubstr("\"12/06/98\" has no 4-digit year")));
  EXPECT_THAT(At(p, 4), OneRejection("date"));
}

TEST(ImportFieldsTest, RuntimeInMinutesWithOrWithoutTheUnit) {
  ParsedImport p = ParseJsonLines(
      "{\"title\": \"A\", \"runtime\": \"97 min\"}\n"
      "{\"title\": \"B\", \"Runtime (min)\": \"97 minutes\"}\n"
      "{\"title\": \"C\", \"runtime\": \"1h 37m\"}\n");
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_EQ(p.entries[0].film().runtime_minutes(), 97);
  EXPECT_EQ(p.entries[1].film().runtime_minutes(), 97);
  EXPECT_THAT(At(p, 3), OneRejection("runtime"));
}

// Each unknown key once, with the rows that gave it a value; not an error.
TEST(ImportKeys, UnknownKeysAreCountedOnceAcrossRowsInEveryFormat) {
  ParsedImport json = ParseJsonLines(
      "{\"title\": \"A\", \"budget\": 1, \"tagline\": \"t\"}\n"
      "{\"title\": \"B\", \"budget\": 2, \"budget \": 3}\n"
      "{\"title\": \"C\", \"budget\": null, \"credits\": [{\"person_name\": "
      "\"X\", \"role\": \"director\", \"job\": \"Director\"}]}\n");
  EXPECT_EQ(json.entries.size(), 3u);
  EXPECT_TRUE(json.rejected.empty());
  EXPECT_THAT(
      json.unknown_keys,
      ElementsAre(std::pair<const std::string, int64_t>("budget", 2),
                  std::pair<const std::string, int64_t>("budget ", 1),
                  std::pair<const std::string, int64_t>("credits.job", 1),
                  std::pair<const std::string, int64_t>("tagline", 1)));
  EXPECT_EQ(CountsText(json.unknown_keys),
            "budget (2 rows), budget  (1 row), credits.job (1 row), "
            "tagline (1 row)");
  absl::StatusOr<ParsedImport> csv =
      ParseCsv("title,budget,,tagline\nA,1,x,\nB,2,,\n");
  ASSERT_OK(csv);
  EXPECT_EQ(csv->entries.size(), 2u);
  EXPECT_THAT(
      csv->unknown_keys,
      ElementsAre(std::pair<const std::string, int64_t>("budget", 2),
                  std::pair<const std::string, int64_t>("column 3", 1)));
}

TEST(ParseJsonLines, NumbersWhereTextBelongsAreTextAndNullsAreAbsent) {
  ParsedImport p = ParseJsonLines(
      "{\"title\": 1941, \"year\": null, \"countries\": [null, \"SU\"], "
      "\"synopsis\": null, \"original_titles\": [1941]}\n"
      "{\"title\": 8.5, \"credits\": [{\"person_name\": 42, \"role\": "
      "\"cast\", \"character\": null}]}\n"
      "{\"title\": \"N\", \"credits\": [{\"person_name\": null, \"role\": "
      "\"director\"}]}\n"
      "{\"title\": \"S\", \"sequences\": [{\"title\": null}]}\n");
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_EQ(p.entries[0].film().title(), "1941");
  EXPECT_EQ(p.entries[0].film().year(), 0);
  EXPECT_THAT(p.entries[0].film().countries(), ElementsAre("SU"));
  EXPECT_THAT(p.entries[0].film().original_titles(), ElementsAre("1941"));
  EXPECT_EQ(p.entries[1].film().title(), "8.5");
  EXPECT_EQ(p.entries[1].people(0).display_name(), "42");
  EXPECT_THAT(
      p.numbers_as_text,
      ElementsAre(
          std::pair<const std::string, int64_t>("credits.person_name", 1),
          std::pair<const std::string, int64_t>("original_titles", 1),
          std::pair<const std::string, int64_t>("title", 2)));
  // A null name or sequence title is missing, not silently dropped.
  EXPECT_THAT(At(p, 3), OneRejection("credits[0].person_name"));
  EXPECT_THAT(At(p, 4), OneRejection("sequences[0].title"));
}

// However the title is missing, one message says so (a null title used to
// pass the parser and come back from the server twice over).
TEST(ParseJsonLines, AMissingTitleIsReportedOnce) {
  ParsedImport p = ParseJsonLines(
      "{\"title\": null, \"year\": 1960}\n"
      "{\"title\": \"  \"}\n"
      "{\"year\": 1961}\n"
      "{\"Title\": null, \"title\": \"\"}\n");
  EXPECT_TRUE(p.entries.empty());
  EXPECT_EQ(p.rejected_rows, 4);
  for (int64_t line = 1; line <= 4; ++line) {
    EXPECT_THAT(At(p, line),
                OneRejection("title", "missing: every film needs a title"))
        << line;
  }
  absl::StatusOr<ParsedImport> csv = ParseCsv("Title,year\n,1960\n");
  ASSERT_OK(csv);
  ASSERT_EQ(At(*csv, 2).size(), 1u);
}

TEST(ParseImportFile, ReadsTheJsonArraySample) {
  absl::StatusOr<ParsedImport> p = ParseImportFile(
      std::string(LONGTAKE_SOURCE_DIR) + "/data/samples/films-array.json");
  ASSERT_OK(p);
  ASSERT_EQ(p->entries.size(), 4u);
  EXPECT_EQ(p->entries[1].film().title(), "The Forty-First (sample)");
  EXPECT_EQ(p->entries[1].film().year(), 1956);
  EXPECT_EQ(p->entries[1].film().runtime_minutes(), 88);
  EXPECT_EQ(p->entries[1].film().credits(1).person(),
            "people/sergei-urusevsky");
  EXPECT_EQ(p->entries[3].film().title(), "1941");
  EXPECT_EQ(p->rejected_rows, 1);
  ASSERT_EQ(p->rejected.size(), 1u);
  EXPECT_EQ(p->rejected[0].field, "Release Date");
  EXPECT_THAT(p->unknown_keys,
              ElementsAre(std::pair<const std::string, int64_t>("Budget", 3)));
  EXPECT_THAT(p->numbers_as_text,
              ElementsAre(std::pair<const std::string, int64_t>("Title", 1)));
}

TEST(ImportFilmExtras, ExternalIdsGenresAndRatingsInEveryShape) {
  ParsedImport jsonl = ParseJsonLines(
      R"({"title":"A","imdb_id":"tt0050634","tmdb_id":"25766",)"
      R"("wikidata":"Q467545","genres":["War","Drama"],)"
      R"("ratings":[{"source":"IMDb","value":8.3,"votes":"30,000"}]})");
  ASSERT_EQ(jsonl.entries.size(), 1u) << jsonl.rejected.size();
  const v1::Film& a = jsonl.entries[0].film();
  EXPECT_EQ(a.external_ids().imdb_id(), "tt0050634");
  EXPECT_EQ(a.external_ids().tmdb_id(), 25766);
  EXPECT_EQ(a.external_ids().wikidata_id(), "Q467545");
  EXPECT_THAT(a.genres(), ElementsAre("War", "Drama"));
  ASSERT_EQ(a.ratings_size(), 1);
  EXPECT_EQ(a.ratings(0).source(), "imdb");
  EXPECT_EQ(a.ratings(0).votes(), 30000);

  // IMDb's and TMDB's own column names.
  absl::StatusOr<ParsedImport> csv = ParseCsv(
      "title,tconst,genres,averageRating,numVotes,vote_average,vote_count\n"
      "B,tt0058604,Drama;History,7.9,21000,7.8,300\n");
  ASSERT_OK(csv);
  ASSERT_EQ(csv->entries.size(), 1u);
  const v1::Film& b = csv->entries[0].film();
  EXPECT_EQ(b.external_ids().imdb_id(), "tt0058604");
  EXPECT_THAT(b.genres(), ElementsAre("Drama", "History"));
  ASSERT_EQ(b.ratings_size(), 2);
  EXPECT_EQ(b.ratings(0).source(), "imdb");
  EXPECT_DOUBLE_EQ(b.ratings(0).value(), 7.9);
  EXPECT_EQ(b.ratings(1).source(), "tmdb");
  EXPECT_EQ(b.ratings(1).votes(), 300);

  ParsedImport bad = ParseJsonLines(R"({"title":"C","imdb_rating":"high"})");
  EXPECT_TRUE(bad.entries.empty());
  ASSERT_FALSE(bad.rejected.empty());
  EXPECT_EQ(bad.rejected[0].field, "imdb_rating");
}

}  // namespace
}  // namespace longtake::cli
