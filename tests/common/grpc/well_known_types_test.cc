#include "common/grpc/well_known_types.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake {
namespace {

TEST(WellKnownTypesTest, TimeRoundTripsWithNonNegativeNanos) {
  const absl::Time t = absl::FromUnixSeconds(-1) + absl::Milliseconds(250);
  google::protobuf::Timestamp ts;
  TimeToProto(t, &ts);
  EXPECT_EQ(ts.seconds(), -1);
  EXPECT_EQ(ts.nanos(), 250000000);
  EXPECT_EQ(TimeFromProto(ts), t);

  const absl::Time before_epoch =
      absl::FromUnixSeconds(0) - absl::Milliseconds(1);
  TimeToProto(before_epoch, &ts);
  EXPECT_EQ(ts.seconds(), -1);
  EXPECT_EQ(ts.nanos(), 999000000);
  EXPECT_EQ(TimeFromProto(ts), before_epoch);
}

TEST(WellKnownTypesTest, InfiniteTimeIsUnset) {
  google::protobuf::Timestamp ts;
  TimeToProto(absl::InfinitePast(), &ts);
  TimeToProto(absl::InfiniteFuture(), &ts);
  EXPECT_EQ(ts.seconds(), 0);
  EXPECT_EQ(ts.nanos(), 0);
  EXPECT_EQ(TimeFromProto(ts, /*has=*/false), absl::InfinitePast());
  EXPECT_EQ(TimeFromProto(ts, /*has=*/false, absl::InfiniteFuture()),
            absl::InfiniteFuture());
}

TEST(WellKnownTypesTest, DurationKeepsOneSign) {
  google::protobuf::Duration d;
  DurationToProto(absl::Seconds(-90) - absl::Milliseconds(500), &d);
  EXPECT_EQ(d.seconds(), -90);
  EXPECT_EQ(d.nanos(), -500000000);
  EXPECT_EQ(DurationFromProto(d), absl::Seconds(-90) - absl::Milliseconds(500));
  DurationToProto(absl::Minutes(25), &d);
  EXPECT_EQ(d.seconds(), 1500);
  EXPECT_EQ(d.nanos(), 0);
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
