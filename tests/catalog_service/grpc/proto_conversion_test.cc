#include "catalog_service/grpc/proto_conversion.h"

#include "common/grpc/well_known_types.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog_service/sample_catalog.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog {
namespace {

using ::longtake::testing::IsOkAndHolds;
using ::longtake::testing::StatusIs;

using ::longtake::catalog::testing::SampleFilm;
using ::longtake::catalog::testing::SamplePerson;
using ::testing::ElementsAre;

// Timestamps and durations go through common/grpc/well_known_types.h.
TEST(ProtoConversionTest, TimestampRoundTripKeepsNanosAndUnset) {
  absl::Time t =
      absl::FromUnixSeconds(1700000000) + absl::Nanoseconds(123456789);
  google::protobuf::Timestamp ts;
  TimeToProto(t, &ts);
  EXPECT_EQ(ts.seconds(), 1700000000);
  EXPECT_EQ(ts.nanos(), 123456789);
  EXPECT_THAT(TimeFromProto(ts, "t"), IsOkAndHolds(t));

  // Before the epoch: nanos stay non-negative as the proto requires.
  absl::Time before = absl::FromUnixSeconds(-10) + absl::Milliseconds(250);
  google::protobuf::Timestamp ts2;
  TimeToProto(before, &ts2);
  EXPECT_EQ(ts2.seconds(), -10);
  EXPECT_EQ(ts2.nanos(), 250000000);
  EXPECT_THAT(TimeFromProto(ts2, "t"), IsOkAndHolds(before));

  google::protobuf::Timestamp unset;
  TimeToProto(absl::InfinitePast(), &unset);
  EXPECT_EQ(unset.seconds(), 0);
  EXPECT_THAT(TimeFromProto(unset, "t", /*has=*/false),
              IsOkAndHolds(absl::InfinitePast()));
}

TEST(ProtoConversionTest, DurationRoundTrip) {
  absl::Duration d = absl::Minutes(25) + absl::Milliseconds(500);
  google::protobuf::Duration pd;
  DurationToProto(d, &pd);
  EXPECT_EQ(pd.seconds(), 1500);
  EXPECT_EQ(pd.nanos(), 500000000);
  EXPECT_THAT(DurationFromProto(pd, "d"), IsOkAndHolds(d));
  google::protobuf::Duration neg;
  DurationToProto(-absl::Milliseconds(1500), &neg);
  EXPECT_EQ(neg.seconds(), -1);
  EXPECT_EQ(neg.nanos(), -500000000);
  EXPECT_THAT(DurationFromProto(neg, "d"),
              IsOkAndHolds(-absl::Milliseconds(1500)));
}

TEST(ProtoConversionTest, FilmRoundTrip) {
  Film film = SampleFilm();
  pb::Film proto;
  ToProto(film, &proto);
  EXPECT_EQ(proto.name(), film.name);
  EXPECT_EQ(proto.credits(1).role(), pb::CREDIT_ROLE_CAST);
  EXPECT_EQ(proto.credits(1).character(), "Veronika");
  EXPECT_EQ(proto.awards(0).year(), 1958);
  EXPECT_EQ(proto.create_time().seconds(), 1000);
  EXPECT_EQ(proto.update_time().seconds(), 2000);

  auto back = FromProto(proto, "film");
  ASSERT_OK(back);
  EXPECT_EQ(*back, film);
}

TEST(ProtoConversionTest, FilmWithoutTimesLeavesTimestampsUnset) {
  Film film;
  film.title = "x";
  pb::Film proto;
  ToProto(film, &proto);
  EXPECT_FALSE(proto.has_create_time());
  EXPECT_FALSE(proto.has_update_time());
  auto back = FromProto(proto, "film");
  ASSERT_OK(back);
  EXPECT_EQ(back->create_time, absl::InfinitePast());
}

TEST(ProtoConversionTest, UnknownCreditRoleNamesTheField) {
  pb::Film proto;
  proto.add_credits()->set_role(pb::CREDIT_ROLE_DIRECTOR);
  proto.add_credits()->set_role(static_cast<pb::CreditRole>(42));
  auto back = FromProto(proto, "film");
  ASSERT_FALSE(back.ok());
  EXPECT_THAT(back, StatusIs(absl::StatusCode::kInvalidArgument));
  auto violations = ErrorFieldViolations(back.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "film.credits[1].role");
}

TEST(ProtoConversionTest, PersonRoundTrip) {
  Person person = SamplePerson();
  pb::Person proto;
  ToProto(person, &proto);
  EXPECT_THAT(proto.known_roles(),
              ElementsAre(pb::CREDIT_ROLE_DIRECTOR, pb::CREDIT_ROLE_WRITER));
  auto back = FromProto(proto, "person");
  ASSERT_OK(back);
  EXPECT_EQ(*back, person);

  proto.add_known_roles(static_cast<pb::CreditRole>(-3));
  auto bad = FromProto(proto, "person");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(ErrorFieldViolations(bad.status())[0].field,
            "person.known_roles[2]");
}

TEST(ProtoConversionTest, SequenceRoundTripForEachPrecision) {
  Sequence seq;
  seq.name = "films/the-cranes-are-flying/sequences/send-off";
  seq.title = "The send-off";
  seq.description = "Veronika runs";
  seq.start.precision = Timecode::Precision::kApproximate;
  seq.start.offset = absl::Minutes(25);
  seq.start.description = "around 25:00";
  seq.duration = absl::Seconds(90);
  seq.techniques = {CameraTechnique::kHandHeld, CameraTechnique::kCraneShot};
  seq.characters = {"Veronika", "Boris"};
  seq.filming_method = "hand-held, then crane";
  seq.film_order = 2;
  seq.etag = "s1";
  pb::Sequence proto;
  ToProto(seq, &proto);
  EXPECT_EQ(proto.start().precision(), pb::Timecode::PRECISION_APPROXIMATE);
  EXPECT_EQ(proto.start().offset().seconds(), 1500);
  EXPECT_EQ(proto.duration().seconds(), 90);
  EXPECT_THAT(proto.techniques(), ElementsAre(pb::CAMERA_TECHNIQUE_HAND_HELD,
                                              pb::CAMERA_TECHNIQUE_CRANE_SHOT));
  auto back = FromProto(proto, "sequence");
  ASSERT_OK(back);
  EXPECT_EQ(back->start.precision, Timecode::Precision::kApproximate);
  EXPECT_EQ(back->start.offset, absl::Minutes(25));
  EXPECT_EQ(back->start.description, "around 25:00");
  EXPECT_EQ(back->duration, absl::Seconds(90));
  EXPECT_EQ(back->techniques, seq.techniques);
  EXPECT_EQ(back->characters, seq.characters);
  EXPECT_EQ(back->filming_method, seq.filming_method);
  EXPECT_EQ(back->film_order, 2);

  Sequence relative;
  relative.start.precision = Timecode::Precision::kRelative;
  relative.start.relative_to = seq.name;
  relative.start.relation = Timecode::Relation::kBefore;
  pb::Sequence rp;
  ToProto(relative, &rp);
  EXPECT_FALSE(rp.has_duration());
  EXPECT_EQ(rp.start().relation(), pb::Timecode::RELATION_BEFORE);
  auto rb = FromProto(rp, "sequence");
  ASSERT_OK(rb);
  EXPECT_EQ(rb->start.relative_to, seq.name);
  EXPECT_EQ(rb->start.relation, Timecode::Relation::kBefore);

  Sequence fraction;
  fraction.start.precision = Timecode::Precision::kFractionOfRuntime;
  fraction.start.fraction = 0.75;
  pb::Sequence fp;
  ToProto(fraction, &fp);
  auto fb = FromProto(fp, "sequence");
  ASSERT_OK(fb);
  EXPECT_EQ(fb->start.precision, Timecode::Precision::kFractionOfRuntime);
  EXPECT_DOUBLE_EQ(fb->start.fraction, 0.75);
}

TEST(ProtoConversionTest, BadSequenceEnumsNameTheField) {
  pb::Sequence proto;
  proto.add_techniques(static_cast<pb::CameraTechnique>(99));
  auto bad = FromProto(proto, "sequence");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(ErrorFieldViolations(bad.status())[0].field,
            "sequence.techniques[0]");

  pb::Sequence proto2;
  proto2.mutable_start()->set_precision(
      static_cast<pb::Timecode::Precision>(9));
  auto bad2 = FromProto(proto2, "sequence");
  ASSERT_FALSE(bad2.ok());
  EXPECT_EQ(ErrorFieldViolations(bad2.status())[0].field,
            "sequence.start.precision");
}

TEST(ProtoConversionTest, EraAndCollaboration) {
  Era era{"eras/khrushchev-thaw",
          "Khrushchev Thaw",
          1954,
          1964,
          "relaxed censorship",
          {"films/a", "films/b"},
          {"Andrei Tarkovsky"}};
  pb::Era proto;
  ToProto(era, &proto);
  EXPECT_EQ(proto.start_year(), 1954);
  EXPECT_THAT(proto.films(), ElementsAre("films/a", "films/b"));
  Era back = FromProto(proto);
  EXPECT_EQ(back.name, era.name);
  EXPECT_EQ(back.end_year, 1964);
  EXPECT_EQ(back.notable_artists, era.notable_artists);

  Collaboration c{"people/sergei-urusevsky",
                  "Sergei Urusevsky",
                  {"films/a", "films/b"},
                  {CreditRole::kCinematographer}};
  pb::Collaboration pc;
  ToProto(c, &pc);
  EXPECT_EQ(pc.person(), c.person);
  EXPECT_EQ(pc.films_size(), 2);
  EXPECT_THAT(pc.roles(), ElementsAre(pb::CREDIT_ROLE_CINEMATOGRAPHER));
}

TEST(ProtoConversionTest, ImportEntryAndResult) {
  pb::ImportFilmsEntry entry;
  entry.mutable_film()->set_title("Letter Never Sent");
  entry.set_film_id("letter-never-sent");
  entry.add_people()->set_display_name("Innokenty Smoktunovsky");
  entry.add_sequences()->set_title("Opening");
  entry.set_source_line(7);
  auto converted = FromProto(entry, "entries[0]");
  ASSERT_OK(converted);
  EXPECT_EQ(converted->film.title, "Letter Never Sent");
  EXPECT_EQ(converted->film_id, "letter-never-sent");
  ASSERT_EQ(converted->people.size(), 1u);
  ASSERT_EQ(converted->sequences.size(), 1u);
  EXPECT_EQ(converted->source_line, 7);

  ImportEntryResult result;
  result.source_line = 7;
  result.status = InvalidArgument("film.year", "must be between 1870 and 2100");
  pb::ImportFilmsResult out;
  ToProto(result, &out);
  EXPECT_EQ(out.source_line(), 7);
  EXPECT_EQ(out.code(), google::rpc::INVALID_ARGUMENT);
  ASSERT_EQ(out.field_violations_size(), 1);
  EXPECT_EQ(out.field_violations(0).field(), "film.year");

  ImportEntryResult ok;
  ok.film = "films/letter-never-sent";
  pb::ImportFilmsResult out_ok;
  ToProto(ok, &out_ok);
  EXPECT_EQ(out_ok.code(), google::rpc::OK);
  EXPECT_EQ(out_ok.film(), "films/letter-never-sent");
}

}  // namespace
}  // namespace longtake::catalog
