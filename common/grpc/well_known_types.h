#pragma once

// The one place where protobuf's well-known types (Timestamp, Duration,
// FieldMask) and google.type.Money become Abseil / domain values and back,
// for both services' adapters.
//
//   TimeToProto(film.create_time, out->mutable_create_time());
//   offer.available_until = TimeFromProto(in.available_until(),
//       in.has_available_until(), absl::InfiniteFuture());

#include "absl/time/time.h"
#include "common/domain/field_mask.h"
#include "common/domain/money.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/money.pb.h"

namespace longtake {

// An infinite time stands for "unset": `out` is left untouched. Nanos are
// always non-negative, as Timestamp requires.
void TimeToProto(absl::Time time, google::protobuf::Timestamp* out);
// `unset` when the message does not carry the field (`has` false).
absl::Time TimeFromProto(const google::protobuf::Timestamp& in, bool has = true,
                         absl::Time unset = absl::InfinitePast());

// Seconds and nanos carry the same sign, as Duration requires.
void DurationToProto(absl::Duration duration, google::protobuf::Duration* out);
absl::Duration DurationFromProto(const google::protobuf::Duration& in);

void MoneyToProto(const Money& money, google::type::Money* out);
Money MoneyFromProto(const google::type::Money& in);

// An update_mask's paths, in order, for ApplyMask (common/domain/field_mask.h).
FieldMask FieldMaskFromProto(const google::protobuf::FieldMask& in);

}  // namespace longtake
