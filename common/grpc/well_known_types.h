#pragma once

// The one place where protobuf's well-known types (Timestamp, Duration,
// FieldMask) and google.type.Money become Abseil / domain values and back,
// for both services' adapters.
//
//   TimeToProto(film.create_time, out->mutable_create_time());
//   StampsToProto(film, out);  // create_time and update_time, when set
//   LONGTAKE_ASSIGN_OR_RETURN(offer.available_until,
//       TimeFromProto(in.available_until(), "offer.available_until",
//                     in.has_available_until(), absl::InfiniteFuture()));
//
// A Timestamp or Duration from a request is checked here, as it is read:
// outside the range google/protobuf documents (common/domain/field_limits.h)
// it is INVALID_ARGUMENT naming `field`, so it is never stored to break a
// later JSON rendering or an arithmetic on it.

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
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
absl::StatusOr<absl::Time> TimeFromProto(
    const google::protobuf::Timestamp& in, absl::string_view field,
    bool has = true, absl::Time unset = absl::InfinitePast());

// Whether `time` is set, i.e. finite: what TimeToProto writes. Check it
// before mutable_*(), which creates the field even when nothing is written.
inline bool HasTime(absl::Time time) {
  return time != absl::InfinitePast() && time != absl::InfiniteFuture();
}

// create_time and update_time of a stored resource (a Film, an Offer...),
// those that are set.
template <typename Resource, typename Proto>
void StampsToProto(const Resource& resource, Proto* out) {
  if (HasTime(resource.create_time)) {
    TimeToProto(resource.create_time, out->mutable_create_time());
  }
  if (HasTime(resource.update_time)) {
    TimeToProto(resource.update_time, out->mutable_update_time());
  }
}

// create_time and update_time of a resource in a request: output only, but
// checked like any time read from a request. `path` names the resource
// ("film": "film.create_time").
template <typename Proto, typename Resource>
absl::Status StampsFromProto(const Proto& in, absl::string_view path,
                             Resource* out) {
  absl::StatusOr<absl::Time> create_time =
      TimeFromProto(in.create_time(), absl::StrCat(path, ".create_time"),
                    in.has_create_time());
  if (!create_time.ok()) return create_time.status();
  absl::StatusOr<absl::Time> update_time =
      TimeFromProto(in.update_time(), absl::StrCat(path, ".update_time"),
                    in.has_update_time());
  if (!update_time.ok()) return update_time.status();
  out->create_time = *create_time;
  out->update_time = *update_time;
  return absl::OkStatus();
}

// Seconds and nanos carry the same sign, as Duration requires.
void DurationToProto(absl::Duration duration, google::protobuf::Duration* out);
absl::StatusOr<absl::Duration> DurationFromProto(
    const google::protobuf::Duration& in, absl::string_view field);

void MoneyToProto(const Money& money, google::type::Money* out);
Money MoneyFromProto(const google::type::Money& in);

// An update_mask's paths, in order, for ApplyMask (common/domain/field_mask.h).
FieldMask FieldMaskFromProto(const google::protobuf::FieldMask& in);

}  // namespace longtake
