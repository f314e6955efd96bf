#include "common/grpc/well_known_types.h"

#include <cstdint>

#include "common/domain/field_limits.h"
#include "common/status/errors.h"

namespace longtake {

void TimeToProto(absl::Time time, google::protobuf::Timestamp* out) {
  if (time == absl::InfinitePast() || time == absl::InfiniteFuture()) return;
  const absl::Duration since_epoch = time - absl::UnixEpoch();
  int64_t seconds = absl::ToInt64Seconds(since_epoch);
  int64_t nanos =
      absl::ToInt64Nanoseconds(since_epoch - absl::Seconds(seconds));
  if (nanos < 0) {
    seconds -= 1;
    nanos += 1000000000;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(nanos));
}

absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& in,
                                         absl::string_view field, bool has,
                                         absl::Time unset) {
  if (!has) return unset;
  LONGTAKE_RETURN_IF_ERROR(CheckTimestamp(in.seconds(), in.nanos(), field));
  return absl::FromUnixSeconds(in.seconds()) + absl::Nanoseconds(in.nanos());
}

void DurationToProto(absl::Duration duration, google::protobuf::Duration* out) {
  absl::Duration rest;
  const int64_t seconds = absl::IDivDuration(duration, absl::Seconds(1), &rest);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(rest)));
}

absl::StatusOr<absl::Duration> DurationFromProto(
    const google::protobuf::Duration& in, absl::string_view field) {
  LONGTAKE_RETURN_IF_ERROR(CheckDuration(in.seconds(), in.nanos(), field));
  return absl::Seconds(in.seconds()) + absl::Nanoseconds(in.nanos());
}

void MoneyToProto(const Money& money, google::type::Money* out) {
  out->set_currency_code(money.currency_code);
  out->set_units(money.units);
  out->set_nanos(money.nanos);
}

Money MoneyFromProto(const google::type::Money& in) {
  return Money{in.currency_code(), in.units(), in.nanos()};
}

FieldMask FieldMaskFromProto(const google::protobuf::FieldMask& in) {
  return FieldMask(in.paths().begin(), in.paths().end());
}

}  // namespace longtake
