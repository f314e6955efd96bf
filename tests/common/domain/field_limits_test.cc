#include "common/domain/field_limits.h"

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

using ::longtake::testing::StatusIs;
using ::longtake::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(FieldLimitsTest, BytesUpToTheLimitPassAndOneMoreNamesFieldAndLimit) {
  EXPECT_OK(CheckBytes(std::string(10, 'x'), "item.note", 10));
  EXPECT_OK(CheckBytes("", "item.note", 0));
  absl::Status over = CheckBytes(std::string(11, 'x'), "item.note", 10);
  EXPECT_THAT(over,
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
  EXPECT_THAT(ViolatedFields(over), ElementsAre("item.note"));
  EXPECT_THAT(over.message(), HasSubstr("at most 10 bytes; got 11"));
}

TEST(FieldLimitsTest, BytesCountBytesNotCharacters) {
  // Five Cyrillic letters are ten bytes of UTF-8.
  EXPECT_OK(CheckBytes("Кубаж", "title", 10));
  EXPECT_THAT(CheckBytes("Кубаж", "title", 9),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FieldLimitsTest, EntriesUpToTheLimitPassAndOneMoreNamesFieldAndLimit) {
  EXPECT_OK(CheckEntries(250, "offer.extras", 250));
  absl::Status over = CheckEntries(100000, "offer.extras", 250);
  EXPECT_THAT(over,
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
  EXPECT_THAT(ViolatedFields(over), ElementsAre("offer.extras"));
  EXPECT_THAT(over.message(), HasSubstr("at most 250; got 100000"));
}

// Validators collect violations: the second form appends and says whether
// the value was within its limit.
TEST(FieldLimitsTest, CollectingFormsAppendAndReport) {
  std::vector<FieldViolation> v;
  EXPECT_TRUE(CheckBytes("ok", "offer.edition", 256, &v));
  EXPECT_TRUE(CheckEntries(3, "offer.extras", 250, &v));
  EXPECT_TRUE(v.empty());
  EXPECT_FALSE(CheckBytes(std::string(257, 'e'), "offer.edition", 256, &v));
  EXPECT_FALSE(CheckEntries(251, "offer.extras", 250, &v));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].field, "offer.edition");
  EXPECT_EQ(v[0].description, "is too long (at most 256 bytes; got 257)");
  EXPECT_EQ(v[1].field, "offer.extras");
  EXPECT_EQ(v[1].description, "has too many entries (at most 250; got 251)");
}

// Each request-wide field at its limit passes; one byte more is refused
// naming that very field.
TEST(FieldLimitsTest, RequestFieldsNameThemselves) {
  const struct {
    absl::Status (*check)(absl::string_view);
    size_t max;
    const char* field;
  } kChecks[] = {
      {CheckRequestId, kMaxRequestIdBytes, "request_id"},
      {CheckPageToken, kMaxPageTokenBytes, "page_token"},
      {CheckFilter, kMaxFilterBytes, "filter"},
      {CheckOrderBy, kMaxOrderByBytes, "order_by"},
  };
  for (const auto& c : kChecks) {
    EXPECT_OK(c.check(std::string(c.max, 'a'))) << c.field;
    EXPECT_OK(c.check("")) << c.field;
    absl::Status over = c.check(std::string(c.max + 1, 'a'));
    EXPECT_THAT(
        over, StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"))
        << c.field;
    EXPECT_THAT(ViolatedFields(over), ElementsAre(c.field));
    EXPECT_THAT(over.message(), HasSubstr(absl::StrCat("at most ", c.max)));
  }
}

TEST(FieldLimitsTest, TimestampRangeIsTheProtoOne) {
  EXPECT_EQ(absl::FromUnixSeconds(kMinTimestampSeconds),
            absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0),
                            absl::UTCTimeZone()));
  EXPECT_EQ(absl::FromUnixSeconds(kMaxTimestampSeconds),
            absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59),
                            absl::UTCTimeZone()));
  EXPECT_OK(CheckTimestamp(kMinTimestampSeconds, 0, "t"));
  EXPECT_OK(CheckTimestamp(kMaxTimestampSeconds, kNanosPerSecond - 1, "t"));
  absl::Status late =
      CheckTimestamp(int64_t{1} << 62, 0, "offer.available_until");
  EXPECT_THAT(late,
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"));
  EXPECT_THAT(ViolatedFields(late), ElementsAre("offer.available_until"));
  EXPECT_THAT(late.message(), HasSubstr("9999-12-31T23:59:59Z"));
  EXPECT_THAT(ViolatedFields(CheckTimestamp(0, -1, "offer.available_from")),
              ElementsAre("offer.available_from"));
  EXPECT_THAT(CheckTimestamp(kMinTimestampSeconds - 1, 0, "t"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckTimestamp(0, kNanosPerSecond, "t"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FieldLimitsTest, DurationRangeAndSignsAreTheProtoOnes) {
  EXPECT_OK(CheckDuration(kMaxDurationSeconds, kNanosPerSecond - 1, "d"));
  EXPECT_OK(CheckDuration(-kMaxDurationSeconds, -(kNanosPerSecond - 1), "d"));
  EXPECT_OK(CheckDuration(0, -1, "d"));
  EXPECT_OK(CheckDuration(0, 1, "d"));
  EXPECT_THAT(
      ViolatedFields(CheckDuration(kMaxDurationSeconds + 1, 0, "duration")),
      ElementsAre("duration"));
  EXPECT_THAT(
      ViolatedFields(CheckDuration(-kMaxDurationSeconds - 1, 0, "duration")),
      ElementsAre("duration"));
  absl::Status mixed = CheckDuration(5, -1, "sequence.duration");
  EXPECT_THAT(ViolatedFields(mixed), ElementsAre("sequence.duration"));
  EXPECT_THAT(mixed.message(), HasSubstr("sign"));
  EXPECT_THAT(CheckDuration(-5, 1, "d"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckDuration(0, kNanosPerSecond, "d"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// ---- API.md says the same ----

// "315576000000" -> "315,576,000,000".
std::string WithThousands(int64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// The rows of API.md's "Limits" table: {field cell, maximum cell}.
std::vector<std::pair<std::string, std::string>> DocumentedLimits() {
  std::ifstream in(std::string(LONGTAKE_SOURCE_DIR) + "/API.md");
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::pair<std::string, std::string>> rows;
  bool in_section = false;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n')) {
    if (absl::StartsWith(line, "## ")) in_section = line == "## Limits";
    if (!in_section || !absl::ConsumePrefix(&line, "| ")) continue;
    if (!absl::ConsumeSuffix(&line, " |")) continue;
    std::vector<std::string> cells = absl::StrSplit(line, " | ");
    if (cells.size() != 2 || cells[0] == "Field") continue;
    rows.emplace_back(cells[0], cells[1]);
  }
  return rows;
}

TEST(FieldLimitsTest, ApiMdListsEveryLimitWithTheNumberTheCodeUses) {
  auto bytes = [](size_t n) { return absl::StrCat(n, " bytes"); };
  auto entries = [](size_t n) { return absl::StrCat(n, " entries"); };
  const std::string first = absl::FormatTime(
      "%E4Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(kMinTimestampSeconds),
      absl::UTCTimeZone());
  const std::string last = absl::FormatTime(
      "%E4Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(kMaxTimestampSeconds),
      absl::UTCTimeZone());
  // A word of the row's field cell (found in exactly one row), and what its
  // maximum cell must say.
  const std::vector<std::pair<std::string, std::string>> kExpected = {
      {"`request_id`", bytes(kMaxRequestIdBytes)},
      {"`page_token`", bytes(kMaxPageTokenBytes)},
      {"`filter`", bytes(kMaxFilterBytes)},
      {"`order_by`", bytes(kMaxOrderByBytes)},
      {"`etag`", bytes(kMaxEtagBytes)},
      {"ImportFilms `entries`", entries(kMaxBatchSize)},
      {"`update_mask.paths`", entries(kMaxListEntries)},
      {"SearchFilms `query`", bytes(kMaxCatalogTextBytes)},
      {"`synopsis`", bytes(kMaxCatalogLongTextBytes)},
      {"`ratings[].source`", bytes(kMaxLabelBytes)},
      {"`known_roles`", entries(kMaxCatalogListEntries)},
      {"Provider `display_name`", bytes(kMaxShortTextBytes)},
      {"WatchlistItem `note`", bytes(kMaxNoteBytes)},
      {"`deep_link_uri`", bytes(kMaxUriBytes)},
      {"WatchAvailability `regions`", entries(kMaxListEntries)},
      {"Timestamp:", absl::StrCat(first, " to ", last, ", nanos 0 to ",
                                  WithThousands(kNanosPerSecond - 1))},
      {"Duration:",
       absl::StrCat("±", WithThousands(kMaxDurationSeconds),
                    " s, nanos within ±", WithThousands(kNanosPerSecond - 1),
                    " and of the seconds' sign")},
  };
  const auto rows = DocumentedLimits();
  EXPECT_EQ(rows.size(), kExpected.size())
      << "a row of API.md's Limits table is not checked here, or is missing";
  for (const auto& [needle, maximum] : kExpected) {
    int found = 0;
    for (const auto& [field, documented] : rows) {
      if (!absl::StrContains(field, needle)) continue;
      ++found;
      EXPECT_EQ(documented, maximum) << field;
    }
    EXPECT_EQ(found, 1) << needle << " is in " << found << " rows";
  }
}

}  // namespace
}  // namespace longtake
