#include "common/grpc/well_known_types.h"

#include <cstdint>
#include <string>
#include <vector>

#include "common/domain/field_limits.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

using ::longtake::testing::IsOkAndHolds;
using ::longtake::testing::StatusIs;

// The one field a refused conversion names.
std::string OnlyField(const absl::Status& status) {
  std::vector<FieldViolation> violations = ErrorFieldViolations(status);
  return violations.size() == 1 ? violations[0].field : "";
}

google::protobuf::Timestamp Timestamp(int64_t seconds, int32_t nanos) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(nanos);
  return ts;
}

google::protobuf::Duration Duration(int64_t seconds, int32_t nanos) {
  google::protobuf::Duration d;
  d.set_seconds(seconds);
  d.set_nanos(nanos);
  return d;
}

// The seconds and nanos of a Timestamp or Duration.
struct Parts {
  int64_t seconds;
  int32_t nanos;
};

// Converts each of `bad` with `convert(parts, field)` and expects each
// refused as INVALID_ARGUMENT naming `field` alone.
template <typename Convert>
void ExpectEachRefused(const std::string& field, const std::vector<Parts>& bad,
                       Convert convert) {
  for (const Parts& parts : bad) {
    auto result = convert(parts, field);
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument,
                                 "INVALID_ARGUMENT"))
        << parts.seconds << "s " << parts.nanos << "ns";
    EXPECT_EQ(OnlyField(result.status()), field);
  }
}

TEST(WellKnownTypesTest, TimeRoundTripsWithNonNegativeNanos) {
  const absl::Time t = absl::FromUnixSeconds(-1) + absl::Milliseconds(250);
  google::protobuf::Timestamp ts;
  TimeToProto(t, &ts);
  EXPECT_EQ(ts.seconds(), -1);
  EXPECT_EQ(ts.nanos(), 250000000);
  EXPECT_THAT(TimeFromProto(ts, "t"), IsOkAndHolds(t));

  const absl::Time before_epoch =
      absl::FromUnixSeconds(0) - absl::Milliseconds(1);
  TimeToProto(before_epoch, &ts);
  EXPECT_EQ(ts.seconds(), -1);
  EXPECT_EQ(ts.nanos(), 999000000);
  EXPECT_THAT(TimeFromProto(ts, "t"), IsOkAndHolds(before_epoch));
}

TEST(WellKnownTypesTest, InfiniteTimeIsUnset) {
  google::protobuf::Timestamp ts;
  TimeToProto(absl::InfinitePast(), &ts);
  TimeToProto(absl::InfiniteFuture(), &ts);
  EXPECT_EQ(ts.seconds(), 0);
  EXPECT_EQ(ts.nanos(), 0);
  EXPECT_THAT(TimeFromProto(ts, "t", /*has=*/false),
              IsOkAndHolds(absl::InfinitePast()));
  EXPECT_THAT(TimeFromProto(ts, "t", /*has=*/false, absl::InfiniteFuture()),
              IsOkAndHolds(absl::InfiniteFuture()));
}

TEST(WellKnownTypesTest, DurationKeepsOneSign) {
  google::protobuf::Duration d;
  DurationToProto(absl::Seconds(-90) - absl::Milliseconds(500), &d);
  EXPECT_EQ(d.seconds(), -90);
  EXPECT_EQ(d.nanos(), -500000000);
  EXPECT_THAT(DurationFromProto(d, "d"),
              IsOkAndHolds(absl::Seconds(-90) - absl::Milliseconds(500)));
  DurationToProto(absl::Minutes(25), &d);
  EXPECT_EQ(d.seconds(), 1500);
  EXPECT_EQ(d.nanos(), 0);
}

// The range google/protobuf/timestamp.proto documents, both ends included;
// anything outside is refused naming the field, not stored.
TEST(WellKnownTypesTest, TimestampOutsideItsRangeIsRefusedNamingTheField) {
  EXPECT_THAT(TimeFromProto(Timestamp(kMinTimestampSeconds, 0), "t"),
              IsOkAndHolds(absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0),
                                           absl::UTCTimeZone())));
  EXPECT_THAT(
      TimeFromProto(Timestamp(kMaxTimestampSeconds, 999999999), "t"),
      IsOkAndHolds(absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59),
                                   absl::UTCTimeZone()) +
                   absl::Nanoseconds(999999999)));
  const std::vector<Parts> kBad = {
      {int64_t{1} << 62, 0},          // the probe's available_until
      {kMaxTimestampSeconds + 1, 0},  // 10000-01-01
      {kMinTimestampSeconds - 1, 0},  // before year 1
      {0, -1},                        // the probe's nanos
      {0, kNanosPerSecond},           // a whole second in nanos
      {INT64_MIN, 0},
  };
  ExpectEachRefused("offer.available_until", kBad,
                    [](const Parts& bad, const std::string& field) {
                      return TimeFromProto(Timestamp(bad.seconds, bad.nanos),
                                           field);
                    });
  // An unset field is not looked at.
  EXPECT_THAT(TimeFromProto(Timestamp(int64_t{1} << 62, -1), "t",
                            /*has=*/false, absl::InfiniteFuture()),
              IsOkAndHolds(absl::InfiniteFuture()));
}

TEST(WellKnownTypesTest, DurationOutsideItsRangeIsRefusedNamingTheField) {
  EXPECT_THAT(DurationFromProto(Duration(kMaxDurationSeconds, 999999999), "d"),
              IsOkAndHolds(absl::Seconds(kMaxDurationSeconds) +
                           absl::Nanoseconds(999999999)));
  EXPECT_THAT(DurationFromProto(Duration(-kMaxDurationSeconds, 0), "d"),
              IsOkAndHolds(absl::Seconds(-kMaxDurationSeconds)));
  EXPECT_THAT(DurationFromProto(Duration(0, -5), "d"),
              IsOkAndHolds(absl::Nanoseconds(-5)));
  const std::vector<Parts> kBad = {
      {kMaxDurationSeconds + 1, 0},
      {-kMaxDurationSeconds - 1, 0},
      {int64_t{1} << 62, 0},
      {1, -1},  // signs disagree
      {-1, 1},
      {0, kNanosPerSecond},  // |nanos| must stay below a second
      {0, -kNanosPerSecond},
  };
  ExpectEachRefused("sequence.start.offset", kBad,
                    [](const Parts& bad, const std::string& field) {
                      return DurationFromProto(Duration(bad.seconds, bad.nanos),
                                               field);
                    });
}

TEST(WellKnownTypesTest, MoneyRoundTrips) {
  const Money price{"GBP", 12, 990000000};
  google::type::Money proto;
  MoneyToProto(price, &proto);
  EXPECT_EQ(proto.currency_code(), "GBP");
  EXPECT_EQ(proto.units(), 12);
  EXPECT_EQ(proto.nanos(), 990000000);
  EXPECT_EQ(MoneyFromProto(proto), price);
}

// Both services' update masks: the paths as sent, in order.
TEST(WellKnownTypesTest, FieldMaskPathsInOrder) {
  google::protobuf::FieldMask mask;
  mask.add_paths("title");
  mask.add_paths("original_titles");
  EXPECT_THAT(FieldMaskFromProto(mask),
              ::testing::ElementsAre("title", "original_titles"));
  mask.Clear();
  mask.add_paths("note");
  mask.add_paths("rank");
  EXPECT_THAT(FieldMaskFromProto(mask), ::testing::ElementsAre("note", "rank"));
}

}  // namespace
}  // namespace longtake
